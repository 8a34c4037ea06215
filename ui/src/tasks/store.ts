// Whether the task-token drawer is open, the count last read, and the
// heartbeats this dashboard sent (SendTaskHeartbeat leaves no trace in the
// history, so only the sender knows the heartbeat deadline moved), shared by
// the header's button and the drawer.
import { useSyncExternalStore } from 'react';

interface TasksUi {
  open: boolean;
  /** The number of waiting tasks last read, or null before the first read (or when it failed). */
  count: number | null;
  /** Task token → when this dashboard's last heartbeat for it was accepted (ms since the epoch). */
  heartbeats: Readonly<Record<string, number>>;
}

const initial: TasksUi = { open: false, count: null, heartbeats: {} };
let state: TasksUi = initial;
const listeners = new Set<() => void>();

function set(next: Partial<TasksUi>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function toggleTasks() {
  set({ open: !state.open });
}

export function closeTasks() {
  if (state.open) set({ open: false });
}

export function reportTaskCount(count: number | null) {
  if (state.count !== count) set({ count });
}

/** Remembers accepted heartbeats, so the drawer's heartbeat deadline runs from them. */
export function recordHeartbeats(sent: ReadonlyArray<{ taskToken: string; sentMs: number }>) {
  if (sent.length === 0) return;
  const heartbeats = { ...state.heartbeats };
  for (const { taskToken, sentMs } of sent) heartbeats[taskToken] = sentMs;
  set({ heartbeats });
}

/** For tests: back to closed, unknown and no heartbeats. */
export function resetTasks() {
  state = initial;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useTasksUi(): TasksUi {
  return useSyncExternalStore(subscribe, () => state);
}
