// What happened to one event, hop by hop: each bus that received it, the
// rules it matched, and every delivery with its attempts on a time axis.
import type { AttemptTrace } from '../bindings/AttemptTrace';
import type { EventTrace } from '../bindings/EventTrace';
import type { InvocationOutcome } from '../bindings/InvocationOutcome';
import type { InvocationTrace } from '../bindings/InvocationTrace';
import type { TraceHop } from '../bindings/TraceHop';
import { useTrace } from '../hooks/useTrace';
import { resourceName, traceWindow } from './traceFormat';

const OUTCOME_LABEL: Record<InvocationOutcome, string> = {
  inProgress: 'retrying',
  succeeded: 'delivered',
  deadLettered: 'dead-lettered',
  dropped: 'dropped',
};

export function TraceView({ eventId }: { eventId: string }) {
  const state = useTrace(eventId);
  if (state.status === 'loading') return <p className="trace__note">Reading the bus logs…</p>;
  if (state.status === 'error') {
    return (
      <p className="trace__note" role="alert">
        Could not read the trace: {state.message}
      </p>
    );
  }
  return <TraceDetails trace={state.trace} />;
}

/** A trace already read (a story holds the traces of its events). */
export function TraceDetails({ trace }: { trace: EventTrace }) {
  if (trace.hops.length === 0) {
    return <p className="trace__note">No bus logged this event yet (bus logging may be off).</p>;
  }
  const window = traceWindow(trace);
  return (
    <div className="trace" data-testid="trace" data-complete={trace.complete}>
      {trace.hops.map((hop) => (
        <Hop key={`${hop.busName}-${hop.receivedMs ?? ''}`} hop={hop} window={window} />
      ))}
    </div>
  );
}

function Hop({ hop, window }: { hop: TraceHop; window: { start: number; span: number } }) {
  return (
    <section className="trace__hop" data-bus={hop.busName}>
      <h4>
        {hop.busName}
        {hop.receivedMs !== null && <span className="trace__offset">+{hop.receivedMs - window.start} ms</span>}
        {hop.replayName && (
          <span className="trace__replayed" title={`Sent again by replay ${hop.replayName}`}>
            replay {hop.replayName}
          </span>
        )}
      </h4>
      {hop.noRuleMatched && <p className="trace__note">No rule matched.</p>}
      {hop.matchedRules.length > 0 && (
        <p className="trace__rules">Rules: {hop.matchedRules.map(resourceName).join(', ')}</p>
      )}
      <ul className="trace__invocations">
        {hop.invocations.map((invocation) => (
          <Invocation key={invocation.invocationId} invocation={invocation} window={window} />
        ))}
      </ul>
    </section>
  );
}

function Invocation({ invocation, window }: { invocation: InvocationTrace; window: { start: number; span: number } }) {
  return (
    <li className={`trace__invocation trace__invocation--${invocation.outcome}`} data-outcome={invocation.outcome}>
      <span className="trace__target" title={invocation.targetArn}>
        {resourceName(invocation.targetArn)} <small>{invocation.targetType}</small>
      </span>
      <span className="trace__bars" aria-hidden="true">
        {invocation.attempts.map((attempt) => (
          <AttemptBar key={attempt.number} attempt={attempt} window={window} />
        ))}
      </span>
      <span className="trace__outcome">
        {OUTCOME_LABEL[invocation.outcome]}
        {invocation.attempts.length > 1 && ` after ${invocation.attempts.length} attempts`}
        {invocation.throttled && ', throttled'}
      </span>
      {invocation.error && (
        <span className="trace__error">
          {invocation.error.code ? `${invocation.error.code}: ` : ''}
          {invocation.error.message}
        </span>
      )}
    </li>
  );
}

function AttemptBar({ attempt, window }: { attempt: AttemptTrace; window: { start: number; span: number } }) {
  const left = ((attempt.startedMs - window.start) / window.span) * 100;
  const width = Math.max((((attempt.endedMs ?? attempt.startedMs) - attempt.startedMs) / window.span) * 100, 1);
  return (
    <span
      className={`trace__bar trace__bar--${attempt.result}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      title={`Attempt ${attempt.number}: ${attempt.result}${attempt.error ? ` (${attempt.error.message})` : ''}`}
    />
  );
}
