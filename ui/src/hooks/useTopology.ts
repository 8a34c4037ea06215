// The topology: loaded once, then replaced by every `topology-changed` push;
// loaded again from scratch when the connection changes.
import { useEffect, useState } from 'react';
import { arrivedTopology, firstTopology, getTopology, onTopologyChanged, toAppError } from '../api';
import type { Topology } from '../bindings/Topology';
import { isStopped, onConnectionChanged } from '../connection/api';
import { subscribe } from './subscribe';

/** What the graph pane says while the local system is stopped. */
export const LOCAL_STOPPED = 'The local system is stopped. Start it from the connections panel (click the connection in the header).';

export type TopologyState =
  | { status: 'loading' }
  | { status: 'stopped'; message: string }
  | { status: 'ready'; topology: Topology }
  | { status: 'error'; message: string };

export function useTopology(): TopologyState {
  // The start-up's topology may be in before the first render (main.tsx waits a little for it).
  const [state, setState] = useState<TopologyState>(() => {
    const topology = arrivedTopology();
    return topology ? { status: 'ready', topology } : { status: 'loading' };
  });
  // Bumped on every connection change: the effect below starts over.
  const [generation, setGeneration] = useState(0);

  useEffect(
    () =>
      subscribe(
        () =>
          onConnectionChanged((overview) => {
            setState(isStopped(overview) ? { status: 'stopped', message: LOCAL_STOPPED } : { status: 'loading' });
            if (!isStopped(overview)) setGeneration((g) => g + 1);
          }),
        (reason) => console.error('Could not subscribe to connection changes', reason),
      ),
    [],
  );

  useEffect(() => {
    let active = true;
    // A push is at least as new as the initial reply, so once one has
    // arrived a late reply must not overwrite it.
    let pushed = false;
    const stop = subscribe(
      () =>
        onTopologyChanged((topology) => {
          pushed = true;
          if (active) setState({ status: 'ready', topology });
        }),
      (reason) => console.error('Could not subscribe to topology changes', reason),
    );
    (generation === 0 ? firstTopology() : getTopology()).then(
      (topology) => {
        // The same topology the first render drew keeps the state as it is.
        if (active && !pushed)
          setState((current) =>
            current.status === 'ready' && current.topology === topology ? current : { status: 'ready', topology },
          );
      },
      (reason: unknown) => {
        if (active && !pushed) setState({ status: 'error', message: toAppError(reason).message });
      },
    );
    return () => {
      active = false;
      stop();
    };
  }, [generation]);

  return state;
}
