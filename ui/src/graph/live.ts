// Drives the renderer from pushed activity: batches only queue work, and
// one requestAnimationFrame callback applies the latest counters and draws
// the dots, so a burst of pushes costs one frame and React never re-renders.
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { Topology } from '../bindings/Topology';
import { advance, createDotState, isAnimating, liveView, queueHops, type DotState } from './activity';
import type { GraphRenderer } from './renderer';

export interface FrameClock {
  now: () => number;
  requestFrame: (callback: () => void) => number;
  cancelFrame: (handle: number) => void;
}

const browserClock: FrameClock = {
  now: () => performance.now(),
  requestFrame: (callback) =>
    typeof requestAnimationFrame === 'function'
      ? requestAnimationFrame(callback)
      : (setTimeout(callback, 16) as unknown as number),
  cancelFrame: (handle) =>
    typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(handle) : clearTimeout(handle),
};

export interface LiveController {
  push: (batch: ActivityBatch) => void;
  setTopology: (topology: Topology) => void;
  /** Runs one frame now (the benchmark and tests use it). */
  frame: () => void;
  readonly dots: DotState;
  stop: () => void;
}

export function createLiveController(
  renderer: Pick<GraphRenderer, 'applyActivity' | 'drawDots'>,
  clock: FrameClock = browserClock,
): LiveController {
  const dots = createDotState();
  let latest: ActivityBatch | null = null;
  let topology: Topology | null = null;
  let countersDirty = false;
  let scheduled: number | null = null;
  let drewDots = false;

  function schedule() {
    if (scheduled === null) scheduled = clock.requestFrame(frame);
  }

  function frame() {
    scheduled = null;
    if (countersDirty && latest) {
      countersDirty = false;
      renderer.applyActivity(liveView(latest, topology));
    }
    const frames = advance(dots, clock.now());
    // One empty draw clears the last dots; after that, idle frames cost nothing.
    if (frames.length > 0 || drewDots) renderer.drawDots(frames);
    drewDots = frames.length > 0;
    if (isAnimating(dots)) schedule();
  }

  return {
    dots,
    push(batch) {
      latest = batch;
      countersDirty = true;
      queueHops(dots, batch, clock.now());
      schedule();
    },
    setTopology(next) {
      topology = next;
      // Circuits are matched to nodes by the topology.
      if (latest) {
        countersDirty = true;
        schedule();
      }
    },
    frame,
    stop() {
      if (scheduled !== null) clock.cancelFrame(scheduled);
      scheduled = null;
    },
  };
}
