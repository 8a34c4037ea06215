// The connections panel: the current connection (its endpoint to copy, the
// local system's start, stop and reset), the saved connections to switch
// to, and a form to add one.
import { useEffect, useState } from 'react';
import { toAppError } from '../api';
import type { ConnectionsOverview } from '../bindings/ConnectionsOverview';
import type { SavedConnection } from '../bindings/SavedConnection';
import {
  connectionsOverview,
  deleteConnection,
  renameConnection,
  resetLocalSystem,
  startLocalSystem,
  stopLocalSystem,
  switchConnection,
} from './api';
import { AddConnectionForm } from './AddConnectionForm';
import { cliLine, describeSpec } from './describe';
import { closeConnections, reportOverview, useConnectionsUi } from './store';

type Busy = null | 'switch' | 'start' | 'stop' | 'reset' | 'edit';

export function ConnectionsPanel() {
  const { overview } = useConnectionsUi();
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    connectionsOverview().then(reportOverview, (reason: unknown) => setError(toAppError(reason).message));
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeConnections();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** Runs a change; its answer is the new overview, its failure said in words. */
  function run(kind: Busy, action: () => Promise<ConnectionsOverview>, done: string) {
    setBusy(kind);
    setError(null);
    setStatus(null);
    action()
      .then((next) => {
        reportOverview(next);
        setStatus(done);
      })
      .catch((reason: unknown) => setError(toAppError(reason).message))
      .finally(() => setBusy(null));
  }

  return (
    <div className="connections-panel" role="dialog" aria-label="Connections">
      <div className="connections-panel__head">
        <h2>Connections</h2>
        <button type="button" className="button button--ghost" onClick={closeConnections} aria-label="Close">
          ×
        </button>
      </div>
      {error && (
        <p className="connections-panel__error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="connections-panel__status" role="status">
          {status}
        </p>
      )}
      {!overview ? (
        <p className="connections-panel__muted">Loading connections…</p>
      ) : (
        <>
          <Current overview={overview} busy={busy} run={run} />
          <Saved overview={overview} busy={busy} run={run} />
          <section className="connections-panel__section">
            <h3>Add a connection</h3>
            <AddConnectionForm />
          </section>
        </>
      )}
    </div>
  );
}

interface SectionProps {
  overview: ConnectionsOverview;
  busy: Busy;
  run: (kind: Busy, action: () => Promise<ConnectionsOverview>, done: string) => void;
}

