import { describe, expect, it } from 'vitest';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { ActivityHop } from '../bindings/ActivityHop';
import { sampleTopology } from '../test/fixtures';
import {
  advance,
  circuitNodeIds,
  createDotState,
  formatDuration,
  formatRate,
  liveView,
  MAX_DOTS,
  MAX_WAITING,
  nodeBadge,
  queueHops,
  SEGMENT_MS,
  SPREAD_MS,
} from './activity';

function hop(atMs: number, edges = ['e1', 'e3']): ActivityHop {
  return { eventId: `ev-${atMs}`, busArn: 'b', ruleArn: 'r', targetArn: 't', outcome: 'delivered', atMs, edges };
}

export function batch(hops: ActivityHop[], extra: Partial<ActivityBatch> = {}): ActivityBatch {
  return { atMs: 0, hops, hopsOmitted: 0, edges: [], nodes: [], circuits: [], ...extra };
}

describe('dots', () => {
  it('travel each edge of their hop in turn, then retire', () => {
    const state = createDotState();
    queueHops(state, batch([hop(1_000)]), 0);
    expect(advance(state, 0)).toEqual([{ edgeId: 'e1', t: 0, outcome: 'delivered' }]);
    expect(advance(state, SEGMENT_MS / 2)).toEqual([{ edgeId: 'e1', t: 0.5, outcome: 'delivered' }]);
    expect(advance(state, SEGMENT_MS * 1.25)).toEqual([{ edgeId: 'e3', t: 0.25, outcome: 'delivered' }]);
    expect(advance(state, SEGMENT_MS * 2)).toEqual([]);
    expect(state.active).toHaveLength(0);
  });

  it('start spread over the poll as the hops happened', () => {
    const state = createDotState();
    queueHops(state, batch([hop(1_000), hop(1_200), hop(1_400)]), 0);
    expect(state.waiting.map((d) => d.startAt)).toEqual([0, SPREAD_MS / 2, SPREAD_MS]);
    expect(advance(state, 0)).toHaveLength(1);
    expect(advance(state, SPREAD_MS)).toHaveLength(3);
  });

  it('at 1,000 hops a second never exceed MAX_DOTS at once, dropping the rest, counted', () => {
    const state = createDotState();
    let most = 0;
    // Ten seconds of 400 ms polls with 400 hops each, and 16 ms frames.
    for (let now = 0; now < 10_000; now += 16) {
      if (now % 400 < 16) {
        const hops = Array.from({ length: 400 }, (_, i) => hop(now + i));
        queueHops(state, batch(hops, { hopsOmitted: 0 }), now);
        expect(state.waiting.length).toBeLessThanOrEqual(MAX_WAITING);
      }
      most = Math.max(most, advance(state, now).length);
    }
    expect(most).toBe(MAX_DOTS);
    expect(state.received).toBe(25 * 400);
    expect(state.dropped).toBeGreaterThan(state.received - 25 * MAX_WAITING - 1);
  });

  it('count the hops the backend left out as dropped', () => {
    const state = createDotState();
    queueHops(state, batch([hop(1)], { hopsOmitted: 7 }), 0);
    expect([state.received, state.dropped]).toEqual([8, 7]);
  });
});

describe('liveView', () => {
  it('gives edge rates and node counters, and marks the functions an open circuit names', () => {
    const view = liveView(
      batch([], {
        edges: [{ id: 'e3', perSecond: 1.5, count: 15 }],
        nodes: [{ id: 'target:queue', errors: 0, retriesInFlight: 0, dlqDepth: 4 }],
        circuits: [
          { name: 'charge-partner', state: 'OPEN', from: null, reason: null, failures: null, sinceMs: 0, openedAt: null },
          { name: 'fulfilment', state: 'CLOSED', from: null, reason: null, failures: null, sinceMs: 0, openedAt: null },
        ],
      }),
      sampleTopology(),
    );
    expect(view.edges.get('e3')).toBe(1.5);
    expect(view.nodes.get('target:queue')).toEqual({ errors: 0, retriesInFlight: 0, dlqDepth: 4, circuit: null });
    expect(view.nodes.get('target:fn')?.circuit).toBe('OPEN');
  });

  it('matches circuits to functions by subject, never by generic words alone', () => {
    const topology = sampleTopology();
    expect(circuitNodeIds(topology, 'charge-partner')).toEqual(['target:fn']);
    expect(circuitNodeIds(topology, 'partner')).toEqual([]);
    // A queue is not a function.
    expect(circuitNodeIds(topology, 'fulfilment')).toEqual([]);
  });
});

describe('formatting', () => {
  it('says rates, badges and durations briefly', () => {
    expect([formatRate(0.1), formatRate(2.345), formatRate(1_000)]).toEqual(['0.1/s', '2.3/s', '1000/s']);
    expect(nodeBadge({ errors: 2, retriesInFlight: 1, dlqDepth: 3, circuit: 'HALF_OPEN' })).toBe(
      '⛔ half-open · ⚠ 2 failed/min · ↻ 1 retrying · ✉ 3 in DLQ',
    );
    expect(nodeBadge({ errors: 0, retriesInFlight: 0, dlqDepth: 0, circuit: null })).toBe('');
    expect([formatDuration(4_200), formatDuration(185_000), formatDuration(7_500_000)]).toEqual([
      '4 s',
      '3 min',
      '2 h 5 min',
    ]);
  });
});
