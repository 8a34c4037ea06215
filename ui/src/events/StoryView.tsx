// A story: the events a search found as a causation tree on a time axis,
// the workflows they started (with the tasks still waiting), and the
// trace of any event one click away.
import { useEffect, useState } from 'react';
import { setHighlightedTraces } from '../graph/highlight';
import type { EventStory } from '../bindings/EventStory';
import { formatClock } from './format';
import {
  describeQuery,
  describeResumption,
  formatDuration,
  storyLines,
  type ExecutionBar,
  type StoryLine,
} from './storyFormat';
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
        {line.resumed.map(({ execution, resumption }) => (
          <span
            key={`${execution.executionArn}-${resumption.scheduledMs}`}
            className="story-badge story-badge--resumed"
            title={`Answered the task token of ${resumption.stateName} in ${execution.name}${
              resumption.resumedBy === 'timing' ? ' (told by timing: likely, not certain)' : ''
            }`}
          >
            resumed {resourceName(execution.stateMachineArn)}
          </span>
        ))}
        <span className="story__axis" aria-hidden="true">
          {line.attempts.map((attempt, index) => (
            <span
              key={index}
              className={`story__attempt story__attempt--${attempt.result}`}
              style={{ left: `${attempt.left}%`, width: `${attempt.width}%` }}
              title={attempt.title}
            />
          ))}
          <span className="story__tick" style={{ left: `${line.offset}%` }} />
        </span>
      </button>
      {line.executions.map((bar) => (
        <Execution key={bar.execution.executionArn} bar={bar} />
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

function Execution({ bar }: { bar: ExecutionBar }) {
  const { execution } = bar;
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
      {bar.waits.map(({ resumption, answeredBy }) => (
        <span key={`${resumption.stateName}-${resumption.scheduledMs}`} className="story__resumption">
          {describeResumption(resumption)}
          {answeredBy && ` by ${answeredBy.event.detailType}`}
          {resumption.resumedBy === 'timing' && ' (likely)'}
        </span>
      ))}
      <span className="story__axis story__axis--execution" aria-hidden="true">
        <span className="story__run" style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
        {bar.waits.map((wait) => (
          <span
            key={wait.resumption.scheduledMs}
            className={`story__wait story__wait--${wait.resumption.outcome.toLowerCase()}`}
            style={{ left: `${wait.left}%`, width: `${wait.width}%` }}
            title={describeResumption(wait.resumption)}
          />
        ))}
      </span>
    </div>
  );
}
