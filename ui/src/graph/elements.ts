// Pure mapping from the backend's Topology to Cytoscape element definitions.
// Styling hangs off classes, so style.ts is the only place that knows colours.
import type { ElementDefinition } from 'cytoscape';
import type { Edge } from '../bindings/Edge';
import type { EdgeKind } from '../bindings/EdgeKind';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';

/** States in which a resource passes nothing on, as AWS names them per kind. */
const INACTIVE_STATES = new Set(['DISABLED', 'DEAUTHORIZED', 'INACTIVE']);

/** A disabled rule or archive, a deauthorised connection, an inactive API destination. */
export function isInactive(node: Node): boolean {
  return INACTIVE_STATES.has(node.state?.toUpperCase() ?? '');
}

/** Edges drawn from a state machine to the resources its states use. */
export const CALL_EDGES: ReadonlySet<EdgeKind> = new Set(['invokes', 'putsEvents', 'sendsMessage', 'startsExecution']);

/** Edges of what traffic taught: who emits an event type, and the bus it is put on. */
export const LEARNED_EDGES: ReadonlySet<EdgeKind> = new Set(['emits', 'putOn']);

/** Ids of the queues some target sends its dead letters to. */
export function deadLetterQueueIds(topology: Topology): Set<string> {
  return new Set(topology.edges.filter((e) => e.kind === 'deadLetter').map((e) => e.target));
}

/**
 * Classes for a node: its kind, its target kind, `dlq` for dead-letter
 * queues, `scheduled` rules, `unconsumed` event types (no rule matched
 * them), and `disabled` for anything inactive.
 */
export function nodeClasses(node: Node, deadLetterQueues: ReadonlySet<string> = new Set()): string[] {
  const classes: string[] = [node.kind];
  if (node.kind === 'target') classes.push(`target-${node.targetKind ?? 'other'}`);
  if (deadLetterQueues.has(node.id)) classes.push('dlq');
  if (node.kind === 'rule' && node.scheduleExpression) classes.push('scheduled');
  if (node.kind === 'eventType' && node.state === 'UNCONSUMED') classes.push('unconsumed');
  if (isInactive(node)) classes.push('disabled');
  return classes;
}

/**
 * Classes for an edge: its kind, `call` for a state machine's uses,
 * `learned` for what traffic taught, `labelled` when it carries a label,
 * and `inactive` when it touches something inactive.
 */
export function edgeClasses(edge: Edge, inactiveIds: ReadonlySet<string>): string[] {
  const classes: string[] = [edge.kind];
  if (CALL_EDGES.has(edge.kind)) classes.push('call');
  if (LEARNED_EDGES.has(edge.kind)) classes.push('learned');
  if (edge.label) classes.push('labelled');
  if (inactiveIds.has(edge.source) || inactiveIds.has(edge.target)) classes.push('inactive');
  return classes;
}

export function toElements(topology: Topology): ElementDefinition[] {
  const nodeIds = new Set(topology.nodes.map((n) => n.id));
  const inactive = new Set(topology.nodes.filter(isInactive).map((n) => n.id));
  const deadLetterQueues = deadLetterQueueIds(topology);
  const nodes: ElementDefinition[] = topology.nodes.map((node) => ({
    group: 'nodes',
    data: { id: node.id, label: node.label, kind: node.kind },
    classes: nodeClasses(node, deadLetterQueues),
  }));
  // An edge to a node that is not in the graph would make Cytoscape throw;
  // drop it rather than lose the whole picture.
  const edges: ElementDefinition[] = topology.edges
    .filter((edge) => nodeIds.has(edge.source) && nodeIds.has(edge.target))
    .map((edge) => ({
      group: 'edges',
      data: {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        kind: edge.kind,
        // Only labelled edges carry one, so `edge[label]` selects them.
        ...(edge.label ? { label: edge.label } : {}),
      },
      classes: edgeClasses(edge, inactive),
    }));
  return [...nodes, ...edges];
}

/**
 * A key that changes exactly when the graph's structure does (node ids, edge
 * ids and their endpoints), so a push that only renames or disables something
 * does not move everything around.
 */
export function shapeKey(topology: Topology): string {
  const nodes = topology.nodes.map((n) => n.id).sort();
  const edges = topology.edges.map((e) => `${e.id}\u0000${e.source}\u0000${e.target}`).sort();
  return JSON.stringify([nodes, edges]);
}
