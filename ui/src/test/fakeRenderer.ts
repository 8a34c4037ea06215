// Stand-in for graph/renderer.ts in component tests: jsdom has no canvas.
// It records what GraphView asks of it and lets tests play the canvas's
// part (taps, layout finishing).
import { vi } from 'vitest';
import type { Topology } from '../bindings/Topology';
import type { DotFrame, LiveView } from '../graph/activity';
import { shapeKey } from '../graph/elements';
import type { GraphRenderer, RendererCallbacks } from '../graph/renderer';

export interface FakeRenderer extends GraphRenderer {
  callbacks: RendererCallbacks;
  topologies: Topology[];
  /** Every live view applied, in order. */
  views: LiveView[];
  /** Every frame of dots drawn, in order. */
  dotFrames: DotFrame[][];
  destroyed: boolean;
  /** Finishes the first layout of the latest topology (quick or remembered). */
  finishLayout(): void;
  /** Reports ELK's layout of the latest topology (after the quick one). */
  refineLayout(): void;
}

export const renderers: FakeRenderer[] = [];

export function createRenderer(_container: HTMLElement | null, callbacks: RendererCallbacks): GraphRenderer {
  const fake: FakeRenderer = {
    cy: {} as GraphRenderer['cy'],
    callbacks,
    topologies: [],
    views: [],
    dotFrames: [],
    destroyed: false,
    update: vi.fn((topology: Topology) => {
      fake.topologies.push(topology);
    }),
    select: vi.fn(),
    fit: vi.fn(),
    applyActivity: vi.fn((view: LiveView) => {
      fake.views.push(view);
    }),
    drawDots: vi.fn((dots: DotFrame[]) => {
      fake.dotFrames.push(dots);
    }),
    highlight: vi.fn(),
    focus: vi.fn(),
    markMatches: vi.fn(),
    centerOn: vi.fn(),
    png: vi.fn(() => new Blob(['png'], { type: 'image/png' })),
    svg: vi.fn(() => '<svg/>'),
    setTheme: vi.fn(),
    destroy: vi.fn(() => {
      fake.destroyed = true;
    }),
    finishLayout() {
      const latest = fake.topologies.at(-1);
      if (latest) callbacks.onLayoutDone(shapeKey(latest));
    },
    refineLayout() {
      const latest = fake.topologies.at(-1);
      if (latest) callbacks.onLayoutRefined?.(shapeKey(latest));
    },
  };
  renderers.push(fake);
  return fake;
}

/** The renderer GraphView currently uses. */
export function liveRenderer(): FakeRenderer {
  const live = renderers.filter((r) => !r.destroyed).at(-1);
  if (!live) throw new Error('no live renderer');
  return live;
}
