// An execution beside the task-token list: its state machine drawn top to
// bottom with the current state(s) highlighted, and its history beside it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { ExecutionView } from '../bindings/ExecutionView';
import { getExecutionView } from './api';
import { aslToGraph } from './aslGraph';
import { arnName } from './format';
import { renderExecutionGraph } from './graphRenderer';

type ViewState = { status: 'loading' } | { status: 'ready'; view: ExecutionView } | { status: 'error'; error: AppError };

/** `refreshKey` changes when the list is read again, so the execution is read again too. */
export function ExecutionPanel({ executionArn, refreshKey }: { executionArn: string; refreshKey: number }) {
  const [state, setState] = useState<ViewState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    getExecutionView(executionArn).then(
      (view) => {
        if (!cancelled) setState({ status: 'ready', view });
      },
      (reason: unknown) => {
        if (!cancelled) setState({ status: 'error', error: toAppError(reason) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [executionArn, refreshKey]);

  if (state.status === 'loading') {
    return (
      <p className="tasks-muted" role="status">
        Reading execution {arnName(executionArn)}…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="tasks-error" role="alert">
        <strong>Could not read execution {arnName(executionArn)}.</strong> {state.error.message}
      </div>
    );
  }
  return <Execution view={state.view} />;
}

function Execution({ view }: { view: ExecutionView }) {
  const graph = useMemo(() => aslToGraph(view.definition), [view.definition]);
  const current = useMemo(() => new Set(view.currentStates), [view.currentStates]);
  const visited = useMemo(
    () => new Set(view.history.flatMap((step) => (step.stateName ? [step.stateName] : []))),
    [view.history],
  );
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return undefined;
    const renderer = renderExecutionGraph(host.current, graph, current, visited);
    return () => renderer.destroy();
  }, [graph, current, visited]);

  const where = view.status === 'RUNNING' ? 'Now in' : 'Stopped in';
  return (
    <section className="tasks-execution" aria-label={`Execution ${view.name}`}>
      <h3 className="tasks-section-title">
        Execution <span className="tasks-id">{view.name}</span> <span className="tasks-status">{view.status}</span>
      </h3>
      <p className="tasks-muted">
        {arnName(view.stateMachineArn)} · {where}{' '}
        {view.currentStates.length > 0 ? view.currentStates.join(', ') : 'no state'}
      </p>
      <div className="tasks-execution__body">
        <div className="tasks-graph-wrap">
          <div className="tasks-graph" ref={host} data-testid="execution-graph" />
          <p className="tasks-muted tasks-graph__hint">Drag to move the graph, scroll over it to zoom.</p>
          <ul className="sr-only" aria-label="States">
            {graph.nodes.map((node) => (
              <li key={node.id} data-state={node.id} data-current={current.has(node.id) || undefined}>
                {node.label}
                {current.has(node.id) ? ' (current)' : visited.has(node.id) ? ' (visited)' : ''}
              </li>
            ))}
          </ul>
        </div>
        <ol className="tasks-history" aria-label="History">
          {view.history.map((step) => (
            <li key={step.id} className={step.kind.endsWith('Failed') || step.kind.endsWith('TimedOut') ? 'tasks-history__bad' : undefined}>
              <span className="tasks-history__time">{new Date(step.timestampMs).toLocaleTimeString()}</span>
              <span className="tasks-history__kind">{step.kind}</span>
              {step.stateName && <span className="tasks-history__state">{step.stateName}</span>}
              {step.summary && <span className="tasks-history__summary">{step.summary}</span>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
