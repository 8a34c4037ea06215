// The replays, newest first: state, window, a progress bar from
// EventLastReplayedTime, where they send, and Cancel while AWS allows it.
import { useState } from 'react';
import { toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { ReplaySummary } from '../bindings/ReplaySummary';
import { ruleParts } from '../deadletters/format';
import { cancelReplay } from './api';
import { formatTime, isActive, plural, progressPercent, progressWords } from './format';
import type { Loaded } from './loaded';
import { ReadError } from './ReadError';

export function ReplayList({ state, onChanged }: { state: Loaded<ReplaySummary[]>; onChanged: () => void }) {
  return (
    <section aria-labelledby="replays-list-title">
      <h3 id="replays-list-title" className="replays-section-title">
        Replays
      </h3>
      {state.status === 'loading' && (
        <p className="replays-muted" role="status">
          Reading the replays…
        </p>
      )}
      {state.status === 'error' && <ReadError what="the replays" error={state.error} />}
      {state.status === 'ready' && (
        <>
          {state.error && <ReadError what="the replays" error={state.error} stale />}
          {state.value.length === 0 ? (
            <p className="replays-muted">No replay yet.</p>
          ) : (
            <ul className="replays-list" aria-label="Replays">
              {state.value.map((replay) => (
                <ReplayRow key={replay.name} replay={replay} onChanged={onChanged} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function ReplayRow({ replay, onChanged }: { replay: ReplaySummary; onChanged: () => void }) {
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const percent = progressPercent(replay);

  const cancel = () => {
    setCancelling(true);
    setError(null);
    cancelReplay(replay.name).then(
      () => {
        setCancelling(false);
        onChanged();
      },
      (reason: unknown) => {
        setCancelling(false);
        setError(toAppError(reason));
      },
    );
  };

  const destination = replay.destinationArn ? (replay.destinationArn.split('event-bus/')[1] ?? replay.destinationArn) : null;
  return (
    <li className="replays-replay" data-replay={replay.name}>
      <div className="replays-replay__head">
        <span className="replays-replay__name" title={replay.arn ?? undefined}>
          {replay.name}
        </span>
        <span className="replays-state" data-state={replay.state}>
          {replay.state}
        </span>
        {isActive(replay) && (
          <button
            type="button"
            className="button button--ghost replays-replay__cancel"
            onClick={cancel}
            disabled={cancelling}
            aria-busy={cancelling}
            aria-label={`Cancel replay ${replay.name}`}
          >
            Cancel
          </button>
        )}
      </div>
      <div
        className="replays-progress"
        role="progressbar"
        aria-label={`Progress of ${replay.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={progressWords(replay)}
      >
        <div className="replays-progress__bar" data-state={replay.state} style={{ width: `${percent}%` }} />
      </div>
      <p className="replays-replay__facts">
        <span>{progressWords(replay)}</span>
        <span>
          archive {replay.archiveName}, events from {formatTime(replay.eventStartMs)} to {formatTime(replay.eventEndMs)}
        </span>
        {destination && (
          <span title={replay.filterArns.join('\n') || undefined}>
            to bus {destination},{' '}
            {replay.filterArns.length === 0
              ? 'every rule'
              : `${plural(replay.filterArns.length, 'rule')}: ${replay.filterArns.map((arn) => ruleParts(arn).name).join(', ')}`}
          </span>
        )}
        {replay.replayStartMs !== null && (
          <span>
            started {formatTime(replay.replayStartMs)}
            {replay.replayEndMs !== null && `, ended ${formatTime(replay.replayEndMs)}`}
          </span>
        )}
      </p>
      {replay.stateReason && <p className="replays-replay__reason">{replay.stateReason}</p>}
      {error && (
        <div className="replays-error" role="alert">
          <strong>Could not cancel {replay.name}.</strong> {error.message}
          {error.code && <span className="replays-error__code">{error.code}</span>}
        </div>
      )}
    </li>
  );
}
