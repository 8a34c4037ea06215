import type { UnlistenFn } from '../api';

/**
 * Starts a Tauri subscription from an effect and returns its cleanup.
 * `listen` resolves asynchronously, so a cleanup that runs first (React's
 * strict-mode double mount does this) must unlisten once it resolves.
 */
export function subscribe(start: () => Promise<UnlistenFn>, onError: (reason: unknown) => void): () => void {
  let unlisten: UnlistenFn | null = null;
  let cancelled = false;
  start().then(
    (fn) => {
      if (cancelled) fn();
      else unlisten = fn;
    },
    (reason: unknown) => {
      if (!cancelled) onError(reason);
    },
  );
  return () => {
    cancelled = true;
    unlisten?.();
  };
}
