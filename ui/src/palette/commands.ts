// The palette's actions and how typing filters them (pure, tested alone).
import type { GraphControls } from '../graph/controls';

export interface PaletteCommand {
  id: string;
  label: string;
  /** Shown beside the label, dimmed (a group or hint). */
  hint?: string;
  run: () => void;
}

/**
 * The actions on offer: the graph's (when a graph is on screen), the theme,
 * the panels, and one "Go to node" per node.
 */
export function paletteCommands(
  graph: GraphControls | null,
  toggleTheme: () => void,
  panels: PaletteCommand[] = [],
): PaletteCommand[] {
  const commands: PaletteCommand[] = [];
  if (graph) {
    commands.push(
      { id: 'fit', label: 'Fit graph', hint: 'Graph', run: graph.fit },
      { id: 'search', label: 'Search node…', hint: 'Graph', run: graph.startSearch },
      { id: 'export-png', label: 'Export PNG', hint: 'Export', run: () => graph.exportAs('png') },
      { id: 'export-svg', label: 'Export SVG', hint: 'Export', run: () => graph.exportAs('svg') },
      { id: 'export-mermaid', label: 'Export Mermaid', hint: 'Export', run: () => graph.exportAs('mermaid') },
    );
    const selected = graph.selectedId;
    if (selected !== null) {
      commands.push({ id: 'focus', label: 'Focus selected node', hint: 'Graph', run: () => graph.focus(selected) });
    }
    commands.push({ id: 'show-all', label: 'Show all', hint: 'Graph', run: graph.showAll });
  }
  commands.push({ id: 'theme', label: 'Toggle theme', hint: 'View', run: toggleTheme });
  commands.push(...panels);
  if (graph) {
    for (const node of graph.nodes) {
      commands.push({
        id: `node:${node.id}`,
        label: `Go to node ${node.label}`,
        hint: 'Node',
        run: () => graph.goToNode(node.id),
      });
    }
  }
  return commands;
}

/**
 * The commands whose label holds every word of the query (any order,
 * ignoring case); those whose label starts with the query first.
 */
export function filterCommands(commands: PaletteCommand[], query: string): PaletteCommand[] {
  const q = query.trim().toLowerCase();
  if (!q) return commands;
  const words = q.split(/\s+/);
  const hits = commands.filter((c) => {
    const label = c.label.toLowerCase();
    return words.every((w) => label.includes(w));
  });
  const starts = hits.filter((c) => c.label.toLowerCase().startsWith(q));
  return [...starts, ...hits.filter((c) => !c.label.toLowerCase().startsWith(q))];
}
