// Where the dashboard is looking: the local system or a real AWS account.
import type { ConnectionInfo } from '../bindings/ConnectionInfo';
import { describeConnection } from './describe';

interface Props {
  info: ConnectionInfo | null;
  error: string | null;
}

export function ConnectionBadge({ info, error }: Props) {
  if (info) {
    return (
      <span className={`badge badge--${info.mode}`} data-testid="connection">
        <span className="badge__dot" aria-hidden />
        {describeConnection(info)}
      </span>
    );
  }
  return (
    <span className="badge badge--unknown" data-testid="connection" title={error ?? undefined}>
      <span className="badge__dot" aria-hidden />
      {error ? 'Connection unknown' : 'Connecting…'}
    </span>
  );
}
