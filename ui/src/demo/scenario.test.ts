import { describe, expect, it } from 'vitest';
import type { CircuitHistory } from '../bindings/CircuitHistory';
import type { DemoStatus } from '../bindings/DemoStatus';
import { currentStep, latchSteps, SCENARIO, stepsDone, type ScenarioFacts } from './scenario';

const T0 = 1_000_000;

function status(partner: string, ordersPerSec: number): DemoStatus {
  return { faults: { partner, notifications: 'healthy' }, ordersPerSec };
}

function circuit(transitions: [string, string, number][], replay?: { state: string; closedAtMs: number }): CircuitHistory {
  const last = transitions.at(-1);
  return {
    name: 'restaurant-partner',
    state: last?.[1] ?? 'CLOSED',
    sinceMs: last?.[2] ?? 0,
    failures: 3,
    reason: null,
    stateAtWindowStart: 'CLOSED',
    transitions: transitions.map(([from, to, atMs]) => ({ from, to, reason: null, failures: 3, atMs })),
    replays: replay
      ? [
          {
            name: 'heal-restaurant-partner-1',
            closedAtMs: replay.closedAtMs,
            state: replay.state,
            stateReason: null,
            progress: replay.state === 'COMPLETED' ? 1 : 0.5,
            description: null,
            archiveArn: null,
            eventStartMs: null,
            eventEndMs: null,
            eventLastReplayedMs: null,
            replayStartMs: null,
            replayEndMs: null,
          },
        ]
      : [],
  };
}

function progress(facts: ScenarioFacts): string[] {
  const done = stepsDone(facts);
  return SCENARIO.filter((_, i) => done[i]).map((s) => s.id);
}

describe('the partner-outage scenario', () => {
  it('checks nothing before it is started', () => {
    const facts = { status: status('down', 5), circuit: circuit([['CLOSED', 'OPEN', T0 - 10]]), startedAtMs: null };
    expect(progress(facts)).toEqual([]);
    expect(currentStep(stepsDone(facts))).toBe(0);
  });

  it('ticks each step off as the demo and the circuit show it happened', () => {
    const open: [string, string, number][] = [['CLOSED', 'OPEN', T0 + 5_000]];
    const healed: [string, string, number][] = [
      ...open,
      ['OPEN', 'HALF_OPEN', T0 + 20_000],
      ['HALF_OPEN', 'CLOSED', T0 + 21_000],
    ];
    const at = (s: DemoStatus | null, c: CircuitHistory | null) => progress({ status: s, circuit: c, startedAtMs: T0 });
    expect(at(status('healthy', 5), null)).toEqual(['traffic']);
    expect(at(status('down', 5), null)).toEqual(['traffic', 'break']);
    expect(at(status('down', 5), circuit(open))).toEqual(['traffic', 'break', 'open']);
    // Healed but not yet closed: the heal step waits for the closing.
    expect(at(status('healthy', 5), circuit(open))).toEqual(['traffic', 'open']);
    expect(at(status('healthy', 5), circuit(healed))).toEqual(['traffic', 'open', 'heal']);
    expect(at(status('healthy', 5), circuit(healed, { state: 'RUNNING', closedAtMs: T0 + 21_000 }))).toEqual([
      'traffic',
      'open',
      'heal',
    ]);
    expect(at(status('healthy', 5), circuit(healed, { state: 'COMPLETED', closedAtMs: T0 + 21_000 }))).toEqual([
      'traffic',
      'open',
      'heal',
      'replay',
    ]);
    const all = at(status('healthy', 0), circuit(healed, { state: 'COMPLETED', closedAtMs: T0 + 21_000 }));
    expect(all).toEqual(['open', 'heal', 'replay', 'stop']);
  });

  it('ignores an outage from before the scenario started', () => {
    const old = circuit([
      ['CLOSED', 'OPEN', T0 - 50_000],
      ['OPEN', 'HALF_OPEN', T0 - 40_000],
      ['HALF_OPEN', 'CLOSED', T0 - 39_000],
    ]);
    expect(progress({ status: status('healthy', 5), circuit: old, startedAtMs: T0 })).toEqual(['traffic']);
  });

  it('keeps a step done once seen, so healing does not undo the break', () => {
    const broke = latchSteps([], { status: status('down', 5), circuit: null, startedAtMs: T0 });
    expect(broke.slice(0, 2)).toEqual([true, true]);
    const healed = latchSteps(broke, { status: status('healthy', 5), circuit: null, startedAtMs: T0 });
    expect(healed.slice(0, 2)).toEqual([true, true]);
    expect(currentStep(healed)).toBe(2);
  });
});
