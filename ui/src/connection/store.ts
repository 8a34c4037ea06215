// The connections panel's shared state: whether it is open, and the last
// overview (from a command's answer or a `connection-changed` push), read by
// the header's badge and the panel.
import { useSyncExternalStore } from 'react';
import type { ConnectionsOverview } from '../bindings/ConnectionsOverview';

interface ConnectionsUi {
  open: boolean;
  overview: ConnectionsOverview | null;
}

let state: ConnectionsUi = { open: false, overview: null };
const listeners = new Set<() => void>();

function set(next: Partial<ConnectionsUi>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function toggleConnections() {
  set({ open: !state.open });
}

export function closeConnections() {
  if (state.open) set({ open: false });
}

export function reportOverview(overview: ConnectionsOverview) {
  set({ overview });
}

/** For tests: closed, nothing known. */
export function resetConnectionsUi() {
  state = { open: false, overview: null };
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useConnectionsUi(): ConnectionsUi {
  return useSyncExternalStore(subscribe, () => state);
}
