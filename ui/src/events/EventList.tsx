// The events put on the buses: a story search, and the explorer of the live
// events (newest first, filtered, paused, tested against patterns).
import type { BusEvent } from '../bindings/BusEvent';
import { useExplorer } from '../hooks/useExplorer';
import { useStory } from '../hooks/useStory';
import { EventExplorer } from './EventExplorer';
import { StorySearch } from './StorySearch';
import { StoryView } from './StoryView';
import { describeQuery } from './storyFormat';
import { useStoryRequests } from './storyRequests';
import './explorer.css';

interface Props {
  events: readonly BusEvent[];
  loading: boolean;
  error: string | null;
}

export function EventList({ events, loading, error }: Props) {
  const story = useStory();
  const explorer = useExplorer(events);
  useStoryRequests(story.search);

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
        <EventExplorer explorer={explorer} loading={loading} error={error} onStory={story.search} />
      )}
    </section>
  );
}
