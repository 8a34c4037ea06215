// What the graph pane offers the rest of the app (the command palette):
// GraphView registers its controls while mounted; null when no graph is on
// screen. A module-level store, as the palette lives outside the pane.
import { useSyncExternalStore } from 'react';
import type { ExportFormat } from './exporting';

export interface GraphNodeEntry {
  id: string;
  label: string;
}

export interface GraphControls {
  nodes: GraphNodeEntry[];
  /** The selected node, if any (what "Focus selected node" focuses). */
  selectedId: string | null;
  fit: () => void;
  startSearch: () => void;
  exportAs: (format: ExportFormat) => void;
  focus: (id: string) => void;
  showAll: () => void;
  goToNode: (id: string) => void;
}

let current: GraphControls | null = null;
const listeners = new Set<() => void>();

export function registerGraphControls(controls: GraphControls | null) {
  current = controls;
  for (const listener of listeners) listener();
}

export function getGraphControls(): GraphControls | null {
  return current;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useGraphControls(): GraphControls | null {
  return useSyncExternalStore(subscribe, getGraphControls, getGraphControls);
}
