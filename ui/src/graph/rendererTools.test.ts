// The renderer's emphasis tools on a real, headless Cytoscape.
import { describe, expect, it, vi } from 'vitest';
import { sampleTopology } from '../test/fixtures';
import { createRenderer } from './renderer';
import { NEUTRALS } from './style';

function renderer() {
  const r = createRenderer(null, { onSelect: vi.fn(), onLayoutDone: vi.fn() });
  r.update(sampleTopology());
  return r;
}

const classesOf = (r: ReturnType<typeof renderer>, cls: string) =>
  r.cy
    .elements(`.${cls}`)
    .map((el) => el.id())
    .sort();

describe('renderer.highlight', () => {
  it('lights the given nodes and edges and fades the rest', () => {
    const r = renderer();
    r.highlight(['bus:orders', 'rule:orders/order-placed', 'target:fn'], ['e1', 'e3']);
    expect(classesOf(r, 'lit')).toEqual(['bus:orders', 'e1', 'e3', 'rule:orders/order-placed', 'target:fn']);
    expect(classesOf(r, 'faded')).toEqual(['e2', 'e4', 'e5', 'rule:orders/legacy', 'target:queue']);
    r.destroy();
  });

  it('lights the edges between the nodes when given no edge ids', () => {
    const r = renderer();
    r.highlight(['bus:orders', 'rule:orders/legacy', 'target:queue'], null);
    expect(classesOf(r, 'lit').filter((id) => id.startsWith('e'))).toEqual(['e2', 'e5']);
    r.destroy();
  });

  it('clears with null or no nodes, and survives topology updates', () => {
    const r = renderer();
    r.highlight(['target:fn'], []);
    r.update(sampleTopology());
    expect(classesOf(r, 'lit')).toEqual(['target:fn']);
    r.highlight([], null);
    expect(classesOf(r, 'lit')).toEqual([]);
    expect(classesOf(r, 'faded')).toEqual([]);
    r.highlight(['target:fn'], null);
    r.highlight(null, null);
    expect(classesOf(r, 'faded')).toEqual([]);
    r.destroy();
  });
});

describe('renderer.focus', () => {
  it('fades everything more than one edge away, up- and downstream', () => {
    const r = renderer();
    r.focus('rule:orders/order-placed');
    // Kept: the rule, its bus, its two targets and the edges to them.
    expect(classesOf(r, 'focus-out')).toEqual(['e2', 'e5', 'rule:orders/legacy']);
    r.focus(null);
    expect(classesOf(r, 'focus-out')).toEqual([]);
    r.destroy();
  });

  it('is asked for by double-tapping a node', () => {
    const onFocus = vi.fn();
    const r = createRenderer(null, { onSelect: vi.fn(), onLayoutDone: vi.fn(), onFocus });
    r.update(sampleTopology());
    r.cy.getElementById('target:fn').emit('dbltap');
    expect(onFocus).toHaveBeenCalledWith('target:fn');
    r.destroy();
  });
});

describe('renderer.markMatches', () => {
  it('marks matches and the current one', () => {
    const r = renderer();
    r.markMatches(['target:fn', 'target:queue'], 'target:queue');
    expect(classesOf(r, 'match')).toEqual(['target:fn', 'target:queue']);
    expect(classesOf(r, 'match-current')).toEqual(['target:queue']);
    r.markMatches([], null);
    expect(classesOf(r, 'match')).toEqual([]);
    r.destroy();
  });
});

describe('renderer.setTheme', () => {
  it('restyles the canvas with the theme’s colours', () => {
    const r = renderer();
    const fill = () => r.cy.getElementById('rule:orders/legacy').style('color') as string;
    const dark = fill();
    r.setTheme('light');
    expect(fill()).not.toBe(dark);
    r.setTheme('dark');
    expect(fill()).toBe(dark);
    expect(NEUTRALS.light.background).toBe('#ffffff');
    r.destroy();
  });
});
