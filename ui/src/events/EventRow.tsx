// One event in the list: a summary line that expands to the full JSON.
import { memo } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import type { StoryQuery } from '../bindings/StoryQuery';
import { eventEnvelope, eventKey, formatClock, previewDetail } from './format';
import { JsonTree } from './JsonTree';
import { storyQueryFor } from './storyFormat';
import { TraceView } from './TraceView';

interface Props {
  event: BusEvent;
  expanded: boolean;
  onToggle: (id: string) => void;
  /** Opens the story of this event (its correlation's, else its own). */
  onStory?: (query: StoryQuery) => void;
  /** Opens the pattern tester with this event. */
  onTest?: (event: BusEvent) => void;
}

export const EventRow = memo(function EventRow({ event, expanded, onToggle, onStory, onTest }: Props) {
  const key = eventKey(event);
  const jsonId = `event-json-${key}`;
  return (
    <div className={`event-row${expanded ? ' event-row--expanded' : ''}`} data-testid="event-row" data-event-id={event.id}>
      <button
        type="button"
        className="event-row__summary"
        aria-expanded={expanded}
        aria-controls={expanded ? jsonId : undefined}
        onClick={() => onToggle(key)}
      >
        <span className="event-row__meta">
          <time className="event-row__time" dateTime={new Date(event.receivedAtMs).toISOString()} title={event.time}>
            {formatClock(event.receivedAtMs)}
          </time>
          <span className="event-row__bus" title="Event bus">
            {event.busName}
          </span>
        </span>
        <span className="event-row__type">
          {event.detailType}
          {event.replayName && (
            <span className="event-row__replayed" title={`Sent again by replay ${event.replayName}`}>
              replayed
            </span>
          )}
        </span>
        <span className="event-row__source">{event.source}</span>
        <span className="event-row__preview">{previewDetail(event.detail)}</span>
      </button>
      {expanded && (
        <div id={jsonId} className="event-row__details">
          <div className="event-row__actions">
            {onStory && (
              <button type="button" className="event-row__story" onClick={() => onStory(storyQueryFor(event))}>
                {storyQueryFor(event).kind === 'correlationId' ? 'Show the whole story' : 'Show what it caused'}
              </button>
            )}
            {onTest && (
              <button type="button" className="event-row__story" onClick={() => onTest(event)}>
                Test a pattern against this event
              </button>
            )}
          </div>
          <div className="event-row__json">
            <JsonTree value={eventEnvelope(event)} label={`Event ${event.id}`} />
          </div>
          <TraceView eventId={event.id} />
        </div>
      )}
    </div>
  );
});
