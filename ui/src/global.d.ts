import type { Core } from 'cytoscape';

declare global {
  interface Window {
    /** Handle for end-to-end tests, which cannot read the canvas. */
    choreoscope?: { graph: Core };
  }
}

export {};

// The method cytoscape-svg adds to every Core.
declare module 'cytoscape' {
  interface Core {
    svg(options?: { full?: boolean; scale?: number; bg?: string }): string;
  }
}
