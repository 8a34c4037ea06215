// The canvas side of the live graph: counters as Cytoscape data and
// classes (styled in style.ts), and dots drawn on a canvas of their own over
// the graph, so moving them never touches Cytoscape's elements.
import type { Core, EdgeSingular, Position } from 'cytoscape';
import { nodeBadge, formatRate, type DotFrame, type LiveView } from './activity';
import { LIVE_COLORS } from './palette';

const NODE_CLASSES = ['badged', 'retrying', 'failing', 'dlq-filled', 'circuit-open', 'circuit-half-open'];
/** Names longer than this are cut when a badge line is added (wrapping replaces the ellipsis). */
const MAX_NAME = 24;

/** Sets the live data and classes of the view's edges and nodes, and clears those no longer in it. */
export function applyLive(cy: Core, view: LiveView): void {
  cy.edges('.live').forEach((edge) => {
    if (!view.edges.has(edge.id())) edge.removeClass('live');
  });
  for (const [id, perSecond] of view.edges) {
    const edge = cy.getElementById(id);
    if (edge.empty() || perSecond <= 0) continue;
    const label = edge.data('label') as string | undefined;
    const rate = formatRate(perSecond);
    const liveLabel = label ? `${label} · ${rate}` : rate;
    // Logarithmic: 0.1/s and 1,000/s both stay readable; rounded so small changes restyle nothing.
    const liveWidth = Math.round((1.8 + Math.min(6, Math.log2(1 + perSecond) * 0.9)) * 4) / 4;
    // Unchanged data is not written: every write restyles the edge.
    if (edge.data('liveLabel') !== liveLabel || edge.data('liveWidth') !== liveWidth) edge.data({ liveLabel, liveWidth });
    if (!edge.hasClass('live')) edge.addClass('live');
  }
  cy.nodes(NODE_CLASSES.map((c) => `.${c}`).join(', ')).forEach((node) => {
    if (!view.nodes.has(node.id())) node.removeClass(NODE_CLASSES.join(' '));
  });
  for (const [id, live] of view.nodes) {
    const node = cy.getElementById(id);
    if (node.empty()) continue;
    const badge = nodeBadge(live);
    const label = String(node.data('label') ?? '');
    const name = label.length > MAX_NAME ? `${label.slice(0, MAX_NAME - 1)}…` : label;
    if (badge && node.data('liveLabel') !== `${name}\n${badge}`) node.data('liveLabel', `${name}\n${badge}`);
    const circuit = live.circuit?.toUpperCase();
    node.toggleClass('badged', badge !== '');
    node.toggleClass('retrying', live.retriesInFlight > 0);
    node.toggleClass('failing', live.errors > 0);
    node.toggleClass('dlq-filled', (live.dlqDepth ?? 0) > 0);
    node.toggleClass('circuit-open', circuit === 'OPEN');
    node.toggleClass('circuit-half-open', circuit === 'HALF_OPEN');
  }
}

export interface DotLayer {
  draw: (dots: DotFrame[]) => void;
  remove: () => void;
}

const DOT_RADIUS = 4.5;

/** A canvas over the graph that draws each frame's dots at their places along their edges. */
export function createDotLayer(host: HTMLElement, cy: Core): DotLayer {
  const canvas = host.appendChild(document.createElement('canvas'));
  canvas.className = 'graph-dots';
  canvas.style.cssText = 'position:absolute;inset:0;pointer-events:none;z-index:5';
  const context = canvas.getContext('2d');

  function fitToHost(): number {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(host.clientWidth * ratio);
    const height = Math.round(host.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      canvas.style.width = `${host.clientWidth}px`;
      canvas.style.height = `${host.clientHeight}px`;
    }
    return ratio;
  }

  return {
    draw(dots) {
      if (!context) return;
      const ratio = fitToHost();
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      if (dots.length === 0) return;
      const zoom = cy.zoom();
      const pan = cy.pan();
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 1.5;
      context.strokeStyle = '#0d1117';
      // Each edge's path once per frame, however many dots are on it.
      const paths = new Map<string, Position[] | null>();
      for (const dot of dots) {
        let path = paths.get(dot.edgeId);
        if (path === undefined) {
          const edge = cy.getElementById(dot.edgeId);
          path = edge.empty() || !edge.isEdge() ? null : edgePath(edge);
          paths.set(dot.edgeId, path);
        }
        if (!path) continue;
        const at = pointAlong(path, dot.t);
        context.fillStyle = LIVE_COLORS[dot.outcome];
        context.beginPath();
        context.arc(at.x * zoom + pan.x, at.y * zoom + pan.y, DOT_RADIUS, 0, Math.PI * 2);
        context.fill();
        context.stroke();
      }
    },
    remove() {
      canvas.remove();
    },
  };
}

/** The edge as a polyline in model coordinates: its endpoints and the bends or control points between. */
export function edgePath(edge: EdgeSingular): Position[] {
  const bends = edge.segmentPoints() ?? edge.controlPoints() ?? [];
  return [edge.sourceEndpoint(), ...bends, edge.targetEndpoint()];
}

/** The point `t` (0–1) of the way along a polyline, by length. */
export function pointAlong(path: Position[], t: number): Position {
  const lengths: number[] = [];
  let total = 0;
  for (let i = 1; i < path.length; i++) {
    const length = Math.hypot(path[i]!.x - path[i - 1]!.x, path[i]!.y - path[i - 1]!.y);
    lengths.push(length);
    total += length;
  }
  let remaining = Math.max(0, Math.min(1, t)) * total;
  for (let i = 1; i < path.length; i++) {
    const length = lengths[i - 1]!;
    if (remaining <= length && length > 0) {
      const f = remaining / length;
      return { x: path[i - 1]!.x + (path[i]!.x - path[i - 1]!.x) * f, y: path[i - 1]!.y + (path[i]!.y - path[i - 1]!.y) * f };
    }
    remaining -= length;
  }
  return path[path.length - 1] ?? { x: 0, y: 0 };
}
