// The header's "Replays" button: opens the drawer, and while it is closed
// reads now and then how many replays run (the drawer reads it while open).
import { listReplays } from './api';
import { runningCount } from './format';
import { reportRunning, toggleReplays, useReplayUi } from './store';
import { usePolling } from '../hooks/usePolling';

/** How often the closed drawer's button reads the replays. */
export const CLOSED_POLL_MS = 10_000;

export function ReplaysButton() {
  const { open, running } = useReplayUi();

  usePolling(
    !open,
    CLOSED_POLL_MS,
    listReplays,
    (replays) => reportRunning(runningCount(replays)),
    // The count is a hint: the drawer says what went wrong when opened.
    () => reportRunning(null),
  );

  const runs = running !== null && running > 0;
  return (
    <button
      type="button"
      id="replays-button"
      className={`button button--ghost replays-button${runs ? ' replays-button--running' : ''}`}
      onClick={toggleReplays}
      aria-expanded={open}
      aria-controls={open ? 'replays-drawer' : undefined}
      aria-label={runs ? `Replays, ${running} running` : 'Replays'}
      title={runs ? `${running} replay${running === 1 ? '' : 's'} running` : 'Archives and replays'}
    >
      Replays
      {runs && <span className="replays-button__count">{running}</span>}
    </button>
  );
}
