// Benchmark of the live graph at 1,000 events/s: `npx vite-node src/test/liveBench.ts`.
// Simulates 20 s of pushes (one every 400 ms, as in local mode, each with
// 400 hops and a full counter snapshot) into the live controller driving
// the real renderer (headless Cytoscape: data and class updates, style
// included), with a frame every 16.7 ms, and reports the main-thread cost
// per frame against the 16.7 ms budget. Dot positions are computed along a
// polyline per dot, as the canvas layer does; the canvas fill itself (at
// most MAX_DOTS arcs) is not measured, as Node has no canvas.
import { performance } from 'node:perf_hooks';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { Topology } from '../bindings/Topology';
import { MAX_DOTS } from '../graph/activity';
import { createLiveController, type FrameClock } from '../graph/live';
import { pointAlong } from '../graph/liveLayer';
import { createRenderer } from '../graph/renderer';
import { edge, node } from './fixtures';

const EVENTS_PER_SEC = 1_000;
const POLL_MS = 400;
const FRAME_MS = 1000 / 60;
const SECONDS = 20;

/** A graph the size of a real system: 3 buses, 18 rules, 36 targets, 6 DLQs. */
function bigTopology(): Topology {
  const topology: Topology = { nodes: [], edges: [] };
  for (let b = 0; b < 3; b++) {
    topology.nodes.push(node({ id: `bus${b}`, kind: 'bus', label: `bus-${b}` }));
    topology.nodes.push(node({ id: `dlq${b}`, kind: 'target', label: `dlq-${b}`, targetKind: 'queue' }));
    topology.nodes.push(node({ id: `dlqb${b}`, kind: 'target', label: `dlq-b-${b}`, targetKind: 'queue' }));
    for (let r = 0; r < 6; r++) {
      const rule = `rule${b}.${r}`;
      topology.nodes.push(node({ id: rule, kind: 'rule', label: `rule-${b}-${r}` }));
      topology.edges.push(edge({ id: `bus${b} -> ${rule}`, source: `bus${b}`, target: rule, kind: 'busToRule' }));
      for (let t = 0; t < 2; t++) {
        const target = `fn${b}.${r}.${t}`;
        topology.nodes.push(node({ id: target, kind: 'target', label: `function-${b}-${r}-${t}`, targetKind: 'function' }));
        topology.edges.push(edge({ id: `${rule} -> ${target}`, source: rule, target, kind: 'ruleToTarget' }));
        const dlq = t === 0 ? `dlq${b}` : `dlqb${b}`;
        topology.edges.push(edge({ id: `${target} -> ${dlq}`, source: target, target: dlq, kind: 'deadLetter' }));
      }
    }
  }
  return topology;
}

function batchAt(nowMs: number, topology: Topology): ActivityBatch {
  const routes = topology.edges.filter((e) => e.kind === 'ruleToTarget');
  const hops = Array.from({ length: (EVENTS_PER_SEC * POLL_MS) / 1000 }, (_, i) => {
    const route = routes[i % routes.length]!;
    const bus = route.source.replace(/^rule(\d+)\..*$/, 'bus$1');
    return {
      eventId: `ev-${nowMs}-${i}`,
      busArn: bus,
      ruleArn: route.source,
      targetArn: route.target,
      outcome: i % 50 === 0 ? ('retrying' as const) : ('delivered' as const),
      atMs: nowMs - POLL_MS + i,
      edges: [`${bus} -> ${route.source}`, route.id],
    };
  });
  return {
    atMs: nowMs,
    hops,
    hopsOmitted: 0,
    edges: topology.edges
      .filter((e) => e.kind !== 'deadLetter')
      .map((e) => ({ id: e.id, perSecond: 20 + ((nowMs / POLL_MS) % 7), count: 200 })),
    nodes: topology.nodes
      .filter((n) => n.targetKind === 'function')
      .slice(0, 12)
      .map((n, i) => ({ id: n.id, errors: (nowMs / POLL_MS + i) % 4, retriesInFlight: i % 3, dlqDepth: null })),
    circuits: [],
  };
}

const topology = bigTopology();
const renderer = createRenderer(null, { onSelect: () => {}, onLayoutDone: () => {} });
renderer.update(topology);
const path = [
  { x: 0, y: 0 },
  { x: 120, y: 0 },
  { x: 120, y: 80 },
  { x: 260, y: 80 },
];
let time = 0;
const clock: FrameClock = { now: () => time, requestFrame: () => 0, cancelFrame: () => {} };
let positions = 0;
const live = createLiveController(
  {
    applyActivity: (view) => renderer.applyActivity(view),
    drawDots: (dots) => {
      for (const dot of dots) {
        pointAlong(path, dot.t);
        positions++;
      }
    },
  },
  clock,
);
live.setTopology(topology);

const frameCosts: number[] = [];
const pushFrameCosts: number[] = [];
let nextPush = 0;
let mostDots = 0;
for (time = 0; time < SECONDS * 1000; time += FRAME_MS) {
  const start = performance.now();
  // The push arrives on the main thread too: its cost counts in its frame.
  const pushed = time >= nextPush;
  if (pushed) {
    live.push(batchAt(nextPush, topology));
    nextPush += POLL_MS;
  }
  live.frame();
  frameCosts.push(performance.now() - start);
  if (pushed && time >= 1000) pushFrameCosts.push(performance.now() - start);
  mostDots = Math.max(mostDots, live.dots.active.length);
}

// The first second warms up the JIT.
const measured = frameCosts.slice(60).sort((a, b) => a - b);
const pct = (p: number) => measured[Math.min(measured.length - 1, Math.floor(p * measured.length))]!;
const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
const budget = 1000 / 60;
console.log(`live view, ${EVENTS_PER_SEC} events/s, ${topology.nodes.length} nodes, ${topology.edges.length} edges`);
console.log(`frames: ${measured.length}, dots at once: at most ${mostDots} (cap ${MAX_DOTS}), positions computed: ${positions}`);
console.log(`hops received: ${live.dots.received}, animated: ${live.dots.received - live.dots.dropped}, dropped: ${live.dots.dropped}`);
console.log(
  `per-frame cost (ms): mean ${mean.toFixed(3)}, p50 ${pct(0.5).toFixed(3)}, p95 ${pct(0.95).toFixed(3)}, p99 ${pct(0.99).toFixed(3)}, max ${pct(1).toFixed(3)} — budget ${budget.toFixed(1)} ms`,
);
pushFrameCosts.sort((a, b) => a - b);
const median = pushFrameCosts[Math.floor(pushFrameCosts.length / 2)]!;
console.log(`frames with a push (counters applied): ${pushFrameCosts.length}, median ${median.toFixed(3)} ms, max ${pushFrameCosts.at(-1)!.toFixed(3)} ms`);
console.log(`frames over budget: ${measured.filter((c) => c > budget).length}`);
renderer.destroy();
