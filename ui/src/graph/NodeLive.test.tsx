import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { ActivityHop } from '../bindings/ActivityHop';
import type { StoryQuery } from '../bindings/StoryQuery';
import { useStoryRequests } from '../events/storyRequests';
import { sampleTopology } from '../test/fixtures';
import { NodeLive } from './NodeLive';
import { RECENT_EVENTS, RECENT_HOPS, emptyRecord, nodeFigures, record, recentAt } from './nodeLive';

function hop(eventId: string, atMs: number, edges: string[], outcome: ActivityHop['outcome'] = 'delivered'): ActivityHop {
  return { eventId, busArn: 'bus', ruleArn: 'rule', targetArn: 'target', outcome, atMs, edges };
}

function batch(hops: ActivityHop[], partial: Partial<ActivityBatch> = {}): ActivityBatch {
  return { atMs: 10_000, hops, hopsOmitted: 0, edges: [], nodes: [], circuits: [], ...partial };
}

describe('nodeLive', () => {
  const topology = sampleTopology();

  it('sums the rates of the edges in and out of a node, and reads its counters', () => {
    const last = batch([], {
      edges: [
        { id: 'e1', perSecond: 4, count: 40 },
        { id: 'e3', perSecond: 1.5, count: 15 },
        { id: 'e4', perSecond: 2, count: 20 },
      ],
      nodes: [{ id: 'rule:orders/order-placed', errors: 2, retriesInFlight: 1, dlqDepth: null }],
    });
    expect(nodeFigures('rule:orders/order-placed', topology, last)).toEqual({
      inPerSecond: 4,
      outPerSecond: 3.5,
      errors: 2,
      retriesInFlight: 1,
      dlqDepth: null,
    });
    expect(nodeFigures('target:fn', topology, null).inPerSecond).toBe(0);
  });

  it('lists the newest events through a node once each, and keeps a bounded record', () => {
    const into = emptyRecord();
    record(into, batch([hop('a', 1, ['e1', 'e3']), hop('b', 2, ['e1', 'e4']), hop('a', 3, ['e1', 'e4'])]));
    expect(recentAt('target:fn', topology, into.hops).map((h) => h.eventId)).toEqual(['a']);
    expect(recentAt('target:queue', topology, into.hops).map((h) => [h.eventId, h.atMs])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    expect(recentAt('rule:orders/legacy', topology, into.hops)).toEqual([]);
    record(into, batch(Array.from({ length: RECENT_HOPS + 10 }, (_, i) => hop(`x${i}`, 10 + i, ['e1']))));
    expect(into.hops).toHaveLength(RECENT_HOPS);
    expect(recentAt('bus:orders', topology, into.hops)).toHaveLength(RECENT_EVENTS);
  });
});

describe('NodeLive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows rates and recent events, refreshes, and opens an event’s story', () => {
    const topology = sampleTopology();
    const node = topology.nodes.find((n) => n.id === 'target:queue')!;
    const into = emptyRecord();
    const opened: StoryQuery[] = [];
    function Listener() {
      useStoryRequests((query) => opened.push(query));
      return null;
    }
    render(
      <>
        <Listener />
        <NodeLive node={node} topology={topology} record={into} />
      </>,
    );
    expect(screen.getByText(/Waiting for the first reading/)).toBeInTheDocument();
    record(
      into,
      batch([hop('0123456789abcdef', 1_000, ['e1', 'e4'], 'deadLettered')], {
        edges: [{ id: 'e4', perSecond: 12, count: 120 }],
      }),
    );
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByText('In').nextSibling).toHaveTextContent('12/s');
    expect(screen.getByText('dead-lettered')).toBeInTheDocument();
    fireEvent.click(screen.getByTitle("Open this event's story"));
    expect(opened).toEqual([{ kind: 'eventId', value: '0123456789abcdef' }]);
  });
});
