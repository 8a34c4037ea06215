import { describe, expect, it } from 'vitest';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { DotFrame, LiveView } from './activity';
import { createLiveController, type FrameClock } from './live';

function fakeClock() {
  const frames: (() => void)[] = [];
  const clock: FrameClock & { time: number; runFrame: () => void; pending: () => number } = {
    time: 0,
    now: () => clock.time,
    requestFrame: (callback) => frames.push(callback),
    cancelFrame: () => {},
    runFrame: () => frames.shift()?.(),
    pending: () => frames.length,
  };
  return clock;
}

function recorder() {
  const views: LiveView[] = [];
  const drawn: DotFrame[][] = [];
  return { views, drawn, applyActivity: (v: LiveView) => views.push(v), drawDots: (d: DotFrame[]) => drawn.push(d) };
}

const batch = (perSecond: number, hops = 1): ActivityBatch => ({
  atMs: 0,
  hops: Array.from({ length: hops }, (_, i) => ({
    eventId: `e${i}`,
    busArn: 'b',
    ruleArn: 'r',
    targetArn: 't',
    outcome: 'delivering',
    atMs: 0,
    edges: ['e1'],
  })),
  hopsOmitted: 0,
  edges: [{ id: 'e1', perSecond, count: perSecond * 10 }],
  nodes: [],
  circuits: [],
});

describe('createLiveController', () => {
  it('coalesces pushes into one frame that applies only the latest counters', () => {
    const clock = fakeClock();
    const renderer = recorder();
    const live = createLiveController(renderer, clock);
    live.push(batch(1));
    live.push(batch(2));
    expect(clock.pending()).toBe(1);
    clock.runFrame();
    expect(renderer.views.map((v) => v.edges.get('e1'))).toEqual([2]);
    expect(renderer.drawn.at(-1)).toHaveLength(2);
  });

  it('keeps drawing while dots move, clears them once, then idles', () => {
    const clock = fakeClock();
    const renderer = recorder();
    const live = createLiveController(renderer, clock);
    live.push(batch(1));
    clock.runFrame();
    clock.time = 300;
    clock.runFrame();
    expect(renderer.drawn).toHaveLength(2);
    clock.time = 5_000;
    clock.runFrame();
    expect(renderer.drawn.at(-1)).toEqual([]);
    expect(clock.pending()).toBe(0);
    // A snapshot without hops applies its counters and draws nothing.
    live.push(batch(3, 0));
    clock.runFrame();
    expect(renderer.views).toHaveLength(2);
    expect(renderer.drawn).toHaveLength(3);
  });
});