function Current({ overview, busy, run }: SectionProps) {
  const { current } = overview;
  const [confirmReset, setConfirmReset] = useState(false);
  const endpoint = current.info.endpointUrl;
  const local = current.local;
  return (
    <section className="connections-panel__section" aria-label="Current connection">
      <h3>Current connection</h3>
      <p className="connections-panel__name">
        {current.name}
        {local && (
          <span className={`connections-panel__state connections-panel__state--${local}`} data-testid="local-state">
            {local === 'running' ? 'Running' : 'Stopped'}
          </span>
        )}
      </p>
      <p className="connections-panel__muted">
        {describeSpec(current.spec)} · {current.info.region}
      </p>
      {local === 'stopped' && (
        <p className="connections-panel__muted">
          The local system is stopped: nothing answers at its endpoint until you start it.
        </p>
      )}
      {endpoint && <Copyable label="Endpoint" text={endpoint} />}
      {endpoint && local && <Copyable label="Try it" text={cliLine(endpoint, current.info.region)} />}
      {current.dataDir && <p className="connections-panel__muted">Data in {current.dataDir}</p>}
      {local && (
        <div className="connections-panel__actions">
          {local === 'stopped' ? (
            <button
              type="button"
              className="button button--primary"
              disabled={busy !== null}
              onClick={() => run('start', startLocalSystem, 'The local system is running.')}
            >
              {busy === 'start' ? 'Starting…' : 'Start'}
            </button>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => run('stop', stopLocalSystem, 'The local system is stopped.')}
            >
              {busy === 'stop' ? 'Stopping…' : 'Stop'}
            </button>
          )}
          <button type="button" className="button" disabled={busy !== null} onClick={() => setConfirmReset(true)}>
            {busy === 'reset' ? 'Resetting…' : 'Reset data…'}
          </button>
        </div>
      )}
      {confirmReset && (
        <div className="connections-panel__confirm" role="alertdialog" aria-label="Reset the local system">
          <p>
            Delete every bus, rule, event, queue and execution of the local system
            {current.dataDir ? ` (its databases in ${current.dataDir})` : ''} and start it afresh, with the demo
            deployed again? This cannot be undone.
          </p>
          <div className="connections-panel__actions">
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                setConfirmReset(false);
                run('reset', resetLocalSystem, 'The local system was reset and started afresh.');
              }}
            >
              Delete data and restart
            </button>
            <button type="button" className="button" onClick={() => setConfirmReset(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function Saved({ overview, busy, run }: SectionProps) {
  const currentId = overview.current.savedId;
  return (
    <section className="connections-panel__section" aria-label="Saved connections">
      <h3>Saved connections</h3>
      {overview.problem && <p className="connections-panel__error">{overview.problem}</p>}
      <ul className="connections-panel__list">
        {overview.saved.map((saved) => (
          <SavedItem key={saved.id} saved={saved} current={saved.id === currentId} busy={busy} run={run} />
        ))}
      </ul>
      {overview.saved.length === 1 && (
        <p className="connections-panel__muted">Save an AWS profile or an endpoint below to switch to it here.</p>
      )}
    </section>
  );
}

function SavedItem({
  saved,
  current,
  busy,
  run,
}: {
  saved: SavedConnection;
  current: boolean;
  busy: Busy;
  run: SectionProps['run'];
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const builtIn = saved.id === 'local';
  if (renaming !== null) {
    return (
      <li className="connections-panel__item">
        <form
          className="connections-panel__rename"
          onSubmit={(event) => {
            event.preventDefault();
            run('edit', () => renameConnection(saved.id, renaming), `Renamed to ${renaming.trim()}.`);
            setRenaming(null);
          }}
        >
          <input
            aria-label={`New name for ${saved.name}`}
            value={renaming}
            onChange={(event) => setRenaming(event.target.value)}
            autoFocus
          />
          <button type="submit" className="button" disabled={renaming.trim() === ''}>
            Rename
          </button>
          <button type="button" className="button button--ghost" onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
      </li>
    );
  }
  return (
    <li className={`connections-panel__item${current ? ' connections-panel__item--current' : ''}`}>
      <span className="connections-panel__item-text">
        <span className="connections-panel__item-name">{saved.name}</span>
        <span className="connections-panel__muted">{describeSpec(saved.spec)}</span>
      </span>
      {current ? (
        <span className="connections-panel__muted">In use</span>
      ) : (
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          aria-label={`Switch to ${saved.name}`}
          onClick={() => run('switch', () => switchConnection(saved.id), `Switched to ${saved.name}.`)}
        >
          {busy === 'switch' ? 'Switching…' : 'Switch'}
        </button>
      )}
      {!builtIn && (
        <>
          <button
            type="button"
            className="button button--ghost"
            aria-label={`Rename ${saved.name}`}
            onClick={() => setRenaming(saved.name)}
          >
            Rename
          </button>
          <button
            type="button"
            className="button button--ghost"
            aria-label={`Delete ${saved.name}`}
            disabled={busy !== null}
            onClick={() => run('edit', () => deleteConnection(saved.id), `Deleted ${saved.name}.`)}
          >
            Delete
          </button>
        </>
      )}
    </li>
  );
}

function Copyable({ label, text }: { label: string; text: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="connections-panel__copy">
      <span className="connections-panel__muted">{label}</span>
      <code>{text}</code>
      <button
        type="button"
        className="button button--ghost"
        aria-label={`Copy ${label.toLowerCase()}`}
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setCopied('Copied'),
            () => setCopied('Select and copy it by hand'),
          );
        }}
      >
        {copied ?? 'Copy'}
      </button>
    </div>
  );
}
