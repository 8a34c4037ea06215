// Runs the real Cytoscape, quick layout and ELK layout headless: no canvas needed.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Topology } from '../bindings/Topology';
import { edge, fullTopology, node, sampleTopology } from '../test/fixtures';
import { shapeKey } from './elements';
import { createRenderer } from './renderer';

function layOut(topology: Topology) {
  const onLayoutDone = vi.fn<(key: string) => void>();
  const onLayoutRefined = vi.fn<(key: string) => void>();
  const renderer = createRenderer(null, { onSelect: vi.fn(), onLayoutDone, onLayoutRefined });
  renderer.update(topology);
  /** Waits for the quick layout (there at once) or for ELK's, which follows it. */
  const settled = async (layout: Layout) => {
    const key = shapeKey(topology);
    if (layout === 'quick') expect(onLayoutDone).toHaveBeenCalledWith(key);
    else await vi.waitFor(() => expect(onLayoutRefined).toHaveBeenCalledWith(key), { timeout: 10_000 });
  };
  return { renderer, onLayoutDone, onLayoutRefined, settled };
}

type Layout = 'quick' | 'ELK';
/** Both layouts a new structure gets must read the same way. */
const layouts: Layout[] = ['quick', 'ELK'];

const x = (renderer: ReturnType<typeof createRenderer>, id: string) => renderer.cy.getElementById(id).position('x');

