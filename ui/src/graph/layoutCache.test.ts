import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_LAYOUTS, loadLayout, saveLayout, shapeHash } from './layoutCache';

describe('layout cache', () => {
  beforeEach(() => localStorage.clear());

  it('gives back the positions of the same structure, only when they cover every node', () => {
    saveLayout('shape-1', { a: { x: 1, y: 2 }, b: { x: 3, y: 4 } });
    expect(loadLayout('shape-1', ['a', 'b'])).toEqual({ a: { x: 1, y: 2 }, b: { x: 3, y: 4 } });
    expect(loadLayout('shape-1', ['a', 'b', 'c'])).toBeNull();
    expect(loadLayout('shape-2', ['a'])).toBeNull();
  });

  it('keeps the most recent structures, replaces a structure saved again, and survives damage', () => {
    for (let i = 0; i < MAX_LAYOUTS + 3; i++) saveLayout(`shape-${i}`, { a: { x: i, y: 0 } }, localStorage, i);
    expect(loadLayout('shape-0', ['a'])).toBeNull();
    expect(loadLayout(`shape-${MAX_LAYOUTS + 2}`, ['a'])).toEqual({ a: { x: MAX_LAYOUTS + 2, y: 0 } });
    saveLayout('shape-5', { a: { x: 99, y: 0 } }, localStorage, 1_000);
    expect(loadLayout('shape-5', ['a'])).toEqual({ a: { x: 99, y: 0 } });
    localStorage.setItem('choreoscope.layouts.v1', '{not json');
    expect(loadLayout('shape-5', ['a'])).toBeNull();
    saveLayout('shape-5', { a: { x: 1, y: 1 } });
    expect(loadLayout('shape-5', ['a'])).toEqual({ a: { x: 1, y: 1 } });
  });

  it('hashes shapes stably and apart', () => {
    expect(shapeHash('abc')).toBe(shapeHash('abc'));
    expect(shapeHash('abc')).not.toBe(shapeHash('abd'));
  });
});
