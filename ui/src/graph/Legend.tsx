// Key to the node shapes and colours, for audiences new to the graph.
import type { TargetKind } from '../bindings/TargetKind';
import type { Topology } from '../bindings/Topology';
import { BUS_COLOR, RULE_COLOR, TARGET_COLORS, TARGET_NAMES } from './palette';

type Shape = 'bus' | 'rule' | 'target';

export function Legend({ topology }: { topology: Topology }) {
  // Only the target kinds present, so the key stays short.
  const present = new Set<TargetKind>();
  for (const node of topology.nodes) {
    if (node.kind === 'target') present.add(node.targetKind ?? 'other');
  }
  const targets = (Object.keys(TARGET_NAMES) as TargetKind[]).filter((kind) => present.has(kind));
  return (
    <ul className="legend" aria-label="Legend">
      <Item color={BUS_COLOR} name="Event bus" shape="bus" />
      <Item color={RULE_COLOR} name="Rule" shape="rule" />
      {targets.map((kind) => (
        <Item key={kind} color={TARGET_COLORS[kind]} name={TARGET_NAMES[kind]} shape="target" />
      ))}
    </ul>
  );
}

function Item({ color, name, shape }: { color: string; name: string; shape: Shape }) {
  return (
    <li>
      <svg className="legend__swatch" viewBox="0 0 16 10" aria-hidden>
        <Swatch shape={shape} color={color} />
      </svg>
      {name}
    </li>
  );
}

/** The same shapes the canvas draws (see style.ts), in miniature. */
function Swatch({ shape, color }: { shape: Shape; color: string }) {
  const common = { fill: 'none', stroke: color, strokeWidth: 1.6 };
  switch (shape) {
    case 'bus':
      return <rect x={1} y={1} width={14} height={8} rx={2.5} {...common} />;
    case 'rule':
      return <polygon points="4,1 12,1 15,5 12,9 4,9 1,5" strokeLinejoin="round" {...common} />;
    case 'target':
      return <rect x={1} y={1} width={14} height={8} {...common} />;
  }
}
