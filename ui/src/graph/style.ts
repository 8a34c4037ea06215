// The Cytoscape stylesheet: shape by node kind, colour by target kind,
// muted/dashed for anything inactive, dashed red dead-letter edges and dotted
// state machine calls. Classes come from elements.ts.
import type { StylesheetJson } from 'cytoscape';
import type { TargetKind } from '../bindings/TargetKind';
import {
  ARCHIVE_COLOR,
  BUS_COLOR,
  CALL_COLOR,
  CONNECTION_COLOR,
  DLQ_COLOR,
  RULE_COLOR,
  TARGET_COLORS,
} from './palette';

const FONT = 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';
const TEXT = '#e6edf3';
const EDGE = '#5b6675';

/** Width of each kind of node; labels are cut with an ellipsis to fit. */
export const NODE_WIDTH = { bus: 190, rule: 176, target: 176, archive: 160, connection: 160 } as const;

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
    // After the target colours: a queue that holds dead letters says so.
    selector: 'node.dlq',
    style: {
      'border-color': DLQ_COLOR,
      'background-color': tint(DLQ_COLOR),
      'border-style': 'double',
      'border-width': 4,
    },
  },
  {
    selector: 'node.archive',
    style: {
      shape: 'barrel',
      width: NODE_WIDTH.archive,
      'background-color': tint(ARCHIVE_COLOR),
      'border-color': ARCHIVE_COLOR,
      'text-max-width': '136px',
    },
  },
  {
    selector: 'node.connection',
    style: {
      shape: 'cut-rectangle',
      width: NODE_WIDTH.connection,
      height: 38,
      'background-color': tint(CONNECTION_COLOR),
      'border-color': CONNECTION_COLOR,
      'text-max-width': '136px',
    },
  },
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
    selector: 'edge.deadLetter',
    style: {
      'line-style': 'dashed',
      'line-dash-pattern': [6, 4],
      'line-color': DLQ_COLOR,
      'target-arrow-color': DLQ_COLOR,
    },
  },
  {
    selector: 'edge.busToArchive, edge.apiDestinationToConnection',
    style: { 'line-style': 'dotted', 'target-arrow-shape': 'tee' },
  },
  {
    // A state machine's calls; putEvents often goes back to a bus to its
    // left, which a curve shows better than right-angled taxi lines.
    selector: 'edge.call',
    style: {
      'line-style': 'dotted',
      'line-color': CALL_COLOR,
      'target-arrow-color': CALL_COLOR,
      'curve-style': 'unbundled-bezier',
      'control-point-distances': [40],
      'control-point-weights': [0.5],
    },
  },
  {
    selector: 'edge.labelled',
    style: {
      label: 'data(label)',
      'font-family': FONT,
      'font-size': 10,
      color: '#cbd5e1',
      'text-background-color': '#0d1117',
      'text-background-opacity': 0.85,
      'text-background-padding': '2px',
      'text-rotation': 'none',
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
