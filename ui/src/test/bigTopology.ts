// A large, realistic topology for layout and rendering checks: `buses`
// buses, each with `rulesPerBus` rules, each rule with `targetsPerRule`
// targets of its own, plus one DLQ per bus. Ids follow crates/observe
// (node ids are ARNs, edge ids `source -> target`).
import type { Edge } from '../bindings/Edge';
import type { Node } from '../bindings/Node';
import type { TargetKind } from '../bindings/TargetKind';
import type { Topology } from '../bindings/Topology';
import { edge, node } from './fixtures';

const REGION = 'arn:aws:events:eu-west-1:123456789012';
const KINDS: TargetKind[] = ['function', 'queue', 'logGroup', 'stateMachine', 'apiDestination'];

/** 50 × (1 bus + 3 rules + 5 targets + 1 DLQ) = 500 nodes by default. */
export function bigTopology(buses = 50, rulesPerBus = 3, targetsPerRule = 5 / 3): Topology {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const link = (source: string, target: string, kind: Edge['kind']) =>
    edges.push(edge({ id: `${source} -> ${target}`, source, target, kind }));
  for (let b = 0; b < buses; b++) {
    const busArn = `${REGION}:event-bus/bus-${b}`;
    nodes.push(node({ id: busArn, arn: busArn, kind: 'bus', label: `bus-${b}` }));
    const dlq = `arn:aws:sqs:eu-west-1:123456789012:bus-${b}-dlq`;
    nodes.push(node({ id: dlq, arn: dlq, kind: 'target', targetKind: 'queue', label: `bus-${b}-dlq` }));
    const targetCount = Math.round(rulesPerBus * targetsPerRule);
    const targets: string[] = [];
    for (let t = 0; t < targetCount; t++) {
      const kind = KINDS[t % KINDS.length]!;
      const arn = `arn:aws:${kind}:eu-west-1:123456789012:bus-${b}-target-${t}`;
      nodes.push(node({ id: arn, arn, kind: 'target', targetKind: kind, label: `bus-${b}-${kind}-${t}` }));
      targets.push(arn);
    }
    for (let r = 0; r < rulesPerBus; r++) {
      const ruleArn = `${REGION}:rule/bus-${b}/rule-${r}`;
      nodes.push(node({ id: ruleArn, arn: ruleArn, kind: 'rule', label: `bus-${b}-rule-${r}`, state: 'ENABLED' }));
      link(busArn, ruleArn, 'busToRule');
      // Rules share the bus's targets: fan-in, as real systems have.
      for (let t = r; t < targets.length; t += rulesPerBus) link(ruleArn, targets[t]!, 'ruleToTarget');
      if (r === 0 && targets[1]) link(ruleArn, targets[1], 'ruleToTarget');
    }
    link(targets[0]!, dlq, 'deadLetter');
  }
  return { nodes, edges };
}
