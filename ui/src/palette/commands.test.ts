import { describe, expect, it, vi } from 'vitest';
import type { GraphControls } from '../graph/controls';
import { filterCommands, paletteCommands } from './commands';
import { panelCommands } from './panels';

function controls(selectedId: string | null = null): GraphControls {
  return {
    nodes: [
      { id: 'a', label: 'orders' },
      { id: 'b', label: 'charge-card' },
    ],
    selectedId,
    fit: vi.fn(),
    startSearch: vi.fn(),
    exportAs: vi.fn(),
    focus: vi.fn(),
    showAll: vi.fn(),
    goToNode: vi.fn(),
  };
}

describe('paletteCommands', () => {
  it('offers the graph actions, the theme and every node', () => {
    const labels = paletteCommands(controls('a'), vi.fn()).map((c) => c.label);
    expect(labels).toEqual([
      'Fit graph',
      'Search node…',
      'Export PNG',
      'Export SVG',
      'Export Mermaid',
      'Focus selected node',
      'Show all',
      'Toggle theme',
      'Go to node orders',
      'Go to node charge-card',
    ]);
  });

  it('offers focus only with a selection, and only the theme without a graph', () => {
    expect(paletteCommands(controls(), vi.fn()).map((c) => c.id)).not.toContain('focus');
    expect(paletteCommands(null, vi.fn()).map((c) => c.label)).toEqual(['Toggle theme']);
  });

  it('runs what it says', () => {
    const graph = controls('b');
    const toggle = vi.fn();
    const byId = new Map(paletteCommands(graph, toggle).map((c) => [c.id, c]));
    byId.get('export-svg')?.run();
    expect(graph.exportAs).toHaveBeenCalledWith('svg');
    byId.get('focus')?.run();
    expect(graph.focus).toHaveBeenCalledWith('b');
    byId.get('node:a')?.run();
    expect(graph.goToNode).toHaveBeenCalledWith('a');
    byId.get('theme')?.run();
    expect(toggle).toHaveBeenCalled();
  });
});

describe('panel commands', () => {
  it('open every panel from the palette, after the theme and before the nodes', () => {
    const panels = panelCommands();
    expect(panels.map((c) => c.label)).toEqual([
      'Connections…',
      'Dead letters',
      'Archives and replays',
      'Waiting tasks (task tokens)',
      'Circuits',
      'Demo controls (local mode)',
    ]);
    const labels = paletteCommands(controls(), vi.fn(), panels).map((c) => c.label);
    expect(labels.indexOf('Dead letters')).toBe(labels.indexOf('Toggle theme') + 2);
    expect(labels.at(-1)).toBe('Go to node charge-card');
    expect(filterCommands(paletteCommands(null, vi.fn(), panels), 'replay').map((c) => c.id)).toEqual(['panel:replays']);
  });
});

describe('filterCommands', () => {
  const commands = paletteCommands(controls(), vi.fn());

  it('keeps commands holding every word, in any order, ignoring case', () => {
    expect(filterCommands(commands, 'EXPORT m').map((c) => c.label)).toEqual(['Export Mermaid']);
    expect(filterCommands(commands, 'charge go').map((c) => c.label)).toEqual(['Go to node charge-card']);
  });

  it('puts labels that start with the query first', () => {
    expect(filterCommands(commands, 'to').map((c) => c.label)).toEqual([
      'Toggle theme',
      'Go to node orders',
      'Go to node charge-card',
    ]);
  });

  it('keeps everything for a blank query', () => {
    expect(filterCommands(commands, ' ')).toHaveLength(commands.length);
  });
});
