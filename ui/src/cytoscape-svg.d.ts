// cytoscape-svg ships no type declarations (the `svg` method it adds to
// Core is declared in global.d.ts).
declare module 'cytoscape-svg' {
  import type { Ext } from 'cytoscape';

  const extension: Ext;
  export default extension;
}
