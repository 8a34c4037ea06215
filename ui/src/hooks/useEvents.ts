// The event list: the initial page merged with every `events-received` push.
import { useEffect, useState } from 'react';
import { listEvents, onEventsReceived, toAppError } from '../api';
import { whenStarted } from '../startupTimings';
import type { BusEvent } from '../bindings/BusEvent';
import { isStopped, onConnectionChanged } from '../connection/api';
import { mergeEvents } from '../events/merge';
import { subscribe } from './subscribe';

export interface EventsState {
  events: BusEvent[];
  loading: boolean;
  error: string | null;
}

export function useEvents(): EventsState {
  const [events, setEvents] = useState<BusEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Bumped on every connection change: the old connection's events go and
  // the effect below starts over (not while the local system is stopped).
  const [generation, setGeneration] = useState(0);

  useEffect(
    () =>
      subscribe(
        () =>
          onConnectionChanged((overview) => {
            setEvents([]);
            setError(null);
            setLoading(!isStopped(overview));
            if (!isStopped(overview)) setGeneration((g) => g + 1);
          }),
        (reason) => console.error('Could not subscribe to connection changes', reason),
      ),
    [],
  );

  useEffect(() => {
    let active = true;
    // Listen before asking for the first page so nothing falls in between;
    // merging dedupes whatever both deliver.
    const stop = subscribe(
      () =>
        onEventsReceived((incoming) => {
          if (active) setEvents((prev) => mergeEvents(prev, incoming));
        }),
      (reason) => {
        if (active) setError(toAppError(reason).message);
      },
    );
    // The first page waits for the first graph (see `whenStarted`); pushes
    // that come meanwhile are merged as usual.
    whenStarted()
      .then(() => listEvents(null))
      .then(
        (page) => {
          if (active) setEvents((prev) => mergeEvents(prev, page.events));
        },
        (reason: unknown) => {
          if (active) setError(toAppError(reason).message);
        },
      )
      .finally(() => {
        if (active) setLoading(false);
      });
    return () => {
      active = false;
      stop();
    };
  }, [generation]);

  return { events, loading, error };
}
