// The trace of one event, read again every 2 s while deliveries are under
// way (retries can take a while) and left alone once every one has ended.
import { useEffect, useState } from 'react';
import { getTrace, toAppError } from '../api';
import type { EventTrace } from '../bindings/EventTrace';

export type TraceState =
  | { status: 'loading' }
  | { status: 'ready'; trace: EventTrace }
  | { status: 'error'; message: string };

const REFRESH_MS = 2000;

export function useTrace(eventId: string): TraceState {
  const [state, setState] = useState<TraceState>({ status: 'loading' });

  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      getTrace(eventId).then(
        (trace) => {
          if (!active) return;
          setState({ status: 'ready', trace });
          if (!trace.complete || trace.hops.length === 0) timer = setTimeout(load, REFRESH_MS);
        },
        (reason: unknown) => {
          if (active) setState({ status: 'error', message: toAppError(reason).message });
        },
      );
    };
    load();
    return () => {
      active = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [eventId]);

  return state;
}
