// What the node panel shows live: a node's rates in and out, its counters,
// and the recent events that passed through it (pure, tested alone).
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { ActivityHop } from '../bindings/ActivityHop';
import type { Topology } from '../bindings/Topology';

/** How many hops the recorder keeps across all nodes. */
export const RECENT_HOPS = 2_000;
/** How many recent events the panel lists. */
export const RECENT_EVENTS = 12;

/** A node's live figures. */
export interface NodeFigures {
  /** Events per second arriving on its incoming edges. */
  inPerSecond: number;
  /** Events per second leaving on its outgoing edges. */
  outPerSecond: number;
  errors: number;
  retriesInFlight: number;
  dlqDepth: number | null;
}

/** The hops of the last batches, newest last, and the last batch's counters. */
export interface ActivityRecord {
  hops: ActivityHop[];
  last: ActivityBatch | null;
}

export function emptyRecord(): ActivityRecord {
  return { hops: [], last: null };
}

/** Adds a batch, keeping at most [`RECENT_HOPS`] hops. */
export function record(into: ActivityRecord, batch: ActivityBatch): void {
  into.last = batch;
  into.hops.push(...batch.hops);
  if (into.hops.length > RECENT_HOPS) into.hops.splice(0, into.hops.length - RECENT_HOPS);
}

/** A node's rates and counters, from the last batch. */
export function nodeFigures(nodeId: string, topology: Topology, last: ActivityBatch | null): NodeFigures {
  const figures: NodeFigures = { inPerSecond: 0, outPerSecond: 0, errors: 0, retriesInFlight: 0, dlqDepth: null };
  if (!last) return figures;
  const edges = new Map(topology.edges.map((edge) => [edge.id, edge]));
  for (const activity of last.edges) {
    const edge = edges.get(activity.id);
    if (edge?.target === nodeId) figures.inPerSecond += activity.perSecond;
    if (edge?.source === nodeId) figures.outPerSecond += activity.perSecond;
  }
  const node = last.nodes.find((n) => n.id === nodeId);
  if (node) {
    figures.errors = node.errors;
    figures.retriesInFlight = node.retriesInFlight;
    figures.dlqDepth = node.dlqDepth;
  }
  return figures;
}

/** The newest hops through a node (one per event), newest first. */
export function recentAt(nodeId: string, topology: Topology, hops: readonly ActivityHop[]): ActivityHop[] {
  const touching = new Set(
    topology.edges.filter((edge) => edge.source === nodeId || edge.target === nodeId).map((edge) => edge.id),
  );
  const found: ActivityHop[] = [];
  const seen = new Set<string>();
  for (let i = hops.length - 1; i >= 0 && found.length < RECENT_EVENTS; i--) {
    const hop = hops[i]!;
    if (seen.has(hop.eventId) || !hop.edges.some((id) => touching.has(id))) continue;
    seen.add(hop.eventId);
    found.push(hop);
  }
  return found;
}

/** A hop's outcome in words. */
export function outcomeWords(hop: ActivityHop): string {
  switch (hop.outcome) {
    case 'delivering':
      return 'delivering';
    case 'delivered':
      return 'delivered';
    case 'retrying':
      return 'retrying';
    case 'deadLettered':
      return 'dead-lettered';
    case 'failed':
      return 'failed';
  }
}
