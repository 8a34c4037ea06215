// The event explorer's state: pause, filters and event pattern over the live
// events, and what passes them. Held above the explorer so that a story
// search and back leaves the filters as they were.
import { useEffect, useMemo, useState } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import { facetsOf, filterEvents, isRelative, NO_FILTERS, type EventFilters, type Facets } from '../events/filters';
import { useDebounced } from './useDebounced';
import { usePausable, type Pausable } from './usePausable';
import { usePatternMatches, type PatternState } from './usePatternMatches';

export const TEXT_DEBOUNCE_MS = 200;
/** How often "last 5 min" and "last hour" move on. */
const CLOCK_TICK_MS = 5_000;

export interface Explorer {
  pausable: Pausable;
  filters: EventFilters;
  setFilters: (update: (filters: EventFilters) => EventFilters) => void;
  patternText: string;
  setPatternText: (pattern: string) => void;
  pattern: PatternState;
  facets: Facets;
  /** The events that pass the filters and the pattern, newest first. */
  shown: readonly BusEvent[];
}

export function useExplorer(live: readonly BusEvent[]): Explorer {
  const pausable = usePausable(live);
  const [filters, setFilters] = useState<EventFilters>(NO_FILTERS);
  const [patternText, setPatternText] = useState('');
  const text = useDebounced(filters.text, TEXT_DEBOUNCE_MS);
  const pattern = usePatternMatches(patternText, pausable.events);
  const now = useClock(isRelative(filters) ? CLOCK_TICK_MS : null);
  const facets = useMemo(() => facetsOf(pausable.events), [pausable.events]);

  const judging = pattern.status === 'matching' || pattern.status === 'ready';
  const matches = judging ? pattern.matches : undefined;
  // The map is filled in place as batches are judged: `version` says when.
  const version = judging ? pattern.version : -1;
  const { bus, source, detailType, time, fromMs, toMs } = filters;
  const relative = isRelative(filters);
  const shown = useMemo(() => {
    void version;
    return filterEvents(
      pausable.events,
      { bus, source, detailType, time, fromMs, toMs, text },
      relative ? now : 0,
      matches,
    );
  }, [pausable.events, bus, source, detailType, time, fromMs, toMs, text, relative, now, matches, version]);

  return { pausable, filters, setFilters, patternText, setPatternText, pattern, facets, shown };
}

/** Date.now(), refreshed every `tickMs` (and not at all when null). */
function useClock(tickMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (tickMs === null) return;
    const refresh = () => setNow(Date.now());
    const first = setTimeout(refresh, 0);
    const timer = setInterval(refresh, tickMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [tickMs]);
  return now;
}
