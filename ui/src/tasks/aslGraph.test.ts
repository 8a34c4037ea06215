import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aslToGraph, COLUMN, END_ID, ROW, START_ID, type AslGraph } from './aslGraph';

// The demo's own workflow, as deployed (placeholders in ARNs do not matter here);
// Vitest runs in ui/.
const orderFulfilment: unknown = JSON.parse(
  readFileSync(resolve(process.cwd(), '../assets/demo/order-fulfilment.asl.json'), 'utf8'),
);

function edgesOf(graph: AslGraph, kind?: string) {
  return graph.edges.filter((e) => kind === undefined || e.kind === kind).map((e) => `${e.source} → ${e.target}`);
}

function rowOf(graph: AslGraph, id: string) {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node.y / ROW;
}

describe('aslToGraph', () => {
  it('draws the demo workflow: Next, Choices, Default, Catch, Parallel branches and their join', () => {
    const graph = aslToGraph(orderFulfilment);
    expect(graph.nodes).toHaveLength(16 + 2);
    expect(graph.nodes.find((n) => n.id === 'AwardLoyaltyPoints')).toMatchObject({ type: 'Task', parent: 'Rewards' });
    expect(edgesOf(graph, 'next')).toEqual(
      expect.arrayContaining([
        `${START_ID} → ChargePayment`,
        'ChargePayment → AlreadyFulfilling?',
        'AskRestaurant → AnsweredByRestaurant?',
        `HandOverToCouriers → ${END_ID}`,
        `NotFulfilled → ${END_ID}`,
      ]),
    );
    expect(edgesOf(graph, 'choice')).toEqual(
      expect.arrayContaining(['AlreadyFulfilling? → AlreadyFulfilling', 'WhyNotFulfilled? → Cancelled']),
    );
    expect(edgesOf(graph, 'default')).toContain('AnsweredByRestaurant? → AnsweredByOperator');
    expect(graph.edges.find((e) => e.source === 'AskRestaurant' && e.kind === 'catch')).toMatchObject({
      target: 'RefundPayment',
      label: 'States.ALL',
    });
    expect(edgesOf(graph, 'branch')).toEqual(['Rewards → AwardLoyaltyPoints', 'Rewards → IssueDiscountCode']);
    expect(edgesOf(graph, 'join')).toEqual([
      'AwardLoyaltyPoints → HandOverToCouriers',
      'IssueDiscountCode → HandOverToCouriers',
    ]);
    // The Parallel's own Next is drawn through its branches, not beside them.
    expect(edgesOf(graph, 'next')).not.toContain('Rewards → HandOverToCouriers');
    expect(edgesOf(graph, 'catch')).toContain('Rewards → HandOverToCouriers');
  });

  it('lays it out top to bottom: each state below what leads to it, branches side by side', () => {
    const graph = aslToGraph(orderFulfilment);
    expect(rowOf(graph, START_ID)).toBe(0);
    expect(rowOf(graph, 'ChargePayment')).toBe(1);
    expect(rowOf(graph, 'AskRestaurant')).toBe(3);
    expect(rowOf(graph, 'AwardLoyaltyPoints')).toBe(rowOf(graph, 'Rewards') + 1);
    expect(rowOf(graph, 'IssueDiscountCode')).toBe(rowOf(graph, 'Rewards') + 1);
    expect(rowOf(graph, 'HandOverToCouriers')).toBe(rowOf(graph, 'AwardLoyaltyPoints') + 1);
    const end = rowOf(graph, END_ID);
    expect(graph.nodes.every((n) => n.id === END_ID || rowOf(graph, n.id) < end)).toBe(true);
    const branches = graph.nodes.filter((n) => n.parent === 'Rewards').map((n) => n.x);
    expect(Math.abs(branches[0]! - branches[1]!)).toBeGreaterThanOrEqual(COLUMN);
    // No two nodes share a place.
    const places = new Set(graph.nodes.map((n) => `${n.x},${n.y}`));
    expect(places.size).toBe(graph.nodes.length);
  });

  it('keeps loops, Map iterations and dangling names from breaking the layout', () => {
    const graph = aslToGraph({
      StartAt: 'Poll',
      States: {
        Poll: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Done?' },
        'Done?': { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: false, Next: 'Poll' }], Default: 'Each' },
        Each: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Ship', States: { Ship: { Type: 'Task', Resource: 'x', End: true } } },
          Next: 'Missing',
        },
      },
    });
    expect(edgesOf(graph, 'choice')).toEqual(['Done? → Poll']);
    expect(rowOf(graph, 'Poll')).toBeLessThan(rowOf(graph, 'Done?'));
    expect(edgesOf(graph, 'branch')).toEqual(['Each → Ship']);
    // `Missing` is not a state: the join to it is not drawn.
    expect(edgesOf(graph, 'join')).toEqual([]);
  });

  it('draws only Start and End for something that is not a definition', () => {
    for (const value of [null, 'text', { States: 3 }]) {
      expect(aslToGraph(value).nodes.map((n) => n.id)).toEqual([START_ID, END_ID]);
      expect(aslToGraph(value).edges).toEqual([]);
    }
  });
});
