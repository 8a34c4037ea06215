// A failed read or action, in words, with AWS's error code when there is one.
import type { AppError } from '../bindings/AppError';

export function ReadError({ what, error, stale = false }: { what: string; error: AppError; stale?: boolean }) {
  return (
    <div className="replays-error" role="alert">
      <strong>{stale ? `Could not refresh ${what}; showing the last read.` : `Could not read ${what}.`}</strong>{' '}
      {error.message}
      {error.code && <span className="replays-error__code">{error.code}</span>}
    </div>
  );
}
