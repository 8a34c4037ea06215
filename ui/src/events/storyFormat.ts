// Pure helpers of the story view: the causation tree and its time axis.
import type { EventStory } from '../bindings/EventStory';
import type { StoryEvent } from '../bindings/StoryEvent';
import type { AttemptResult } from '../bindings/AttemptResult';
import type { Resumption } from '../bindings/Resumption';
import type { StoryExecution } from '../bindings/StoryExecution';
import type { StoryQuery } from '../bindings/StoryQuery';

/** A span on the story's time axis, in percent of the axis. */
export interface AxisSpan {
  /** Where it starts, 0 to 100. */
  left: number;
  /** How wide it is, at least a sliver so an instant shows. */
  width: number;
}

/** One delivery attempt of an event, as a bar on the time axis. */
export interface AttemptBar extends AxisSpan {
  /** `target · attempt n: result (duration)`, for the tooltip. */
  title: string;
  result: AttemptResult;
}

/** A workflow execution of the story, as a bar on the time axis. */
export interface ExecutionBar extends AxisSpan {
  execution: StoryExecution;
  /** The tasks it waited on, each a span from scheduled to answered. */
  waits: (AxisSpan & { resumption: Resumption; answeredBy: StoryEvent | null })[];
}

/** One line of the causation tree, in reading order. */
export interface StoryLine {
  event: StoryEvent;
  /** How many causes up to a root (0 for a root). */
  depth: number;
  /** Where the event sits on the story's time axis, 0 to 100. */
  offset: number;
  /** Milliseconds since the story's first event. */
  sinceStartMs: number;
  /** The executions this event started, as bars. */
  executions: ExecutionBar[];
  /** Its delivery attempts, as bars. */
  attempts: AttemptBar[];
  /** The waiting tasks this event answered (the executions it resumed). */
  resumed: { execution: StoryExecution; resumption: Resumption }[];
}

/** The narrowest bar shown, in percent, so an instant is still visible. */
const MIN_WIDTH = 0.6;

/** The first and last instants of the story: events, attempts, executions and their waits. */
function storyBounds(story: EventStory): { start: number; end: number } {
  const times: number[] = [];
  for (const e of story.events) {
    times.push(e.event.receivedAtMs);
    for (const hop of e.trace.hops) {
      for (const invocation of hop.invocations) {
        for (const attempt of invocation.attempts) {
          times.push(attempt.startedMs);
          if (attempt.endedMs !== null) times.push(attempt.endedMs);
        }
      }
    }
  }
  for (const execution of story.executions) {
    times.push(execution.startedMs);
    if (execution.stoppedMs !== null) times.push(execution.stoppedMs);
    for (const r of execution.resumptions) times.push(r.scheduledMs, r.answeredMs);
  }
  return { start: Math.min(...times), end: Math.max(...times) };
}

/**
 * The events as a tree by causation, each cause followed by its effects
 * (oldest first); events whose cause is not in the story are roots.
 */
