// Whether the circuits panel is open, and the last report read, shared by the
// header's button, the panel and the demo's scenario (which App mounts apart).
import { useSyncExternalStore } from 'react';
import type { AppError } from '../bindings/AppError';
import type { CircuitsReport } from '../bindings/CircuitsReport';

interface CircuitsUi {
  open: boolean;
  /** The last report read, or null before the first read (or when it failed). */
  report: CircuitsReport | null;
  /** Why the last read failed (the report, if any, is then stale). */
  error: AppError | null;
  /** When the app first read the circuits (epoch ms): how far back what it saw itself goes. */
  firstReadMs: number | null;
}

const initial: CircuitsUi = { open: false, report: null, error: null, firstReadMs: null };
let state: CircuitsUi = initial;
const listeners = new Set<() => void>();

function set(next: Partial<CircuitsUi>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function openCircuits() {
  if (!state.open) set({ open: true });
}

export function closeCircuits() {
  if (state.open) set({ open: false });
}

export function toggleCircuits() {
  set({ open: !state.open });
}

export function reportCircuits(report: CircuitsReport) {
  set({ report, error: null, firstReadMs: state.firstReadMs ?? report.atMs });
}

export function reportCircuitsError(error: AppError) {
  set({ error });
}

/** For tests: back to closed and unknown. */
export function resetCircuits() {
  state = initial;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useCircuitsUi(): CircuitsUi {
  return useSyncExternalStore(subscribe, () => state);
}
