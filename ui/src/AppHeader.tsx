import { CircuitsButton } from './circuits/CircuitsButton';
import { ConnectionBadge } from './connection/ConnectionBadge';
import { DeadLettersButton } from './deadletters/DeadLettersButton';
import { DemoButton } from './demo/DemoButton';
import { ReplaysButton } from './replays/ReplaysButton';
import { TasksButton } from './tasks/TasksButton';
import { useConnectionInfo } from './hooks/useConnectionInfo';
import type { PutSampleEvent } from './hooks/usePutSampleEvent';
import { ThemeToggle } from './theme/ThemeToggle';

export function AppHeader({ putEvent }: { putEvent: PutSampleEvent }) {
  const connection = useConnectionInfo();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand__mark" aria-hidden />
        <h1 className="brand__name">Choreoscope</h1>
      </div>
      <ConnectionBadge info={connection.info} error={connection.error} />
      <div className="app-header__actions">
        {putEvent.status && (
          <p className="put-status" role="status" data-testid="put-status">
            {putEvent.status}
          </p>
        )}
        <CircuitsButton />
        <DeadLettersButton />
        <ReplaysButton />
        <DemoButton />
        <TasksButton />
        <button
          type="button"
          className="button button--primary"
          onClick={putEvent.put}
          disabled={putEvent.pending}
          aria-busy={putEvent.pending}
        >
          Put sample event
        </button>
        <ThemeToggle />
      </div>
    </header>
  );
}
