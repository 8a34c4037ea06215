// Pure merge of newly received events into the list on screen.
import type { BusEvent } from '../bindings/BusEvent';

export const MAX_EVENTS = 1000;

/**
 * Newest first (by receivedAtMs), one entry per event id, at most `cap`.
 * Pushes can overlap the initial list, so an id already shown is kept once;
 * the incoming copy wins, being the more recent read.
 */
export function mergeEvents(
  current: readonly BusEvent[],
  incoming: readonly BusEvent[],
  cap: number = MAX_EVENTS,
): BusEvent[] {
  if (incoming.length === 0) return current.slice(0, cap);
  const byId = new Map<string, BusEvent>();
  for (const event of current) byId.set(event.id, event);
  for (const event of incoming) byId.set(event.id, event);
  // Array.prototype.sort is stable, so equal timestamps keep arrival order.
  return [...byId.values()].sort((a, b) => b.receivedAtMs - a.receivedAtMs).slice(0, cap);
}
