// The redrive dialog: choose where to, preview what goes where, then the
// outcome of each message in words.
import { useEffect, useRef, useState } from 'react';
import { redriveDeadLetters, toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { DeadLetter } from '../bindings/DeadLetter';
import type { RedriveOutcome } from '../bindings/RedriveOutcome';
import type { RedriveTo } from '../bindings/RedriveTo';
import { destination, plural } from './format';
import { useDialogFocus, useDialogKeys } from './modal';

interface Props {
  queueUrl: string;
  queueName: string;
  letters: DeadLetter[];
  /** Closes the dialog; `sentIds`: the messages sent (and deleted), or null when none was. */
  onClose: (sentIds: string[] | null) => void;
  /** Called once a redrive has answered, to refresh the queue. */
  onRedriven: () => void;
}

type Phase =
  | { status: 'preview' }
  | { status: 'running' }
  | { status: 'done'; outcomes: RedriveOutcome[] }
  | { status: 'error'; error: AppError };

export function RedriveDialog({ queueUrl, queueName, letters, onClose, onRedriven }: Props) {
  const [to, setTo] = useState<RedriveTo>('bus');
  const [phase, setPhase] = useState<Phase>({ status: 'preview' });
  const dialog = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  useDialogFocus(first);

  useEffect(() => {
    if (phase.status === 'done' || phase.status === 'error') closeButton.current?.focus();
  }, [phase.status]);

  const sentIds = phase.status === 'done' ? phase.outcomes.filter((o) => o.sent).map((o) => o.messageId) : null;
  const close = () => {
    if (phase.status !== 'running') onClose(sentIds);
  };

  const run = () => {
    setPhase({ status: 'running' });
    redriveDeadLetters(
      queueUrl,
      letters.map((l) => l.messageId),
      to,
    ).then(
      (outcomes) => {
        setPhase({ status: 'done', outcomes });
        onRedriven();
      },
      (reason: unknown) => {
        setPhase({ status: 'error', error: toAppError(reason) });
        onRedriven();
      },
    );
  };

  const onKeyDown = useDialogKeys(dialog, close);

  const byId = new Map(letters.map((l) => [l.messageId, l]));
  const unknown = letters.filter((l) => !destination(l, to).known).length;
  const title = `Redrive ${plural(letters.length, 'message')} from ${queueName}`;

  return (
    <div className="dlq-modal" onKeyDown={onKeyDown}>
      <div
        ref={dialog}
        className="dlq-modal__dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dlq-redrive-title"
      >
        <h3 id="dlq-redrive-title" className="dlq-modal__title">
          {title}
        </h3>
        <fieldset className="dlq-choice" disabled={phase.status !== 'preview'}>
          <legend>Send them</legend>
          <label>
            <input
              ref={first}
              type="radio"
              name="dlq-redrive-to"
              value="bus"
              checked={to === 'bus'}
              onChange={() => setTo('bus')}
            />{' '}
            Back onto the rule&apos;s bus <span className="dlq-muted">(every rule that matches sees the event again)</span>
          </label>
          <label>
            <input
              type="radio"
              name="dlq-redrive-to"
              value="target"
              checked={to === 'target'}
              onChange={() => setTo('target')}
            />{' '}
            Straight to the target <span className="dlq-muted">(only the target that failed)</span>
          </label>
        </fieldset>

        {phase.status === 'preview' && (
          <>
            <h4 className="dlq-section-title">Preview</h4>
            <ul className="dlq-preview" aria-label="Redrive preview">
              {letters.map((letter) => {
                const where = destination(letter, to);
                return (
                  <li key={letter.messageId} className={where.known ? undefined : 'dlq-preview--unknown'}>
                    <span className="dlq-letter__id">{letter.messageId}</span> → {where.where}
                  </li>
                );
              })}
            </ul>
            {unknown > 0 && (
              <p className="dlq-muted">
                {plural(unknown, 'message')} cannot be sent there; the redrive will say why and leave{' '}
                {unknown === 1 ? 'it' : 'them'} in the queue.
              </p>
            )}
          </>
        )}

        {phase.status === 'running' && (
          <div role="status" className="dlq-progress">
            <progress aria-label="Redriving" />
            <span>Redriving {plural(letters.length, 'message')}…</span>
          </div>
        )}

        {phase.status === 'error' && (
          <div className="dlq-error" role="alert">
            <strong>The redrive failed.</strong> {phase.error.message}
            {phase.error.code && <span className="dlq-error__code">{phase.error.code}</span>}
          </div>
        )}

        {phase.status === 'done' && (
          <>
            <p role="status" className="dlq-summary">
              {phase.outcomes.filter((o) => o.sent).length} sent, {phase.outcomes.filter((o) => !o.sent).length} not
              sent.
            </p>
            <ul className="dlq-outcomes" aria-label="Redrive outcomes">
              {phase.outcomes.map((outcome) => (
                <li
                  key={outcome.messageId}
                  className={outcome.sent ? 'dlq-outcome dlq-outcome--sent' : 'dlq-outcome dlq-outcome--failed'}
                  data-message-id={outcome.messageId}
                >
                  <span className="dlq-letter__id">{outcome.messageId}</span>{' '}
                  <strong>{outcome.sent ? 'Sent' : 'Not sent'}</strong>: {outcome.detail}
                  {!byId.has(outcome.messageId) && <span className="dlq-muted"> (not in the preview)</span>}
                </li>
              ))}
            </ul>
          </>
        )}

        <div className="dlq-modal__actions">
          {phase.status === 'preview' && (
            <>
              <button type="button" className="button button--primary" onClick={run}>
                Redrive {plural(letters.length, 'message')}
              </button>
              <button type="button" className="button" onClick={close}>
                Cancel
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
