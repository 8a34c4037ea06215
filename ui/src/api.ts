// Typed wrappers over the Tauri commands and events the Rust side provides.
// This is the only module that talks to @tauri-apps/api, so tests can mock
// the transport in one place and the rest of the UI stays plain TypeScript.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { ActivityBatch } from './bindings/ActivityBatch';
import type { AppError } from './bindings/AppError';
import type { BusEvent } from './bindings/BusEvent';
import type { ConnectionInfo } from './bindings/ConnectionInfo';
import type { DeadLetter } from './bindings/DeadLetter';
import type { DeadLetterQueue } from './bindings/DeadLetterQueue';
import type { DeleteOutcome } from './bindings/DeleteOutcome';
import type { EventPage } from './bindings/EventPage';
import type { EventStory } from './bindings/EventStory';
import type { EventTrace } from './bindings/EventTrace';
import type { PatternTest } from './bindings/PatternTest';
import type { PutEventOutcome } from './bindings/PutEventOutcome';
import type { RedriveOutcome } from './bindings/RedriveOutcome';
import type { RedriveTo } from './bindings/RedriveTo';
import type { RuleMatch } from './bindings/RuleMatch';
import type { StoryQuery } from './bindings/StoryQuery';
import type { Topology } from './bindings/Topology';
import { markStartup, startupMarks } from './startupTimings';

export type { UnlistenFn };

export function connectionInfo(): Promise<ConnectionInfo> {
  return invoke<ConnectionInfo>('connection_info');
}

export function getTopology(): Promise<Topology> {
  markStartup('topologyAsked');
  return invoke<Topology>('get_topology').then((topology) => {
    markStartup('topologyReceived');
    return topology;
  });
}

let earlyTopology: Promise<Topology> | null = null;
let arrived: Topology | null = null;

/**
 * Asks for the topology at start-up, before the UI has mounted (the reply
 * comes while it mounts); settles when the reply is in, whatever it is.
 */
export function prefetchTopology(): Promise<void> {
  earlyTopology ??= getTopology();
  return earlyTopology.then(
    (topology) => {
      arrived = topology;
    },
    () => undefined,
  );
}

/** The start-up's topology if it is in already: the UI's first render can draw the graph. */
export function arrivedTopology(): Topology | null {
  return arrived;
}

/** The start-up's prefetched topology the first time (then it is gone), else a new read. */
export function firstTopology(): Promise<Topology> {
  const early = earlyTopology;
  earlyTopology = null;
  return early ?? getTopology();
}

export function listEvents(sinceMs: number | null): Promise<EventPage> {
  return invoke<EventPage>('list_events', { sinceMs });
}

export function getTrace(eventId: string): Promise<EventTrace> {
  return invoke<EventTrace>('get_trace', { eventId });
}

export function getStory(query: StoryQuery): Promise<EventStory> {
  return invoke<EventStory>('get_story', { query });
}

/** Tells the app the graph is laid out (once: it times the start-up), with the start-up's milestones. */
export function graphReady(): Promise<void> {
  markStartup('ready');
  return invoke<void>('graph_ready', { marks: startupMarks() });
}

export function putSampleEvent(): Promise<PutEventOutcome> {
  return invoke<PutEventOutcome>('put_sample_event');
}

/** Resolves when EventBridge would accept the pattern; rejects with its reason. */
export function checkPattern(pattern: string): Promise<void> {
  return invoke<null>('check_pattern', { pattern }).then(() => undefined);
}

/** Whether each event (EventBridge's envelope: `source`, `detail-type`…) matches, in order. */
export function matchEvents(pattern: string, events: readonly unknown[]): Promise<boolean[]> {
  return invoke<boolean[]>('match_events', { pattern, events });
}

/** Tests a pattern against one event (JSON text), field by field. */
export function testPattern(pattern: string, event: string): Promise<PatternTest> {
  return invoke<PatternTest>('test_pattern', { pattern, event });
}

/** The rules of the system whose patterns match the event (JSON text). */
export function rulesMatchingEvent(event: string): Promise<RuleMatch[]> {
  return invoke<RuleMatch[]>('rules_matching_event', { event });
}

/** Every dead-letter queue the targets name, with its depth and who sends to it. */
export function listDeadLetterQueues(): Promise<DeadLetterQueue[]> {
  return invoke<DeadLetterQueue[]>('list_dead_letter_queues');
}

/**
 * Up to `max` messages of a dead-letter queue: received for a moment (each
 * counts a receive), then made visible again at once.
 */
export function peekDeadLetters(queueUrl: string, max: number): Promise<DeadLetter[]> {
  return invoke<DeadLetter[]>('peek_dead_letters', { queueUrl, max });
}

/** Sends dead letters on (all of the queue's when `messageIds` is empty); what became of each. */
export function redriveDeadLetters(queueUrl: string, messageIds: string[], to: RedriveTo): Promise<RedriveOutcome[]> {
  return invoke<RedriveOutcome[]>('redrive_dead_letters', { queueUrl, messageIds, to });
}

export function deleteDeadLetters(queueUrl: string, messageIds: string[]): Promise<DeleteOutcome[]> {
  return invoke<DeleteOutcome[]>('delete_dead_letters', { queueUrl, messageIds });
}

export function onTopologyChanged(handler: (topology: Topology) => void): Promise<UnlistenFn> {
  return listen<Topology>('topology-changed', (event) => handler(event.payload));
}

export function onEventsReceived(handler: (events: BusEvent[]) => void): Promise<UnlistenFn> {
  return listen<BusEvent[]>('events-received', (event) => handler(event.payload));
}

/** The graph's live activity, pushed every poll of the bus logs. */
export function onActivity(handler: (batch: ActivityBatch) => void): Promise<UnlistenFn> {
  return listen<ActivityBatch>('activity', (event) => handler(event.payload));
}

/**
 * Commands reject with an AppError, but the transport itself can fail with
 * anything (a plain string, an Error when not running inside Tauri), so every
 * rejection is normalised before it reaches the screen.
 */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) return { message: reason.message, code: reason.code ?? null };
  if (reason instanceof Error) return { message: reason.message, code: null };
  if (typeof reason === 'string' && reason.length > 0) return { message: reason, code: null };
  return { message: 'Unknown error', code: null };
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
