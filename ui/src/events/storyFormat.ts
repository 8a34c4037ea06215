// Pure helpers of the story view: the causation tree and its time axis.
import type { EventStory } from '../bindings/EventStory';
import type { StoryEvent } from '../bindings/StoryEvent';
import type { StoryExecution } from '../bindings/StoryExecution';
import type { StoryQuery } from '../bindings/StoryQuery';

/** One line of the causation tree, in reading order. */
export interface StoryLine {
  event: StoryEvent;
  /** How many causes up to a root (0 for a root). */
  depth: number;
  /** Where the event sits on the story's time axis, 0 to 100. */
  offset: number;
  /** Milliseconds since the story's first event. */
  sinceStartMs: number;
  /** The executions this event started. */
  executions: StoryExecution[];
}

/**
 * The events as a tree by causation, each cause followed by its effects
 * (oldest first); events whose cause is not in the story are roots.
 */
export function storyLines(story: EventStory): StoryLine[] {
  const events = story.events;
  if (events.length === 0) return [];
  const start = Math.min(...events.map((e) => e.event.receivedAtMs));
  const end = Math.max(...events.map((e) => e.event.receivedAtMs));
  const span = Math.max(end - start, 1);
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
      offset: ((event.event.receivedAtMs - start) / span) * 100,
      sinceStartMs: event.event.receivedAtMs - start,
      executions: story.executions.filter((execution) => execution.startedBy === event.event.id),
    });
    for (const child of (children.get(event.event.id) ?? []).sort(byTime)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byTime)) visit(root, 0);
  return lines;
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
