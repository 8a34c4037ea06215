// A layered left-to-right layout computed in a few milliseconds, for a
// structure seen for the first time: the graph is on screen and usable at
// once, while ELK (seconds with a cold JIT) works on the polished picture in
// a worker. The layers follow the same rules as ELK's (see layout.ts): entry
// buses first, learned event types last, everything else one layer after
// what leads to it; within a layer, nodes are ordered to cut crossings.

import type { Positions } from './layoutCache';

/** A node to place: its id, kind and size. */
export interface QuickNode {
  id: string;
  kind: string;
  width: number;
  height: number;
}

/** An edge: ids of its ends, and its kind. */
export interface QuickEdge {
  source: string;
  target: string;
  kind: string;
}

/** Spacing between nodes of a layer, and between layers. */
export interface QuickSpacing {
  nodeSpacing: number;
  layerSpacing: number;
}

/** Barycenter sweeps; crossings stop falling after a few. */
const SWEEPS = 4;

/** A node while it is placed. */
interface Place {
  node: QuickNode;
  first: boolean;
  last: boolean;
  /** Edges kept for layering, before cycles are broken. */
  outgoing: Place[];
  /** The same without the edges that close a cycle. */
  forward: Place[];
  predecessors: Place[];
  neighbours: Place[];
  visit: 'new' | 'open' | 'done';
  waitingFor: number;
  layer: number;
  rank: number;
  y: number;
}

/** Centre positions of `nodes`, layer by layer from left to right. */
export function quickLayout(nodes: QuickNode[], edges: QuickEdge[], spacing: QuickSpacing): Positions {
  const routedInto = new Set(edges.filter((e) => e.kind === 'ruleToTarget').map((e) => e.target));
  const places = nodes.map(
    (node): Place => ({
      node,
      first: node.kind === 'bus' && !routedInto.has(node.id),
      last: node.kind === 'eventType',
      outgoing: [],
      forward: [],
      predecessors: [],
      neighbours: [],
      visit: 'new',
      waitingFor: 0,
      layer: 0,
      rank: 0,
      y: Number.NaN,
    }),
  );
  const byId = new Map(places.map((place) => [place.node.id, place]));
  for (const edge of edges) {
    const from = byId.get(edge.source);
    const to = byId.get(edge.target);
    if (!from || !to || from === to) continue;
    from.neighbours.push(to);
    to.neighbours.push(from);
    to.predecessors.push(from);
    // Edges into the first layer or out of the last are drawn going back.
    if (!to.first && !from.last) from.outgoing.push(to);
  }
  layer(places);
  const layers = orderWithin(places);
  return coordinates(layers, spacing);
}

/** Sets each node's layer: longest path from the entry buses, pins kept. */
function layer(places: Place[]) {
  // Break the remaining cycles: an edge to a node still on the depth-first
  // stack goes back. Starting from the first layer keeps the flow's direction.
  const visit = (start: Place) => {
    const stack: { place: Place; next: number }[] = [{ place: start, next: 0 }];
    start.visit = 'open';
    for (let top = stack.at(-1); top; top = stack.at(-1)) {
      const to = top.place.outgoing[top.next];
      if (!to) {
        top.place.visit = 'done';
        stack.pop();
        continue;
      }
      top.next += 1;
      if (to.visit === 'open') continue;
      top.place.forward.push(to);
      if (to.visit === 'new') {
        to.visit = 'open';
        stack.push({ place: to, next: 0 });
      }
    }
  };
  places.filter((p) => p.first).forEach(visit);
  places.filter((p) => p.visit === 'new').forEach(visit);
  // Longest path, in topological order (Kahn).
  places.forEach((p) => p.forward.forEach((to) => (to.waitingFor += 1)));
  const ready = places.filter((p) => p.waitingFor === 0);
  for (let place = ready.pop(); place; place = ready.pop()) {
    for (const to of place.forward) {
      to.layer = Math.max(to.layer, place.layer + 1);
      to.waitingFor -= 1;
      if (to.waitingFor === 0) ready.push(to);
    }
  }
  const lastLayer = Math.max(0, ...places.filter((p) => !p.last).map((p) => p.layer)) + 1;
  for (const place of places) {
    if (place.first) place.layer = 0;
    else if (place.last) place.layer = Math.max(place.layer, lastLayer);
  }
}

/** The nodes of each layer, ordered by barycenter sweeps from the model's order. */
function orderWithin(places: Place[]): Place[][] {
  const layers: Place[][] = Array.from({ length: Math.max(0, ...places.map((p) => p.layer)) + 1 }, () => []);
  places.forEach((place) => layers[place.layer]?.push(place));
  const rerank = (layer: Place[]) => layer.forEach((place, i) => (place.rank = i / Math.max(1, layer.length - 1)));
  layers.forEach(rerank);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const towardsRight = sweep % 2 === 0;
    for (const layer of towardsRight ? layers : [...layers].reverse()) {
      // Neighbours in layers already swept this time pull a node towards them.
      const weight = new Map<Place, number>();
      for (const place of layer) {
        const near = place.neighbours.filter((n) => (towardsRight ? n.layer < place.layer : n.layer > place.layer));
        weight.set(place, near.length > 0 ? near.reduce((sum, n) => sum + n.rank, 0) / near.length : place.rank);
      }
      layer.sort((a, b) => (weight.get(a) ?? 0) - (weight.get(b) ?? 0));
      rerank(layer);
    }
  }
  return layers;
}

/** Centres: layers side by side, each node near its predecessors without overlapping. */
function coordinates(layers: Place[][], { nodeSpacing, layerSpacing }: QuickSpacing): Positions {
  const positions: Positions = {};
  let x = 0;
  for (const layer of layers) {
    const width = Math.max(0, ...layer.map((p) => p.node.width));
    let previous: { y: number; height: number } | null = null;
    const drifts: number[] = [];
    for (const place of layer) {
      // Wished for: the mean of the predecessors placed already.
      const placed = place.predecessors.filter((p) => !Number.isNaN(p.y));
      const wished = placed.length > 0 ? placed.reduce((sum, p) => sum + p.y, 0) / placed.length : Number.NaN;
      const floor = previous ? previous.y + (previous.height + place.node.height) / 2 + nodeSpacing : 0;
      place.y = Number.isNaN(wished) ? floor : previous ? Math.max(wished, floor) : wished;
      if (!Number.isNaN(wished)) drifts.push(place.y - wished);
      previous = { y: place.y, height: place.node.height };
    }
    // Pushing down only drifts the layer below its predecessors: shift it
    // back up by the mean drift.
    const shift = drifts.length > 0 ? drifts.reduce((a, b) => a + b, 0) / drifts.length : 0;
    for (const place of layer) {
      place.y -= shift;
      positions[place.node.id] = { x: x + width / 2, y: place.y };
    }
    x += width + layerSpacing;
  }
  return positions;
}
