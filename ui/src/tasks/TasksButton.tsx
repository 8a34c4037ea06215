// The header's "Waiting tasks N" button: opens the drawer, and counts the
// waiting tasks now and then while the drawer is closed (the drawer reads
// them itself while open).
import { listWaitingTasks } from './api';
import { reportTaskCount, toggleTasks, useTasksUi } from './store';
import { usePolling } from '../hooks/usePolling';

/** How often the closed drawer's button reads the waiting tasks. */
export const CLOSED_POLL_MS = 10_000;

export function TasksButton() {
  const { open, count } = useTasksUi();

  usePolling(
    !open,
    CLOSED_POLL_MS,
    listWaitingTasks,
    (tasks) => reportTaskCount(tasks.length),
    // The count is a hint: the drawer says what went wrong when opened.
    () => reportTaskCount(null),
  );

  return (
    <button
      type="button"
      id="waiting-tasks-button"
      className={`button button--ghost tasks-button${count ? ' tasks-button--some' : ''}`}
      onClick={toggleTasks}
      aria-expanded={open}
      aria-controls={open ? 'waiting-tasks-drawer' : undefined}
      aria-label={count === null ? 'Waiting tasks' : `Waiting tasks ${count}`}
      title={count === null ? 'Tasks waiting for a task token' : `${count} task${count === 1 ? '' : 's'} waiting for a task token`}
    >
      Waiting tasks
      {count !== null && <span className="tasks-button__count">{count}</span>}
    </button>
  );
}
