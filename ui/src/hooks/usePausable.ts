// Pause and resume a live list: while paused the list on screen stays as it
// was; events that arrive meanwhile are counted, and shown on resume.
import { useCallback, useMemo, useState } from 'react';
import type { BusEvent } from '../bindings/BusEvent';

export interface Pausable {
  /** What to show: the live list, or the list as it was when paused. */
  events: readonly BusEvent[];
  paused: boolean;
  /** Events received since the pause (ids not on screen). */
  pending: number;
  pause: () => void;
  resume: () => void;
}

export function usePausable(live: readonly BusEvent[]): Pausable {
  const [frozen, setFrozen] = useState<readonly BusEvent[] | null>(null);
  const shownIds = useMemo(() => (frozen === null ? null : new Set(frozen.map((e) => e.id))), [frozen]);
  const pending = useMemo(() => {
    if (shownIds === null) return 0;
    let count = 0;
    for (const event of live) if (!shownIds.has(event.id)) count += 1;
    return count;
  }, [live, shownIds]);
  const pause = useCallback(() => setFrozen((current) => current ?? live), [live]);
  const resume = useCallback(() => setFrozen(null), []);
  return { events: frozen ?? live, paused: frozen !== null, pending, pause, resume };
}
