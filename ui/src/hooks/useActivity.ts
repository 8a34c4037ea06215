// The graph's live activity: each pushed batch goes straight to a handler
// (no React state), so hundreds of hops a second cost no re-render.
import { useEffect, useRef } from 'react';
import { onActivity } from '../api';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import { onConnectionChanged } from '../connection/api';
import { subscribe } from './subscribe';

export function useActivity(handler: (batch: ActivityBatch) => void): void {
  // The latest handler, without resubscribing when it changes.
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  }, [handler]);

  useEffect(
    () =>
      subscribe(
        () => onActivity((batch) => latest.current(batch)),
        (reason) => console.error('Could not subscribe to live activity', reason),
      ),
    [],
  );

  // A switched connection: the old one's counters and badges go at once.
  useEffect(
    () =>
      subscribe(
        () =>
          onConnectionChanged(() =>
            latest.current({ atMs: Date.now(), hops: [], hopsOmitted: 0, edges: [], nodes: [], circuits: [] }),
          ),
        (reason) => console.error('Could not subscribe to connection changes', reason),
      ),
    [],
  );
}
