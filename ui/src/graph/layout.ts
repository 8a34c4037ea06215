// The ELK "layered" layout: left-to-right flow with buses in the first
// column, then rules, then targets, then what targets lead to (DLQs,
// connections, the resources state machines use), and last the event types
// traffic showed they emit.
import type { NodeSingular } from 'cytoscape';

export const FIT_PADDING = 40;
/** Fitting a two-node graph would otherwise blow it up to maximum zoom. */
export const MAX_FIT_ZOOM = 1.25;

/** From this many nodes on, the layout trades polish for speed. */
export const LARGE_GRAPH_NODES = 150;

export interface LayoutTuning {
  /** ELK's crossing-minimisation effort (its default is 7). */
  thoroughness: number;
  nodeSpacing: number;
  layerSpacing: number;
  /** Whether nodes glide from the quick layout to ELK's; a large graph would stutter. */
  animate: boolean;
}

/**
 * Spacing and effort by graph size. A big graph is read zoomed out: tighter
 * spacing keeps it on screen, and lower thoroughness keeps ELK's crossing
 * minimisation (its cost grows fastest with size) to a second or two at
 * 500 nodes. Labels that would be unreadable are hidden by the stylesheet
 * (`min-zoomed-font-size`), not here.
 */
export function layoutTuning(nodeCount: number): LayoutTuning {
  if (nodeCount >= LARGE_GRAPH_NODES) {
    return { thoroughness: 2, nodeSpacing: 14, layerSpacing: 48, animate: false };
  }
  return { thoroughness: 7, nodeSpacing: 26, layerSpacing: 64, animate: true };
}

/**
 * Options that pin a node to a layer, or nothing. Entry buses sit in the
 * first layer, so the column holds even when a bus has no rules. A bus that
 * a rule routes into is not pinned: it sits after that rule, so cross-bus
 * edges point right like every other edge. Events a state machine puts back
 * on a bus do not unpin it: that loop is drawn as a curve going back.
 * Everything else (targets, their DLQs and connections, archives, what state
 * machines call) sits one layer after what leads to it.
 */
export function elkNodeOptions(node: NodeSingular): Record<string, string> | undefined {
  const kind: unknown = node.data('kind');
  const routedInto = node.incomers('edge').some((edge) => edge.data('kind') === 'ruleToTarget');
  if (kind === 'bus' && !routedInto) {
    return { 'elk.layered.layering.layerConstraint': 'FIRST' };
  }
  // Event types learned from traffic sit in the last column, right of what
  // emits them; ELK reverses their `putOn` edges, drawn back to the bus as
  // curves. Without the pin, a type no one is known to emit would sit left
  // of a bus that a rule routes into.
  if (kind === 'eventType') {
    return { 'elk.layered.layering.layerConstraint': 'LAST' };
  }
  return undefined;
}

/** ELK's options for the whole graph, tuned by its size. */
export function elkGraphOptions(nodeCount: number): Record<string, string | number | boolean> {
  const tuning = layoutTuning(nodeCount);
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    // One layered graph rather than packed components: packing would put a
    // second bus to the right of the first bus's targets.
    'elk.separateConnectedComponents': false,
    'elk.spacing.nodeNode': tuning.nodeSpacing,
    'elk.layered.spacing.nodeNodeBetweenLayers': tuning.layerSpacing,
    'elk.layered.thoroughness': tuning.thoroughness,
    'elk.spacing.edgeNode': 18,
    'elk.layered.spacing.edgeNodeBetweenLayers': 30,
    'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  };
}
