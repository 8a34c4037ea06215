import { describe, expect, it } from 'vitest';
import type { EventTrace } from '../bindings/EventTrace';
import type { InvocationTrace } from '../bindings/InvocationTrace';
import type { TraceHop } from '../bindings/TraceHop';
import type { Topology } from '../bindings/Topology';
import { edge, node, sampleTopology } from '../test/fixtures';
import { neighbourhood, tracePath, tracesPath } from './paths';

// Ids as crates/observe forms them: node ids are ARNs, edge ids `source -> target`.
const EB = 'arn:aws:events:us-east-1:000000000000';
const ORDERS = `${EB}:event-bus/orders`;
const AUDIT = `${EB}:event-bus/audit`;
const PLACED = `${EB}:rule/orders/order-placed`;
const FORWARD = `${EB}:rule/orders/forward`;
const KEEP = `${EB}:rule/audit/keep`;
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:charge';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:fulfil';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:charge-dlq';
const LOGS = 'arn:aws:logs:us-east-1:000000000000:log-group:audit';
const id = (source: string, target: string) => `${source} -> ${target}`;

function topology(): Topology {
  const link = (source: string, target: string, kind: Parameters<typeof edge>[0]['kind']) =>
    edge({ id: id(source, target), source, target, kind });
  return {
    nodes: [
      node({ id: ORDERS, arn: ORDERS, kind: 'bus', label: 'orders' }),
      node({ id: AUDIT, arn: AUDIT, kind: 'bus', label: 'audit' }),
      node({ id: PLACED, arn: PLACED, kind: 'rule', label: 'order-placed' }),
      node({ id: FORWARD, arn: FORWARD, kind: 'rule', label: 'forward' }),
      node({ id: KEEP, arn: KEEP, kind: 'rule', label: 'keep' }),
      node({ id: FN, arn: FN, kind: 'target', targetKind: 'function', label: 'charge' }),
      node({ id: QUEUE, arn: QUEUE, kind: 'target', targetKind: 'queue', label: 'fulfil' }),
      node({ id: DLQ, arn: DLQ, kind: 'target', targetKind: 'queue', label: 'charge-dlq' }),
      node({ id: LOGS, arn: LOGS, kind: 'target', targetKind: 'logGroup', label: 'audit' }),
    ],
    edges: [
      link(ORDERS, PLACED, 'busToRule'),
      link(ORDERS, FORWARD, 'busToRule'),
      link(AUDIT, KEEP, 'busToRule'),
      link(PLACED, FN, 'ruleToTarget'),
      link(PLACED, QUEUE, 'ruleToTarget'),
      link(FORWARD, AUDIT, 'ruleToTarget'),
      link(KEEP, LOGS, 'ruleToTarget'),
      link(FN, DLQ, 'deadLetter'),
    ],
  };
}

function invocation(ruleArn: string, targetArn: string, partial: Partial<InvocationTrace> = {}): InvocationTrace {
  return {
    invocationId: `${ruleArn}/${targetArn}`,
    ruleArn,
    targetArn,
    targetType: 'x',
    startedMs: 1,
    finishedMs: 2,
    attempts: [],
    outcome: 'succeeded',
    deadLetterArn: null,
    throttled: false,
    error: null,
    ...partial,
  };
}

function hop(busName: string, matchedRules: string[], invocations: InvocationTrace[]): TraceHop {
  return {
    busName,
    receivedMs: 1,
    source: 'shop',
    detailType: 'OrderPlaced',
    matchedRules,
    noRuleMatched: matchedRules.length === 0,
    replayName: null,
    invocations,
  };
}

const trace = (...hops: TraceHop[]): EventTrace => ({ eventId: 'e-1', hops, complete: true });

