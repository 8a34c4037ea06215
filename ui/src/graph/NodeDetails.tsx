// The panel shown for the node clicked on the graph.
import type { Node } from '../bindings/Node';
import { TARGET_NAMES } from './palette';

interface Props {
  node: Node;
  onClose: () => void;
}

const KIND_NAMES = { bus: 'Event bus', rule: 'Rule', target: 'Target' } as const;

export function NodeDetails({ node, onClose }: Props) {
  const kind = node.kind === 'target' ? TARGET_NAMES[node.targetKind ?? 'other'] : KIND_NAMES[node.kind];
  return (
    <aside className="node-details" aria-label={`Details of ${node.label}`}>
      <header className="node-details__header">
        <div>
          <p className="node-details__kind">{kind}</p>
          <h2 className="node-details__title">{node.label}</h2>
        </div>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="node-details__fields">
        {node.arn && <Field name="ARN" value={node.arn} mono />}
        {node.state && <Field name="State" value={node.state} />}
        {node.scheduleExpression && <Field name="Schedule" value={node.scheduleExpression} mono />}
        {node.description && <Field name="Description" value={node.description} />}
        {node.eventPattern && (
          <div className="field">
            <dt>Event pattern</dt>
            <dd>
              <pre className="code">{prettyJson(node.eventPattern)}</pre>
            </dd>
          </div>
        )}
      </dl>
    </aside>
  );
}

function Field({ name, value, mono = false }: { name: string; value: string; mono?: boolean }) {
  return (
    <div className="field">
      <dt>{name}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
}

/** Event patterns arrive as JSON text; show them indented, or as-is if not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
