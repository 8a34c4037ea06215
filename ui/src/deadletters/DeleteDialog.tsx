// The delete dialog: what will be lost, a confirmation, then the outcome of
// each message in words. Deleting cannot be undone, so nothing is selected
// for the user and the default button is Cancel.
import { useEffect, useRef, useState } from 'react';
import { deleteDeadLetters, toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { DeadLetter } from '../bindings/DeadLetter';
import type { DeleteOutcome } from '../bindings/DeleteOutcome';
import { plural } from './format';
import { useDialogFocus, useDialogKeys } from './modal';

interface Props {
  queueUrl: string;
  queueName: string;
  letters: DeadLetter[];
  /** Closes the dialog; `deletedIds`: the messages deleted, or null when none was. */
  onClose: (deletedIds: string[] | null) => void;
  /** Called once a delete has answered, to refresh the queue. */
  onDeleted: () => void;
}

type Phase =
  | { status: 'confirm' }
  | { status: 'running' }
  | { status: 'done'; outcomes: DeleteOutcome[] }
  | { status: 'error'; error: AppError };

export function DeleteDialog({ queueUrl, queueName, letters, onClose, onDeleted }: Props) {
  const [phase, setPhase] = useState<Phase>({ status: 'confirm' });
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  useDialogFocus(cancel);
  useEffect(() => {
    if (phase.status === 'done' || phase.status === 'error') closeButton.current?.focus();
  }, [phase.status]);

  const deletedIds =
    phase.status === 'done' ? phase.outcomes.filter((o) => o.deleted).map((o) => o.messageId) : null;
  const close = () => {
    if (phase.status !== 'running') onClose(deletedIds);
  };
  const onKeyDown = useDialogKeys(dialog, close);
  const run = () => {
    setPhase({ status: 'running' });
    deleteDeadLetters(
      queueUrl,
      letters.map((l) => l.messageId),
    ).then(
      (outcomes) => {
        setPhase({ status: 'done', outcomes });
        onDeleted();
      },
      (reason: unknown) => {
        setPhase({ status: 'error', error: toAppError(reason) });
        onDeleted();
      },
    );
  };

  const events = letters.filter((l) => l.event !== null).length;
  return (
    <div className="dlq-modal" onKeyDown={onKeyDown}>
      <div ref={dialog} className="dlq-modal__dialog" role="dialog" aria-modal="true" aria-labelledby="dlq-delete-title">
        <h3 id="dlq-delete-title" className="dlq-modal__title">
          Delete {plural(letters.length, 'message')} from {queueName}?
        </h3>
        {phase.status === 'confirm' && (
          <p>
            {events === letters.length
              ? `The ${plural(letters.length, 'event')} they hold will not be delivered.`
              : `What they hold will not be delivered.`}{' '}
            Deleting cannot be undone: redrive them instead if they should still reach their target.
          </p>
        )}
        {phase.status === 'running' && (
          <div role="status" className="dlq-progress">
            <progress aria-label="Deleting" />
            <span>Deleting {plural(letters.length, 'message')}…</span>
          </div>
        )}
        {phase.status === 'error' && (
          <div className="dlq-error" role="alert">
            <strong>The delete failed.</strong> {phase.error.message}
            {phase.error.code && <span className="dlq-error__code">{phase.error.code}</span>}
          </div>
        )}
        {phase.status === 'done' && (
          <>
            <p role="status" className="dlq-summary">
              {phase.outcomes.filter((o) => o.deleted).length} deleted,{' '}
              {phase.outcomes.filter((o) => !o.deleted).length} not deleted.
            </p>
            <ul className="dlq-outcomes" aria-label="Delete outcomes">
              {phase.outcomes.map((outcome) => (
                <li
                  key={outcome.messageId}
                  className={outcome.deleted ? 'dlq-outcome dlq-outcome--sent' : 'dlq-outcome dlq-outcome--failed'}
                >
                  <span className="dlq-letter__id">{outcome.messageId}</span>{' '}
                  <strong>{outcome.deleted ? 'Deleted' : 'Not deleted'}</strong>: {outcome.detail}
                </li>
              ))}
            </ul>
          </>
        )}
        <div className="dlq-modal__actions">
          {phase.status === 'confirm' && (
            <>
              <button ref={cancel} type="button" className="button" onClick={close}>
                Cancel
              </button>
              <button type="button" className="button button--danger" onClick={run}>
                Delete {plural(letters.length, 'message')}
              </button>
            </>
          )}
          {phase.status === 'running' && (
            <button type="button" className="button" disabled>
              Close
            </button>
          )}
          {(phase.status === 'done' || phase.status === 'error') && (
            <button ref={closeButton} type="button" className="button button--primary" onClick={close}>
              Close
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