describe('tracePath', () => {
  it('lights the bus, matched rules, targets and the edges between them', () => {
    const path = tracePath(
      topology(),
      trace(hop('orders', [PLACED], [invocation(PLACED, FN), invocation(PLACED, QUEUE)])),
    );
    expect(path.nodeIds).toEqual([ORDERS, PLACED, FN, QUEUE]);
    expect(path.edgeIds).toEqual([id(ORDERS, PLACED), id(PLACED, FN), id(PLACED, QUEUE)]);
  });

  it('follows an event routed to another bus, hop by hop', () => {
    const path = tracePath(
      topology(),
      trace(
        hop('orders', [FORWARD], [invocation(FORWARD, AUDIT)]),
        hop('audit', [KEEP], [invocation(KEEP, LOGS)]),
      ),
    );
    expect(path.nodeIds).toEqual([ORDERS, FORWARD, AUDIT, KEEP, LOGS]);
    expect(path.edgeIds).toEqual([id(ORDERS, FORWARD), id(FORWARD, AUDIT), id(AUDIT, KEEP), id(KEEP, LOGS)]);
  });

  it('includes the dead-letter queue an invocation ended in', () => {
    const path = tracePath(
      topology(),
      trace(hop('orders', [PLACED], [invocation(PLACED, FN, { outcome: 'deadLettered', deadLetterArn: DLQ })])),
    );
    expect(path.nodeIds).toContain(DLQ);
    expect(path.edgeIds).toContain(id(FN, DLQ));
  });

  it('keeps a matched rule that has not invoked anything yet', () => {
    const path = tracePath(topology(), trace(hop('orders', [PLACED], [])));
    expect(path).toEqual({ nodeIds: [ORDERS, PLACED], edgeIds: [id(ORDERS, PLACED)] });
  });

  it('finds a bus by the name in its ARN when its label differs', () => {
    const t = topology();
    t.nodes[0] = { ...t.nodes[0]!, label: 'Orders (prod)' };
    expect(tracePath(t, trace(hop('orders', [], []))).nodeIds).toEqual([ORDERS]);
  });

  it('leaves out what the graph does not have', () => {
    const unknownRule = `${EB}:rule/orders/gone`;
    const path = tracePath(
      topology(),
      trace(hop('orders', [unknownRule], [invocation(unknownRule, FN)]), hop('elsewhere', [], [])),
    );
    expect(path.nodeIds).toEqual([ORDERS, FN]);
    expect(path.edgeIds).toEqual([]);
  });

  it('is empty for an event with no hops', () => {
    expect(tracePath(topology(), trace())).toEqual({ nodeIds: [], edgeIds: [] });
  });
});

describe('neighbourhood', () => {
  it('is the node and everything one edge away, both directions', () => {
    const { nodeIds, edgeIds } = neighbourhood(topology(), PLACED);
    expect(new Set(nodeIds)).toEqual(new Set([PLACED, ORDERS, FN, QUEUE]));
    expect(new Set(edgeIds)).toEqual(new Set([id(ORDERS, PLACED), id(PLACED, FN), id(PLACED, QUEUE)]));
  });

  it('is empty for a node not in the graph', () => {
    expect(neighbourhood(topology(), 'nope')).toEqual({ nodeIds: [], edgeIds: [] });
  });
});

describe('tracesPath', () => {
  it('is the union of each trace path, each id once', () => {
    const topology = sampleTopology();
    const busNode = topology.nodes.find((n) => n.kind === 'bus');
    if (!busNode) throw new Error('the sample has a bus');
    const hop: TraceHop = {
      busName: busNode.label,
      receivedMs: 1,
      source: null,
      detailType: null,
      matchedRules: [],
      noRuleMatched: false,
      replayName: null,
      invocations: [],
    };
    const trace: EventTrace = { eventId: 'e', complete: true, hops: [hop] };
    const one = tracePath(topology, trace);
    const both = tracesPath(topology, [trace, trace]);
    expect(one.nodeIds).toContain(busNode.id);
    expect(both.nodeIds).toEqual(one.nodeIds);
    expect(tracesPath(topology, [])).toEqual({ nodeIds: [], edgeIds: [] });
  });
});
