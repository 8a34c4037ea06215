// The circuits panel over the graph pane: each circuit's state, time in it
// (ticking), failures and reason, a timeline strip from shortly before its
// earliest known change (10 minutes to three hours),
// and the replays its closings started, with their state and progress.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { CircuitHistory } from '../bindings/CircuitHistory';
import type { CircuitReplay } from '../bindings/CircuitReplay';
import type { CircuitsReport } from '../bindings/CircuitsReport';
import './circuits.css';
import { useConnectionInfo } from '../hooks/useConnectionInfo';
import { circuitsPollMs } from './polling';
import { closeCircuits, useCircuitsUi } from './store';
import {
  clockTime,
  formatElapsed,
  segmentPlace,
  segmentTitle,
  sortHistories,
  stateClass,
  stateLabel,
  timelineSegments,
  timelineWindowStart,
  windowWords,
} from './timeline';
import { useCircuitsPolling, useNow } from './useCircuits';

export function CircuitsPanel() {
  const { open } = useCircuitsUi();
  if (!open) return null;
  return <Panel />;
}

function Panel() {
  const { report, error, firstReadMs } = useCircuitsUi();
  const { info } = useConnectionInfo();
  useCircuitsPolling(circuitsPollMs(true, info?.mode));
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);

  // Focus moves into the panel on open, and back to the header's button on close.
  useEffect(() => {
    const before = document.activeElement;
    heading.current?.focus();
    return () => {
      const button = document.getElementById('circuits-button');
      if (button) button.focus();
      else if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeCircuits();
    }
  };

  return (
    <aside
      id="circuits-panel"
      className="circuits-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="circuits-title"
      onKeyDown={onKeyDown}
    >
      <header className="circuits-panel__header">
        <h2 id="circuits-title" className="circuits-panel__title" tabIndex={-1} ref={heading}>
          Circuits
        </h2>
        <button type="button" className="icon-button" aria-label="Close circuits" onClick={closeCircuits}>
          ×
        </button>
      </header>
      <div className="circuits-panel__body">
        {error && (
          <p className="circuits-error" role="alert">
            {report ? 'Could not refresh the circuits: ' : 'Could not read the circuits: '}
            {error.message}
          </p>
        )}
        {report?.replaysError && (
          <p className="circuits-warning" role="status">
            The replays closings started could not be read: {report.replaysError}
          </p>
        )}
        {!report && !error && <p className="circuits-muted">Reading the circuits…</p>}
        {report && report.circuits.length === 0 && (
          <p className="circuits-muted">
            No circuit has changed state in the last day: circuits are known from their{' '}
            <code>Circuit State Changed</code> events in the bus logs.
          </p>
        )}
        {report && report.circuits.length > 0 && <CircuitList report={report} now={now} firstReadMs={firstReadMs} />}
      </div>
    </aside>
  );
}

function CircuitList({ report, now, firstReadMs }: { report: CircuitsReport; now: number; firstReadMs: number | null }) {
  const at = Math.max(now, report.atMs);
  // One window for every circuit: their strips line up and compare.
  const windowStartMs = timelineWindowStart(report.circuits, firstReadMs, at);
  return (
    <ul className="circuits-list">
      {sortHistories(report.circuits).map((circuit) => (
        <CircuitCard key={circuit.name} circuit={circuit} now={at} windowStartMs={windowStartMs} />
      ))}
    </ul>
  );
}

function CircuitCard({ circuit, now, windowStartMs }: { circuit: CircuitHistory; now: number; windowStartMs: number }) {
  const state = circuit.state.toUpperCase();
  return (
    <li className="circuit-card" data-circuit={circuit.name} data-state={state}>
      <div className="circuit-card__head">
        <span className={`circuit-state circuit-state--${stateClass(state)}`}>{stateLabel(state)}</span>
        <span className="circuit-card__name">{circuit.name}</span>
        <span className="circuit-card__since" data-testid="time-in-state">
          for {formatElapsed(now - circuit.sinceMs)}
        </span>
      </div>
      <dl className="circuit-card__facts">
        <dt>Failures</dt>
        <dd>{circuit.failures ?? '—'}</dd>
        <dt>Reason</dt>
        <dd>{circuit.reason ?? '—'}</dd>
        <dt>Since</dt>
        <dd>{clockTime(circuit.sinceMs)}</dd>
      </dl>
      <Timeline circuit={circuit} now={now} windowStartMs={windowStartMs} />
      <Replays replays={circuit.replays} />
    </li>
  );
}

function Timeline({ circuit, now, windowStartMs }: { circuit: CircuitHistory; now: number; windowStartMs: number }) {
  const segments = timelineSegments(circuit, windowStartMs, now);
  const span = windowWords(now - windowStartMs);
  const inWindow = circuit.transitions.filter((t) => t.atMs >= windowStartMs && t.atMs <= now).length;
  return (
    <figure className="circuit-timeline">
      <div
        className="circuit-timeline__strip"
        role="list"
        aria-label={`${circuit.name}: ${inWindow} transition${inWindow === 1 ? '' : 's'} in the last ${span}`}
      >
        {segments.map((segment, i) => (
          <span
            key={segment.startMs}
            role="listitem"
            className={`circuit-timeline__segment circuit-timeline__segment--${stateClass(segment.state)}`}
            style={segmentPlace(segment, i === segments.length - 1)}
            title={segmentTitle(segment)}
            aria-label={segmentTitle(segment)}
            data-state={segment.state}
          />
        ))}
      </div>
      <figcaption className="circuit-timeline__axis">
        <span data-testid="window-start">{span} ago</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}

function Replays({ replays }: { replays: CircuitReplay[] }) {
  if (replays.length === 0) return null;
  return (
    <section className="circuit-replays" aria-label="Replays its closings started">
      <h3 className="circuit-replays__title">Replays its closings started</h3>
      <ul>
        {[...replays].reverse().map((replay) => {
          const percent = Math.round(replay.progress * 100);
          return (
            <li key={replay.name} className="circuit-replay" data-replay={replay.name} data-state={replay.state}>
              <span className="circuit-replay__name" title={replay.description ?? undefined}>
                {replay.name}
              </span>
              <span className={`circuit-replay__state circuit-replay__state--${replay.state.toLowerCase()}`}>
                {replay.state}
              </span>
              <progress
                className="circuit-replay__progress"
                max={100}
                value={percent}
                aria-label={`${replay.name} progress`}
              />
              <span className="circuit-replay__percent">{percent}%</span>
              <span className="circuit-replay__when">closed at {clockTime(replay.closedAtMs)}</span>
              {replay.stateReason && <span className="circuit-replay__reason">{replay.stateReason}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
