// Whether the dead-letter drawer is open, and the last total depth read, shared
// by the header's button and the drawer (which App mounts apart).
import { useSyncExternalStore } from 'react';

interface DeadLetterUi {
  open: boolean;
  /** The total depth last read, or null before the first read (or when it failed). */
  totalDepth: number | null;
}

let state: DeadLetterUi = { open: false, totalDepth: null };
const listeners = new Set<() => void>();

function set(next: Partial<DeadLetterUi>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function openDeadLetters() {
  if (!state.open) set({ open: true });
}

export function closeDeadLetters() {
  if (state.open) set({ open: false });
}

export function toggleDeadLetters() {
  set({ open: !state.open });
}

export function reportTotalDepth(totalDepth: number | null) {
  if (state.totalDepth !== totalDepth) set({ totalDepth });
}

/** For tests: back to closed and unknown. */
export function resetDeadLetters() {
  state = { open: false, totalDepth: null };
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useDeadLetterUi(): DeadLetterUi {
  return useSyncExternalStore(subscribe, () => state);
}
