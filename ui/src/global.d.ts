import type { Core } from 'cytoscape';

declare global {
  interface Window {
    /** Handle for end-to-end tests, which cannot read the canvas. */
    choreoscope?: { graph: Core };
  }
}

export {};
