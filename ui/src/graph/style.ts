// The Cytoscape stylesheet: shape by node kind, colour by target kind,
// muted/dashed for anything inactive, dashed red dead-letter edges and dotted
// state machine calls. Classes come from elements.ts. Built per theme: the
// accents are the same in both, the neutrals (text, fills, edges) are not.
import type { StylesheetJson } from 'cytoscape';
import type { TargetKind } from '../bindings/TargetKind';
import type { Theme } from '../theme/theme';
import {
  ARCHIVE_COLOR,
  BUS_COLOR,
  CALL_COLOR,
  CONNECTION_COLOR,
  DLQ_COLOR,
  EVENT_TYPE_COLOR,
  LIVE_COLORS,
  RULE_COLOR,
  TARGET_COLORS,
} from './palette';

const FONT = 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';

/** The neutral colours of each theme; accents come from palette.ts. */
export const NEUTRALS = {
  dark: {
    background: '#0d1117',
    text: '#e6edf3',
    edge: '#5b6675',
    edgeLabel: '#cbd5e1',
    nodeFill: '#1f2630',
    nodeBorder: '#3d4653',
    disabledFill: '#1a1f26',
    disabledBorder: '#6b7280',
    disabledText: '#8b949e',
    inactiveEdge: '#3d4450',
    selected: '#f8fafc',
    highlighted: '#cbd5e1',
    liveText: '#e2e8f0',
    /** What accents are mixed into for node fills. */
    tintBase: 0x16,
    tintWeight: 0.28,
  },
  light: {
    background: '#ffffff',
    text: '#1f2328',
    edge: '#8c959f',
    edgeLabel: '#424a53',
    nodeFill: '#f6f8fa',
    nodeBorder: '#afb8c1',
    disabledFill: '#f3f4f6',
    disabledBorder: '#9ca3af',
    disabledText: '#6e7781',
    inactiveEdge: '#d0d7de',
    selected: '#0f172a',
    highlighted: '#334155',
    liveText: '#1f2328',
    tintBase: 0xff,
    tintWeight: 0.18,
  },
} as const;

/** Labels are not drawn once they would be smaller than this on screen (big graphs zoomed out). */
export const MIN_ZOOMED_FONT_SIZE = 7;

/** What a highlighted path or a focused neighbourhood leaves behind. */
export const FADED_OPACITY = 0.14;

/** Width of each kind of node; labels are cut with an ellipsis to fit. */
export const NODE_WIDTH = {
  bus: 190,
  rule: 176,
  target: 176,
  archive: 160,
  connection: 160,
  eventType: 168,
} as const;

