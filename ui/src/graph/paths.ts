// Which nodes and edges something touched, in the graph's ids (node ids are
// ARNs, as crates/observe's `node_id`; edges are looked up by their
// endpoints in the topology rather than by rebuilding `edge_id`, so this
// stays right if the id format changes).
import type { EventTrace } from '../bindings/EventTrace';
import type { Topology } from '../bindings/Topology';

export interface PathIds {
  nodeIds: string[];
  edgeIds: string[];
}

/** The bus whose name this is: by label, or by the name at the end of its ARN. */
function busIdByName(topology: Topology): Map<string, string> {
  const byName = new Map<string, string>();
  for (const node of topology.nodes) {
    if (node.kind !== 'bus') continue;
    byName.set(node.label, node.id);
    const fromArn = node.arn?.split(':event-bus/')[1];
    if (fromArn && !byName.has(fromArn)) byName.set(fromArn, node.id);
  }
  return byName;
}

/**
 * The buses, rules and targets (and dead-letter queues) an event's trace
 * touched, and the edges between them, in the order the trace met them.
 * Anything the trace names that the graph does not have is left out.
 */
export function tracePath(topology: Topology, trace: EventTrace): PathIds {
  const nodeIds = new Set(topology.nodes.map((n) => n.id));
  const edgeByEnds = new Map(topology.edges.map((e) => [`${e.source}\u0000${e.target}`, e.id]));
  const buses = busIdByName(topology);
  const nodes = new Set<string>();
  const edges = new Set<string>();
  const addNode = (id: string | null | undefined) => {
    if (id && nodeIds.has(id)) nodes.add(id);
  };
  const addEdge = (source: string | null | undefined, target: string | null | undefined) => {
    if (!source || !target) return;
    const id = edgeByEnds.get(`${source}\u0000${target}`);
    if (id) edges.add(id);
  };

  for (const hop of trace.hops) {
    const bus = buses.get(hop.busName);
    addNode(bus);
    for (const rule of hop.matchedRules) {
      addNode(rule);
      addEdge(bus, rule);
    }
    for (const invocation of hop.invocations) {
      // A rule can show up only through its invocations (a partial log).
      addNode(invocation.ruleArn);
      addEdge(bus, invocation.ruleArn);
      addNode(invocation.targetArn);
      addEdge(invocation.ruleArn, invocation.targetArn);
      if (invocation.deadLetterArn) {
        addNode(invocation.deadLetterArn);
        addEdge(invocation.targetArn, invocation.deadLetterArn);
      }
    }
  }
  return { nodeIds: [...nodes], edgeIds: [...edges] };
}

/** A node and everything one edge away from it, upstream and downstream, with those edges. */
export function neighbourhood(topology: Topology, id: string): PathIds {
  if (!topology.nodes.some((n) => n.id === id)) return { nodeIds: [], edgeIds: [] };
  const nodes = new Set([id]);
  const edges: string[] = [];
  for (const edge of topology.edges) {
    if (edge.source !== id && edge.target !== id) continue;
    edges.push(edge.id);
    nodes.add(edge.source);
    nodes.add(edge.target);
  }
  return { nodeIds: [...nodes], edgeIds: edges };
}

/** The union of the paths several traces took (a story's events). */
export function tracesPath(topology: Topology, traces: readonly EventTrace[]): PathIds {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const trace of traces) {
    const path = tracePath(topology, trace);
    path.nodeIds.forEach((id) => nodes.add(id));
    path.edgeIds.forEach((id) => edges.add(id));
  }
  return { nodeIds: [...nodes], edgeIds: [...edges] };
}
