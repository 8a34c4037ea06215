// The "Put sample event" action: in-flight flag, success line, error.
import { useCallback, useState } from 'react';
import { putSampleEvent, toAppError } from '../api';
import type { AppError } from '../bindings/AppError';

export interface PutSampleEvent {
  put: () => void;
  pending: boolean;
  status: string | null;
  error: AppError | null;
  dismissError: () => void;
}

export function usePutSampleEvent(): PutSampleEvent {
  const [pending, setPending] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const put = useCallback(() => {
    setPending(true);
    setError(null);
    putSampleEvent().then(
      (outcome) => {
        setStatus(`Put event ${outcome.eventId} on ${outcome.busName}`);
        setPending(false);
      },
      (reason: unknown) => {
        setStatus(null);
        setError(toAppError(reason));
        setPending(false);
      },
    );
  }, []);

  const dismissError = useCallback(() => setError(null), []);
  return { put, pending, status, error, dismissError };
}
