import cytoscape from 'cytoscape';
import { describe, expect, it } from 'vitest';
import { sampleTopology } from '../test/fixtures';
import type { LiveView } from './activity';
import { toElements } from './elements';
import { applyLive, pointAlong } from './liveLayer';

function headless() {
  return cytoscape({ headless: true, elements: toElements(sampleTopology()) });
}

const view = (edges: [string, number][], nodes: LiveView['nodes'] = new Map()): LiveView => ({
  edges: new Map(edges),
  nodes,
});

describe('applyLive', () => {
  it('labels edges with their rate and badges nodes, then clears what left the view', () => {
    const cy = headless();
    const nodes = new Map([['target:fn', { errors: 3, retriesInFlight: 0, dlqDepth: null, circuit: 'OPEN' }]]);
    applyLive(cy, view([['e3', 2.5]], nodes));
    const edge = cy.getElementById('e3');
    expect(edge.hasClass('live')).toBe(true);
    expect(edge.data('liveLabel')).toBe('2.5/s');
    const fn = cy.getElementById('target:fn');
    expect(fn.classes()).toEqual(expect.arrayContaining(['badged', 'failing', 'circuit-open']));
    expect(fn.hasClass('retrying')).toBe(false);
    expect(fn.data('liveLabel')).toBe('charge-card\n⛔ open · ⚠ 3 failed/min');

    applyLive(cy, view([]));
    expect(edge.hasClass('live')).toBe(false);
    expect(fn.hasClass('failing') || fn.hasClass('badged') || fn.hasClass('circuit-open')).toBe(false);
    expect(fn.hasClass('target')).toBe(true);
  });
});

describe('pointAlong', () => {
  it('walks a polyline by length', () => {
    const path = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 30 },
    ];
    expect(pointAlong(path, 0)).toEqual({ x: 0, y: 0 });
    expect(pointAlong(path, 0.25)).toEqual({ x: 10, y: 0 });
    expect(pointAlong(path, 0.625)).toEqual({ x: 10, y: 15 });
    expect(pointAlong(path, 1)).toEqual({ x: 10, y: 30 });
  });
});
