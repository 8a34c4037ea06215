// Small topologies and events shared by the tests.
import type { BusEvent } from '../bindings/BusEvent';
import type { Edge } from '../bindings/Edge';
import type { Node } from '../bindings/Node';
import type { Topology } from '../bindings/Topology';

const ARN = 'arn:aws:events:us-east-1:000000000000';

export function node(partial: Partial<Node> & Pick<Node, 'id' | 'kind'>): Node {
  return {
    label: partial.id,
    arn: null,
    targetKind: null,
    eventPattern: null,
    scheduleExpression: null,
    state: null,
    description: null,
    details: [],
    ...partial,
  };
}

export function edge(partial: Partial<Edge> & Pick<Edge, 'id' | 'source' | 'target' | 'kind'>): Edge {
  return { label: null, details: [], ...partial };
}

/** orders bus → order-placed rule → a Lambda and a queue; plus a disabled rule. */
export function sampleTopology(): Topology {
  return {
    nodes: [
      node({ id: 'bus:orders', kind: 'bus', label: 'orders', arn: `${ARN}:event-bus/orders` }),
      node({
        id: 'rule:orders/order-placed',
        kind: 'rule',
        label: 'order-placed',
        arn: `${ARN}:rule/orders/order-placed`,
        eventPattern: '{"source":["shop.orders"],"detail-type":["OrderPlaced"]}',
        state: 'ENABLED',
        description: 'Routes new orders',
      }),
      node({ id: 'rule:orders/legacy', kind: 'rule', label: 'legacy', state: 'DISABLED' }),
      node({ id: 'target:fn', kind: 'target', label: 'charge-card', targetKind: 'function' }),
      node({ id: 'target:queue', kind: 'target', label: 'fulfilment', targetKind: 'queue' }),
    ],
    edges: [
      edge({ id: 'e1', source: 'bus:orders', target: 'rule:orders/order-placed', kind: 'busToRule' }),
      edge({ id: 'e2', source: 'bus:orders', target: 'rule:orders/legacy', kind: 'busToRule' }),
      edge({ id: 'e3', source: 'rule:orders/order-placed', target: 'target:fn', kind: 'ruleToTarget' }),
      edge({ id: 'e4', source: 'rule:orders/order-placed', target: 'target:queue', kind: 'ruleToTarget' }),
      edge({ id: 'e5', source: 'rule:orders/legacy', target: 'target:queue', kind: 'ruleToTarget' }),
    ],
  };
}

const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfil';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:pay-dlq';

/**
 * The sample plus the rest of a system: a DLQ, an archive, an API
 * destination and its connection, and a state machine that invokes a
 * function and puts events back on the bus, waiting for a task token.
 */
export function fullTopology(): Topology {
  const sample = sampleTopology();
  return {
    nodes: [
      ...sample.nodes,
      node({ id: DLQ, kind: 'target', label: 'pay-dlq', targetKind: 'queue', arn: DLQ }),
      node({
        id: 'archive:keep',
        kind: 'archive',
        label: 'keep',
        state: 'ENABLED',
        details: [
          { name: 'Events', value: '42', format: 'text' },
          { name: 'Event pattern', value: '{"source":["shop"]}', format: 'json' },
        ],
      }),
      node({ id: 'api:notify', kind: 'target', label: 'notify', targetKind: 'apiDestination' }),
      node({
        id: 'connection:provider',
        kind: 'connection',
        label: 'provider',
        state: 'AUTHORIZED',
        details: [{ name: 'Authorization', value: 'API_KEY', format: 'code' }],
      }),
      node({ id: SM, kind: 'target', label: 'fulfil', targetKind: 'stateMachine', arn: SM }),
    ],
    edges: [
      ...sample.edges,
      edge({
        id: 'dl1',
        source: 'target:fn',
        target: DLQ,
        kind: 'deadLetter',
        details: [{ name: 'For rules', value: 'order-placed', format: 'text' }],
      }),
      edge({ id: 'dl2', source: 'api:notify', target: DLQ, kind: 'deadLetter' }),
      edge({ id: 'ar1', source: 'bus:orders', target: 'archive:keep', kind: 'busToArchive' }),
      edge({
        id: 'r1',
        source: 'rule:orders/order-placed',
        target: 'api:notify',
        kind: 'ruleToTarget',
        details: [
          { name: 'Input path', value: '$.detail', format: 'code' },
          { name: 'Retry policy', value: '2 retries', format: 'text' },
        ],
      }),
      edge({ id: 'r2', source: 'rule:orders/order-placed', target: SM, kind: 'ruleToTarget' }),
      edge({ id: 'c1', source: 'api:notify', target: 'connection:provider', kind: 'apiDestinationToConnection' }),
      edge({ id: 's1', source: SM, target: 'target:fn', kind: 'invokes' }),
      edge({
        id: 's2',
        source: SM,
        target: 'bus:orders',
        kind: 'putsEvents',
        label: 'waitForTaskToken',
        details: [{ name: 'States', value: 'Ask (waitForTaskToken)', format: 'text' }],
      }),
    ],
  };
}

export function busEvent(id: string, receivedAtMs: number, partial: Partial<BusEvent> = {}): BusEvent {
  return {
    id,
    busName: 'orders',
    source: 'shop.orders',
    detailType: 'OrderPlaced',
    time: new Date(receivedAtMs).toISOString(),
    receivedAtMs,
    resources: [],
    detail: { orderId: id },
    replayName: null,
    ...partial,
  };
}
