// The traffic generator's rate, in orders a second: a slider and a number.
import { useRef, useState } from 'react';
import { toAppError } from '../api';
import { setDemoTraffic } from './api';

/** The slider's top; the number field takes up to the demo's cap of 200. */
const SLIDER_MAX = 20;
const MAX_RATE = 200;

export function TrafficControl({ rate, onChanged }: { rate: number | null; onChanged: (rate: number) => void }) {
  const [value, setValue] = useState<number | null>(rate);
  const [error, setError] = useState<string | null>(null);
  // The latest request wins: answers to earlier ones are ignored.
  const sent = useRef(0);

  const change = (next: number) => {
    if (!Number.isFinite(next)) return;
    const clamped = Math.min(MAX_RATE, Math.max(0, next));
    setValue(clamped);
    const request = ++sent.current;
    setDemoTraffic(clamped).then(
      (set) => {
        if (request !== sent.current) return;
        setError(null);
        onChanged(set);
      },
      (reason: unknown) => {
        if (request === sent.current) setError(toAppError(reason).message);
      },
    );
  };

  // Follows the demo's rate until the presenter moves the control.
  const shown = value ?? rate ?? 0;
  return (
    <section className="demo-section" aria-labelledby="demo-traffic-title">
      <h3 id="demo-traffic-title" className="demo-section__title">
        Traffic
      </h3>
      <div className="demo-traffic">
        <input
          type="range"
          min={0}
          max={SLIDER_MAX}
          step={0.5}
          value={Math.min(shown, SLIDER_MAX)}
          aria-label="Traffic rate slider"
          onChange={(e) => change(Number(e.target.value))}
        />
        <input
          type="number"
          min={0}
          max={MAX_RATE}
          step={0.5}
          value={shown}
          aria-label="Orders per second"
          onChange={(e) => change(Number(e.target.value))}
        />
        <span className="demo-muted">orders/s</span>
      </div>
      <p className="demo-muted" data-testid="traffic-now">
        {rate === null ? 'Reading the rate…' : rate === 0 ? 'Paused' : `Placing ${rate} orders a second`}
      </p>
      {error && (
        <p className="demo-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
