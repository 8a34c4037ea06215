// What the details panel says about a node, as pure functions of the
// topology: its kind in words, and the edges around it that carry details
// (a rule's delivery settings, the rules behind a dead-letter edge, the
// states of a state machine that use a resource).
import type { Detail } from '../bindings/Detail';
import type { EdgeKind } from '../bindings/EdgeKind';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';
import { EDGE_NAMES, TARGET_NAMES } from './palette';

const KIND_NAMES = {
  bus: 'Event bus',
  rule: 'Rule',
  archive: 'Archive',
  connection: 'Connection',
  eventType: 'Event type',
} as const;

/** An event type that no rule matched whenever it was seen (the backend's `state`). */
export function isUnconsumed(node: Node): boolean {
  return node.kind === 'eventType' && node.state === 'UNCONSUMED';
}

/** The warning the details panel shows on an unconsumed event type. */
export const UNCONSUMED_NOTE = 'No rule consumes it: every event of this type seen matched no rule.';

/** The node's kind in words; a queue that holds dead letters is named so. */
export function kindName(node: Node, topology: Topology): string {
  if (node.kind !== 'target') return KIND_NAMES[node.kind];
  const holdsDeadLetters = topology.edges.some((e) => e.kind === 'deadLetter' && e.target === node.id);
  if (holdsDeadLetters) return 'Dead-letter queue';
  return TARGET_NAMES[node.targetKind ?? 'other'];
}

export interface EdgeSection {
  id: string;
  kind: EdgeKind;
  /** `Delivery from order-placed`, `Invokes charge-payment`. */
  title: string;
  /** The edge's own label (`waitForTaskToken`), if any. */
  label: string | null;
  details: Detail[];
}

/**
 * The node's edges that have something to say, incoming first: how each
 * rule delivers to a target, which rules send dead letters, what a state
 * machine's states use.
 */
export function edgeSections(node: Node, topology: Topology): EdgeSection[] {
  const labels = new Map(topology.nodes.map((n) => [n.id, n.label]));
  const name = (id: string) => labels.get(id) ?? id;
  const worth = (e: Topology['edges'][number]) => e.details.length > 0 || e.label !== null;
  const incoming = topology.edges
    .filter((e) => e.target === node.id && worth(e))
    .map((e) => ({ edge: e, title: `${EDGE_NAMES[e.kind]} from ${name(e.source)}` }));
  const outgoing = topology.edges
    .filter((e) => e.source === node.id && worth(e))
    .map((e) => ({ edge: e, title: `${EDGE_NAMES[e.kind]} to ${name(e.target)}` }));
  return [...incoming, ...outgoing].map(({ edge, title }) => ({
    id: edge.id,
    kind: edge.kind,
    title,
    label: edge.label,
    details: edge.details,
  }));
}

/** JSON text shown indented, or as-is if it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
