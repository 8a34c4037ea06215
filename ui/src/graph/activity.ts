// The live graph's state, pure: pushed ActivityBatches become the counters
// the renderer shows (exact, from the backend's snapshot) and the dots it
// animates (coalesced: never more than MAX_DOTS at once, extras dropped).
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { CircuitStatus } from '../bindings/CircuitStatus';
import type { HopOutcome } from '../bindings/HopOutcome';
import type { Topology } from '../bindings/Topology';

/** Dots on screen at once, at most: beyond this the canvas shows no more information, only cost. */
export const MAX_DOTS = 48;
/** Dots waiting to start, at most (a batch's hops are spread over its poll interval). */
export const MAX_WAITING = MAX_DOTS * 2;
/** How long a dot takes along one edge. */
export const SEGMENT_MS = 650;
/** A batch's hops start spread over at most this long, as they happened. */
export const SPREAD_MS = 400;

/** A dot travelling along the edges of a hop. */
export interface Dot {
  edges: string[];
  outcome: HopOutcome;
  startAt: number;
}

/** Where a dot is in one frame: on `edgeId`, `t` of the way along (0–1). */
export interface DotFrame {
  edgeId: string;
  t: number;
  outcome: HopOutcome;
}

/** What a node shows beside its name. */
export interface NodeLive {
  errors: number;
  retriesInFlight: number;
  dlqDepth: number | null;
  /** The state of a circuit guarding this node, if one is not closed. */
  circuit: string | null;
}

/** Everything the renderer shows live besides the dots. */
export interface LiveView {
  /** Per edge id: events per second over the rate window. */
  edges: Map<string, number>;
  nodes: Map<string, NodeLive>;
}

export interface DotState {
  waiting: Dot[];
  active: Dot[];
  /** Hops that were never animated (left out by the backend or here). */
  dropped: number;
  /** Hops received. */
  received: number;
}

export function createDotState(): DotState {
  return { waiting: [], active: [], dropped: 0, received: 0 };
}

/** Queues a batch's hops, spread over SPREAD_MS as they happened; keeps an even sample when there are too many. */
export function queueHops(state: DotState, batch: ActivityBatch, now: number): void {
  state.received += batch.hops.length + batch.hopsOmitted;
  state.dropped += batch.hopsOmitted;
  const hops = batch.hops;
  if (hops.length === 0) return;
  const room = Math.max(0, MAX_WAITING - state.waiting.length);
  const take = Math.min(room, hops.length);
  state.dropped += hops.length - take;
  const first = hops[0]!.atMs;
  const span = Math.max(1, hops[hops.length - 1]!.atMs - first);
  for (let i = 0; i < take; i++) {
    const hop = hops[Math.floor((i * hops.length) / take)]!;
    const offset = Math.min(SPREAD_MS, ((hop.atMs - first) / span) * SPREAD_MS);
    state.waiting.push({ edges: hop.edges, outcome: hop.outcome, startAt: now + offset });
  }
}

/**
 * Advances to `now`: starts due dots while there is room (dropping the due
 * ones there is no room for), retires finished ones, and answers where each
 * active dot is.
 */
export function advance(state: DotState, now: number): DotFrame[] {
  state.active = state.active.filter((dot) => now < dot.startAt + dot.edges.length * SEGMENT_MS);
  if (state.waiting.length > 0) {
    const stillWaiting: Dot[] = [];
    for (const dot of state.waiting) {
      if (dot.startAt > now) stillWaiting.push(dot);
      else if (state.active.length < MAX_DOTS) state.active.push(dot);
      else state.dropped += 1;
    }
    state.waiting = stillWaiting;
  }
  const frames: DotFrame[] = [];
  for (const dot of state.active) {
    const progress = Math.max(0, now - dot.startAt) / SEGMENT_MS;
    const index = Math.min(dot.edges.length - 1, Math.floor(progress));
    frames.push({ edgeId: dot.edges[index]!, t: Math.min(1, progress - index), outcome: dot.outcome });
  }
  return frames;
}

/** Whether any dot is moving or waiting (frames are needed). */
export function isAnimating(state: DotState): boolean {
  return state.active.length > 0 || state.waiting.length > 0;
}

/** The counters of a batch as the renderer shows them; circuits mark the functions they guard. */
export function liveView(batch: ActivityBatch, topology: Topology | null): LiveView {
  const edges = new Map(batch.edges.map((e) => [e.id, e.perSecond]));
  const nodes = new Map<string, NodeLive>();
  for (const n of batch.nodes) {
    nodes.set(n.id, { errors: n.errors, retriesInFlight: n.retriesInFlight, dlqDepth: n.dlqDepth, circuit: null });
  }
  if (topology) {
    for (const circuit of batch.circuits) {
      if (circuit.state.toUpperCase() === 'CLOSED') continue;
      for (const id of circuitNodeIds(topology, circuit.name)) {
        const node = nodes.get(id) ?? { errors: 0, retriesInFlight: 0, dlqDepth: null, circuit: null };
        nodes.set(id, { ...node, circuit: circuit.state });
      }
    }
  }
  return { edges, nodes };
}

/** Words that name the kind of thing a circuit guards, not which one. */
const GENERIC = new Set(['partner', 'circuit', 'breaker', 'service', 'api', 'client', 'external', 'upstream']);

/**
 * The functions a circuit guards, by name: those whose name contains the
 * circuit's subject (its name without generic words, `restaurant-partner` →
 * `restaurant`). None when the subject is empty.
 */
export function circuitNodeIds(topology: Topology, circuit: string): string[] {
  const subject = circuit
    .toLowerCase()
    .split(/[-_.\s/]+/)
    .filter((word) => word && !GENERIC.has(word));
  if (subject.length === 0) return [];
  return topology.nodes
    .filter((n) => n.targetKind === 'function' && subject.every((word) => n.label.toLowerCase().includes(word)))
    .map((n) => n.id);
}

/** `12/s`, `3.4/s`, `0.1/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** The line under a node's name: errors, retries, DLQ depth, circuit. Empty when there is nothing to say. */
export function nodeBadge(node: NodeLive): string {
  const parts: string[] = [];
  if (node.circuit) parts.push(`⛔ ${node.circuit.toLowerCase().replace('_', '-')}`);
  if (node.errors > 0) parts.push(`⚠ ${node.errors} failed/min`);
  if (node.retriesInFlight > 0) parts.push(`↻ ${node.retriesInFlight} retrying`);
  if (node.dlqDepth !== null && node.dlqDepth > 0) parts.push(`✉ ${node.dlqDepth} in DLQ`);
  return parts.join(' · ');
}

/** Circuits as the overlay lists them: open first, then half-open, then closed, by name. */
export function sortCircuits(circuits: CircuitStatus[]): CircuitStatus[] {
  const rank = (state: string) => ({ OPEN: 0, HALF_OPEN: 1 })[state.toUpperCase()] ?? 2;
  return [...circuits].sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name));
}

/** `45 s`, `3 min`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
