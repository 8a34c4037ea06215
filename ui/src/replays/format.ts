// Pure wording and arithmetic for the replay drawer: sizes and retention in
// words, the window pickers' local times, the presets (recent spans and the
// outages of circuits), the form's checks and a replay's progress.
import type { OutageWindow } from '../bindings/OutageWindow';
import type { ReplaySummary } from '../bindings/ReplaySummary';

/** AWS's limit on replay names. */
export const MAX_REPLAY_NAME = 64;
const NAME_CHARACTERS = /^[A-Za-z0-9._-]+$/;
/** Event times have whole seconds: an outage's window is widened by one each side. */
const OUTAGE_MARGIN_MS = 1_000;

/** Whether AWS can still cancel it. */
export function isActive(replay: ReplaySummary): boolean {
  return replay.state === 'STARTING' || replay.state === 'RUNNING';
}

/** How many replays are STARTING or RUNNING. */
export function runningCount(replays: readonly ReplaySummary[]): number {
  return replays.filter(isActive).length;
}

/** `1 event`, `2 events`; `pluralWord` for words that do not just take an s. */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : pluralWord}`;
}

/** A size in words: bytes, then KB, MB, GB (1,024 each). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()} ${units[unit]!}`;
}

/** An archive's retention in words. */
export function retentionWords(days: number | null): string {
  if (days === null || days <= 0) return 'kept forever';
  return `kept ${plural(days, 'day')}`;
}

function pad(n: number, width = 2): string {
  return n.toString().padStart(width, '0');
}

/** Epoch ms as a `datetime-local` input's value (local time, to the second). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A `datetime-local` input's value as epoch ms, or null when it is not a time. */
export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  // Without an offset, the date-time form is local time.
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Epoch ms in local time, for reading: `2026-11-22 13:04:05`. */
export function formatTime(ms: number | null): string {
  return ms === null ? 'unknown' : toLocalInput(ms).replace('T', ' ');
}

/** A window of event times. */
export interface ReplayWindow {
  startMs: number;
  endMs: number;
}

/** The recent spans offered as presets. */
export const RECENT_PRESETS = [
  { label: 'Last 15 min', spanMs: 15 * 60_000 },
  { label: 'Last hour', spanMs: 60 * 60_000 },
  { label: 'Last 24 h', spanMs: 24 * 60 * 60_000 },
] as const;

/** The window of the last `spanMs` up to `nowMs`, to whole seconds. */
export function recentWindow(spanMs: number, nowMs: number): ReplayWindow {
  const endMs = Math.ceil(nowMs / 1000) * 1000;
  return { startMs: endMs - spanMs, endMs };
}

/** A preset for the last outage of one circuit. */
export interface OutagePreset {
  circuit: string;
  label: string;
  startMs: number;
  /** A second after it closed; null while it is not closed (the window then ends when chosen). */
  endMs: number | null;
}

/**
 * One preset per circuit seen: its latest outage, from a second before it
 * opened to a second after it closed (or now, while it is not closed).
 */
export function outagePresets(outages: readonly OutageWindow[]): OutagePreset[] {
  const latest = new Map<string, OutageWindow>();
  for (const outage of outages) {
    const known = latest.get(outage.circuit);
    if (!known || outage.openedMs > known.openedMs) latest.set(outage.circuit, outage);
  }
  return [...latest.values()]
    .sort((a, b) => a.circuit.localeCompare(b.circuit))
    .map((outage) => ({
      circuit: outage.circuit,
      label: `Last outage of ${outage.circuit}${outage.closedMs === null ? ' (still open)' : ''}`,
      startMs: outage.openedMs - OUTAGE_MARGIN_MS,
      endMs: outage.closedMs === null ? null : outage.closedMs + OUTAGE_MARGIN_MS,
    }));
}

/** The window an outage preset stands for when chosen at `nowMs`. */
export function outageWindow(preset: OutagePreset, nowMs: number): ReplayWindow {
  return { startMs: preset.startMs, endMs: preset.endMs ?? Math.ceil(nowMs / 1000) * 1000 };
}

/** The form as typed. */
export interface ReplayForm {
  replayName: string;
  archiveName: string;
  from: string;
  to: string;
}

/** What is wrong with the form, in words; empty when it can be previewed and started. */
export function formProblems(form: ReplayForm): string[] {
  const problems: string[] = [];
  const name = form.replayName;
  if (name.length === 0) problems.push('Give the replay a name.');
  else if (name.length > MAX_REPLAY_NAME)
    problems.push(`A replay's name has at most ${MAX_REPLAY_NAME} characters; this one has ${name.length}.`);
  else if (!NAME_CHARACTERS.test(name))
    problems.push("A replay's name may hold only letters, digits, '.', '-' and '_'.");
  if (form.archiveName.length === 0) problems.push('Choose the archive to replay.');
  const start = fromLocalInput(form.from);
  const end = fromLocalInput(form.to);
  if (start === null) problems.push('Set when the window starts.');
  if (end === null) problems.push('Set when the window ends.');
  if (start !== null && end !== null && start >= end) problems.push("The window's start must be before its end.");
  return problems;
}

/** A name for a new replay of `archive`: `<archive>-<yyyymmdd-hhmmss>`, within AWS's rules. */
export function defaultReplayName(archive: string, nowMs: number): string {
  const d = new Date(nowMs);
  const stamp =
    `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}` +
    `-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  const base = archive.replace(/[^A-Za-z0-9._-]/g, '-') || 'replay';
  return `${base.slice(0, MAX_REPLAY_NAME - stamp.length - 1)}-${stamp}`;
}

/** A replay's progress as a whole percentage. */
export function progressPercent(replay: ReplaySummary): number {
  return Math.round(Math.min(1, Math.max(0, replay.progress)) * 100);
}

/** A replay's progress in words, for the progress bar. */
export function progressWords(replay: ReplaySummary): string {
  const percent = progressPercent(replay);
  if (replay.eventLastReplayedMs === null) {
    return replay.state === 'COMPLETED' ? '100%: nothing in the window' : `${percent}%: no event replayed yet`;
  }
  return `${percent}%: replayed up to ${formatTime(replay.eventLastReplayedMs)}`;
}
