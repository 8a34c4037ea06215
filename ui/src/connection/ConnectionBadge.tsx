// Where the dashboard is looking: the local system or a real AWS account.
// Clicking it opens the connections panel.
import type { ConnectionInfo } from '../bindings/ConnectionInfo';
import { isStopped } from './api';
import { ConnectionsPanel } from './ConnectionsPanel';
import { describeConnection } from './describe';
import { toggleConnections, useConnectionsUi } from './store';
import './connections.css';

interface Props {
  info: ConnectionInfo | null;
  error: string | null;
}

export function ConnectionBadge({ info, error }: Props) {
  const { open, overview } = useConnectionsUi();
  const stopped = isStopped(overview);
  const mode = info ? info.mode : 'unknown';
  const text = info ? describeConnection(info) : error ? 'Connection unknown' : 'Connecting…';
  return (
    <span className="connection-anchor">
      <button
        type="button"
        className={`badge badge--${mode} connection-badge${stopped ? ' badge--stopped' : ''}`}
        data-testid="connection"
        title={error ?? 'Connections: switch, start or stop the local system'}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={toggleConnections}
      >
        <span className="badge__dot" aria-hidden />
        {text}
        {stopped && <span className="connection-badge__state"> · stopped</span>}
      </button>
      {open && <ConnectionsPanel />}
    </span>
  );
}
