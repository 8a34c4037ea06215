// Owns the Cytoscape instance: applies topologies, re-running the ELK
// layout only when the graph's structure changed, and reports taps.
// GraphView is the only user; component tests replace this module.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import elk from 'cytoscape-elk';
import type { Topology } from '../bindings/Topology';
import { shapeKey, toElements } from './elements';
import { elkLayoutOptions, FIT_PADDING, MAX_FIT_ZOOM } from './layout';
import { graphStyle } from './style';

cytoscape.use(elk);

export interface RendererCallbacks {
  /** A node was tapped (its id), or the background was (null). */
  onSelect: (id: string | null) => void;
  /** The layout for the structure with this shape key has been applied. */
  onLayoutDone: (shapeKey: string) => void;
}

export interface GraphRenderer {
  readonly cy: Core;
  update: (topology: Topology) => void;
  select: (id: string | null) => void;
  fit: () => void;
  destroy: () => void;
}

/** `container` null runs Cytoscape headless (used by tests). */
export function createRenderer(container: HTMLElement | null, callbacks: RendererCallbacks): GraphRenderer {
  // Cytoscape empties its container when destroyed, and destroying can be
  // deferred (see destroy), so each instance gets a host element of its own:
  // a remount never shares one with an instance still winding down.
  const host = container ? container.appendChild(document.createElement('div')) : null;
  if (host) host.className = 'graph-host';
  const cy = cytoscape({
    container: host ?? undefined,
    headless: host === null,
    styleEnabled: true,
    style: graphStyle,
    minZoom: 0.15,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });

  cy.on('tap', 'node', (event) => callbacks.onSelect((event.target as cytoscape.NodeSingular).id()));
  cy.on('tap', (event) => {
    if (event.target === cy) callbacks.onSelect(null);
  });

  // Cytoscape only notices window resizes; the pane also resizes when the
  // window layout changes around it.
  const resizeObserver =
    container && typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => cy.resize()) : null;
  if (container) resizeObserver?.observe(container);

  // End-to-end tests read rendered positions through this handle.
  if (container) window.choreoscope = { graph: cy };

  let appliedKey: string | null = null;
  let layoutRunning = false;
  let layoutQueued = false;
  let destroyed = false;

  // ELK runs asynchronously; a structure change during a run waits for it
  // to finish rather than racing it, then lays out the latest structure.
  function runLayout() {
    if (destroyed) return;
    if (layoutRunning) {
      layoutQueued = true;
      return;
    }
    const key = appliedKey ?? '';
    if (cy.nodes().empty()) {
      callbacks.onLayoutDone(key);
      return;
    }
    layoutRunning = true;
    cy.layout(
      elkLayoutOptions(() => {
        layoutRunning = false;
        if (destroyed) {
          cy.destroy();
          return;
        }
        if (layoutQueued) {
          layoutQueued = false;
          runLayout();
        } else {
          capZoom();
          callbacks.onLayoutDone(key);
        }
      }),
    ).run();
  }

  function update(topology: Topology) {
    const key = shapeKey(topology);
    const elements = toElements(topology);
    cy.batch(() => {
      const wanted = new Set(elements.map((el) => el.data.id));
      cy.elements().filter((el) => !wanted.has(el.id())).remove();
      for (const el of elements) applyElement(cy, el);
    });
    if (key !== appliedKey) {
      appliedKey = key;
      runLayout();
    }
  }

  function capZoom() {
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
  }

  function select(id: string | null) {
    cy.batch(() => {
      cy.elements().unselect();
      cy.edges().removeClass('highlighted');
      if (id === null) return;
      const node = cy.getElementById(id);
      if (node.empty()) return;
      node.select();
      node.connectedEdges().addClass('highlighted');
    });
  }

  return {
    cy,
    update,
    select,
    fit() {
      cy.fit(undefined, FIT_PADDING);
      capZoom();
    },
    destroy() {
      destroyed = true;
      resizeObserver?.disconnect();
      if (container && window.choreoscope?.graph === cy) delete window.choreoscope;
      host?.remove();
      // cytoscape-elk cannot be cancelled and applies its positions when ELK
      // finishes; destroying before then makes it throw, so wait for it.
      if (!layoutRunning) cy.destroy();
    },
  };
}

/** Adds the element, or refreshes data and classes of the one already there. */
function applyElement(cy: Core, el: ElementDefinition) {
  const id = el.data.id ?? '';
  const existing = cy.getElementById(id);
  const classes = Array.isArray(el.classes) ? el.classes : [];
  if (existing.empty()) {
    cy.add(el);
    return;
  }
  // An edge whose endpoints changed is a different edge to Cytoscape.
  if (existing.isEdge() && (existing.data('source') !== el.data.source || existing.data('target') !== el.data.target)) {
    existing.remove();
    cy.add(el);
    return;
  }
  existing.data(el.data);
  existing.classes(classes);
}
