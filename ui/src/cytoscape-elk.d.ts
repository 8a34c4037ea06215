// cytoscape-elk ships no type declarations.
declare module 'cytoscape-elk' {
  import type { Ext } from 'cytoscape';

  const extension: Ext;
  export default extension;
}
