import { describe, expect, it } from 'vitest';
import { busEvent } from '../test/fixtures';
import { MAX_EVENTS, mergeEvents } from './merge';

const ids = (events: { id: string }[]) => events.map((e) => e.id);

describe('mergeEvents', () => {
  it('orders newest first whatever order the inputs come in', () => {
    const merged = mergeEvents([busEvent('b', 200)], [busEvent('a', 100), busEvent('c', 300)]);
    expect(ids(merged)).toEqual(['c', 'b', 'a']);
  });

  it('keeps one copy of an event delivered twice, the incoming one', () => {
    const initial = [busEvent('b', 200), busEvent('a', 100)];
    const push = [busEvent('c', 300), busEvent('b', 200, { source: 'again' })];
    const merged = mergeEvents(initial, push);
    expect(ids(merged)).toEqual(['c', 'b', 'a']);
    expect(merged[1]?.source).toBe('again');
  });

  it(`keeps at most ${MAX_EVENTS} events by default, dropping the oldest`, () => {
    const current = Array.from({ length: MAX_EVENTS }, (_, i) => busEvent(`old-${i}`, 1000 + i)).reverse();
    const merged = mergeEvents(current, [busEvent('new', 1000 + MAX_EVENTS)]);
    expect(merged).toHaveLength(MAX_EVENTS);
    expect(merged[0]?.id).toBe('new');
    expect(merged.some((e) => e.id === 'old-0')).toBe(false);
    expect(merged.at(-1)?.id).toBe('old-1');
  });

  it('honours a smaller cap', () => {
    const merged = mergeEvents([], [busEvent('a', 1), busEvent('b', 2), busEvent('c', 3)], 2);
    expect(ids(merged)).toEqual(['c', 'b']);
  });

  it('does not modify its inputs', () => {
    const current = [busEvent('a', 100)];
    const incoming = [busEvent('b', 200)];
    mergeEvents(current, incoming);
    expect(ids(current)).toEqual(['a']);
    expect(ids(incoming)).toEqual(['b']);
  });

  it('merges a push into a full list quickly, in one pass', () => {
    const current = Array.from({ length: MAX_EVENTS }, (_, i) => busEvent(`old-${i}`, 1000 + i)).reverse();
    const push = Array.from({ length: 20 }, (_, i) => busEvent(`new-${i}`, 1000 + MAX_EVENTS + i));
    const started = performance.now();
    const merged = mergeEvents(current, push);
    const took = performance.now() - started;
    expect(merged).toHaveLength(MAX_EVENTS);
    expect(merged[0]?.id).toBe('new-19');
    expect(merged.at(-1)?.id).toBe('old-20');
    expect(took).toBeLessThan(250);
  });

  it('keeps the order when a copy delivered again carries another time', () => {
    const merged = mergeEvents([busEvent('b', 200), busEvent('a', 100)], [busEvent('a', 300)]);
    expect(ids(merged)).toEqual(['a', 'b']);
  });

  it('puts a late event in its place among older ones', () => {
    const merged = mergeEvents([busEvent('c', 300), busEvent('a', 100)], [busEvent('b', 200)]);
    expect(ids(merged)).toEqual(['c', 'b', 'a']);
  });
});

describe('mergeEvents with replays', () => {
  it('lists a replayed copy beside the original (same id, another replay-name), once each', () => {
    const original = busEvent('e-1', 1_000);
    const replayed = busEvent('e-1', 5_000, { replayName: 'heal-1' });
    const merged = mergeEvents([original], [replayed, busEvent('e-1', 5_000, { replayName: 'heal-1' })]);
    expect(merged.map((e) => [e.id, e.replayName])).toEqual([
      ['e-1', 'heal-1'],
      ['e-1', null],
    ]);
    expect(mergeEvents(merged, [busEvent('e-1', 1_000)]).map((e) => e.replayName)).toEqual(['heal-1', null]);
  });
});
