// Reading something now and then: the header's counts and the panels that
// refresh while open share this.
import { useEffect, useRef } from 'react';
import { whenStarted } from '../startupTimings';

/**
 * While `enabled`, reads with `read` every `everyMs`, handing each answer
 * (or failure) to `onValue` / `onError` unless the poll was stopped
 * meanwhile. The first read waits for the first graph (`whenStarted`).
 */
export function usePolling<T>(
  enabled: boolean,
  everyMs: number,
  read: () => Promise<T>,
  onValue: (value: T) => void,
  onError: (reason: unknown) => void,
): void {
  // The latest callbacks, without restarting the poll when they change.
  const latest = useRef({ read, onValue, onError });
  useEffect(() => {
    latest.current = { read, onValue, onError };
  }, [read, onValue, onError]);

  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    const poll = () => {
      latest.current.read().then(
        (value) => {
          if (!stopped) latest.current.onValue(value);
        },
        (reason: unknown) => {
          if (!stopped) latest.current.onError(reason);
        },
      );
    };
    void whenStarted().then(() => {
      if (!stopped) poll();
    });
    const timer = setInterval(poll, everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [enabled, everyMs]);
}
