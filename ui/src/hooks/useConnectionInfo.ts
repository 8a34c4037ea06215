import { useEffect, useState } from 'react';
import { connectionInfo, toAppError } from '../api';
import type { ConnectionInfo } from '../bindings/ConnectionInfo';
import { onConnectionChanged } from '../connection/api';
import { reportOverview } from '../connection/store';
import { subscribe } from './subscribe';

export function useConnectionInfo(): { info: ConnectionInfo | null; error: string | null } {
  const [info, setInfo] = useState<ConnectionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    connectionInfo().then(
      (value) => {
        if (active) setInfo(value);
      },
      (reason: unknown) => {
        if (active) setError(toAppError(reason).message);
      },
    );
    // A switch (or a start, stop or reset) says what is in use now.
    const stop = subscribe(
      () =>
        onConnectionChanged((overview) => {
          reportOverview(overview);
          if (active) {
            setInfo(overview.current.info);
            setError(null);
          }
        }),
      (reason) => console.error('Could not subscribe to connection changes', reason),
    );
    return () => {
      active = false;
      stop();
    };
  }, []);
  return { info, error };
}
