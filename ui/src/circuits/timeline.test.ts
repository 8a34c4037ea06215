import { describe, expect, it } from 'vitest';
import type { CircuitHistory } from '../bindings/CircuitHistory';
import {
  formatElapsed,
  MIN_WINDOW_MS,
  openCount,
  segmentPlace,
  segmentTitle,
  sortHistories,
  TIMELINE_WINDOW_MS,
  timelineSegments,
  timelineWindowStart,
  windowWords,
} from './timeline';

const H = 60 * 60 * 1000;

function circuit(over: Partial<CircuitHistory> = {}): CircuitHistory {
  return {
    name: 'restaurant-partner',
    state: 'CLOSED',
    sinceMs: 2 * H,
    failures: 0,
    reason: 'trial succeeded',
    stateAtWindowStart: 'CLOSED',
    transitions: [
      { from: 'CLOSED', to: 'OPEN', reason: '3 failures within 30 s', failures: 3, atMs: 1 * H },
      { from: 'OPEN', to: 'HALF_OPEN', reason: 'cool-down over', failures: 3, atMs: 1.5 * H },
      { from: 'HALF_OPEN', to: 'CLOSED', reason: 'trial succeeded', failures: 0, atMs: 2 * H },
    ],
    replays: [],
    ...over,
  };
}

describe('timelineSegments', () => {
  it('makes one segment per state, from the window start to now', () => {
    const segments = timelineSegments(circuit(), 0, 3 * H);
    const expected: [string, number, number][] = [
      ['CLOSED', 0, 100 / 3],
      ['OPEN', 100 / 3, 100 / 6],
      ['HALF_OPEN', 50, 100 / 6],
      ['CLOSED', 100 * (2 / 3), 100 / 3],
    ];
    expect(segments.map((s) => s.state)).toEqual(expected.map(([state]) => state));
    segments.forEach((s, i) => {
      expect(s.leftPct).toBeCloseTo(expected[i]![1]);
      expect(s.widthPct).toBeCloseTo(expected[i]![2]);
    });
    expect(segments[0]?.transition).toBeNull();
    expect(segments[1]?.transition?.reason).toBe('3 failures within 30 s');
    const widths = segments.reduce((sum, s) => sum + s.widthPct, 0);
    expect(widths).toBeCloseTo(100);
  });

  it('starts unknown when nothing tells the state before the first transition', () => {
    const segments = timelineSegments(circuit({ stateAtWindowStart: null }), 0, 3 * H);
    expect(segments[0]?.state).toBe('UNKNOWN');
    expect(segmentTitle(segments[0]!)).toMatch(/^State not known before/);
  });

  it('shows a circuit with no transition in the window as one segment', () => {
    const segments = timelineSegments(circuit({ state: 'OPEN', stateAtWindowStart: 'OPEN', transitions: [] }), 0, 3 * H);
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ state: 'OPEN', leftPct: 0, widthPct: 100 });
  });

  it('says on hover what changed, why and for how long', () => {
    const open = timelineSegments(circuit(), 0, 3 * H)[1]!;
    const title = segmentTitle(open);
    expect(title).toContain('CLOSED → OPEN at');
    expect(title).toContain('3 failures within 30 s (3 failures)');
    expect(title).toContain('OPEN for 30 min 00 s');
  });
});

describe('the strip\'s window', () => {
  const NOW = 10 * H;
  const MIN = 60_000;

  it('begins shortly before the earliest transition of any circuit, in whole minutes', () => {
    const recent = circuit({ transitions: [{ from: 'CLOSED', to: 'OPEN', reason: null, failures: 3, atMs: NOW - 20 * MIN }] });
    const older = circuit({ name: 'payments', transitions: [{ from: 'CLOSED', to: 'OPEN', reason: null, failures: 3, atMs: NOW - 40 * MIN }] });
    // 40 min + a tenth: 44 min.
    expect(NOW - timelineWindowStart([recent, older], null, NOW)).toBe(44 * MIN);
    expect(windowWords(44 * MIN)).toBe('44 min');
  });

  it('spans at least 10 minutes and at most 3 hours', () => {
    const fresh = circuit({ transitions: [{ from: 'CLOSED', to: 'OPEN', reason: null, failures: 3, atMs: NOW - 5_000 }] });
    expect(NOW - timelineWindowStart([fresh], null, NOW)).toBe(MIN_WINDOW_MS);
    const old = circuit({ transitions: [{ from: 'CLOSED', to: 'OPEN', reason: null, failures: 3, atMs: NOW - 2.9 * H }] });
    expect(NOW - timelineWindowStart([old], null, NOW)).toBe(TIMELINE_WINDOW_MS);
    expect(windowWords(TIMELINE_WINDOW_MS)).toBe('3 h');
  });

  it('begins at the app\'s first reading when no circuit changed', () => {
    const quiet = circuit({ transitions: [] });
    expect(NOW - timelineWindowStart([quiet], NOW - 30 * MIN, NOW)).toBe(33 * MIN);
    expect(NOW - timelineWindowStart([quiet], NOW - 2 * MIN, NOW)).toBe(MIN_WINDOW_MS);
    expect(NOW - timelineWindowStart([quiet], null, NOW)).toBe(TIMELINE_WINDOW_MS);
    expect(windowWords(135 * MIN)).toBe('2 h 15 min');
  });

  it('holds the last segment, which ends now, to the right edge', () => {
    const segments = timelineSegments(circuit(), 0, 3 * H);
    expect(segmentPlace(segments[0]!, false)).toEqual({ left: '0%', width: `${segments[0]!.widthPct}%` });
    expect(segmentPlace(segments[3]!, true)).toEqual({ right: '0', width: `${segments[3]!.widthPct}%` });
  });
});

describe('words', () => {
  it('ticks by the second', () => {
    expect(formatElapsed(42_400)).toBe('42 s');
    expect(formatElapsed(187_000)).toBe('3 min 07 s');
    expect(formatElapsed(2 * H + 5 * 60_000)).toBe('2 h 05 min');
    expect(formatElapsed(-5)).toBe('0 s');
  });

  it('counts and sorts open circuits first', () => {
    const list = [circuit({ name: 'b' }), circuit({ name: 'a', state: 'OPEN' }), circuit({ name: 'c', state: 'HALF_OPEN' })];
    expect(openCount(list)).toBe(1);
    expect(sortHistories(list).map((c) => c.name)).toEqual(['a', 'c', 'b']);
  });
});

describe('polling', () => {
  it('reads AWS far less often than the local system', async () => {
    const { circuitsPollMs } = await import('./polling');
    expect(circuitsPollMs(true, 'local')).toBe(2_000);
    expect(circuitsPollMs(false, null)).toBe(5_000);
    expect(circuitsPollMs(true, 'aws')).toBe(15_000);
    expect(circuitsPollMs(false, 'aws')).toBe(60_000);
  });
});
