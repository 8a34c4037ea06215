// The ELK "layered" layout: left-to-right flow with buses in the first
// column, rules in the middle and targets in the last.
import type { LayoutOptions, NodeSingular } from 'cytoscape';

export const FIT_PADDING = 40;
/** Fitting a two-node graph would otherwise blow it up to maximum zoom. */
export const MAX_FIT_ZOOM = 1.25;

export function elkLayoutOptions(onStop: () => void): LayoutOptions {
  const options = {
    name: 'elk',
    fit: true,
    padding: FIT_PADDING,
    animate: false,
    nodeDimensionsIncludeLabels: false,
    // Pin entry buses to the first layer and targets to the last, so the
    // columns hold even when a bus has no rules or a rule has no targets. A
    // bus that a rule routes into is not pinned: it sits after that rule, so
    // cross-bus edges point right like every other edge.
    nodeLayoutOptions: (node: NodeSingular): Record<string, string> | undefined => {
      const kind: unknown = node.data('kind');
      if (kind === 'bus' && node.incomers('edge').empty()) {
        return { 'elk.layered.layering.layerConstraint': 'FIRST' };
      }
      if (kind === 'target') return { 'elk.layered.layering.layerConstraint': 'LAST' };
      return undefined;
    },
    elk: {
      algorithm: 'layered',
      'elk.direction': 'RIGHT',
      // One layered graph rather than packed components: packing would put a
      // second bus to the right of the first bus's targets.
      'elk.separateConnectedComponents': false,
      'elk.spacing.nodeNode': 26,
      'elk.layered.spacing.nodeNodeBetweenLayers': 64,
      'elk.spacing.edgeNode': 18,
      'elk.layered.spacing.edgeNodeBetweenLayers': 30,
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    stop: onStop,
  };
  return options;
}
