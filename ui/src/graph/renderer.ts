// Owns the Cytoscape instance: applies topologies, re-running the ELK
// layout only when the graph's structure changed, and reports taps.
// GraphView is the only user; component tests replace this module.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import svg from 'cytoscape-svg';
import type { Topology } from '../bindings/Topology';
import type { Theme } from '../theme/theme';
import type { DotFrame, LiveView } from './activity';
import { shapeKey, toElements } from './elements';
import { applyLive, createDotLayer } from './liveLayer';
import { elkPositions } from './elk';
import { FIT_PADDING, layoutTuning, MAX_FIT_ZOOM } from './layout';
import { quickLayout } from './quickLayout';
import { graphStyle, NEUTRALS } from './style';
import { markStartup } from '../startupTimings';
import { loadLayout, saveLayout, type Positions } from './layoutCache';


cytoscape.use(svg);

export interface RendererCallbacks {
  /** A node was tapped (its id), or the background was (null). */
  onSelect: (id: string | null) => void;
  /** The layout for the structure with this shape key has been applied. */
  onLayoutDone: (shapeKey: string) => void;
  /** ELK's layout, computed after the quick one, has replaced it (new structures only). */
  onLayoutRefined?: (shapeKey: string) => void;
  /** A node was double-tapped: focus its neighbourhood. */
  onFocus?: (id: string) => void;
}

export interface RendererOptions {
  theme?: Theme;
}

export interface GraphRenderer {
  readonly cy: Core;
  update: (topology: Topology) => void;
  select: (id: string | null) => void;
  fit: () => void;
  /** Shows live counters: edge rates, node badges and glows (kept across topology updates). */
  applyActivity: (view: LiveView) => void;
  /** Draws this frame's dots (an empty list clears them). */
  drawDots: (dots: DotFrame[]) => void;
  /**
   * Lights these nodes and edges up and fades the rest; edgeIds null lights
   * the edges between the given nodes. No nodes (or null) clears.
   */
  highlight: (nodeIds: string[] | null, edgeIds: string[] | null) => void;
  /** Fades everything more than one edge from the node, and fits the rest; null shows all. */
  focus: (id: string | null) => void;
  /** Marks search matches, `current` more strongly. */
  markMatches: (ids: string[], current: string | null) => void;
  /** Centres the view on a node, zooming in if it would be too small to read. */
  centerOn: (id: string) => void;
  /** The whole graph as a PNG, at twice the resolution, on the theme's background. */
  png: () => Blob;
  /** The whole graph as SVG text, on the theme's background. */
  svg: () => string;
  /** Restyles the canvas for a theme. */
  setTheme: (theme: Theme) => void;
  destroy: () => void;
}

/** The zoom `centerOn` brings a node up to, so its label can be read. */
const READABLE_ZOOM = 0.9;

