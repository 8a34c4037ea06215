// The dead-letter drawer over the graph pane: every DLQ with its depth and
// senders (read every few seconds while open), a queue's messages peeked and
// grouped by error, each event's JSON, and redrive with a preview.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { listDeadLetterQueues, peekDeadLetters, toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { DeadLetter } from '../bindings/DeadLetter';
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';
import '../events/explorer.css';
import { JsonTree } from '../events/JsonTree';
import './deadletters.css';
import { formatSent, groupByError, groupTitle, PEEK_MAX, plural, ruleParts, targetName, totalDepth } from './format';
import { DeleteDialog } from './DeleteDialog';
import { recordDepths } from './depthHistory';
import { DepthSparkline } from './DepthSparkline';
import { RedriveDialog } from './RedriveDialog';
import { closeDeadLetters, reportTotalDepth, useDeadLetterUi } from './store';

/** How often the open drawer reads the queues. */
export const OPEN_POLL_MS = 3_000;

type QueuesState =
  | { status: 'loading' }
  | { status: 'ready'; queues: DeadLetterQueue[]; error: AppError | null }
  | { status: 'error'; error: AppError };

type PeekState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; letters: DeadLetter[] }
  | { status: 'error'; error: AppError };

export function DeadLettersDrawer() {
  const { open } = useDeadLetterUi();
  if (!open) return null;
  return <Drawer />;
}

