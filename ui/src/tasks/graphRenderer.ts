// Draws an execution's state machine with Cytoscape, at the positions
// `aslToGraph` computed: the current states filled with the accent, the
// states the history passed through outlined, the rest muted. Colours come
// from the theme's CSS variables when drawn, so both themes read well.
import cytoscape from 'cytoscape';
import type { AslGraph } from './aslGraph';

export interface ExecutionGraphRenderer {
  destroy(): void;
}

function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** Draws `graph` into `host`; `current` and `visited` are state names. */
export function renderExecutionGraph(
  host: HTMLElement,
  graph: AslGraph,
  current: ReadonlySet<string>,
  visited: ReadonlySet<string>,
): ExecutionGraphRenderer {
  const colour = {
    text: themeColour('--text', '#1f2328'),
    muted: themeColour('--muted', '#6e7781'),
    surface: themeColour('--surface', '#ffffff'),
    border: themeColour('--border-strong', '#8c959f'),
    accent: themeColour('--accent', '#0969da'),
    accentText: themeColour('--accent-text', '#ffffff'),
    danger: themeColour('--danger', '#cf222e'),
    ok: themeColour('--ok', '#1a7f37'),
  };
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
    style: [
      {
        selector: 'node',
        style: {
          shape: 'round-rectangle',
          width: 160,
          height: 34,
          label: 'data(label)',
          'font-size': 11,
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
        selector: 'node.current',
        style: {
          color: colour.accentText,
          'background-color': colour.accent,
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
          'font-size': 9,
          color: colour.muted,
          'text-background-color': colour.surface,
          'text-background-opacity': 1,
        },
      },
      { selector: 'edge.catch', style: { 'line-style': 'dashed', 'line-color': colour.danger, 'target-arrow-color': colour.danger } },
      { selector: 'edge.branch, edge.join', style: { 'line-style': 'dotted' } },
    ],
  });
  cy.fit(undefined, 20);
  return { destroy: () => cy.destroy() };
}
