// The task-token drawer over the graph pane: every `.waitForTaskToken` task
// waiting (read every few seconds while open) with live countdowns to its
// heartbeat and timeout deadlines; one or many answered with success (JSON
// checked before sending), failure or a heartbeat, each outcome in words;
// the selected task's payload, and its execution drawn with its history.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { TaskAnswer } from '../bindings/TaskAnswer';
import type { TaskAnswerOutcome } from '../bindings/TaskAnswerOutcome';
import type { WaitingTask } from '../bindings/WaitingTask';
import '../events/explorer.css';
import { JsonTree } from '../events/JsonTree';
import { answerTasks, listWaitingTasks } from './api';
import { ExecutionPanel } from './ExecutionGraph';
import { arnName, checkOutput, countdown, heartbeatDeadline, outcomeSummary, since, taskKey } from './format';
import { closeTasks, recordHeartbeats, reportTaskCount, useTasksUi } from './store';
import './tasks.css';

/** How often the open drawer reads the waiting tasks. */
export const OPEN_POLL_MS = 3_000;

type ListState =
  | { status: 'loading' }
  | { status: 'ready'; tasks: WaitingTask[]; error: AppError | null }
  | { status: 'error'; error: AppError };

type Form = 'success' | 'failure' | null;

type SendState = { status: 'idle' } | { status: 'sending' } | { status: 'error'; error: AppError };

/** What the last answer did to each task, kept after the tasks leave the list. */
interface LastAnswer {
  outcomes: TaskAnswerOutcome[];
  /** Task token → `execution · state`, as they were when answered. */
  names: ReadonlyMap<string | null, string>;
}

export function TasksDrawer() {
  const { open } = useTasksUi();
  if (!open) return null;
  return <Drawer />;
}

