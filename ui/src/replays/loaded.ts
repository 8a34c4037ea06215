// What the drawer last read of a list, and whether the last read failed.
import type { AppError } from '../bindings/AppError';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T; error: AppError | null }
  | { status: 'error'; error: AppError };

/** After a failed read: keep what was read last and say it is stale. */
export function keepOnError<T>(error: AppError) {
  return (state: Loaded<T>): Loaded<T> => (state.status === 'ready' ? { ...state, error } : { status: 'error', error });
}
