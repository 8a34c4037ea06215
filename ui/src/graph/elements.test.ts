import { describe, expect, it } from 'vitest';
import type { Topology } from '../bindings/Topology';
import { edge, fullTopology, node, sampleTopology } from '../test/fixtures';
import { nodeClasses, shapeKey, toElements } from './elements';

describe('nodeClasses', () => {
  it('classes nodes by kind and targets by target kind', () => {
    expect(nodeClasses(node({ id: 'b', kind: 'bus' }))).toEqual(['bus']);
    expect(nodeClasses(node({ id: 'r', kind: 'rule', state: 'ENABLED' }))).toEqual(['rule']);
    expect(nodeClasses(node({ id: 't', kind: 'target', targetKind: 'stateMachine' }))).toEqual([
      'target',
      'target-stateMachine',
    ]);
  });

  it('treats a target without a kind as "other"', () => {
    expect(nodeClasses(node({ id: 't', kind: 'target' }))).toEqual(['target', 'target-other']);
  });

  it('marks disabled and scheduled rules', () => {
    expect(nodeClasses(node({ id: 'r', kind: 'rule', state: 'DISABLED' }))).toEqual(['rule', 'disabled']);
    expect(nodeClasses(node({ id: 'r', kind: 'rule', scheduleExpression: 'rate(5 minutes)' }))).toEqual([
      'rule',
      'scheduled',
    ]);
  });
});

describe('the rest of a system', () => {
  it('classes archives, connections and dead-letter queues', () => {
    const byId = new Map(toElements(fullTopology()).map((el) => [el.data.id, el]));
    expect(byId.get('archive:keep')?.classes).toEqual(['archive']);
    expect(byId.get('connection:provider')?.classes).toEqual(['connection']);
    const dlq = byId.get('arn:aws:sqs:us-east-1:000000000000:pay-dlq');
    expect(dlq?.classes).toEqual(['target', 'target-queue', 'dlq']);
    expect(nodeClasses(node({ id: 'q', kind: 'target', targetKind: 'queue' }), new Set())).toEqual([
      'target',
      'target-queue',
    ]);
  });

  it('marks state machine calls, labels and dead-letter edges', () => {
    const byId = new Map(toElements(fullTopology()).map((el) => [el.data.id, el]));
    expect(byId.get('dl1')?.classes).toEqual(['deadLetter']);
    expect(byId.get('s1')?.classes).toEqual(['invokes', 'call']);
    expect(byId.get('s2')?.classes).toEqual(['putsEvents', 'call', 'labelled']);
    expect(byId.get('s2')?.data.label).toBe('waitForTaskToken');
    // Unlabelled edges have no label at all, so `edge[label]` skips them.
    expect(byId.get('s1')?.data).not.toHaveProperty('label');
  });

  it('treats a deauthorised connection and a disabled archive as inactive', () => {
    const topology = fullTopology();
    const states: Partial<Record<string, string>> = { connection: 'DEAUTHORIZED', archive: 'DISABLED' };
    topology.nodes = topology.nodes.map((n) => ({ ...n, state: states[n.kind] ?? n.state }));
    const byId = new Map(toElements(topology).map((el) => [el.data.id, el]));
    expect(byId.get('connection:provider')?.classes).toEqual(['connection', 'disabled']);
    expect(byId.get('archive:keep')?.classes).toEqual(['archive', 'disabled']);
    expect(byId.get('c1')?.classes).toEqual(['apiDestinationToConnection', 'inactive']);
  });
});

describe('toElements', () => {
  it('maps every node and edge, nodes first', () => {
    const elements = toElements(sampleTopology());
    expect(elements.map((el) => el.group)).toEqual([
      ...Array<string>(5).fill('nodes'),
      ...Array<string>(5).fill('edges'),
    ]);
    expect(elements[0]).toEqual({
      group: 'nodes',
      data: { id: 'bus:orders', label: 'orders', kind: 'bus' },
      classes: ['bus'],
    });
    expect(elements.find((el) => el.data.id === 'e3')).toEqual({
      group: 'edges',
      data: { id: 'e3', source: 'rule:orders/order-placed', target: 'target:fn', kind: 'ruleToTarget' },
      classes: ['ruleToTarget'],
    });
  });

  it('marks edges into and out of a disabled rule as inactive', () => {
    const byId = new Map(toElements(sampleTopology()).map((el) => [el.data.id, el]));
    expect(byId.get('e2')?.classes).toEqual(['busToRule', 'inactive']);
    expect(byId.get('e5')?.classes).toEqual(['ruleToTarget', 'inactive']);
    expect(byId.get('e1')?.classes).toEqual(['busToRule']);
  });

  it('drops edges whose endpoints are missing', () => {
    const topology: Topology = {
      nodes: [node({ id: 'bus:a', kind: 'bus' })],
      edges: [edge({ id: 'dangling', source: 'bus:a', target: 'rule:gone', kind: 'busToRule' })],
    };
    expect(toElements(topology).map((el) => el.data.id)).toEqual(['bus:a']);
  });
});

describe('shapeKey', () => {
  it('ignores order, labels and state', () => {
    const a = sampleTopology();
    const b = sampleTopology();
    b.nodes.reverse();
    b.edges.reverse();
    b.nodes[0] = { ...b.nodes[0]!, label: 'renamed', state: 'DISABLED' };
    expect(shapeKey(b)).toBe(shapeKey(a));
  });

  it('changes when a node, an edge or an endpoint changes', () => {
    const base = shapeKey(sampleTopology());
    const fewerNodes = sampleTopology();
    fewerNodes.nodes.pop();
    const rewired = sampleTopology();
    rewired.edges[4] = { ...rewired.edges[4]!, target: 'target:fn' };
    expect(shapeKey(fewerNodes)).not.toBe(base);
    expect(shapeKey(rewired)).not.toBe(base);
  });
});
