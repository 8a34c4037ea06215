// The panel shown for the node clicked on the graph: what the node is, its
// own details, and those of the edges around it.
import type { Detail } from '../bindings/Detail';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';
import { UNCONSUMED_NOTE, edgeSections, isUnconsumed, kindName, prettyJson } from './details';
import './learned.css';
import { NodeLive } from './NodeLive';
import type { ActivityRecord } from './nodeLive';

interface Props {
  node: Node;
  topology: Topology;
  onClose: () => void;
  /** Toggles the focus on this node's neighbourhood. */
  onFocus?: () => void;
  /** Whether this node's neighbourhood is in focus. */
  focused?: boolean;
  /** The live activity recorded so far, for the node's rates and recent events. */
  activity?: ActivityRecord;
}

export function NodeDetails({ node, topology, onClose, onFocus, focused = false, activity }: Props) {
  const sections = edgeSections(node, topology);
  return (
    <aside className="node-details" aria-label={`Details of ${node.label}`}>
      <header className="node-details__header">
        <div>
          <p className="node-details__kind">{kindName(node, topology)}</p>
          <h2 className="node-details__title">{node.label}</h2>
        </div>
        <div className="node-details__actions">
          {onFocus && (
            <button
              type="button"
              className="button button--ghost"
              aria-pressed={focused}
              title="Fade everything more than one step away (or double-click the node)"
              onClick={onFocus}
            >
              Focus
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      {isUnconsumed(node) && (
        <p className="node-details__note--unconsumed" role="note">
          {UNCONSUMED_NOTE}
        </p>
      )}
      <dl className="node-details__fields">
        {node.arn && <Field name="ARN" value={node.arn} mono />}
        {node.state && node.kind !== 'eventType' && <Field name="State" value={node.state} />}
        {node.scheduleExpression && <Field name="Schedule" value={node.scheduleExpression} mono />}
        {node.description && <Field name="Description" value={node.description} />}
        {node.eventPattern && <JsonField name="Event pattern" value={node.eventPattern} />}
        {node.details.map((detail, i) => (
          <DetailField key={`${detail.name}-${i}`} detail={detail} />
        ))}
      </dl>
      {activity && <NodeLive node={node} topology={topology} record={activity} />}
      {sections.map((section) => (
        <section key={section.id} className="node-details__section" aria-label={section.title}>
          <h3 className="node-details__section-title">
            {section.title}
            {section.label && <span className="node-details__badge">{section.label}</span>}
          </h3>
          <dl className="node-details__fields">
            {section.details.map((detail, i) => (
              <DetailField key={`${detail.name}-${i}`} detail={detail} />
            ))}
          </dl>
        </section>
      ))}
    </aside>
  );
}

function DetailField({ detail }: { detail: Detail }) {
  switch (detail.format) {
    case 'json':
      return <JsonField name={detail.name} value={detail.value} />;
    case 'code':
      return <Field name={detail.name} value={detail.value} mono />;
    case 'text':
      return <Field name={detail.name} value={detail.value} />;
  }
}

function Field({ name, value, mono = false }: { name: string; value: string; mono?: boolean }) {
  return (
    <div className="field">
      <dt>{name}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
}

function JsonField({ name, value }: { name: string; value: string }) {
  return (
    <div className="field">
      <dt>{name}</dt>
      <dd>
        <pre className="code">{prettyJson(value)}</pre>
      </dd>
    </div>
  );
}
