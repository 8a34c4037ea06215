// The circuits panel's pure parts: a circuit's timeline strip as coloured
// segments, one per state it was in, and the words around them.
import type { CircuitHistory } from '../bindings/CircuitHistory';
import type { CircuitTransition } from '../bindings/CircuitTransition';

/** The longest the strip spans, and what is read: the last three hours. */
export const TIMELINE_WINDOW_MS = 3 * 60 * 60 * 1000;
/** The shortest the strip spans: a minute-long story still reads as one. */
export const MIN_WINDOW_MS = 10 * 60 * 1000;
/** The narrowest a segment is drawn, in pixels (CSS `min-width`): a 12 s outage stays visible in 3 h. */
export const MIN_SEGMENT_PX = 3;

const MINUTE = 60_000;

/**
 * Where the strip begins: shortly before the earliest transition known of
 * any circuit (or, with none, the app's first reading of the circuits), so a
 * short history fills the strip instead of its last pixel; at least
 * `MIN_WINDOW_MS` and at most `TIMELINE_WINDOW_MS` before now, in whole
 * minutes (5-minute steps past an hour), so its label stays short and steady.
 */
export function timelineWindowStart(circuits: readonly CircuitHistory[], firstReadMs: number | null, nowMs: number): number {
  const earliest = Math.min(...circuits.flatMap((c) => c.transitions.map((t) => t.atMs)));
  const anchor = Number.isFinite(earliest) ? earliest : (firstReadMs ?? nowMs - TIMELINE_WINDOW_MS);
  const age = Math.max(0, nowMs - anchor);
  // "Shortly before": room for the state it was in before, a tenth of the age.
  const wanted = age + Math.max(30_000, age / 10);
  const step = wanted > 60 * MINUTE ? 5 * MINUTE : MINUTE;
  const span = Math.min(TIMELINE_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.ceil(wanted / step) * step));
  return nowMs - span;
}

/** A window's length in words: `12 min`, `2 h 15 min`, `3 h`. */
export function windowWords(spanMs: number): string {
  const minutes = Math.round(spanMs / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A stretch of the strip in one state. */
export interface Segment {
  /** `CLOSED`, `OPEN`, `HALF_OPEN`, or `UNKNOWN` before the first known state. */
  state: string;
  startMs: number;
  endMs: number;
  /** Where it starts and how wide it is, in % of the strip. */
  leftPct: number;
  widthPct: number;
  /** The transition that began it (none for the one the window begins with). */
  transition: CircuitTransition | null;
}

/**
 * The strip of `circuit` from `windowStartMs` to `nowMs`: the state it was in
 * when the window began, then one segment per transition.
 */
export function timelineSegments(circuit: CircuitHistory, windowStartMs: number, nowMs: number): Segment[] {
  const span = Math.max(1, nowMs - windowStartMs);
  const pct = (ms: number) => ((Math.min(Math.max(ms, windowStartMs), nowMs) - windowStartMs) / span) * 100;
  const starts: { state: string; atMs: number; transition: CircuitTransition | null }[] = [
    { state: (circuit.stateAtWindowStart ?? 'UNKNOWN').toUpperCase(), atMs: windowStartMs, transition: null },
  ];
  for (const transition of circuit.transitions) {
    if (transition.atMs > nowMs) break;
    starts.push({ state: transition.to.toUpperCase(), atMs: Math.max(transition.atMs, windowStartMs), transition });
  }
  return starts
    .map((start, i) => {
      const endMs = starts[i + 1]?.atMs ?? nowMs;
      const leftPct = pct(start.atMs);
      return {
        state: start.state,
        startMs: start.atMs,
        endMs,
        leftPct,
        widthPct: pct(endMs) - leftPct,
        transition: start.transition,
      };
    })
    .filter((segment, i, all) => segment.endMs > segment.startMs || i === all.length - 1);
}

/**
 * Where a segment sits on the strip. The last one ends at now, so it is held
 * to the right edge: widened to `MIN_SEGMENT_PX` by CSS, it grows leftwards
 * into view instead of past the strip's end (a circuit that opened a second
 * ago is a red mark at the end, not nothing).
 */
export function segmentPlace(segment: Segment, last: boolean): { left?: string; right?: string; width: string } {
  const width = `${segment.widthPct}%`;
  return last ? { right: '0', width } : { left: `${segment.leftPct}%`, width };
}

/** `CLOSED` → `closed`, for class names. */
export function stateClass(state: string): string {
  return state.toLowerCase().replace('_', '-');
}

/** `HALF_OPEN` → `HALF-OPEN`, as shown. */
export function stateLabel(state: string): string {
  return state.toUpperCase().replace('_', '-');
}

/** Time in a state, ticking by the second: `42 s`, `3 min 07 s`, `2 h 05 min`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `14:02:07`, local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** What hovering a segment says: the transition that began it and how long it lasted. */
export function segmentTitle(segment: Segment): string {
  const label = stateLabel(segment.state);
  const lasted = formatElapsed(segment.endMs - segment.startMs);
  const t = segment.transition;
  if (!t) {
    return segment.state === 'UNKNOWN'
      ? `State not known before ${clockTime(segment.endMs)}`
      : `${label} when the window began, for ${lasted}`;
  }
  const from = t.from ? `${stateLabel(t.from)} → ` : '';
  const failures = t.failures === null ? '' : ` (${t.failures} failure${t.failures === 1 ? '' : 's'})`;
  const reason = t.reason ? `: ${t.reason}` : '';
  return `${from}${label} at ${clockTime(t.atMs)}${reason}${failures}; ${label} for ${lasted}`;
}

/** How many circuits are OPEN. */
export function openCount(circuits: readonly CircuitHistory[]): number {
  return circuits.filter((c) => c.state.toUpperCase() === 'OPEN').length;
}

/** OPEN first, then HALF_OPEN, then the rest, each by name. */
export function sortHistories(circuits: readonly CircuitHistory[]): CircuitHistory[] {
  const rank = (state: string) => ({ OPEN: 0, HALF_OPEN: 1 })[state.toUpperCase()] ?? 2;
  return [...circuits].sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name));
}
