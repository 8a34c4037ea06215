import { describe, expect, it } from 'vitest';
import { fullTopology, node, sampleTopology } from '../test/fixtures';
import { edgeSections, kindName, prettyJson } from './details';

const DLQ = 'arn:aws:sqs:us-east-1:000000000000:pay-dlq';
const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfil';

function find(id: string) {
  const topology = fullTopology();
  const found = topology.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return { topology, node: found };
}

describe('kindName', () => {
  it('names every kind of node, and queues holding dead letters as DLQs', () => {
    const names = (id: string) => {
      const { topology, node } = find(id);
      return kindName(node, topology);
    };
    expect(names('bus:orders')).toBe('Event bus');
    expect(names('rule:orders/order-placed')).toBe('Rule');
    expect(names('archive:keep')).toBe('Archive');
    expect(names('connection:provider')).toBe('Connection');
    expect(names(DLQ)).toBe('Dead-letter queue');
    expect(names('target:queue')).toBe('SQS queue');
    expect(names(SM)).toBe('State machine');
    expect(kindName(node({ id: 'x', kind: 'target' }), sampleTopology())).toBe('Other target');
  });
});

describe('edgeSections', () => {
  it('lists incoming edges with details first, then outgoing ones', () => {
    const { topology, node } = find('api:notify');
    expect(edgeSections(node, topology).map((s) => s.title)).toEqual(['Delivery from order-placed']);
    expect(edgeSections(node, topology)[0]?.details.map((d) => d.name)).toEqual(['Input path', 'Retry policy']);
  });

  it("shows a state machine's uses with their labels", () => {
    const { topology, node } = find(SM);
    const sections = edgeSections(node, topology);
    expect(sections.map((s) => [s.title, s.label])).toEqual([['Puts events to orders', 'waitForTaskToken']]);
  });

  it('shows which rules send a DLQ its dead letters', () => {
    const { topology, node } = find(DLQ);
    expect(edgeSections(node, topology).map((s) => s.title)).toEqual(['Dead letters from charge-card']);
  });

  it('leaves out edges with nothing to say', () => {
    const { topology, node } = find('bus:orders');
    expect(edgeSections(node, topology).map((s) => s.title)).toEqual(['Puts events from fulfil']);
  });
});

describe('prettyJson', () => {
  it('indents JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('rate(5 minutes)')).toBe('rate(5 minutes)');
  });
});