/** `container` null runs Cytoscape headless (used by tests). */
export function createRenderer(
  container: HTMLElement | null,
  callbacks: RendererCallbacks,
  options: RendererOptions = {},
): GraphRenderer {
  let theme: Theme = options.theme ?? 'dark';
  // Cytoscape empties its container when destroyed, and destroying can be
  // deferred (see destroy), so each instance gets a host element of its own:
  // a remount never shares one with an instance still winding down.
  const host = container ? container.appendChild(document.createElement('div')) : null;
  if (host) host.className = 'graph-host';
  const cy = cytoscape({
    container: host ?? undefined,
    headless: host === null,
    styleEnabled: true,
    style: graphStyle(theme),
    minZoom: 0.15,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });

  cy.on('tap', 'node', (event) => callbacks.onSelect((event.target as cytoscape.NodeSingular).id()));
  cy.on('tap', (event) => {
    if (event.target === cy) callbacks.onSelect(null);
  });
  cy.on('dbltap', 'node', (event) => callbacks.onFocus?.((event.target as cytoscape.NodeSingular).id()));

  // Cytoscape only notices window resizes; the pane also resizes when the
  // window layout changes around it.
  const resizeObserver =
    container && typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => cy.resize()) : null;
  if (container) resizeObserver?.observe(container);

  // End-to-end tests read rendered positions through this handle.
  if (container) window.choreoscope = { graph: cy };

  // Dots are drawn on a canvas over Cytoscape's: moving them costs no
  // graph mutation or style pass.
  const dotLayer = host ? createDotLayer(host, cy) : null;
  let live: LiveView | null = null;

  // Emphasis, kept here so it survives topology updates (which reset classes).
  let lit: { nodes: Set<string>; edges: Set<string> | null } | null = null;
  let focusId: string | null = null;
  let matches = new Set<string>();
  let currentMatch: string | null = null;

  function applyEmphasis() {
    cy.elements().removeClass('lit faded focus-out match match-current');
    if (lit) {
      const { nodes, edges } = lit;
      cy.nodes().forEach((n) => {
        n.addClass(nodes.has(n.id()) ? 'lit' : 'faded');
      });
      cy.edges().forEach((e) => {
        const on = edges ? edges.has(e.id()) : nodes.has(e.source().id()) && nodes.has(e.target().id());
        e.addClass(on ? 'lit' : 'faded');
      });
    }
    if (focusId !== null) {
      const node = cy.getElementById(focusId);
      if (node.nonempty()) cy.elements().not(node.closedNeighborhood()).addClass('focus-out');
    }
    for (const id of matches) cy.getElementById(id).addClass('match');
    if (currentMatch !== null) cy.getElementById(currentMatch).addClass('match-current');
  }

  let appliedKey: string | null = null;
  // Each layout run has a number: an ELK result for an older structure is
  // dropped when it arrives.
  let layoutRun = 0;
  let destroyed = false;
  // Whether the user has panned or zoomed since the last layout: ELK's
  // result then keeps their view instead of fitting the graph again.
  let viewMoved = false;
  cy.on('dragpan scrollzoom pinchzoom', () => {
    viewMoved = true;
  });

  /**
   * Lays the structure on screen out. A structure laid out before gets its
   * remembered positions at once. A new one gets the quick layered layout
   * at once (the graph is usable), then ELK's, computed in a worker, which
   * is remembered for next time.
   */
  function runLayout() {
    if (destroyed) return;
    const run = ++layoutRun;
    const key = appliedKey ?? '';
    if (cy.nodes().empty()) {
      callbacks.onLayoutDone(key);
      return;
    }
    markStartup('layoutStarted');
    const saved = loadLayout(key, cy.nodes().map((node) => node.id()));
    if (saved) {
      // The structure was laid out before: the same picture, at once.
      markStartup('layoutRemembered');
      place(saved, true, false);
      callbacks.onLayoutDone(key);
      return;
    }
    place(quickPositions(), true, false);
    markStartup('quickLayout');
    callbacks.onLayoutDone(key);
    elkPositions(cy)
      .then((positions) => {
        if (destroyed || run !== layoutRun) return;
        const tuning = layoutTuning(cy.nodes().length);
        saveLayout(key, positions);
        place(positions, !viewMoved, tuning.animate && !prefersReducedMotion(), () => {
          if (!destroyed && run === layoutRun) callbacks.onLayoutRefined?.(key);
        });
      })
      .catch((error: unknown) => {
        // The quick layout stays: a readable graph, only less polished.
        console.error('ELK could not lay the graph out', error);
      });
  }

  /** The quick layered layout of the nodes on screen now. */
  function quickPositions(): Positions {
    const tuning = layoutTuning(cy.nodes().length);
    const nodes = cy.nodes().map((node) => {
      const { w, h } = node.layoutDimensions({ nodeDimensionsIncludeLabels: false });
      return { id: node.id(), kind: String(node.data('kind')), width: w, height: h };
    });
    const edges = cy.edges().map((edge) => ({
      source: edge.data('source') as string,
      target: edge.data('target') as string,
      kind: String(edge.data('kind')),
    }));
    return quickLayout(nodes, edges, tuning);
  }

  /** Moves the nodes to `positions`, fitting the view if asked; `done` once they are there. */
  function place(positions: Positions, fit: boolean, animate: boolean, done?: () => void) {
    if (fit) viewMoved = false;
    cy.layout({
      name: 'preset',
      positions,
      fit,
      padding: FIT_PADDING,
      animate,
      animationDuration: 450,
      stop: () => {
        if (fit && animate) capZoom();
        done?.();
      },
    }).run();
    if (fit && !animate) capZoom();
  }

  function update(topology: Topology) {
    const key = shapeKey(topology);
    const elements = toElements(topology);
    cy.batch(() => {
      const wanted = new Set(elements.map((el) => el.data.id));
      cy.elements().filter((el) => !wanted.has(el.id())).remove();
      for (const el of elements) applyElement(cy, el);
      // Refreshing classes dropped the live ones and the emphasis.
      if (live) applyLive(cy, live);
      applyEmphasis();
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
    applyActivity(view) {
      live = view;
      cy.batch(() => applyLive(cy, view));
    },
    drawDots(dots) {
      dotLayer?.draw(dots);
    },
    highlight(nodeIds, edgeIds) {
      lit = nodeIds && nodeIds.length > 0 ? { nodes: new Set(nodeIds), edges: edgeIds ? new Set(edgeIds) : null } : null;
      cy.batch(applyEmphasis);
    },
    focus(id) {
      focusId = id;
      cy.batch(applyEmphasis);
      const node = id === null ? cy.collection() : cy.getElementById(id);
      if (node.nonempty()) {
        cy.fit(node.closedNeighborhood(), FIT_PADDING);
        capZoom();
      }
    },
    markMatches(ids, current) {
      matches = new Set(ids);
      currentMatch = current;
      cy.batch(applyEmphasis);
    },
    centerOn(id) {
      const node = cy.getElementById(id);
      if (node.empty()) return;
      // No animation: with hundreds of nodes it stutters, and it helps no one
      // who asked for reduced motion.
      if (cy.zoom() < READABLE_ZOOM) cy.zoom({ level: READABLE_ZOOM, position: node.position() });
      cy.center(node);
    },
    png() {
      return cy.png({ full: true, scale: 2, bg: NEUTRALS[theme].background, output: 'blob' });
    },
    svg() {
      return cy.svg({ full: true, scale: 1, bg: NEUTRALS[theme].background });
    },
    setTheme(next) {
      if (next === theme) return;
      theme = next;
      cy.style(graphStyle(theme));
    },
    destroy() {
      destroyed = true;
      dotLayer?.remove();
      resizeObserver?.disconnect();
      if (container && window.choreoscope?.graph === cy) delete window.choreoscope;
      host?.remove();
      cy.destroy();
    },
  };
}

/** Whether the user asked the system for less motion. */
function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
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