function Drawer() {
  const [queues, setQueues] = useState<QueuesState>({ status: 'loading' });
  const [selectedArn, setSelectedArn] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const dialogOpen = useRef(false);

  const refresh = useCallback(() => {
    listDeadLetterQueues().then(
      (list) => {
        recordDepths(list, Date.now());
        reportTotalDepth(totalDepth(list));
        setQueues({ status: 'ready', queues: list, error: null });
      },
      (reason: unknown) => {
        const error = toAppError(reason);
        // Keep what was read last, and say that it is stale.
        setQueues((q) => (q.status === 'ready' ? { ...q, error } : { status: 'error', error }));
      },
    );
  }, []);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, OPEN_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  // Focus moves into the drawer on open, and back to the header's button on close.
  useEffect(() => {
    const before = document.activeElement;
    heading.current?.focus();
    return () => {
      const button = document.getElementById('dead-letters-button');
      if (button) button.focus();
      else if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !dialogOpen.current) {
      event.stopPropagation();
      closeDeadLetters();
    }
  };

  const list = queues.status === 'ready' ? queues.queues : [];
  const selected = list.find((q) => q.queueArn === selectedArn) ?? null;

  return (
    <aside
      id="dead-letters-drawer"
      className="dlq-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="dlq-title"
      onKeyDown={onKeyDown}
    >
      <header className="dlq-drawer__header">
        <h2 id="dlq-title" className="dlq-drawer__title" tabIndex={-1} ref={heading}>
          Dead letters
        </h2>
        <button type="button" className="icon-button" aria-label="Close dead letters" onClick={closeDeadLetters}>
          ×
        </button>
      </header>
      <div className="dlq-drawer__body">
        <QueueList state={queues} selectedArn={selectedArn} onSelect={setSelectedArn} />
        {selected && (
          <QueueMessages
            key={selected.queueArn}
            queue={selected}
            onRedriven={refresh}
            onDialog={(isOpen) => {
              dialogOpen.current = isOpen;
            }}
          />
        )}
      </div>
    </aside>
  );
}

function QueueList({
  state,
  selectedArn,
  onSelect,
}: {
  state: QueuesState;
  selectedArn: string | null;
  onSelect: (arn: string) => void;
}) {
  if (state.status === 'loading') {
    return (
      <p className="dlq-muted" role="status">
        Reading the dead-letter queues…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="dlq-error" role="alert">
        <strong>Could not read the dead-letter queues.</strong> {state.error.message}
        {state.error.code && <span className="dlq-error__code">{state.error.code}</span>}
      </div>
    );
  }
  return (
    <section aria-labelledby="dlq-queues-title">
      <h3 id="dlq-queues-title" className="dlq-section-title">
        Queues
      </h3>
      {state.error && (
        <div className="dlq-error" role="alert">
          <strong>Could not refresh the queues; showing the last read.</strong> {state.error.message}
        </div>
      )}
      {state.queues.length === 0 ? (
        <p className="dlq-muted">No target names a dead-letter queue.</p>
      ) : (
        <ul className="dlq-queues" aria-label="Dead-letter queues">
          {state.queues.map((queue) => (
            <li key={queue.queueArn} className="dlq-queue" data-queue-arn={queue.queueArn}>
              <button
                type="button"
                className="dlq-queue__select"
                aria-pressed={queue.queueArn === selectedArn}
                onClick={() => onSelect(queue.queueArn)}
                title={queue.queueArn}
              >
                <span className="dlq-queue__name">{queue.name}</span>
                <DepthSparkline queueArn={queue.queueArn} />
                <span className="dlq-queue__counts">
                  {queue.queueUrl === null ? (
                    'queue does not exist'
                  ) : (
                    <>
                      <span className={queue.depth > 0 ? 'dlq-depth dlq-depth--some' : 'dlq-depth'}>
                        {plural(queue.depth, 'message')}
                      </span>
                      {' · '}
                      {queue.inFlight} in flight
                    </>
                  )}
                </span>
              </button>
              {queue.senders.length > 0 && (
                <ul className="dlq-senders" aria-label={`Sends to ${queue.name}`}>
                  {queue.senders.map((sender) => (
                    <li key={`${sender.ruleArn} ${sender.targetArn}`} title={`${sender.ruleArn} → ${sender.targetArn}`}>
                      {ruleParts(sender.ruleArn).name} → {targetName(sender.targetArn)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function QueueMessages({
  queue,
  onRedriven,
  onDialog,
}: {
  queue: DeadLetterQueue;
  onRedriven: () => void;
  onDialog: (open: boolean) => void;
}) {
  const [peek, setPeek] = useState<PeekState>({ status: 'idle' });
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [inspected, setInspected] = useState<string | null>(null);
  const [redrive, setRedrive] = useState<DeadLetter[] | null>(null);
  const [deleting, setDeleting] = useState<DeadLetter[] | null>(null);
  const url = queue.queueUrl;

  const doPeek = () => {
    if (url === null) return;
    setPeek({ status: 'loading' });
    peekDeadLetters(url, PEEK_MAX).then(
      (letters) => {
        setPeek({ status: 'done', letters });
        setSelection(new Set());
        setInspected(null);
      },
      (reason: unknown) => setPeek({ status: 'error', error: toAppError(reason) }),
    );
  };

  const letters = useMemo(() => (peek.status === 'done' ? peek.letters : []), [peek]);
  const groups = useMemo(() => groupByError(letters), [letters]);
  const inspectedLetter = letters.find((l) => l.messageId === inspected) ?? null;

  const toggle = (ids: string[], on: boolean) =>
    setSelection((s) => {
      const next = new Set(s);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const startRedrive = (chosen: DeadLetter[]) => {
    if (chosen.length === 0) return;
    onDialog(true);
    setRedrive(chosen);
  };

  // Messages sent on or deleted are gone from the queue: drop them from the list.
  const drop = (ids: string[] | null) => {
    if (!ids || ids.length === 0) return;
    const gone = new Set(ids);
    setPeek((p) => (p.status === 'done' ? { status: 'done', letters: p.letters.filter((l) => !gone.has(l.messageId)) } : p));
    setSelection((s) => new Set([...s].filter((id) => !gone.has(id))));
    if (inspected && gone.has(inspected)) setInspected(null);
  };

  const closeRedrive = (sentIds: string[] | null) => {
    onDialog(false);
    setRedrive(null);
    drop(sentIds);
  };

  const startDelete = (chosen: DeadLetter[]) => {
    if (chosen.length === 0) return;
    onDialog(true);
    setDeleting(chosen);
  };

  const closeDelete = (deletedIds: string[] | null) => {
    onDialog(false);
    setDeleting(null);
    drop(deletedIds);
  };

  const selectedLetters = letters.filter((l) => selection.has(l.messageId));

  return (
    <section className="dlq-messages" aria-labelledby="dlq-messages-title">
      <h3 id="dlq-messages-title" className="dlq-section-title">
        <span className="dlq-id">{queue.name}</span>
      </h3>
      <p className="dlq-explain" id="dlq-peek-explain">
        Peeking receives up to {PEEK_MAX} messages for a moment: each counts a receive, and other consumers cannot see
        them for at most 20 s. They are made visible again at once, so nothing is taken from the queue.
      </p>
      <div className="dlq-toolbar">
        <button
          type="button"
          className="button button--primary"
          onClick={doPeek}
          disabled={url === null || peek.status === 'loading'}
          aria-busy={peek.status === 'loading'}
          aria-describedby="dlq-peek-explain"
        >
          {peek.status === 'done' ? 'Peek again' : 'Peek messages'}
        </button>
        {peek.status === 'done' && letters.length > 0 && (
          <>
            <button
              type="button"
              className="button"
              disabled={selectedLetters.length === 0}
              onClick={() => startRedrive(selectedLetters)}
            >
              Redrive selected ({selectedLetters.length})
            </button>
            <button type="button" className="button" onClick={() => startRedrive(letters)}>
              Redrive all ({letters.length})
            </button>
            <button
              type="button"
              className="button"
              disabled={selectedLetters.length === 0}
              onClick={() => startDelete(selectedLetters)}
            >
              Delete selected ({selectedLetters.length})
            </button>
          </>
        )}
      </div>
      {url === null && <p className="dlq-muted">The queue does not exist, so there is nothing to peek.</p>}
      {peek.status === 'loading' && (
        <p className="dlq-muted" role="status">
          Peeking…
        </p>
      )}
      {peek.status === 'error' && (
        <div className="dlq-error" role="alert">
          <strong>Could not peek the queue.</strong> {peek.error.message}
          {peek.error.code && <span className="dlq-error__code">{peek.error.code}</span>}
        </div>
      )}
      {peek.status === 'done' && (
        <>
          <p className="dlq-muted" role="status">
            {letters.length === 0
              ? 'The queue has no messages to show (or others hold them for now).'
              : `${plural(letters.length, 'message')} peeked, ${plural(groups.length, 'error')}.`}
          </p>
          {groups.map((group) => {
            const ids = group.letters.map((l) => l.messageId);
            const chosen = ids.filter((id) => selection.has(id)).length;
            const title = groupTitle(group);
            return (
              <section key={group.key} className="dlq-group" aria-label={`${title} (${group.letters.length})`}>
                <header className="dlq-group__header">
                  <label className="dlq-check">
                    <input
                      type="checkbox"
                      checked={chosen === ids.length}
                      ref={(el) => {
                        if (el) el.indeterminate = chosen > 0 && chosen < ids.length;
                      }}
                      onChange={(e) => toggle(ids, e.target.checked)}
                      aria-label={`Select all ${group.letters.length} with ${title}`}
                    />
                  </label>
                  <span className="dlq-group__code">{group.code ?? 'No error code'}</span>
                  <span className="dlq-group__message">{group.message ?? ''}</span>
                  <span className="dlq-group__count" aria-label={plural(group.letters.length, 'message')}>
                    {group.letters.length}
                  </span>
                </header>
                <ul className="dlq-letters" aria-label={`Messages with ${title}`}>
                  {group.letters.map((letter) => (
                    <LetterRow
                      key={letter.messageId}
                      letter={letter}
                      checked={selection.has(letter.messageId)}
                      inspected={inspected === letter.messageId}
                      onCheck={(on) => toggle([letter.messageId], on)}
                      onInspect={() => setInspected((i) => (i === letter.messageId ? null : letter.messageId))}
                      onRedrive={() => startRedrive([letter])}
                    />
                  ))}
                </ul>
              </section>
            );
          })}
          {inspectedLetter && (
            <section className="dlq-inspect" aria-label={`Event of message ${inspectedLetter.messageId}`}>
              <h4 className="dlq-section-title">
                Event of <span className="dlq-id">{inspectedLetter.messageId}</span>
              </h4>
              {inspectedLetter.event !== null ? (
                <JsonTree value={inspectedLetter.event} label={`Event of message ${inspectedLetter.messageId}`} />
              ) : (
                <>
                  <p className="dlq-muted">The body is not JSON:</p>
                  <pre className="dlq-body">{inspectedLetter.body}</pre>
                </>
              )}
            </section>
          )}
        </>
      )}
      {redrive && url !== null && (
        <RedriveDialog queueUrl={url} queueName={queue.name} letters={redrive} onClose={closeRedrive} onRedriven={onRedriven} />
      )}
      {deleting && url !== null && (
        <DeleteDialog queueUrl={url} queueName={queue.name} letters={deleting} onClose={closeDelete} onDeleted={onRedriven} />
      )}
    </section>
  );
}

function LetterRow({
  letter,
  checked,
  inspected,
  onCheck,
  onInspect,
  onRedrive,
}: {
  letter: DeadLetter;
  checked: boolean;
  inspected: boolean;
  onCheck: (on: boolean) => void;
  onInspect: () => void;
  onRedrive: () => void;
}) {
  const rule = letter.ruleArn ? ruleParts(letter.ruleArn) : null;
  return (
    <li className={`dlq-letter${inspected ? ' dlq-letter--inspected' : ''}`} data-message-id={letter.messageId}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onCheck(e.target.checked)}
        aria-label={`Select message ${letter.messageId}`}
      />
      <button type="button" className="dlq-letter__open" aria-expanded={inspected} onClick={onInspect}>
        <span className="dlq-letter__id">{letter.messageId}</span>
        <span className="dlq-letter__facts">
          <span>Sent {formatSent(letter.sentMs)}</span>
          <span>
            {letter.retryAttempts === null ? 'retries unknown' : plural(letter.retryAttempts, 'retry attempt')}
          </span>
          <span>{letter.exhaustedRetryCondition ?? 'not retried'}</span>
          <span title={letter.ruleArn ?? undefined}>rule {rule ? `${rule.bus}/${rule.name}` : 'unknown'}</span>
          <span title={letter.targetArn ?? undefined}>
            target {letter.targetArn ? targetName(letter.targetArn) : 'unknown'}
          </span>
        </span>
      </button>
      <button
        type="button"
        className="button button--ghost dlq-letter__redrive"
        onClick={onRedrive}
        aria-label={`Redrive message ${letter.messageId}`}
      >
        Redrive
      </button>
    </li>
  );
}
