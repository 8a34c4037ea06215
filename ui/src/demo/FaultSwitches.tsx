// The fault switches of the simulated restaurant partner and notification
// provider, showing the mode in force.
import { useState } from 'react';
import { toAppError } from '../api';
import type { DemoFaults } from '../bindings/DemoFaults';
import { setDemoFaults } from './api';

const PARTNER_MODES = ['healthy', 'down', 'slow', 'flaky', 'rejecting', 'silent'] as const;
const NOTIFICATION_MODES = ['healthy', 'down'] as const;

const EXPLAIN: Record<string, string> = {
  healthy: 'answers as it should',
  down: 'answers 503 to everything',
  slow: 'answers after 6 s, past the callers\' 5 s time-out',
  flaky: 'answers 500 to a share of requests',
  rejecting: 'refuses every order (422)',
  silent: 'accepts orders but never calls back',
};

/** `flaky=30` → `flaky`. */
function modeOf(fault: string): string {
  return fault.split('=')[0] ?? fault;
}

export function FaultSwitches({
  faults,
  onChanged,
}: {
  faults: DemoFaults | null;
  onChanged: (faults: DemoFaults) => void;
}) {
  const [percent, setPercent] = useState(30);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const change = (update: { partner?: string; notifications?: string }) => {
    setPending(true);
    setDemoFaults(update)
      .then(
        (next) => {
          setError(null);
          onChanged(next);
        },
        (reason: unknown) => setError(toAppError(reason).message),
      )
      .finally(() => setPending(false));
  };

  const partner = faults?.partner ?? null;
  return (
    <section className="demo-section" aria-labelledby="demo-faults-title">
      <h3 id="demo-faults-title" className="demo-section__title">
        Faults
      </h3>
      <div className="demo-switch" role="group" aria-label="Restaurant partner">
        <span className="demo-switch__label">
          Restaurant partner: <strong data-testid="partner-mode">{partner ?? '…'}</strong>
        </span>
        <div className="demo-switch__options">
          {PARTNER_MODES.map((mode) => (
            <button
              key={mode}
              type="button"
              className="demo-chip"
              aria-pressed={partner !== null && modeOf(partner) === mode}
              disabled={pending}
              title={EXPLAIN[mode]}
              onClick={() => change({ partner: mode === 'flaky' ? `flaky=${percent}` : mode })}
            >
              {mode}
            </button>
          ))}
          <label className="demo-switch__percent">
            <input
              type="number"
              min={0}
              max={100}
              value={percent}
              aria-label="Flaky: percentage of requests that fail"
              onChange={(e) => setPercent(Math.min(100, Math.max(0, Math.round(Number(e.target.value) || 0))))}
            />
            %
          </label>
        </div>
      </div>
      <div className="demo-switch" role="group" aria-label="Notification provider">
        <span className="demo-switch__label">
          Notification provider: <strong data-testid="notifications-mode">{faults?.notifications ?? '…'}</strong>
        </span>
        <div className="demo-switch__options">
          {NOTIFICATION_MODES.map((mode) => (
            <button
              key={mode}
              type="button"
              className="demo-chip"
              aria-pressed={faults?.notifications === mode}
              disabled={pending}
              onClick={() => change({ notifications: mode })}
            >
              {mode}
            </button>
          ))}
        </div>
      </div>
      {error && (
        <p className="demo-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
