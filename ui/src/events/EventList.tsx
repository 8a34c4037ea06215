// The events put on the buses, newest first.
import { useCallback, useState } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import { EventRow } from './EventRow';

interface Props {
  events: readonly BusEvent[];
  loading: boolean;
  error: string | null;
}

export function EventList({ events, loading, error }: Props) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  return (
    <section className="events-pane" aria-labelledby="events-heading">
      <header className="pane-header">
        <h2 id="events-heading">
          Events <span className="count">{events.length}</span>
        </h2>
      </header>
      {error && (
        <p className="pane-error" role="alert">
          Could not load events: {error}
        </p>
      )}
      {events.length === 0 ? (
        !error && (
          <p className="empty">
            {loading ? 'Loading events…' : 'No events yet. Put one with the button above, or with the aws CLI.'}
          </p>
        )
      ) : (
        <ol className="event-list" aria-label="Events, newest first">
          {events.map((event) => (
            <EventRow key={event.id} event={event} expanded={expanded.has(event.id)} onToggle={toggle} />
          ))}
        </ol>
      )}
    </section>
  );
}
