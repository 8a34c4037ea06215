// Whether the replay drawer is open, and how many replays run, shared by the
// header's button and the drawer (which App mounts apart).
import { useSyncExternalStore } from 'react';

interface ReplayUi {
  open: boolean;
  /** Replays STARTING or RUNNING at the last read, or null before it (or when it failed). */
  running: number | null;
}

let state: ReplayUi = { open: false, running: null };
const listeners = new Set<() => void>();

function set(next: Partial<ReplayUi>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function openReplays() {
  if (!state.open) set({ open: true });
}

export function closeReplays() {
  if (state.open) set({ open: false });
}

export function toggleReplays() {
  set({ open: !state.open });
}

export function reportRunning(running: number | null) {
  if (state.running !== running) set({ running });
}

/** For tests: back to closed and unknown. */
export function resetReplays() {
  state = { open: false, running: null };
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useReplayUi(): ReplayUi {
  return useSyncExternalStore(subscribe, () => state);
}
