// Key to the node shapes, colours and edge styles, for audiences new to the
// graph. Only what the graph shows is listed, so the key stays short.
import type { TargetKind } from '../bindings/TargetKind';
import type { Topology } from '../bindings/Topology';
import { CALL_EDGES, LEARNED_EDGES, deadLetterQueueIds } from './elements';
import {
  ARCHIVE_COLOR,
  BUS_COLOR,
  CALL_COLOR,
  CONNECTION_COLOR,
  DLQ_COLOR,
  EVENT_TYPE_COLOR,
  RULE_COLOR,
  TARGET_COLORS,
  TARGET_NAMES,
} from './palette';

type Shape =
  | 'bus'
  | 'rule'
  | 'target'
  | 'dlq'
  | 'archive'
  | 'connection'
  | 'eventType'
  | 'unconsumed'
  | 'dashed'
  | 'dotted';

interface Entry {
  key: string;
  name: string;
  color: string;
  shape: Shape;
}

/** The legend's entries for a topology, in a fixed order. */
export function legendEntries(topology: Topology): Entry[] {
  const dlqs = deadLetterQueueIds(topology);
  const targetKinds = new Set<TargetKind>();
  const kinds = new Set<string>();
  for (const node of topology.nodes) {
    kinds.add(node.kind);
    // A queue that only holds dead letters is keyed as a DLQ, not a queue.
    if (node.kind === 'target' && !dlqs.has(node.id)) targetKinds.add(node.targetKind ?? 'other');
  }
  const edgeKinds = new Set(topology.edges.map((e) => e.kind));
  const entries: Entry[] = [
    { key: 'bus', name: 'Event bus', color: BUS_COLOR, shape: 'bus' },
    { key: 'rule', name: 'Rule', color: RULE_COLOR, shape: 'rule' },
  ];
  for (const kind of Object.keys(TARGET_NAMES) as TargetKind[]) {
    if (targetKinds.has(kind)) {
      entries.push({ key: kind, name: TARGET_NAMES[kind], color: TARGET_COLORS[kind], shape: 'target' });
    }
  }
  if (dlqs.size > 0) entries.push({ key: 'dlq', name: 'Dead-letter queue', color: DLQ_COLOR, shape: 'dlq' });
  if (kinds.has('archive')) entries.push({ key: 'archive', name: 'Archive', color: ARCHIVE_COLOR, shape: 'archive' });
  if (kinds.has('connection')) {
    entries.push({ key: 'connection', name: 'Connection', color: CONNECTION_COLOR, shape: 'connection' });
  }
  if (kinds.has('eventType')) {
    entries.push({ key: 'eventType', name: 'Event type (learned)', color: EVENT_TYPE_COLOR, shape: 'eventType' });
  }
  if (topology.nodes.some((n) => n.kind === 'eventType' && n.state === 'UNCONSUMED')) {
    entries.push({ key: 'unconsumed', name: 'No rule consumes it', color: DLQ_COLOR, shape: 'unconsumed' });
  }
  if (edgeKinds.has('deadLetter')) {
    entries.push({ key: 'deadLetter', name: 'Dead letters', color: DLQ_COLOR, shape: 'dashed' });
  }
  if ([...edgeKinds].some((kind) => CALL_EDGES.has(kind))) {
    entries.push({ key: 'call', name: 'State machine call', color: CALL_COLOR, shape: 'dotted' });
  }
  if ([...edgeKinds].some((kind) => LEARNED_EDGES.has(kind))) {
    entries.push({ key: 'learned', name: 'Emits (learned)', color: EVENT_TYPE_COLOR, shape: 'dashed' });
  }
  return entries;
}

export function Legend({ topology }: { topology: Topology }) {
  return (
    <ul className="legend" aria-label="Legend">
      {legendEntries(topology).map((entry) => (
        <li key={entry.key}>
          <svg className="legend__swatch" viewBox="0 0 16 10" aria-hidden>
            <Swatch shape={entry.shape} color={entry.color} />
          </svg>
          {entry.name}
        </li>
      ))}
    </ul>
  );
}

/** The same shapes and lines the canvas draws (see style.ts), in miniature. */
function Swatch({ shape, color }: { shape: Shape; color: string }) {
  const common = { fill: 'none', stroke: color, strokeWidth: 1.6 };
  switch (shape) {
    case 'bus':
      return <rect x={1} y={1} width={14} height={8} rx={2.5} {...common} />;
    case 'rule':
      return <polygon points="4,1 12,1 15,5 12,9 4,9 1,5" strokeLinejoin="round" {...common} />;
    case 'target':
      return <rect x={1} y={1} width={14} height={8} {...common} />;
    case 'dlq':
      return (
        <>
          <rect x={1} y={1} width={14} height={8} {...common} strokeWidth={1} />
          <rect x={3} y={3} width={10} height={4} {...common} strokeWidth={1} />
        </>
      );
    case 'archive':
      return <path d="M3,1 H13 Q15,5 13,9 H3 Q1,5 3,1 Z" {...common} />;
    case 'connection':
      return <polygon points="3,1 13,1 15,3 15,7 13,9 3,9 1,7 1,3" {...common} />;
    case 'eventType':
      return <rect x={1} y={2} width={14} height={6} rx={3} {...common} />;
    case 'unconsumed':
      return <rect x={1} y={2} width={14} height={6} rx={3} {...common} strokeDasharray="2.5 1.5" />;
    case 'dashed':
      return <line x1={1} y1={5} x2={15} y2={5} {...common} strokeDasharray="3 2" />;
    case 'dotted':
      return <line x1={1} y1={5} x2={15} y2={5} {...common} strokeDasharray="1 2" />;
  }
}
