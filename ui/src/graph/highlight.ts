// The highlighted path, shared across the app: anything (the event story,
// say) calls setHighlight with the ids to light up, GraphView applies it to
// the renderer. A module-level store, so callers need no provider or ref.
import { useSyncExternalStore } from 'react';
import type { EventTrace } from '../bindings/EventTrace';

export interface Highlight {
  nodeIds: string[];
  /** null: the edges between the highlighted nodes. */
  edgeIds: string[] | null;
}

let current: Highlight | null = null;
const listeners = new Set<() => void>();

/** Lights these ids up and fades the rest; null (or no nodes) clears. */
export function setHighlight(ids: Highlight | null) {
  current = ids && ids.nodeIds.length > 0 ? ids : null;
  for (const listener of listeners) listener();
}

export function getHighlight(): Highlight | null {
  return current;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useHighlight(): Highlight | null {
  return useSyncExternalStore(subscribe, getHighlight, getHighlight);
}

// The traces whose path to light up (an open story, an open event): the
// graph works out the ids with its own topology. An explicit highlight wins.
let traces: EventTrace[] | null = null;
const traceListeners = new Set<() => void>();

/** Lights up the path these traces took; null (or none) clears. */
export function setHighlightedTraces(next: EventTrace[] | null) {
  traces = next && next.length > 0 ? next : null;
  for (const listener of traceListeners) listener();
}

export function getHighlightedTraces(): EventTrace[] | null {
  return traces;
}

function subscribeTraces(listener: () => void) {
  traceListeners.add(listener);
  return () => traceListeners.delete(listener);
}

export function useHighlightedTraces(): EventTrace[] | null {
  return useSyncExternalStore(subscribeTraces, getHighlightedTraces, getHighlightedTraces);
}