/** The time now, ticking every second, for the countdowns. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Drawer() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [reads, setReads] = useState(0);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [inspected, setInspected] = useState<string | null>(null);
  // Lives here, not in Answers: answering the last task empties the list,
  // and its outcome must still be read.
  const [lastAnswer, setLastAnswer] = useState<LastAnswer | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const now = useNow();
  const { heartbeats } = useTasksUi();

  const refresh = useCallback(() => {
    listWaitingTasks().then(
      (tasks) => {
        reportTaskCount(tasks.length);
        setList({ status: 'ready', tasks, error: null });
        setReads((n) => n + 1);
      },
      (reason: unknown) => {
        const error = toAppError(reason);
        // Keep what was read last, and say that it is stale.
        setList((l) => (l.status === 'ready' ? { ...l, error } : { status: 'error', error }));
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
      const button = document.getElementById('waiting-tasks-button');
      if (button) button.focus();
      else if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeTasks();
    }
  };

  const tasks = list.status === 'ready' ? list.tasks : [];
  // Answered tasks leave the list: so do they leave the selection.
  const chosen = tasks.filter((t) => t.taskToken !== null && checked.has(taskKey(t)));
  const inspectedTask = tasks.find((t) => taskKey(t) === inspected) ?? null;
  const toggle = (key: string, on: boolean) =>
    setChecked((s) => {
      const next = new Set(s);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  return (
    <aside
      id="waiting-tasks-drawer"
      className="tasks-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="tasks-title"
      onKeyDown={onKeyDown}
    >
      <header className="tasks-drawer__header">
        <h2 id="tasks-title" className="tasks-drawer__title" tabIndex={-1} ref={heading}>
          Waiting tasks
        </h2>
        <button type="button" className="icon-button" aria-label="Close waiting tasks" onClick={closeTasks}>
          ×
        </button>
      </header>
      <div className="tasks-drawer__body">
        <TaskList
          state={list}
          now={now}
          heartbeats={heartbeats}
          checked={checked}
          inspected={inspected}
          onCheck={toggle}
          onCheckAll={(on) => setChecked(on ? new Set(tasks.filter((t) => t.taskToken).map(taskKey)) : new Set())}
          onInspect={setInspected}
        />
        {tasks.length > 0 && (
          <Answers
            tasks={chosen}
            onSending={() => setLastAnswer(null)}
            onAnswered={(answer) => {
              setLastAnswer(answer);
              refresh();
            }}
          />
        )}
        {lastAnswer && <Outcomes answer={lastAnswer} onDismiss={() => setLastAnswer(null)} />}
        {inspectedTask && (
          <section className="tasks-inspect" aria-label={`Task ${inspectedTask.stateName} of ${inspectedTask.executionName}`}>
            <h3 className="tasks-section-title">The payload that carried the token</h3>
            <p className="tasks-muted tasks-mono">{inspectedTask.resource}</p>
            <JsonTree value={inspectedTask.parameters} label={`Payload of ${inspectedTask.stateName}`} openDepth={6} />
            <ExecutionPanel key={inspectedTask.executionArn} executionArn={inspectedTask.executionArn} refreshKey={reads} />
          </section>
        )}
      </div>
    </aside>
  );
}

function TaskList({
  state,
  now,
  heartbeats,
  checked,
  inspected,
  onCheck,
  onCheckAll,
  onInspect,
}: {
  state: ListState;
  now: number;
  heartbeats: Readonly<Record<string, number>>;
  checked: ReadonlySet<string>;
  inspected: string | null;
  onCheck: (key: string, on: boolean) => void;
  onCheckAll: (on: boolean) => void;
  onInspect: (key: string) => void;
}) {
  if (state.status === 'loading') {
    return (
      <p className="tasks-muted" role="status">
        Reading the running executions…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="tasks-error" role="alert">
        <strong>Could not read the waiting tasks.</strong> {state.error.message}
        {state.error.code && <span className="tasks-error__code">{state.error.code}</span>}
      </div>
    );
  }
  const answerable = state.tasks.filter((t) => t.taskToken !== null);
  const allChecked = answerable.length > 0 && answerable.every((t) => checked.has(taskKey(t)));
  return (
    <section aria-labelledby="tasks-list-title">
      <h3 id="tasks-list-title" className="tasks-section-title">
        Waiting for a task token
      </h3>
      {state.error && (
        <div className="tasks-error" role="alert">
          <strong>Could not refresh the tasks; showing the last read.</strong> {state.error.message}
        </div>
      )}
      {state.tasks.length === 0 ? (
        <p className="tasks-muted">No task is waiting for a task token.</p>
      ) : (
        <>
          <label className="tasks-check-all">
            <input type="checkbox" checked={allChecked} onChange={(e) => onCheckAll(e.target.checked)} /> Select all{' '}
            {answerable.length}
          </label>
          <ul className="tasks-list" aria-label="Waiting tasks">
            {state.tasks.map((task) => {
              const key = taskKey(task);
              const beat = heartbeatDeadline(task, task.taskToken ? heartbeats[task.taskToken] : undefined);
              return (
                <li key={key} className="tasks-item" data-execution={task.executionName}>
                  <input
                    type="checkbox"
                    aria-label={`Select ${task.stateName} of ${task.executionName}`}
                    checked={checked.has(key)}
                    disabled={task.taskToken === null}
                    onChange={(e) => onCheck(key, e.target.checked)}
                  />
                  <button
                    type="button"
                    className="tasks-item__open"
                    aria-pressed={inspected === key}
                    onClick={() => onInspect(key)}
                  >
                    <span className="tasks-item__state">{task.stateName}</span>
                    <span className="tasks-item__where">
                      {arnName(task.stateMachineArn)} · {task.executionName}
                    </span>
                  </button>
                  <dl className="tasks-item__facts">
                    <dt>Waiting since</dt>
                    <dd title={new Date(task.scheduledMs).toLocaleString()}>{since(task.scheduledMs, now)}</dd>
                    <Deadline label="Heartbeat" deadline={beat} now={now} />
                    <Deadline label="Timeout" deadline={task.timeoutDeadlineMs} now={now} />
                  </dl>
                  {task.taskToken === null && (
                    <p className="tasks-muted">The token is not in the task's parameters: it cannot be answered from here.</p>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function Deadline({ label, deadline, now }: { label: string; deadline: number | null; now: number }) {
  if (deadline === null) {
    return (
      <>
        <dt>{label}</dt>
        <dd className="tasks-muted">none</dd>
      </>
    );
  }
  const { text, passed } = countdown(deadline, now);
  return (
    <>
      <dt>{label}</dt>
      <dd className={passed ? 'tasks-deadline tasks-deadline--passed' : 'tasks-deadline'} title={new Date(deadline).toLocaleString()}>
        {text}
      </dd>
    </>
  );
}

function Answers({
  tasks,
  onSending,
  onAnswered,
}: {
  tasks: WaitingTask[];
  /** A new answer is on its way: the last one's outcomes no longer apply. */
  onSending: () => void;
  onAnswered: (answer: LastAnswer) => void;
}) {
  const [form, setForm] = useState<Form>(null);
  const [output, setOutput] = useState('{}');
  const [error, setError] = useState('');
  const [cause, setCause] = useState('');
  const [send, setSend] = useState<SendState>({ status: 'idle' });
  const tokens = tasks.flatMap((t) => (t.taskToken ? [t.taskToken] : []));
  const names = new Map(tasks.map((t) => [t.taskToken, `${t.executionName} · ${t.stateName}`]));
  const check = checkOutput(output);
  const n = tokens.length;

  const doSend = (answer: TaskAnswer) => {
    if (n === 0) return;
    setSend({ status: 'sending' });
    onSending();
    answerTasks(tokens, answer).then(
      (outcomes) => {
        setSend({ status: 'idle' });
        if (answer.kind === 'heartbeat') {
          recordHeartbeats(outcomes.flatMap((o) => (o.sent && o.sentMs !== null ? [{ taskToken: o.taskToken, sentMs: o.sentMs }] : [])));
        } else if (outcomes.some((o) => o.sent)) {
          setForm(null);
        }
        onAnswered({ outcomes, names });
      },
      (reason: unknown) => setSend({ status: 'error', error: toAppError(reason) }),
    );
  };

  const busy = send.status === 'sending';
  return (
    <section className="tasks-answers" aria-labelledby="tasks-answers-title">
      <h3 id="tasks-answers-title" className="tasks-section-title">
        Answer {n === 0 ? 'the selected tasks' : n === 1 ? '1 task' : `${n} tasks`}
      </h3>
      <div className="tasks-actions">
        <button type="button" className="button" disabled={n === 0 || busy} aria-pressed={form === 'success'} onClick={() => setForm(form === 'success' ? null : 'success')}>
          Send success
        </button>
        <button type="button" className="button" disabled={n === 0 || busy} aria-pressed={form === 'failure'} onClick={() => setForm(form === 'failure' ? null : 'failure')}>
          Send failure
        </button>
        <button type="button" className="button" disabled={n === 0 || busy} onClick={() => doSend({ kind: 'heartbeat' })}>
          Send heartbeat
        </button>
      </div>
      {n === 0 && <p className="tasks-muted">Select tasks above to answer them.</p>}
      {form === 'success' && n > 0 && (
        <form
          className="tasks-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (check.ok) doSend({ kind: 'success', output });
          }}
        >
          <label htmlFor="tasks-output">Output (JSON), the task's result</label>
          <textarea
            id="tasks-output"
            className="tasks-mono"
            rows={6}
            spellCheck={false}
            value={output}
            aria-invalid={!check.ok}
            aria-describedby="tasks-output-check"
            onChange={(e) => setOutput(e.target.value)}
          />
          <p id="tasks-output-check" className={check.ok ? 'tasks-muted' : 'tasks-invalid'} role={check.ok ? undefined : 'alert'}>
            {check.ok ? 'Valid JSON.' : check.message}
          </p>
          <button type="submit" className="button button--primary" disabled={!check.ok || busy}>
            Send success to {n === 1 ? '1 task' : `${n} tasks`}
          </button>
        </form>
      )}
      {form === 'failure' && n > 0 && (
        <form
          className="tasks-form"
          onSubmit={(event) => {
            event.preventDefault();
            doSend({ kind: 'failure', error: error || null, cause: cause || null });
          }}
        >
          <label htmlFor="tasks-error">Error</label>
          <input id="tasks-error" className="tasks-mono" value={error} maxLength={256} placeholder="e.g. RestaurantRejected" onChange={(e) => setError(e.target.value)} />
          <label htmlFor="tasks-cause">Cause</label>
          <textarea id="tasks-cause" rows={3} value={cause} maxLength={32_768} onChange={(e) => setCause(e.target.value)} />
          <p className="tasks-muted">The state's Retry and Catch see this error like any other.</p>
          <button type="submit" className="button button--primary" disabled={busy}>
            Send failure to {n === 1 ? '1 task' : `${n} tasks`}
          </button>
        </form>
      )}
      {busy && (
        <p className="tasks-muted" role="status">
          Sending…
        </p>
      )}
      {send.status === 'error' && (
        <div className="tasks-error" role="alert">
          <strong>Nothing was sent.</strong> {send.error.message}
        </div>
      )}
    </section>
  );
}

/** The last answer's outcome for each task, until dismissed or answered again. */
function Outcomes({ answer, onDismiss }: { answer: LastAnswer; onDismiss: () => void }) {
  return (
    <div className="tasks-last-answer" role="status">
      <div className="tasks-last-answer__head">
        <p>{outcomeSummary(answer.outcomes)}</p>
        <button type="button" className="button button--ghost" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ul className="tasks-outcomes" aria-label="Answer outcomes">
        {answer.outcomes.map((o) => (
          <li key={o.taskToken} className={o.sent ? 'tasks-outcome--sent' : 'tasks-outcome--refused'}>
            <strong>{answer.names.get(o.taskToken) ?? `${o.taskToken.slice(0, 12)}…`}</strong>: {o.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
