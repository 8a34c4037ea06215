// The topology as a Mermaid flowchart, to paste into docs and tickets.
// Pure: the same topology always gives the same text.
import type { Edge } from '../bindings/Edge';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';
import { deadLetterQueueIds } from './elements';
import {
  ARCHIVE_COLOR,
  BUS_COLOR,
  CONNECTION_COLOR,
  DLQ_COLOR,
  EVENT_TYPE_COLOR,
  RULE_COLOR,
  TARGET_COLORS,
} from './palette';

/**
 * Text safe inside a quoted Mermaid label: quotes, `#` (which starts an
 * entity), angle brackets (HTML), backticks (markdown strings) and pipes
 * (edge-label delimiters) as entity codes; line breaks as spaces.
 */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;')
    .replace(/[\r\n]+/g, ' ');
}

/** Mermaid's opening and closing brackets for each kind of node, close to the canvas's shapes. */
function shape(node: Node, isDlq: boolean): [string, string] {
  if (isDlq) return ['[(', ')]']; // a queue, drawn as storage
  switch (node.kind) {
    case 'bus':
      return ['([', '])']; // stadium: the rounded bus
    case 'rule':
      return ['{{', '}}']; // hexagon, as on the canvas
    case 'archive':
      return ['[(', ')]']; // cylinder, the canvas's barrel
    case 'connection':
      return ['[/', '/]']; // slanted: the cut rectangle
    case 'eventType':
      return ['(', ')']; // rounded: the canvas's pill
    case 'target':
      switch (node.targetKind) {
        case 'queue':
          return ['[(', ')]'];
        case 'stateMachine':
          return ['[[', ']]']; // subroutine
        case 'apiDestination':
          return ['>', ']']; // points out of the system
        case 'logGroup':
          return ['[/', '\\]'];
        default:
          return ['[', ']'];
      }
  }
}

function classOf(node: Node, isDlq: boolean): string {
  if (isDlq) return 'dlq';
  if (node.kind === 'eventType' && node.state === 'UNCONSUMED') return 'unconsumed';
  if (node.kind === 'target') return `target_${node.targetKind ?? 'other'}`;
  return node.kind;
}

function arrow(edge: Edge): string {
  // Dead letters and the way back to a bus dashed, as on the canvas; everything else solid.
  const line = edge.kind === 'deadLetter' || edge.kind === 'putOn' ? '-.->' : '-->';
  return edge.label ? `${line}|"${escapeLabel(edge.label)}"|` : line;
}

const CLASS_COLORS: Record<string, string> = {
  bus: BUS_COLOR,
  rule: RULE_COLOR,
  archive: ARCHIVE_COLOR,
  connection: CONNECTION_COLOR,
  dlq: DLQ_COLOR,
  eventType: EVENT_TYPE_COLOR,
  unconsumed: DLQ_COLOR,
  ...Object.fromEntries(Object.entries(TARGET_COLORS).map(([kind, color]) => [`target_${kind}`, color])),
};

export function toMermaid(topology: Topology): string {
  const dlqs = deadLetterQueueIds(topology);
  // ARNs are not valid Mermaid ids: number the nodes instead.
  const ids = new Map(topology.nodes.map((node, i) => [node.id, `n${i}`]));
  const lines = ['flowchart LR'];
  const used = new Set<string>();
  for (const node of topology.nodes) {
    const isDlq = dlqs.has(node.id);
    const [open, close] = shape(node, isDlq);
    const cls = classOf(node, isDlq);
    used.add(cls);
    lines.push(`  ${ids.get(node.id)}${open}"${escapeLabel(node.label)}"${close}:::${cls}`);
  }
  for (const edge of topology.edges) {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    // An edge to a node outside the graph has nothing to point at.
    if (!source || !target) continue;
    lines.push(`  ${source} ${arrow(edge)} ${target}`);
  }
  for (const cls of [...used].sort()) {
    const color = CLASS_COLORS[cls];
    // An unconsumed event type is dashed, as on the canvas.
    const dash = cls === 'unconsumed' ? ',stroke-dasharray:5 3' : '';
    if (color) lines.push(`  classDef ${cls} stroke:${color},stroke-width:2px${dash}`);
  }
  return `${lines.join('\n')}\n`;
}
