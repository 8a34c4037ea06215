// ELK's layered layout, run in a Web Worker: laying out a structure seen
// for the first time takes ELK about a second with a cold JIT, and the graph
// (drawn meanwhile by the quick layout) stays usable. Where there are no
// workers (component tests) ELK runs on the page's thread instead.

import type { Core } from 'cytoscape';
import type { ELK, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Positions } from './layoutCache';
import { elkGraphOptions, elkNodeOptions } from './layout';

let elk: Promise<ELK> | null = null;

/** One ELK for the app, started on first use (its code is loaded only then). */
function loadElk(): Promise<ELK> {
  elk ??=
    // Component tests (jsdom) have no workers: ELK runs in their thread.
    // The condition is settled at build time, so the app never ships that copy.
    import.meta.env.MODE === 'test'
      ? import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk())
      : Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]).then(
          ([{ default: Elk }, { default: workerUrl }]) => new Elk({ workerUrl }),
        );
  return elk;
}

/** ELK's centre positions for the nodes of `cy` as they are now. */
export async function elkPositions(cy: Core): Promise<Positions> {
  const graph = elkGraph(cy);
  const laidOut = await (await loadElk()).layout(graph);
  const positions: Positions = {};
  for (const child of laidOut.children ?? []) {
    // ELK places top-left corners; Cytoscape places centres.
    positions[child.id] = { x: (child.x ?? 0) + (child.width ?? 0) / 2, y: (child.y ?? 0) + (child.height ?? 0) / 2 };
  }
  return positions;
}

/** The graph ELK lays out: every node with its size and options, every edge. */
function elkGraph(cy: Core): ElkNode {
  const nodes = cy.nodes();
  return {
    id: 'root',
    layoutOptions: strings({ ...elkGraphOptions(nodes.length), 'elk.aspectRatio': aspectRatio(cy) }),
    children: nodes.map((node) => {
      const { w, h } = node.layoutDimensions({ nodeDimensionsIncludeLabels: false });
      const options = elkNodeOptions(node);
      return { id: node.id(), width: w, height: h, ...(options ? { layoutOptions: options } : {}) };
    }),
    edges: cy.edges().map((edge) => ({
      id: edge.id(),
      sources: [edge.data('source') as string],
      targets: [edge.data('target') as string],
    })),
  };
}

/** The pane's aspect ratio, which ELK packs towards (a headless graph has no pane). */
function aspectRatio(cy: Core): number {
  const [width, height] = [cy.width(), cy.height()];
  return width > 0 && height > 0 ? width / height : 1.6;
}

/** ELK's options are strings. */
function strings(options: Record<string, string | number | boolean>): LayoutOptions {
  return Object.fromEntries(Object.entries(options).map(([key, value]) => [key, String(value)]));
}
