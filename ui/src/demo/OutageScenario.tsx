// The guided "partner outage" scenario: numbered steps, each with a button,
// what to look at, and a live check that it happened (from the demo's status
// and the partner's circuit, as the circuits commands read it).
import { useState } from 'react';
import { toAppError } from '../api';
import type { CircuitHistory } from '../bindings/CircuitHistory';
import type { DemoFaults } from '../bindings/DemoFaults';
import type { DemoStatus } from '../bindings/DemoStatus';
import { openCircuits } from '../circuits/store';
import { formatElapsed } from '../circuits/timeline';
import { useNow } from '../circuits/useCircuits';
import { setDemoFaults, setDemoTraffic } from './api';
import { currentStep, latchSteps, SCENARIO, SCENARIO_RATE, type StepAction } from './scenario';

export function OutageScenario({
  status,
  circuit,
  onFaults,
  onRate,
}: {
  status: DemoStatus | null;
  circuit: CircuitHistory | null;
  onFaults: (faults: DemoFaults) => void;
  onRate: (rate: number) => void;
}) {
  const [startedAtMs, setStartedAtMs] = useState<number | null>(null);
  const [finishedAtMs, setFinishedAtMs] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [seen, setSeen] = useState<boolean[]>([]);
  const now = useNow();

  // A step once seen done stays done (adjusting state while rendering, as React documents).
  const done = latchSteps(seen, { status, circuit, startedAtMs });
  if (done.some((d, i) => d !== (seen[i] ?? false))) setSeen(done);
  const current = currentStep(done);
  const allDone = current === SCENARIO.length;
  if (allDone && startedAtMs !== null && finishedAtMs === null) setFinishedAtMs(now);

  const run = (action: StepAction) => {
    setError(null);
    // The clock of the last tick (at most a second early) is close enough for the checks.
    if (action === 'traffic-on' && startedAtMs === null) setStartedAtMs(now);
    const fail = (reason: unknown) => setError(toAppError(reason).message);
    switch (action) {
      case 'traffic-on':
        setDemoTraffic(SCENARIO_RATE).then(onRate, fail);
        break;
      case 'traffic-off':
        setDemoTraffic(0).then(onRate, fail);
        break;
      case 'partner-down':
        setDemoFaults({ partner: 'down' }).then(onFaults, fail);
        break;
      case 'partner-healthy':
        setDemoFaults({ partner: 'healthy' }).then(onFaults, fail);
        break;
      case 'show-circuits':
        openCircuits();
        break;
    }
  };

  const elapsed = startedAtMs === null ? null : (finishedAtMs ?? now) - startedAtMs;
  return (
    <section className="demo-section" aria-labelledby="demo-scenario-title">
      <h3 id="demo-scenario-title" className="demo-section__title">
        Scenario: partner outage
      </h3>
      <p className="demo-muted" data-testid="scenario-clock">
        {elapsed === null
          ? 'Under two minutes: run the steps in order; each one ticks itself off when it has happened.'
          : `${allDone ? 'Done in' : 'Running for'} ${formatElapsed(elapsed)}`}
        {startedAtMs !== null && (
          <button
            type="button"
            className="button button--ghost demo-scenario__reset"
            onClick={() => {
              setStartedAtMs(null);
              setFinishedAtMs(null);
              setSeen([]);
            }}
          >
            Start over
          </button>
        )}
      </p>
      <ol className="demo-scenario">
        {SCENARIO.map((step, i) => {
          const state = done[i] ? 'done' : i === current ? 'current' : 'waiting';
          return (
            <li key={step.id} className={`demo-step demo-step--${state}`} data-step={step.id} data-state={state}>
              <div className="demo-step__head">
                <span className="demo-step__number" aria-hidden>
                  {done[i] ? '✓' : i + 1}
                </span>
                <span className="demo-step__title">{step.title}</span>
                <button
                  type="button"
                  className={`button ${i === current ? 'button--primary' : 'button--ghost'}`}
                  onClick={() => run(step.action)}
                  disabled={step.action !== 'traffic-on' && step.action !== 'show-circuits' && startedAtMs === null}
                >
                  {step.button}
                </button>
              </div>
              <p className="demo-step__look">{step.lookAt}</p>
              <p className="demo-step__check" data-testid={`check-${step.id}`}>
                {done[i] ? `✓ Seen: ${step.expect}` : `Waiting for: ${step.expect}`}
              </p>
            </li>
          );
        })}
      </ol>
      {error && (
        <p className="demo-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
