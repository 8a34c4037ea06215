// The node panel's live part: rates in and out, errors, retries, a DLQ's
// depth, and the recent events through the node (each opens its story).
import { useEffect, useState } from 'react';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';
import { formatClock } from '../events/format';
import { requestStory } from '../events/storyRequests';
import { formatRate } from './activity';
import { nodeFigures, outcomeWords, recentAt, type ActivityRecord } from './nodeLive';
import './live.css';

/** How often the panel reads the record again. */
const REFRESH_MS = 1_000;

export function NodeLive({ node, topology, record }: { node: Node; topology: Topology; record: ActivityRecord }) {
  // The record is mutated in place by the graph's activity handler; a tick re-reads it.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const figures = nodeFigures(node.id, topology, record.last);
  const recent = recentAt(node.id, topology, record.hops);
  return (
    <section className="node-details__section node-live" aria-label="Live">
      <h3 className="node-details__section-title">Live</h3>
      {record.last === null ? (
        <p className="node-live__empty">Waiting for the first reading of the bus logs…</p>
      ) : (
        <dl className="node-live__figures">
          <Figure name="In" value={`${formatRate(figures.inPerSecond)}`} />
          <Figure name="Out" value={`${formatRate(figures.outPerSecond)}`} />
          <Figure name="Failed (1 min)" value={String(figures.errors)} alert={figures.errors > 0} />
          <Figure name="Retrying" value={String(figures.retriesInFlight)} alert={figures.retriesInFlight > 0} />
          {figures.dlqDepth !== null && (
            <Figure name="Messages" value={String(figures.dlqDepth)} alert={figures.dlqDepth > 0} />
          )}
        </dl>
      )}
      <h4 className="node-live__subtitle">Recent events</h4>
      {recent.length === 0 ? (
        <p className="node-live__empty">No event has passed through it since the app started watching.</p>
      ) : (
        <ul className="node-live__events" aria-label={`Recent events through ${node.label}`}>
          {recent.map((hop) => (
            <li key={hop.eventId}>
              <button
                type="button"
                className="node-live__event"
                title="Open this event's story"
                onClick={() => requestStory({ kind: 'eventId', value: hop.eventId })}
              >
                <span className="mono">{formatClock(hop.atMs)}</span>
                <span className="mono node-live__id">{hop.eventId.slice(0, 8)}</span>
                <span className={`node-live__outcome node-live__outcome--${hop.outcome}`}>{outcomeWords(hop)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Figure({ name, value, alert = false }: { name: string; value: string; alert?: boolean }) {
  return (
    <div className={alert ? 'node-live__figure node-live__figure--alert' : 'node-live__figure'}>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
