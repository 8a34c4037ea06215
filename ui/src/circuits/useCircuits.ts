// Reads the circuits every `everyMs` while mounted (and `enabled`), into the
// shared store, so the button, the panel and the demo scenario agree.
import { useEffect, useState } from 'react';
import { toAppError } from '../api';
import { getCircuits } from './api';
import { reportCircuits, reportCircuitsError } from './store';
import { TIMELINE_WINDOW_MS } from './timeline';
import { usePolling } from '../hooks/usePolling';

export function useCircuitsPolling(everyMs: number, enabled = true): void {
  usePolling(enabled, everyMs, readCircuits, reportCircuits, (reason) => reportCircuitsError(toAppError(reason)));
}

function readCircuits() {
  return getCircuits(TIMELINE_WINDOW_MS);
}

/** Now, moved on every `everyMs`: for times that tick. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
