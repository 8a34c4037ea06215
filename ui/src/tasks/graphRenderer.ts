// Draws an execution's state machine with Cytoscape, at the positions
// `aslToGraph` computed: the current states filled, the states the history
// passed through outlined, the rest muted. Colours come from the theme's CSS
// variables when drawn, so both themes read well. A machine too big for its
// box at a readable size is not shrunk further: the view centres on the
// current state, and dragging pans and the wheel zooms to see the rest.
import cytoscape, { type StylesheetJson } from 'cytoscape';
import type { AslGraph } from './aslGraph';

export interface ExecutionGraphRenderer {
  destroy(): void;
}

/** The states' and edges' label size, in graph units. */
export const LABEL_SIZE = 12;
/** The smallest label, in screen pixels, the graph is opened at. */
export const MIN_LABEL_PX = 10;
/** Padding around the fitted graph, in pixels. */
const FIT_PADDING = 20;

/** The theme's colours the drawing uses. */
export interface GraphColours {
  /** The page's background. */
  bg: string;
  text: string;
  muted: string;
  surface: string;
  border: string;
  accent: string;
  /** The accent for text on the page's background: readable against `bg`. */
  accentText: string;
  danger: string;
  ok: string;
}

function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** The theme's colours now (the light theme's when a variable is missing). */
export function themeColours(): GraphColours {
  return {
    bg: themeColour('--bg', '#ffffff'),
    text: themeColour('--text', '#1f2328'),
    muted: themeColour('--muted', '#59636e'),
    surface: themeColour('--surface', '#f6f8fa'),
    border: themeColour('--border-strong', '#afb8c1'),
    accent: themeColour('--accent', '#7c3aed'),
    accentText: themeColour('--accent-text', '#6d28d9'),
    danger: themeColour('--danger', '#cf222e'),
    ok: themeColour('--ok', '#1a7f37'),
  };
}

/**
 * The zoom to open at: the fitted one, unless it makes labels smaller than
 * `MIN_LABEL_PX`; then the smallest readable one, with the view on the
 * current state (`focusCurrent`).
 */
export function openingZoom(fitZoom: number): { zoom: number; focusCurrent: boolean } {
  const readable = MIN_LABEL_PX / LABEL_SIZE;
  return fitZoom >= readable ? { zoom: fitZoom, focusCurrent: false } : { zoom: readable, focusCurrent: true };
}

/** The drawing's style in `colour`. */
export function executionGraphStyle(colour: GraphColours): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: 160,
        height: 34,
        label: 'data(label)',
        'font-size': LABEL_SIZE,
        'text-valign': 'center',
        'text-halign': 'center',
        'text-wrap': 'ellipsis',
        'text-max-width': '150px',
        color: colour.muted,
        'background-color': colour.surface,
        'border-width': 1,
        'border-color': colour.border,
      },
    },
    { selector: 'node.terminal', style: { shape: 'ellipse', width: 60, height: 26 } },
    { selector: 'node.choice', style: { shape: 'diamond', width: 170, height: 44 } },
    { selector: 'node.visited', style: { color: colour.text, 'border-color': colour.ok, 'border-width': 2 } },
    {
      // The accent-for-text is readable on the page's background, so the
      // background is readable on it (contrast is symmetric), in both themes:
      // a light fill with dark text in the dark theme, the reverse in the light.
      selector: 'node.current',
      style: {
        color: colour.bg,
        'background-color': colour.accentText,
        'border-color': colour.accent,
        'border-width': 3,
        'font-weight': 'bold',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'curve-style': 'bezier',
        'target-arrow-shape': 'triangle',
        'line-color': colour.border,
        'target-arrow-color': colour.border,
        label: 'data(label)',
        'font-size': LABEL_SIZE,
        color: colour.muted,
        'text-background-color': colour.bg,
        'text-background-opacity': 1,
      },
    },
    { selector: 'edge.catch', style: { 'line-style': 'dashed', 'line-color': colour.danger, 'target-arrow-color': colour.danger } },
    { selector: 'edge.branch, edge.join', style: { 'line-style': 'dotted' } },
  ];
}

/** Draws `graph` into `host`; `current` and `visited` are state names. */
export function renderExecutionGraph(
  host: HTMLElement,
  graph: AslGraph,
  current: ReadonlySet<string>,
  visited: ReadonlySet<string>,
): ExecutionGraphRenderer {
  const classesOf = (id: string, type: string) =>
    [
      type === 'Start' || type === 'End' ? 'terminal' : '',
      type === 'Choice' ? 'choice' : '',
      current.has(id) ? 'current' : '',
      visited.has(id) && !current.has(id) ? 'visited' : '',
    ]
      .filter(Boolean)
      .join(' ');
  const cy = cytoscape({
    container: host,
    layout: { name: 'preset' },
    minZoom: 0.2,
    maxZoom: 2.5,
    boxSelectionEnabled: false,
    autoungrabify: true,
    elements: [
      ...graph.nodes.map((n) => ({
        data: { id: n.id, label: n.label },
        position: { x: n.x, y: n.y },
        classes: classesOf(n.id, n.type),
      })),
      ...graph.edges.map((e) => ({
        data: { id: e.id, source: e.source, target: e.target, label: e.label ?? '' },
        classes: e.kind,
      })),
    ],
    style: executionGraphStyle(themeColours()),
  });
  cy.fit(undefined, FIT_PADDING);
  const { zoom, focusCurrent } = openingZoom(cy.zoom());
  if (focusCurrent) {
    cy.zoom(zoom);
    const now = cy.nodes('.current');
    // No current state (a stopped execution): its start.
    cy.center(now.nonempty() ? now : cy.nodes().first());
  }
  return { destroy: () => cy.destroy() };
}
