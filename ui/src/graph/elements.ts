// Pure mapping from the backend's Topology to Cytoscape element definitions.
// Styling hangs off classes, so style.ts is the only place that knows colours.
import type { ElementDefinition } from 'cytoscape';
import type { Edge } from '../bindings/Edge';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';

export function isDisabledRule(node: Node): boolean {
  return node.kind === 'rule' && node.state?.toUpperCase() === 'DISABLED';
}

/** Classes for a node: its kind, its target kind, and `disabled` for disabled rules. */
export function nodeClasses(node: Node): string[] {
  const classes: string[] = [node.kind];
  if (node.kind === 'target') classes.push(`target-${node.targetKind ?? 'other'}`);
  if (node.kind === 'rule' && node.scheduleExpression) classes.push('scheduled');
  if (isDisabledRule(node)) classes.push('disabled');
  return classes;
}

/** Classes for an edge: its kind, and `inactive` when it touches a disabled rule. */
export function edgeClasses(edge: Edge, disabledRuleIds: ReadonlySet<string>): string[] {
  const classes: string[] = [edge.kind];
  if (disabledRuleIds.has(edge.source) || disabledRuleIds.has(edge.target)) classes.push('inactive');
  return classes;
}

export function toElements(topology: Topology): ElementDefinition[] {
  const nodeIds = new Set(topology.nodes.map((n) => n.id));
  const disabled = new Set(topology.nodes.filter(isDisabledRule).map((n) => n.id));
  const nodes: ElementDefinition[] = topology.nodes.map((node) => ({
    group: 'nodes',
    data: { id: node.id, label: node.label, kind: node.kind },
    classes: nodeClasses(node),
  }));
  // An edge to a node that is not in the graph would make Cytoscape throw;
  // drop it rather than lose the whole picture.
  const edges: ElementDefinition[] = topology.edges
    .filter((edge) => nodeIds.has(edge.source) && nodeIds.has(edge.target))
    .map((edge) => ({
      group: 'edges',
      data: { id: edge.id, source: edge.source, target: edge.target, kind: edge.kind },
      classes: edgeClasses(edge, disabled),
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
