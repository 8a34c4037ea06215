// The task-token drawer's wording (pure): names from ARNs, countdowns to
// deadlines, and the check of a success's output before it is sent.
import type { TaskAnswerOutcome } from '../bindings/TaskAnswerOutcome';
import type { WaitingTask } from '../bindings/WaitingTask';

/** SendTaskSuccess's largest output, in UTF-8 bytes (256 KiB). */
export const MAX_OUTPUT_BYTES = 262_144;

/** The last part of an ARN: `…:stateMachine:order-fulfilment` → `order-fulfilment`. */
export function arnName(arn: string): string {
  const parts = arn.split(':');
  return parts.at(-1) || arn;
}

/** `1h 02m`, `4m 05s`, `12s`; `roundUp` for time left (a countdown shows 1s until it ends). */
export function formatDuration(ms: number, roundUp = false): string {
  const seconds = (roundUp ? Math.ceil : Math.floor)(Math.abs(ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A countdown to `deadlineMs` seen at `nowMs`: "in 4m 05s", or "passed 12s ago". */
export function countdown(deadlineMs: number, nowMs: number): { text: string; passed: boolean } {
  const left = deadlineMs - nowMs;
  if (left <= 0) return { text: `passed ${formatDuration(left)} ago`, passed: true };
  return { text: `in ${formatDuration(left, true)}`, passed: false };
}

/** How long ago: "3m 10s ago". */
export function since(thenMs: number, nowMs: number): string {
  return `${formatDuration(Math.max(0, nowMs - thenMs))} ago`;
}

/**
 * The heartbeat deadline: the history's (the task's start plus
 * HeartbeatSeconds), or HeartbeatSeconds after the last heartbeat this
 * dashboard sent, whichever is later.
 */
export function heartbeatDeadline(task: WaitingTask, heartbeatSentMs: number | undefined): number | null {
  if (task.heartbeatSeconds === null || task.heartbeatDeadlineMs === null) return null;
  if (heartbeatSentMs === undefined) return task.heartbeatDeadlineMs;
  return Math.max(task.heartbeatDeadlineMs, heartbeatSentMs + task.heartbeatSeconds * 1000);
}

/** A stable key for a task: its token, or where it waits when the token is unknown. */
export function taskKey(task: WaitingTask): string {
  return task.taskToken ?? `${task.executionArn}#${task.stateName}#${task.scheduledMs}`;
}

export type OutputCheck = { ok: true } | { ok: false; message: string };

/** Whether a success's output can be sent: JSON, at most 256 KiB; why not in words. */
export function checkOutput(text: string): OutputCheck {
  if (text.trim() === '') return { ok: false, message: 'The output is empty; it must be JSON, e.g. {} or "done".' };
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_OUTPUT_BYTES) {
    return { ok: false, message: `The output is ${bytes} bytes; Step Functions takes at most 256 KiB.` };
  }
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `The output is not JSON: ${reason}` };
  }
}

/** "2 sent, 1 not sent." */
export function outcomeSummary(outcomes: readonly TaskAnswerOutcome[]): string {
  const sent = outcomes.filter((o) => o.sent).length;
  const refused = outcomes.length - sent;
  if (refused === 0) return `${sent} sent.`;
  if (sent === 0) return `${refused} not sent.`;
  return `${sent} sent, ${refused} not sent.`;
}
