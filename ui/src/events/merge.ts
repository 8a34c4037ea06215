// Pure merge of newly received events into the list on screen.
import type { BusEvent } from '../bindings/BusEvent';
import { eventKey } from './format';

/**
 * The newest events kept in memory; older ones are dropped as new ones
 * arrive (the explorer says so). The bus logs still hold them: a story
 * search reads the logs, not this list.
 */
export const MAX_EVENTS = 100_000;

const newestFirst = (a: BusEvent, b: BusEvent) => b.receivedAtMs - a.receivedAtMs;

/**
 * Newest first (by receivedAtMs), one entry per event (`eventKey`: a replayed
 * copy is an entry of its own), at most `cap`.
 * Pushes can overlap the initial list, so an id already shown is kept once;
 * the incoming copy wins, being the more recent read.
 *
 * `current` must already be newest first (as this function returns it): the
 * few incoming events are sorted and merged in one pass, so a push costs
 * O(current) rather than a sort of the whole list.
 */
export function mergeEvents(
  current: readonly BusEvent[],
  incoming: readonly BusEvent[],
  cap: number = MAX_EVENTS,
): BusEvent[] {
  if (incoming.length === 0) return current.slice(0, cap);
  const byId = new Map<string, BusEvent>();
  for (const event of incoming) byId.set(eventKey(event), event);
  // An event delivered again keeps its place among `current`, with the new copy.
  const kept: BusEvent[] = [];
  let replaced = false;
  for (const event of current) {
    const again = byId.get(eventKey(event));
    if (again === undefined) {
      kept.push(event);
    } else {
      kept.push(again);
      byId.delete(eventKey(event));
      replaced = true;
    }
  }
  // A copy delivered again may carry another timestamp: keep `kept` sorted.
  if (replaced && !isSorted(kept)) kept.sort(newestFirst);
  // Array.prototype.sort is stable, so equal timestamps keep arrival order.
  const fresh = [...byId.values()].sort(newestFirst);
  if (fresh.length === 0) return kept.length > cap ? kept.slice(0, cap) : kept;
  const merged: BusEvent[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < cap && (i < kept.length || j < fresh.length)) {
    const a = kept[i];
    const b = fresh[j];
    // On equal timestamps, events already listed come first.
    if (b === undefined || (a !== undefined && a.receivedAtMs >= b.receivedAtMs)) {
      merged.push(a!);
      i += 1;
    } else {
      merged.push(b);
      j += 1;
    }
  }
  return merged;
}

function isSorted(events: readonly BusEvent[]): boolean {
  for (let k = 1; k < events.length; k += 1) {
    if (events[k - 1]!.receivedAtMs < events[k]!.receivedAtMs) return false;
  }
  return true;
}
