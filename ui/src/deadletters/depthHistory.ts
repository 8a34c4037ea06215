// Each dead-letter queue's depth over time, from every read of the queues
// since the app started (the header's button reads them every few seconds,
// the open drawer more often), kept for the last hours.
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';

/** One reading of a queue's depth. */
export interface DepthSample {
  atMs: number;
  depth: number;
}

/** How long samples are kept. */
export const HISTORY_MS = 3 * 60 * 60 * 1000;
/** Readings closer together than this replace each other (the drawer reads often). */
const MIN_SPACING_MS = 5_000;

const history = new Map<string, DepthSample[]>();

/** Notes the depths of a read of the queues. */
export function recordDepths(queues: readonly DeadLetterQueue[], nowMs: number): void {
  for (const queue of queues) {
    if (queue.queueUrl === null) continue;
    const samples = history.get(queue.queueArn) ?? [];
    const last = samples[samples.length - 1];
    if (last && nowMs - last.atMs < MIN_SPACING_MS) samples[samples.length - 1] = { atMs: last.atMs, depth: queue.depth };
    else samples.push({ atMs: nowMs, depth: queue.depth });
    const cutoff = samples.findIndex((s) => s.atMs >= nowMs - HISTORY_MS);
    if (cutoff > 0) samples.splice(0, cutoff);
    history.set(queue.queueArn, samples);
  }
}

/** A queue's readings, oldest first. */
export function depthHistory(queueArn: string): readonly DepthSample[] {
  return history.get(queueArn) ?? [];
}

/** For tests: forgets every reading. */
export function resetDepthHistory(): void {
  history.clear();
}

/** The polyline points of a sparkline `width`×`height` of the samples (a step per reading). */
export function sparklinePoints(samples: readonly DepthSample[], width: number, height: number): string {
  if (samples.length === 0) return '';
  const first = samples[0]!.atMs;
  const span = Math.max(samples[samples.length - 1]!.atMs - first, 1);
  const max = Math.max(...samples.map((s) => s.depth), 1);
  const x = (at: number) => ((at - first) / span) * width;
  const y = (depth: number) => height - (depth / max) * height;
  const points: string[] = [];
  samples.forEach((sample, i) => {
    if (i > 0) points.push(`${x(sample.atMs).toFixed(1)},${y(samples[i - 1]!.depth).toFixed(1)}`);
    points.push(`${x(sample.atMs).toFixed(1)},${y(sample.depth).toFixed(1)}`);
  });
  if (samples.length === 1) points.push(`${width},${y(samples[0]!.depth).toFixed(1)}`);
  return points.join(' ');
}

/** What a queue's line says: `empty` all along, holding `some` now, or `drained` of what it held. */
export type DepthTrend = 'empty' | 'some' | 'drained';

/** The trend of a queue's readings, for its sparkline's colour. */
export function depthTrend(samples: readonly DepthSample[]): DepthTrend {
  const now = samples[samples.length - 1]?.depth ?? 0;
  if (now > 0) return 'some';
  return samples.some((s) => s.depth > 0) ? 'drained' : 'empty';
}