export function graphStyle(theme: Theme = 'dark'): StylesheetJson {
  const n = NEUTRALS[theme];
  const tint = (hex: string) => mix(hex, n.tintBase, n.tintWeight);
  const targetRules: StylesheetJson = (Object.keys(TARGET_COLORS) as TargetKind[]).map((kind) => ({
    selector: `node.target-${kind}`,
    style: { 'border-color': TARGET_COLORS[kind], 'background-color': tint(TARGET_COLORS[kind]) },
  }));
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 12,
        'font-weight': 500,
        color: n.text,
        'text-valign': 'center',
        'text-halign': 'center',
        'text-wrap': 'ellipsis',
        'text-max-width': '150px',
        'min-zoomed-font-size': MIN_ZOOMED_FONT_SIZE,
        'border-width': 2,
        'background-color': n.nodeFill,
        'border-color': n.nodeBorder,
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
      // A learned event type: a small pill, after the targets that emit it.
      selector: 'node.eventType',
      style: {
        shape: 'round-rectangle',
        'corner-radius': '14',
        width: NODE_WIDTH.eventType,
        height: 28,
        'font-size': 11,
        'border-width': 1.5,
        'background-color': tint(EVENT_TYPE_COLOR),
        'border-color': EVENT_TYPE_COLOR,
        'text-max-width': '150px',
      },
    },
    {
      // No rule consumes it: an event nobody listens to is worth a look.
      selector: 'node.unconsumed',
      style: { 'border-style': 'dashed', 'border-width': 2, 'border-color': DLQ_COLOR },
    },
    {
      selector: 'node.disabled',
      style: {
        'border-style': 'dashed',
        'border-color': n.disabledBorder,
        'background-color': n.disabledFill,
        color: n.disabledText,
      },
    },
    {
      selector: 'node:selected',
      style: { 'border-width': 3, 'border-color': n.selected },
    },
    {
      selector: 'node:active',
      style: { 'overlay-color': n.selected, 'overlay-opacity': 0.08, 'overlay-padding': 4 },
    },
    {
      selector: 'edge',
      style: {
        width: 1.6,
        'line-color': n.edge,
        'target-arrow-color': n.edge,
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
      // What traffic taught: thin and dashed, so the configured routes stay
      // the graph's backbone. `putOn` goes back to a bus on the left, as a
      // curve like a state machine's putEvents.
      selector: 'edge.learned',
      style: {
        width: 1.2,
        'line-style': 'dashed',
        'line-dash-pattern': [4, 3],
        'line-color': EVENT_TYPE_COLOR,
        'target-arrow-color': EVENT_TYPE_COLOR,
      },
    },
    {
      selector: 'edge.putOn',
      style: {
        'line-opacity': 0.55,
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
        color: n.edgeLabel,
        'min-zoomed-font-size': MIN_ZOOMED_FONT_SIZE,
        'text-background-color': n.background,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'none',
      },
    },
    {
      selector: 'edge.inactive',
      // Drawn under live edges where they share a trunk.
      style: { 'line-style': 'dashed', 'line-color': n.inactiveEdge, 'target-arrow-color': n.inactiveEdge, 'z-index': 1 },
    },
    {
      selector: 'edge:selected, edge.highlighted',
      style: { 'line-color': n.highlighted, 'target-arrow-color': n.highlighted, width: 2.2 },
    },
    // Live activity (classes and data set by renderer.applyActivity).
    {
      // An edge with traffic: wider with its rate, which its label gives.
      selector: 'edge.live',
      style: {
        label: 'data(liveLabel)',
        width: 'data(liveWidth)',
        'font-family': FONT,
        'font-size': 10,
        color: n.liveText,
        'min-zoomed-font-size': MIN_ZOOMED_FONT_SIZE,
        'text-background-color': n.background,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'none',
      },
    },
    {
      selector: 'node.badged',
      style: { label: 'data(liveLabel)', 'text-wrap': 'wrap', 'line-height': 1.35 },
    },
    {
      selector: 'node.retrying',
      style: { 'underlay-color': LIVE_COLORS.retrying, 'underlay-opacity': 0.35, 'underlay-padding': 6 },
    },
    {
      selector: 'node.failing, node.dlq-filled',
      style: { 'underlay-color': LIVE_COLORS.failed, 'underlay-opacity': 0.4, 'underlay-padding': 6 },
    },
    {
      selector: 'node.circuit-half-open',
      style: { 'border-color': LIVE_COLORS.retrying, 'border-width': 4, 'border-style': 'dashed' },
    },
    {
      selector: 'node.circuit-open',
      style: { 'border-color': LIVE_COLORS.failed, 'border-width': 5, 'border-style': 'solid' },
    },
    // Search matches, a highlighted path, a focused neighbourhood (classes
    // set by the renderer). Last, so they win over kind and live styles.
    {
      selector: 'node.match',
      style: { 'underlay-color': CALL_COLOR, 'underlay-opacity': 0.5, 'underlay-padding': 8 },
    },
    {
      selector: 'node.match-current',
      style: { 'underlay-opacity': 0.85, 'underlay-padding': 10, 'border-width': 3, 'border-color': n.selected },
    },
    {
      selector: 'node.lit',
      style: { 'border-width': 3, 'border-color': n.selected },
    },
    {
      selector: 'edge.lit',
      style: { 'line-color': n.highlighted, 'target-arrow-color': n.highlighted, width: 3, 'z-index': 3 },
    },
    {
      selector: '.faded, .focus-out',
      style: { opacity: FADED_OPACITY, 'text-opacity': FADED_OPACITY },
    },
  ];
}

/**
 * The accent mixed into a grey of `base` (dark in the dark theme, white in
 * the light one), so the theme's text colour stays readable on the fill.
 */
function mix(hex: string, base: number, weight: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channelMix = (channel: number) => Math.round(channel * weight + base * (1 - weight));
  const r = channelMix((n >> 16) & 0xff);
  const g = channelMix((n >> 8) & 0xff);
  const b = channelMix(n & 0xff);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}
