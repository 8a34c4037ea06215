import { useEffect, useState } from 'react';
import { connectionInfo, toAppError } from '../api';
import type { ConnectionInfo } from '../bindings/ConnectionInfo';

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
    return () => {
      active = false;
    };
  }, []);
  return { info, error };
}
