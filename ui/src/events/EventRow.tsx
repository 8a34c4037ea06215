// One event in the list: a summary line that expands to the full JSON.
import { memo } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import type { StoryQuery } from '../bindings/StoryQuery';
import { eventJson, formatClock, previewDetail } from './format';
import { storyQueryFor } from './storyFormat';
import { TraceView } from './TraceView';

interface Props {
  event: BusEvent;
  expanded: boolean;
  onToggle: (id: string) => void;
  /** Opens the story of this event (its correlation's, else its own). */
  onStory?: (query: StoryQuery) => void;
}

export const EventRow = memo(function EventRow({ event, expanded, onToggle, onStory }: Props) {
  const jsonId = `event-json-${event.id}`;
  return (
    <li className={`event-row${expanded ? ' event-row--expanded' : ''}`} data-testid="event-row" data-event-id={event.id}>
      <button
        type="button"
        className="event-row__summary"
        aria-expanded={expanded}
        aria-controls={expanded ? jsonId : undefined}
        onClick={() => onToggle(event.id)}
      >
        <span className="event-row__meta">
          <time className="event-row__time" dateTime={new Date(event.receivedAtMs).toISOString()} title={event.time}>
            {formatClock(event.receivedAtMs)}
          </time>
          <span className="event-row__bus" title="Event bus">
            {event.busName}
          </span>
        </span>
        <span className="event-row__type">{event.detailType}</span>
        <span className="event-row__source">{event.source}</span>
        <span className="event-row__preview">{previewDetail(event.detail)}</span>
      </button>
      {expanded && (
        <div id={jsonId} className="event-row__details">
          {onStory && (
            <button type="button" className="event-row__story" onClick={() => onStory(storyQueryFor(event))}>
              {storyQueryFor(event).kind === 'correlationId' ? 'Show the whole story' : 'Show what it caused'}
            </button>
          )}
          <pre className="code event-row__json">{eventJson(event)}</pre>
          <TraceView eventId={event.id} />
        </div>
      )}
    </li>
  );
});
