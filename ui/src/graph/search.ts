// Node search: which nodes a query names, in a stable order to cycle through.
import type { Topology } from '../bindings/Topology';

/**
 * Ids of the nodes whose label (or, failing that, ARN) contains the query,
 * ignoring case; labels that start with it first, then the graph's order.
 * An empty query matches nothing.
 */
export function matchNodes(topology: Topology, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const starts: string[] = [];
  const contains: string[] = [];
  for (const node of topology.nodes) {
    const label = node.label.toLowerCase();
    if (label.startsWith(q)) starts.push(node.id);
    else if (label.includes(q) || node.arn?.toLowerCase().includes(q)) contains.push(node.id);
  }
  return [...starts, ...contains];
}
