// The events put on the buses, newest first.
import { useCallback, useState } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import type { StoryQuery } from '../bindings/StoryQuery';
import { useStory } from '../hooks/useStory';
import { EventRow } from './EventRow';
import { StorySearch } from './StorySearch';
import { StoryView } from './StoryView';
import { describeQuery } from './storyFormat';

interface Props {
  events: readonly BusEvent[];
  loading: boolean;
  error: string | null;
}

export function EventList({ events, loading, error }: Props) {
  const story = useStory();
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
      <StorySearch onSearch={story.search} />
      {story.state.status !== 'idle' ? (
        <>
          <div className="story-bar">
            <span>{story.state.status === 'ready' ? 'Story' : describeQuery(story.state.query)}</span>
            <button type="button" onClick={story.close}>
              Back to live events
            </button>
          </div>
          {story.state.status === 'loading' && <p className="empty">Reading the bus logs…</p>}
          {story.state.status === 'error' && (
            <p className="pane-error" role="alert">
              Could not search: {story.state.message}
            </p>
          )}
          {story.state.status === 'ready' && <StoryView story={story.state.story} />}
        </>
      ) : (
        <LiveEvents events={events} loading={loading} error={error} expanded={expanded} onToggle={toggle} onStory={story.search} />
      )}
    </section>
  );
}

interface LiveProps extends Props {
  expanded: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onStory: (query: StoryQuery) => void;
}

function LiveEvents({ events, loading, error, expanded, onToggle, onStory }: LiveProps) {
  return (
    <>
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
            <EventRow
              key={event.id}
              event={event}
              expanded={expanded.has(event.id)}
              onToggle={onToggle}
              onStory={onStory}
            />
          ))}
        </ol>
      )}
    </>
  );
}