export function storyLines(story: EventStory): StoryLine[] {
  const events = story.events;
  if (events.length === 0) return [];
  const { start, end } = storyBounds(story);
  const span = Math.max(end - start, 1);
  const at = (ms: number) => ((ms - start) / span) * 100;
  const spanOf = (from: number, to: number): AxisSpan => ({
    left: at(from),
    width: Math.max(at(to) - at(from), MIN_WIDTH),
  });
  const byId = new Map(events.map((e) => [e.event.id, e]));
  const known = new Set(events.map((e) => e.event.id));
  const children = new Map<string, StoryEvent[]>();
  const roots: StoryEvent[] = [];
  for (const event of events) {
    const cause = event.causedBy;
    if (cause !== null && cause !== event.event.id && known.has(cause)) {
      const siblings = children.get(cause) ?? [];
      siblings.push(event);
      children.set(cause, siblings);
    } else {
      roots.push(event);
    }
  }
  const byTime = (a: StoryEvent, b: StoryEvent) => a.event.receivedAtMs - b.event.receivedAtMs;
  const lines: StoryLine[] = [];
  const seen = new Set<string>();
  const visit = (event: StoryEvent, depth: number) => {
    // A causation loop (bad data) must not hang the view.
    if (seen.has(event.event.id)) return;
    seen.add(event.event.id);
    lines.push({
      event,
      depth,
      offset: at(event.event.receivedAtMs),
      sinceStartMs: event.event.receivedAtMs - start,
      executions: story.executions
        .filter((execution) => execution.startedBy === event.event.id)
        .map((execution) => ({
          execution,
          ...spanOf(execution.startedMs, execution.stoppedMs ?? end),
          waits: execution.resumptions.map((resumption) => ({
            resumption,
            answeredBy: resumption.answeredBy === null ? null : (byId.get(resumption.answeredBy) ?? null),
            ...spanOf(resumption.scheduledMs, resumption.answeredMs),
          })),
        })),
      attempts: event.trace.hops.flatMap((hop) =>
        hop.invocations.flatMap((invocation) =>
          invocation.attempts.map((attempt) => {
            const ended = attempt.endedMs ?? end;
            const took = attempt.endedMs === null ? 'in flight' : formatDuration(attempt.endedMs - attempt.startedMs);
            return {
              ...spanOf(attempt.startedMs, ended),
              result: attempt.result,
              title: `${shortArn(invocation.targetArn)} · attempt ${attempt.number}: ${attemptWords(attempt.result)} (${took})`,
            };
          }),
        ),
      ),
      resumed: story.executions.flatMap((execution) =>
        execution.resumptions
          .filter((resumption) => resumption.answeredBy === event.event.id)
          .map((resumption) => ({ execution, resumption })),
      ),
    });
    for (const child of (children.get(event.event.id) ?? []).sort(byTime)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byTime)) visit(root, 0);
  return lines;
}

/** The last part of an ARN: a function's, queue's or state machine's name. */
function shortArn(arn: string): string {
  return arn.split(/[:/]/).pop() ?? arn;
}

/** An attempt's result in words. */
export function attemptWords(result: AttemptResult): string {
  switch (result) {
    case 'inFlight':
      return 'in flight';
    case 'succeeded':
      return 'succeeded';
    case 'retryableFailure':
      return 'failed, retried';
    case 'permanentFailure':
      return 'failed for good';
    case 'throttled':
      return 'throttled';
  }
}

/** What a resumption did, in words: `answered AskRestaurant after 2.1 s`. */
export function describeResumption(resumption: Resumption): string {
  const waited = formatDuration(resumption.answeredMs - resumption.scheduledMs);
  switch (resumption.outcome) {
    case 'TaskSucceeded':
      return `${resumption.stateName} answered after ${waited}`;
    case 'TaskFailed':
      return `${resumption.stateName} failed${resumption.error ? ` (${resumption.error})` : ''} after ${waited}`;
    case 'TaskTimedOut':
      return `${resumption.stateName} timed out after ${waited}`;
    default:
      return `${resumption.stateName}: ${resumption.outcome} after ${waited}`;
  }
}

/** The search as a sentence. */
export function describeQuery(query: StoryQuery): string {
  switch (query.kind) {
    case 'eventId':
      return `Event ${query.value} and what it caused`;
    case 'correlationId':
      return `Everything correlated with ${query.value}`;
    case 'text':
      return `Events containing “${query.value}”`;
  }
}

/** The best story to open from an event: its correlation's, else its own. */
export function storyQueryFor(event: { id: string; detail: unknown }): StoryQuery {
  const metadata = (event.detail as { metadata?: { correlationId?: unknown } } | null)?.metadata;
  const correlation = metadata?.correlationId;
  if (typeof correlation === 'string' && correlation.length > 0) return { kind: 'correlationId', value: correlation };
  return { kind: 'eventId', value: event.id };
}

/** A duration in words a person reads at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
