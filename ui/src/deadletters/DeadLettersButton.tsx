// The header's "Dead letters N" button: opens the drawer, and reads the total
// depth now and then while the drawer is closed (the drawer reads it itself
// while open).
import { listDeadLetterQueues } from '../api';
import { recordDepths } from './depthHistory';
import { totalDepth } from './format';
import { reportTotalDepth, toggleDeadLetters, useDeadLetterUi } from './store';
import { usePolling } from '../hooks/usePolling';

/** How often the closed drawer's button reads the depths. */
export const CLOSED_POLL_MS = 10_000;

export function DeadLettersButton() {
  const { open, totalDepth: depth } = useDeadLetterUi();

  usePolling(
    !open,
    CLOSED_POLL_MS,
    listDeadLetterQueues,
    (queues) => {
      recordDepths(queues, Date.now());
      reportTotalDepth(totalDepth(queues));
    },
    // The count is a hint: the drawer says what went wrong when opened.
    () => reportTotalDepth(null),
  );

  return (
    <button
      type="button"
      id="dead-letters-button"
      className={`button button--ghost dlq-button${depth ? ' dlq-button--some' : ''}`}
      onClick={toggleDeadLetters}
      aria-expanded={open}
      aria-controls={open ? 'dead-letters-drawer' : undefined}
      aria-label={depth === null ? 'Dead letters' : `Dead letters ${depth}`}
      title={depth === null ? 'Dead-letter queues' : `${depth} message${depth === 1 ? '' : 's'} in dead-letter queues`}
    >
      Dead letters
      {depth !== null && <span className="dlq-button__count">{depth}</span>}
    </button>
  );
}
