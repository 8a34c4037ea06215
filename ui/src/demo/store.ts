// Whether the demo drawer is open, shared by the header's button and the
// drawer (which App mounts apart).
import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();

function set(next: boolean) {
  open = next;
  for (const listener of listeners) listener();
}

export function toggleDemo() {
  set(!open);
}

export function closeDemo() {
  if (open) set(false);
}

/** For tests: closed. */
export function resetDemo() {
  open = false;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useDemoOpen(): boolean {
  return useSyncExternalStore(subscribe, () => open);
}
