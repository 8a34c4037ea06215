import { describe, expect, it, vi } from 'vitest';
import { bigTopology } from '../test/bigTopology';
import { shapeKey } from './elements';
import { elkGraphOptions, LARGE_GRAPH_NODES, layoutTuning } from './layout';
import { createRenderer } from './renderer';
import { graphStyle, MIN_ZOOMED_FONT_SIZE } from './style';


describe('bigTopology', () => {
  it('makes 500 nodes whose edges all have ends', () => {
    const topology = bigTopology();
    expect(topology.nodes).toHaveLength(500);
    const ids = new Set(topology.nodes.map((n) => n.id));
    expect(ids.size).toBe(500);
    expect(topology.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
    expect(topology.nodes.filter((n) => n.kind === 'bus')).toHaveLength(50);
  });
});

describe('layoutTuning', () => {
  it('keeps the full effort for small graphs', () => {
    expect(layoutTuning(20)).toEqual({ thoroughness: 7, nodeSpacing: 26, layerSpacing: 64, animate: true });
  });

  it('tightens spacing and lowers ELK thoroughness for large graphs, never animating them', () => {
    const small = layoutTuning(LARGE_GRAPH_NODES - 1);
    const large = layoutTuning(500);
    expect(large.thoroughness).toBeLessThan(small.thoroughness);
    expect(large.nodeSpacing).toBeLessThan(small.nodeSpacing);
    expect(large.layerSpacing).toBeLessThan(small.layerSpacing);
    expect(large.animate).toBe(false);
  });

  it('feeds the tuning into the ELK options', () => {
    const options = elkGraphOptions(500);
    expect(options['elk.layered.thoroughness']).toBe(layoutTuning(500).thoroughness);
    expect(options['elk.spacing.nodeNode']).toBe(layoutTuning(500).nodeSpacing);
    expect(elkGraphOptions(5)['elk.layered.thoroughness']).toBe(7);
  });
});

describe('labels at low zoom', () => {
  it('are hidden below a readable size, in both themes', () => {
    for (const theme of ['dark', 'light'] as const) {
      const node = graphStyle(theme).find((rule) => 'selector' in rule && rule.selector === 'node');
      expect(node && 'style' in node ? node.style : {}).toMatchObject({
        'min-zoomed-font-size': MIN_ZOOMED_FONT_SIZE,
      });
    }
  });
});

describe('a 500-node graph', () => {
  it('is laid out left to right at once, then by ELK, without animation, in reasonable time', async () => {
    const topology = bigTopology();
    const onLayoutDone = vi.fn<(key: string) => void>();
    const onLayoutRefined = vi.fn<(key: string) => void>();
    const renderer = createRenderer(null, { onSelect: vi.fn(), onLayoutDone, onLayoutRefined });
    const animate = vi.spyOn(renderer.cy, 'animate');
    // Every bus → rule → target edge points right.
    const backwards = () =>
      renderer.cy
        .edges()
        .filter((e) => e.data('kind') !== 'deadLetter' && e.source().position('x') >= e.target().position('x'));
    const started = performance.now();
    renderer.update(topology);

    // The quick layout is there before update returns.
    expect(onLayoutDone).toHaveBeenCalledWith(shapeKey(topology));
    expect(onLayoutRefined).not.toHaveBeenCalled();
    expect(renderer.cy.nodes()).toHaveLength(500);
    expect(backwards()).toHaveLength(0);
    const quick = renderer.cy.nodes().map((n) => ({ ...n.position() }));

    await vi.waitFor(() => expect(onLayoutRefined).toHaveBeenCalledWith(shapeKey(topology)), { timeout: 30_000 });
    const elapsed = performance.now() - started;
    expect(animate).not.toHaveBeenCalled();
    expect(backwards()).toHaveLength(0);
    expect(renderer.cy.nodes().map((n) => ({ ...n.position() }))).not.toEqual(quick);
    // Generous: the point is catching an order-of-magnitude regression.
    expect(elapsed).toBeLessThan(20_000);
    renderer.destroy();
  }, 40_000);
});
