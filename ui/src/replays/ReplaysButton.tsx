// The header's "Replays" button: opens the drawer, and while it is closed
// reads now and then how many replays run (the drawer reads it while open).
import { useEffect } from 'react';
import { listReplays } from './api';
import { runningCount } from './format';
import { reportRunning, toggleReplays, useReplayUi } from './store';
import { whenStarted } from '../startupTimings';

/** How often the closed drawer's button reads the replays. */
export const CLOSED_POLL_MS = 10_000;

export function ReplaysButton() {
  const { open, running } = useReplayUi();

  useEffect(() => {
    if (open) return undefined;
    let cancelled = false;
    const read = () => {
      listReplays().then(
        (replays) => {
          if (!cancelled) reportRunning(runningCount(replays));
        },
        () => {
          // The count is a hint: the drawer says what went wrong when opened.
          if (!cancelled) reportRunning(null);
        },
      );
    };
    // The first read waits for the first graph (see `whenStarted`).
    void whenStarted().then(() => {
      if (!cancelled) read();
    });
    const timer = setInterval(read, CLOSED_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [open]);

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
