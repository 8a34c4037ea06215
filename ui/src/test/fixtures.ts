// Small topologies and events shared by the tests.
import type { BusEvent } from '../bindings/BusEvent';
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
    ...partial,
  };
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
      { id: 'e1', source: 'bus:orders', target: 'rule:orders/order-placed', kind: 'busToRule' },
      { id: 'e2', source: 'bus:orders', target: 'rule:orders/legacy', kind: 'busToRule' },
      { id: 'e3', source: 'rule:orders/order-placed', target: 'target:fn', kind: 'ruleToTarget' },
      { id: 'e4', source: 'rule:orders/order-placed', target: 'target:queue', kind: 'ruleToTarget' },
      { id: 'e5', source: 'rule:orders/legacy', target: 'target:queue', kind: 'ruleToTarget' },
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
    ...partial,
  };
}