describe('createRenderer', () => {
  // Each test runs ELK itself, never a layout an earlier test left behind.
  beforeEach(() => localStorage.clear());

  it('opens a structure laid out before where it was, without running ELK again', async () => {
    const topology = fullTopology();
    const first = layOut(topology);
    await first.settled('ELK');
    const before = first.renderer.cy.nodes().map((n) => [n.id(), n.position('x'), n.position('y')]);
    first.renderer.destroy();

    const again = layOut(topology);
    // Synchronously: no ELK run.
    expect(again.onLayoutDone).toHaveBeenCalledWith(shapeKey(topology));
    expect(again.renderer.cy.nodes().map((n) => [n.id(), n.position('x'), n.position('y')])).toEqual(before);
    again.renderer.destroy();

    // Another structure (a node more) is laid out afresh.
    topology.nodes.push(node({ id: 'bus:audit', kind: 'bus', label: 'audit' }));
    const changed = layOut(topology);
    expect(changed.onLayoutRefined).not.toHaveBeenCalled();
    await changed.settled('ELK');
    changed.renderer.destroy();
  });

  it.each(layouts)('%s: lays buses out left, rules in the middle and targets right', async (layout) => {
    const topology = sampleTopology();
    // A second, unconnected bus must still sit in the bus column.
    topology.nodes.push(node({ id: 'bus:audit', kind: 'bus', label: 'audit' }));
    const { renderer, settled } = layOut(topology);
    await settled(layout);

    expect(renderer.cy.nodes()).toHaveLength(6);
    expect(renderer.cy.edges()).toHaveLength(5);
    expect(x(renderer, 'bus:audit')).toBeCloseTo(x(renderer, 'bus:orders'), 0);
    expect(x(renderer, 'rule:orders/order-placed')).toBeGreaterThan(x(renderer, 'bus:orders') + 100);
    expect(x(renderer, 'target:fn')).toBeGreaterThan(x(renderer, 'rule:orders/order-placed') + 100);
    expect(x(renderer, 'target:queue')).toBeCloseTo(x(renderer, 'target:fn'), 0);
    renderer.destroy();
  });

  it.each(layouts)('%s: puts a bus that a rule routes into after that rule', async (layout) => {
    const topology = sampleTopology();
    topology.nodes.push(
      node({ id: 'bus:default', kind: 'bus', label: 'default' }),
      node({ id: 'rule:default/forward', kind: 'rule', label: 'forward' }),
    );
    topology.edges.push(
      edge({ id: 'f1', source: 'bus:default', target: 'rule:default/forward', kind: 'busToRule' }),
      edge({ id: 'f2', source: 'rule:default/forward', target: 'bus:orders', kind: 'ruleToTarget' }),
    );
    const { renderer, settled } = layOut(topology);
    await settled(layout);

    const backwards = renderer.cy.edges().filter((e) => e.source().position('x') >= e.target().position('x'));
    expect(backwards.map((e) => e.id())).toEqual([]);
    expect(x(renderer, 'bus:orders')).toBeGreaterThan(x(renderer, 'rule:default/forward') + 100);
    renderer.destroy();
  });

  it.each(layouts)('%s: puts DLQs, connections and what a state machine calls after what leads to them', async (layout) => {
    const topology = fullTopology();
    const { renderer, settled } = layOut(topology);
    await settled(layout);

    const dlq = 'arn:aws:sqs:us-east-1:000000000000:pay-dlq';
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfil';
    expect(x(renderer, dlq)).toBeGreaterThan(x(renderer, 'api:notify') + 100);
    expect(x(renderer, 'connection:provider')).toBeGreaterThan(x(renderer, 'api:notify') + 100);
    expect(x(renderer, 'archive:keep')).toBeGreaterThan(x(renderer, 'bus:orders') + 100);
    expect(x(renderer, 'target:fn')).toBeGreaterThan(x(renderer, machine) + 100);
    // The events the state machine puts back on the bus do not move the bus
    // out of the first column: that one edge goes back, every other points right.
    const backwards = renderer.cy.edges().filter((e) => e.source().position('x') >= e.target().position('x'));
    expect(backwards.map((e) => e.id())).toEqual(['s2']);
    renderer.destroy();
  });

  it('re-lays out only when the structure changes', async () => {
    const topology = sampleTopology();
    const { renderer, onLayoutDone, onLayoutRefined } = layOut(topology);
    expect(onLayoutDone).toHaveBeenCalledTimes(1);

    // Same ids, new label and state: data updates in place, no new layout.
    const renamed = sampleTopology();
    renamed.nodes[1] = { ...renamed.nodes[1]!, label: 'order-placed-v2', state: 'DISABLED' };
    renderer.update(renamed);
    expect(renderer.cy.getElementById('rule:orders/order-placed').data('label')).toBe('order-placed-v2');
    expect(renderer.cy.getElementById('rule:orders/order-placed').hasClass('disabled')).toBe(true);
    expect(renderer.cy.getElementById('e3').hasClass('inactive')).toBe(true);

    // A removed target is a new structure.
    const smaller = sampleTopology();
    smaller.nodes = smaller.nodes.filter((n) => n.id !== 'target:fn');
    smaller.edges = smaller.edges.filter((e) => e.target !== 'target:fn');
    renderer.update(smaller);
    expect(renderer.cy.getElementById('target:fn').empty()).toBe(true);
    expect(onLayoutDone).toHaveBeenLastCalledWith(shapeKey(smaller));
    expect(onLayoutDone).toHaveBeenCalledTimes(2);
    // ELK's result for the first structure came too late and is dropped.
    await vi.waitFor(() => expect(onLayoutRefined).toHaveBeenCalledWith(shapeKey(smaller)), { timeout: 10_000 });
    expect(onLayoutRefined).toHaveBeenCalledTimes(1);
    renderer.destroy();
  });

  it('reports an empty graph as laid out at once', () => {
    const empty = { nodes: [], edges: [] };
    const { renderer, onLayoutDone } = layOut(empty);
    expect(onLayoutDone).toHaveBeenCalledWith(shapeKey(empty));
    renderer.destroy();
  });

  it('reports taps on nodes and on the background', () => {
    const onSelect = vi.fn();
    const renderer = createRenderer(null, { onSelect, onLayoutDone: vi.fn() });
    renderer.update(sampleTopology());
    renderer.cy.getElementById('target:fn').emit('tap');
    expect(onSelect).toHaveBeenLastCalledWith('target:fn');
    renderer.cy.emit('tap');
    expect(onSelect).toHaveBeenLastCalledWith(null);
    renderer.select('rule:orders/legacy');
    expect(renderer.cy.getElementById('rule:orders/legacy').selected()).toBe(true);
    expect(renderer.cy.getElementById('e5').hasClass('highlighted')).toBe(true);
    renderer.destroy();
  });
});
