import { describe, expect, it } from 'vitest';
import { edge, fullTopology, node, sampleTopology } from '../test/fixtures';
import { escapeLabel, toMermaid } from './mermaid';

describe('toMermaid', () => {
  it('draws one node per node and one edge per edge, left to right', () => {
    const text = toMermaid(sampleTopology());
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  n0(["orders"]):::bus');
    expect(lines).toContain('  n1{{"order-placed"}}:::rule');
    expect(lines).toContain('  n3["charge-card"]:::target_function');
    expect(lines).toContain('  n4[("fulfilment")]:::target_queue');
    expect(lines.filter((l) => l.includes('-->'))).toEqual([
      '  n0 --> n1',
      '  n0 --> n2',
      '  n1 --> n3',
      '  n1 --> n4',
      '  n2 --> n4',
    ]);
  });

  it('gives each kind its shape, dashes dead letters and keeps edge labels', () => {
    const topology = fullTopology();
    const text = toMermaid(topology);
    const idOf = (nodeId: string) => `n${topology.nodes.findIndex((n) => n.id === nodeId)}`;
    const dlq = 'arn:aws:sqs:us-east-1:000000000000:pay-dlq';
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfil';
    expect(text).toContain(`${idOf(dlq)}[("pay-dlq")]:::dlq`);
    expect(text).toContain(`${idOf('archive:keep')}[("keep")]:::archive`);
    expect(text).toContain(`${idOf('connection:provider')}[/`);
    expect(text).toContain(`${idOf('api:notify')}>"notify"]:::target_apiDestination`);
    expect(text).toContain(`${idOf(machine)}[["fulfil"]]:::target_stateMachine`);
    expect(text).toContain(`${idOf('api:notify')} -.-> ${idOf(dlq)}`);
    expect(text).toContain(`${idOf(machine)} -->|"waitForTaskToken"| ${idOf('bus:orders')}`);
    expect(text).toMatch(/classDef dlq stroke:#ef4444/);
  });

  it('escapes labels so no name can break the chart', () => {
    const text = toMermaid({
      nodes: [
        node({ id: 'a', kind: 'bus', label: 'say "hi" <b>#1</b> | `x`' }),
        node({ id: 'b', kind: 'rule', label: 'line\nbreak' }),
      ],
      edges: [edge({ id: 'ab', source: 'a', target: 'b', kind: 'busToRule', label: 'a|b "c"' })],
    });
    expect(text).toContain('n0(["say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #124; #96;x#96;"]):::bus');
    expect(text).toContain('n1{{"line break"}}:::rule');
    expect(text).toContain('n0 -->|"a#124;b #quot;c#quot;"| n1');
  });

  it('leaves out edges to nodes outside the graph', () => {
    const text = toMermaid({
      nodes: [node({ id: 'a', kind: 'bus' })],
      edges: [edge({ id: 'x', source: 'a', target: 'missing', kind: 'busToRule' })],
    });
    expect(text).not.toContain('-->');
  });

  it('escapes # before adding entities of its own', () => {
    expect(escapeLabel('#"')).toBe('#35;#quot;');
  });
});
