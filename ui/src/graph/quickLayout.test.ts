import { describe, expect, it } from 'vitest';
import { quickLayout, type QuickEdge, type QuickNode } from './quickLayout';

const spacing = { nodeSpacing: 20, layerSpacing: 60 };
const node = (id: string, kind: string): QuickNode => ({ id, kind, width: 100, height: 40 });
const edge = (source: string, target: string, kind: string): QuickEdge => ({ source, target, kind });

describe('quickLayout', () => {
  it('puts entry buses first, then rules, targets and what follows, event types last', () => {
    const nodes = [
      node('type', 'eventType'),
      node('dlq', 'target'),
      node('fn', 'target'),
      node('rule', 'rule'),
      node('bus', 'bus'),
    ];
    const edges = [
      edge('bus', 'rule', 'busToRule'),
      edge('rule', 'fn', 'ruleToTarget'),
      edge('fn', 'dlq', 'deadLetter'),
      edge('fn', 'type', 'emits'),
      // The emitted type goes back onto the bus: drawn back, not a layer.
      edge('type', 'bus', 'putOn'),
    ];
    const at = quickLayout(nodes, edges, spacing);
    const x = (id: string) => at[id]?.x ?? Number.NaN;
    expect(x('bus')).toBeLessThan(x('rule'));
    expect(x('rule')).toBeLessThan(x('fn'));
    expect(x('fn')).toBeLessThan(x('dlq'));
    expect(x('dlq')).toBeLessThanOrEqual(x('type'));
    expect(x('fn')).toBeLessThan(x('type'));
  });

  it('puts a bus a rule routes into after that rule, and survives cycles', () => {
    const nodes = [node('a', 'bus'), node('r1', 'rule'), node('b', 'bus'), node('r2', 'rule')];
    const edges = [
      edge('a', 'r1', 'busToRule'),
      edge('r1', 'b', 'ruleToTarget'),
      edge('b', 'r2', 'busToRule'),
      edge('r2', 'b', 'ruleToTarget'),
    ];
    const at = quickLayout(nodes, edges, spacing);
    expect(Object.keys(at).sort()).toEqual(['a', 'b', 'r1', 'r2']);
    expect(at.a?.x).toBeLessThan(at.r1?.x ?? 0);
    expect(at.r1?.x).toBeLessThan(at.b?.x ?? 0);
    expect(Object.values(at).every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
  });

  it('orders a layer to follow its predecessors, without overlaps', () => {
    // Two buses, each with two rules given in crossed order.
    const nodes = [
      node('top', 'bus'),
      node('bottom', 'bus'),
      node('b1', 'rule'),
      node('t1', 'rule'),
      node('b2', 'rule'),
      node('t2', 'rule'),
    ];
    const edges = [
      edge('top', 't1', 'busToRule'),
      edge('top', 't2', 'busToRule'),
      edge('bottom', 'b1', 'busToRule'),
      edge('bottom', 'b2', 'busToRule'),
    ];
    const at = quickLayout(nodes, edges, spacing);
    const y = (id: string) => at[id]?.y ?? Number.NaN;
    expect(Math.max(y('t1'), y('t2'))).toBeLessThan(Math.min(y('b1'), y('b2')));
    const rules = ['t1', 't2', 'b1', 'b2'].map(y).sort((a, b) => a - b);
    rules.slice(1).forEach((at, i) => expect(at - (rules[i] ?? 0)).toBeGreaterThanOrEqual(40 + 20));
  });
});
