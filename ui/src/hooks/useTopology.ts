// The topology: loaded once, then replaced by every `topology-changed` push.
import { useEffect, useState } from 'react';
import { getTopology, onTopologyChanged, toAppError } from '../api';
import type { Topology } from '../bindings/Topology';
import { subscribe } from './subscribe';

export type TopologyState =
  | { status: 'loading' }
  | { status: 'ready'; topology: Topology }
  | { status: 'error'; message: string };

export function useTopology(): TopologyState {
  const [state, setState] = useState<TopologyState>({ status: 'loading' });

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
    getTopology().then(
      (topology) => {
        if (active && !pushed) setState({ status: 'ready', topology });
      },
      (reason: unknown) => {
        if (active && !pushed) setState({ status: 'error', message: toAppError(reason).message });
      },
    );
    return () => {
      active = false;
      stop();
    };
  }, []);

  return state;
}
