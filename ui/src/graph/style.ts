// The Cytoscape stylesheet: shape by node kind, colour by target kind, and
// muted/dashed for disabled rules. Classes come from elements.ts.
import type { StylesheetJson } from 'cytoscape';
import type { TargetKind } from '../bindings/TargetKind';
import { BUS_COLOR, RULE_COLOR, TARGET_COLORS } from './palette';

const FONT = 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';
const TEXT = '#e6edf3';
const EDGE = '#5b6675';

/** Width of each kind of node; labels are cut with an ellipsis to fit. */
export const NODE_WIDTH = { bus: 190, rule: 176, target: 176 } as const;

const targetRules: StylesheetJson = (Object.keys(TARGET_COLORS) as TargetKind[]).map((kind) => ({
  selector: `node.target-${kind}`,
  style: { 'border-color': TARGET_COLORS[kind], 'background-color': tint(TARGET_COLORS[kind]) },
}));

export const graphStyle: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': FONT,
      'font-size': 12,
      'font-weight': 500,
      color: TEXT,
      'text-valign': 'center',
      'text-halign': 'center',
      'text-wrap': 'ellipsis',
      'text-max-width': '150px',
      'border-width': 2,
      'background-color': '#1f2630',
      'border-color': '#3d4653',
      height: 44,
      'overlay-opacity': 0,
    },
  },
  {
    selector: 'node.bus',
    style: {
      shape: 'round-rectangle',
      width: NODE_WIDTH.bus,
      height: 48,
      'font-size': 13,
      'font-weight': 600,
      'background-color': tint(BUS_COLOR),
      'border-color': BUS_COLOR,
      'text-max-width': '166px',
    },
  },
  {
    selector: 'node.rule',
    style: {
      shape: 'round-hexagon',
      width: NODE_WIDTH.rule,
      'background-color': tint(RULE_COLOR),
      'border-color': RULE_COLOR,
      'text-max-width': '130px',
    },
  },
  {
    selector: 'node.target',
    style: { shape: 'rectangle', width: NODE_WIDTH.target },
  },
  ...targetRules,
  {
    selector: 'node.disabled',
    style: {
      'border-style': 'dashed',
      'border-color': '#6b7280',
      'background-color': '#1a1f26',
      color: '#8b949e',
    },
  },
  {
    selector: 'node:selected',
    style: { 'border-width': 3, 'border-color': '#f8fafc' },
  },
  {
    selector: 'node:active',
    style: { 'overlay-color': '#ffffff', 'overlay-opacity': 0.08, 'overlay-padding': 4 },
  },
  {
    selector: 'edge',
    style: {
      width: 1.6,
      'line-color': EDGE,
      'target-arrow-color': EDGE,
      'target-arrow-shape': 'triangle',
      'arrow-scale': 1.1,
      'curve-style': 'taxi',
      'taxi-direction': 'horizontal',
      'taxi-turn': '50%',
      'taxi-radius': 8,
      'z-index': 2,
    },
  },
  {
    selector: 'edge.inactive',
    // Drawn under live edges where they share a trunk.
    style: { 'line-style': 'dashed', 'line-color': '#3d4450', 'target-arrow-color': '#3d4450', 'z-index': 1 },
  },
  {
    selector: 'edge:selected, edge.highlighted',
    style: { 'line-color': '#cbd5e1', 'target-arrow-color': '#cbd5e1', width: 2.2 },
  },
];

/** A dark fill of the given accent, so white labels stay readable on it. */
function tint(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (channel: number) => Math.round(channel * 0.28 + 0x16 * 0.72);
  const r = mix((n >> 16) & 0xff);
  const g = mix((n >> 8) & 0xff);
  const b = mix(n & 0xff);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}
