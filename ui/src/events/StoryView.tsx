// A story: the events a search found as a causation tree on a time axis,
// the workflows they started (with the tasks still waiting), and the
// trace of any event one click away.
import { useEffect, useState } from 'react';
import { setHighlightedTraces } from '../graph/highlight';
import type { EventStory } from '../bindings/EventStory';
import type { StoryExecution } from '../bindings/StoryExecution';
import { formatClock } from './format';
import { describeQuery, formatDuration, storyLines, type StoryLine } from './storyFormat';
import { resourceName } from './traceFormat';
import { TraceDetails } from './TraceView';
import './story.css';

/** Deeper causes are not indented further: the pane is narrow. */
const MAX_INDENT = 6;

export function StoryView({ story }: { story: EventStory }) {
  const lines = storyLines(story);
  const [open, setOpen] = useState<string | null>(null);
  // The story's path lights up on the graph: one event's when it is open.
  useEffect(() => {
    const chosen = story.events.filter((event) => open === null || event.event.id === open);
    setHighlightedTraces(chosen.map((event) => event.trace));
  }, [story, open]);
  useEffect(() => () => setHighlightedTraces(null), []);
  if (lines.length === 0) {
    return <p className="empty">No event matches. Bus logging must be on (INFO or TRACE, with full detail).</p>;
  }
  const last = lines.reduce((max, line) => Math.max(max, line.sinceStartMs), 0);
  return (
    <div className="story" data-testid="story">
      <p className="story__summary">
        {describeQuery(story.query)}: {lines.length} event{lines.length === 1 ? '' : 's'} over {formatDuration(last)}
        {story.executions.length > 0 &&
          `, ${story.executions.length} workflow execution${story.executions.length === 1 ? '' : 's'}`}
        {story.truncated && ' (the first 200 shown)'}
      </p>
      <ol className="story__tree" aria-label="Events by cause">
        {lines.map((line) => (
          <StoryRow
            key={line.event.event.id}
            line={line}
            open={open === line.event.event.id}
            onToggle={() => setOpen((current) => (current === line.event.event.id ? null : line.event.event.id))}
          />
        ))}
      </ol>
    </div>
  );
}

function StoryRow({ line, open, onToggle }: { line: StoryLine; open: boolean; onToggle: () => void }) {
  const { event } = line.event;
  const failed = line.event.trace.hops.some((hop) =>
    hop.invocations.some((invocation) => invocation.outcome === 'deadLettered' || invocation.outcome === 'dropped'),
  );
  return (
    <li className="story__row" data-event-id={event.id} data-depth={line.depth} style={{ paddingLeft: `${Math.min(line.depth, MAX_INDENT) * 10}px` }}>
      <button type="button" className="story__summary-line" aria-expanded={open} onClick={onToggle}>
        <span className="story__when" title={new Date(event.receivedAtMs).toISOString()}>
          {formatClock(event.receivedAtMs)} <small>+{formatDuration(line.sinceStartMs)}</small>
        </span>
        <span className="story__type">{event.detailType}</span>
        <span className="story__bus">{event.busName}</span>
        {line.event.status && <span className={`story-badge story-badge--${line.event.status.toLowerCase()}`}>{line.event.status}</span>}
        {line.event.replayName && (
          <span className="story-badge story-badge--replay" title={`Sent by replay ${line.event.replayName}`}>
            replayed
          </span>
        )}
        {failed && <span className="story-badge story-badge--failed">delivery failed</span>}
        <span className="story__axis" aria-hidden="true">
          <span className="story__tick" style={{ left: `${line.offset}%` }} />
        </span>
      </button>
      {line.executions.map((execution) => (
        <Execution key={execution.executionArn} execution={execution} />
      ))}
      {open && (
        <div className="story__details">
          <pre className="code">{JSON.stringify(event.detail, null, 2)}</pre>
          <TraceDetails trace={line.event.trace} />
        </div>
      )}
    </li>
  );
}

function Execution({ execution }: { execution: StoryExecution }) {
  return (
    <div className={`story__execution story__execution--${execution.status.toLowerCase()}`} title={execution.executionArn}>
      <span>
        ⤷ {resourceName(execution.stateMachineArn)} <small>{execution.name}</small>
      </span>
      <span className="story__execution-status">
        {execution.status.toLowerCase()}
        {execution.stoppedMs !== null
          ? ` · ${formatDuration(execution.stoppedMs - execution.startedMs)}`
          : ` since ${formatClock(execution.startedMs)}`}
      </span>
      {execution.waiting.map((task) => (
        <span key={`${task.stateName}-${task.scheduledMs}`} className="story__waiting">
          waiting in {task.stateName} since {formatClock(task.scheduledMs)}
        </span>
      ))}
    </div>
  );
}
