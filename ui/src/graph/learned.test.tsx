// What traffic taught the graph: event types, who emits them, the bus they
// are put on, and the types no rule consumes.
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Topology } from '../bindings/Topology';
import { edge, node, sampleTopology } from '../test/fixtures';
import { isUnconsumed, kindName, edgeSections } from './details';
import { edgeClasses, nodeClasses, shapeKey, toElements } from './elements';
import { legendEntries } from './Legend';
import { toMermaid } from './mermaid';
import { NodeDetails } from './NodeDetails';
import { createRenderer } from './renderer';

const CHARGED = 'bus:orders#event-type/PaymentCharged';
const AUDITED = 'bus:orders#event-type/OrderAudited';

/** The sample, with charge-card emitting PaymentCharged and an OrderAudited no rule consumes. */
function learnedTopology(): Topology {
  const sample = sampleTopology();
  const typeDetails = (consumed: string) => [
    { name: 'Bus', value: 'orders', format: 'code' as const },
    { name: 'Source', value: 'shop.payments', format: 'code' as const },
    { name: 'Events seen', value: '3', format: 'text' as const },
    { name: 'Consumed', value: consumed, format: 'text' as const },
  ];
  return {
    nodes: [
      ...sample.nodes,
      node({ id: CHARGED, kind: 'eventType', label: 'PaymentCharged', details: typeDetails('Rules matched its events') }),
      node({
        id: AUDITED,
        kind: 'eventType',
        label: 'OrderAudited',
        state: 'UNCONSUMED',
        details: typeDetails('No rule consumes it: no rule matched any of its events'),
      }),
    ],
    edges: [
      ...sample.edges,
      edge({
        id: `target:fn -> ${CHARGED}`,
        source: 'target:fn',
        target: CHARGED,
        kind: 'emits',
        details: [{ name: 'Events attributed', value: '3 of 3', format: 'text' }],
      }),
      edge({ id: `${CHARGED} -> bus:orders`, source: CHARGED, target: 'bus:orders', kind: 'putOn' }),
      edge({ id: `${AUDITED} -> bus:orders`, source: AUDITED, target: 'bus:orders', kind: 'putOn' }),
    ],
  };
}

describe('learned event types', () => {
  it('are pills of their own kind, unconsumed ones marked, their edges learned', () => {
    const topology = learnedTopology();
    const [charged, audited] = [CHARGED, AUDITED].map((id) => topology.nodes.find((n) => n.id === id)!);
    expect(nodeClasses(charged!)).toEqual(['eventType']);
    expect(nodeClasses(audited!)).toEqual(['eventType', 'unconsumed']);
    const emits = topology.edges.find((e) => e.kind === 'emits')!;
    expect(edgeClasses(emits, new Set())).toEqual(['emits', 'learned']);
    const putOn = topology.edges.find((e) => e.kind === 'putOn')!;
    expect(edgeClasses(putOn, new Set())).toEqual(['putOn', 'learned']);
    const elements = toElements(topology);
    expect(elements.filter((e) => e.data.kind === 'eventType')).toHaveLength(2);
  });

  it('are keyed in the legend, with the unconsumed mark and the learned edges', () => {
    const names = legendEntries(learnedTopology()).map((e) => e.name);
    expect(names).toEqual([
      'Event bus',
      'Rule',
      'Lambda function',
      'SQS queue',
      'Event type (learned)',
      'No rule consumes it',
      'Emits (learned)',
    ]);
    // Nothing unconsumed, no such key.
    const consumed = learnedTopology();
    consumed.nodes = consumed.nodes.filter((n) => n.id !== AUDITED);
    expect(legendEntries(consumed).map((e) => e.name)).not.toContain('No rule consumes it');
  });

  it('say in the details panel who emits them and that no rule consumes one', () => {
    const topology = learnedTopology();
    const audited = topology.nodes.find((n) => n.id === AUDITED)!;
    const charged = topology.nodes.find((n) => n.id === CHARGED)!;
    expect(kindName(audited, topology)).toBe('Event type');
    expect(isUnconsumed(audited)).toBe(true);
    expect(isUnconsumed(charged)).toBe(false);
    expect(edgeSections(charged, topology).map((s) => s.title)).toEqual(['Emits from charge-card']);

    const { unmount } = render(<NodeDetails node={audited} topology={topology} onClose={vi.fn()} />);
    expect(screen.getByRole('note')).toHaveTextContent('No rule consumes it');
    expect(screen.getByText('Event type')).toBeInTheDocument();
    // The flag is said in words, not as a raw state.
    expect(screen.queryByText('UNCONSUMED')).not.toBeInTheDocument();
    unmount();
    render(<NodeDetails node={charged} topology={topology} onClose={vi.fn()} />);
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
    expect(screen.getByText('shop.payments')).toBeInTheDocument();
    expect(screen.getByText('3 of 3')).toBeInTheDocument();
  });

  it('export to Mermaid as rounded nodes, unconsumed dashed red, put-on edges dashed', () => {
    const text = toMermaid(learnedTopology());
    const ids = new Map(learnedTopology().nodes.map((n, i) => [n.id, `n${i}`]));
    expect(text).toContain(`${ids.get(CHARGED)}("PaymentCharged"):::eventType`);
    expect(text).toContain(`${ids.get(AUDITED)}("OrderAudited"):::unconsumed`);
    expect(text).toContain(`${ids.get('target:fn')} --> ${ids.get(CHARGED)}`);
    expect(text).toContain(`${ids.get(CHARGED)} -.-> ${ids.get('bus:orders')}`);
    expect(text).toMatch(/classDef unconsumed stroke:#ef4444,stroke-width:2px,stroke-dasharray:5 3/);
  });

  it('are laid out right of the targets that emit them, their buses to the left', async () => {
    const topology = learnedTopology();
    // A bus a rule routes into, with a type no one is known to emit: still right of it.
    topology.nodes.push(
      node({ id: 'bus:partners', kind: 'bus', label: 'partners' }),
      node({ id: 'bus:partners#event-type/Notice', kind: 'eventType', label: 'Notice' }),
    );
    topology.edges.push(
      edge({ id: 'r->p', source: 'rule:orders/order-placed', target: 'bus:partners', kind: 'ruleToTarget' }),
      edge({ id: 'n->p', source: 'bus:partners#event-type/Notice', target: 'bus:partners', kind: 'putOn' }),
    );
    const onLayoutDone = vi.fn<(key: string) => void>();
    const renderer = createRenderer(null, { onSelect: vi.fn(), onLayoutDone });
    renderer.update(topology);
    await vi.waitFor(() => expect(onLayoutDone).toHaveBeenCalledWith(shapeKey(topology)), { timeout: 20_000 });
    const x = (id: string) => renderer.cy.getElementById(id).position('x');
    expect(x(CHARGED)).toBeGreaterThan(x('target:fn'));
    expect(x(CHARGED)).toBeGreaterThan(x('bus:orders'));
    expect(x(AUDITED)).toBeGreaterThan(x('rule:orders/order-placed'));
    expect(x('bus:partners#event-type/Notice')).toBeGreaterThan(x('bus:partners'));
    // Every edge but the way back to a bus points right.
    const backwards = renderer.cy
      .edges()
      .filter((e) => e.data('kind') !== 'putOn' && e.source().position('x') >= e.target().position('x'));
    expect(backwards.map((e) => e.id())).toEqual([]);
    renderer.destroy();
  }, 30_000);
});
