// The demo's faults and traffic rate, read every `everyMs` while the drawer
// is open; a change the drawer makes is shown at once from its answer.
import { useCallback, useEffect, useState } from 'react';
import { toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { DemoFaults } from '../bindings/DemoFaults';
import type { DemoStatus } from '../bindings/DemoStatus';
import { demoStatus } from './api';

export const STATUS_POLL_MS = 2_000;

export interface DemoStatusState {
  status: DemoStatus | null;
  error: AppError | null;
  /** Shows faults a change answered. */
  faultsChanged: (faults: DemoFaults) => void;
  /** Shows a rate a change answered. */
  rateChanged: (ordersPerSec: number) => void;
}

export function useDemoStatus(everyMs = STATUS_POLL_MS): DemoStatusState {
  const [status, setStatus] = useState<DemoStatus | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let cancelled = false;
    const read = () => {
      demoStatus().then(
        (next) => {
          if (cancelled) return;
          setStatus(next);
          setError(null);
        },
        (reason: unknown) => {
          if (!cancelled) setError(toAppError(reason));
        },
      );
    };
    read();
    const timer = setInterval(read, everyMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [everyMs]);

  const faultsChanged = useCallback((faults: DemoFaults) => {
    setStatus((s) => (s ? { ...s, faults } : { faults, ordersPerSec: 0 }));
  }, []);
  const rateChanged = useCallback((ordersPerSec: number) => {
    setStatus((s) => (s ? { ...s, ordersPerSec } : s));
  }, []);
  return { status, error, faultsChanged, rateChanged };
}
