// Reads the circuits every `everyMs` while mounted (and `enabled`), into the
// shared store, so the button, the panel and the demo scenario agree.
import { useEffect, useState } from 'react';
import { toAppError } from '../api';
import { whenStarted } from '../startupTimings';
import { getCircuits } from './api';
import { reportCircuits, reportCircuitsError } from './store';
import { TIMELINE_WINDOW_MS } from './timeline';

export function useCircuitsPolling(everyMs: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return undefined;
    let cancelled = false;
    const read = () => {
      getCircuits(TIMELINE_WINDOW_MS).then(
        (report) => {
          if (!cancelled) reportCircuits(report);
        },
        (reason: unknown) => {
          if (!cancelled) reportCircuitsError(toAppError(reason));
        },
      );
    };
    // The first read waits for the first graph (see `whenStarted`).
    void whenStarted().then(() => {
      if (!cancelled) read();
    });
    const timer = setInterval(read, everyMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [everyMs, enabled]);
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
