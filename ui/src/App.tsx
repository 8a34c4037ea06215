import './App.css';
import { AppHeader } from './AppHeader';
import { CircuitsPanel } from './circuits/CircuitsPanel';
import { DeadLettersDrawer } from './deadletters/DeadLettersDrawer';
import { DemoDrawer } from './demo/DemoDrawer';
import { ReplaysDrawer } from './replays/ReplaysDrawer';
import { TasksDrawer } from './tasks/TasksDrawer';
import { ErrorBanner } from './ErrorBanner';
import { EventList } from './events/EventList';
import { GraphView } from './graph/GraphView';
import { useEvents } from './hooks/useEvents';
import { usePutSampleEvent } from './hooks/usePutSampleEvent';
import { useTopology, type TopologyState } from './hooks/useTopology';
import { CommandPalette } from './palette/CommandPalette';
import { ThemeSync } from './theme/ThemeSync';

export function App() {
  const topology = useTopology();
  const events = useEvents();
  const putEvent = usePutSampleEvent();

  return (
    <div className="app">
      <AppHeader putEvent={putEvent} />
      {putEvent.error && (
        <ErrorBanner error={putEvent.error} title="Could not put the sample event." onDismiss={putEvent.dismissError} />
      )}
      <main className="app-main">
        <GraphArea state={topology} />
        <EventList events={events.events} loading={events.loading} error={events.error} />
        <DeadLettersDrawer />
        <ReplaysDrawer />
        <CircuitsPanel />
        <DemoDrawer />
        <TasksDrawer />
      </main>
      <ThemeSync />
      <CommandPalette />
    </div>
  );
}

function GraphArea({ state }: { state: TopologyState }) {
  switch (state.status) {
    case 'ready':
      return <GraphView topology={state.topology} />;
    case 'loading':
      return (
        <section className="graph-pane" aria-label="Choreography graph" aria-busy>
          <div className="graph-message">
            <span className="spinner" aria-hidden />
            <p>Loading topology…</p>
          </div>
        </section>
      );
    case 'stopped':
      return (
        <section className="graph-pane" aria-label="Choreography graph">
          <div className="graph-message" role="status">
            <p className="graph-message__title">Local system stopped</p>
            <p>{state.message}</p>
          </div>
        </section>
      );
    case 'error':
      return (
        <section className="graph-pane" aria-label="Choreography graph">
          <div className="graph-message graph-message--error" role="alert">
            <p className="graph-message__title">Could not load the topology</p>
            <p>{state.message}</p>
          </div>
        </section>
      );
  }
}
