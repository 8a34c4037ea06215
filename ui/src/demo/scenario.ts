// The guided "partner outage" scenario (pure): its numbered steps, what each
// one's button does, what to look at, and the live check that it happened,
// judged from the demo's status and the partner's circuit.
import type { CircuitHistory } from '../bindings/CircuitHistory';
import type { CircuitsReport } from '../bindings/CircuitsReport';
import type { DemoStatus } from '../bindings/DemoStatus';

/** The circuit around the restaurant partner. */
export const PARTNER_CIRCUIT = 'restaurant-partner';
/** The traffic the scenario runs: enough to see, few enough to follow. */
export const SCENARIO_RATE = 5;

/** What the scenario's checks read. */
export interface ScenarioFacts {
  status: DemoStatus | null;
  circuit: CircuitHistory | null;
  /** When the presenter started the scenario (step 1's button), or null. */
  startedAtMs: number | null;
}

/** What a step's button does. */
export type StepAction = 'traffic-on' | 'partner-down' | 'show-circuits' | 'partner-healthy' | 'traffic-off';

export interface ScenarioStep {
  id: string;
  title: string;
  button: string;
  action: StepAction;
  /** Where the audience should look. */
  lookAt: string;
  /** What the live check waits for, in words. */
  expect: string;
  done: (facts: ScenarioFacts) => boolean;
}

/** When the circuit opened after the scenario started, if it did. */
function openedAt(facts: ScenarioFacts): number | null {
  const { circuit, startedAtMs } = facts;
  if (!circuit || startedAtMs === null) return null;
  const opened = circuit.transitions.find((t) => t.to === 'OPEN' && t.atMs >= startedAtMs);
  return opened ? opened.atMs : null;
}

/** When the circuit closed after opening in the scenario, if it did. */
function closedAt(facts: ScenarioFacts): number | null {
  const opened = openedAt(facts);
  if (opened === null || !facts.circuit) return null;
  const closed = facts.circuit.transitions.find((t) => t.to === 'CLOSED' && t.from === 'HALF_OPEN' && t.atMs > opened);
  return closed ? closed.atMs : null;
}

function replayCompleted(facts: ScenarioFacts): boolean {
  const closed = closedAt(facts);
  return closed !== null && !!facts.circuit?.replays.some((r) => r.closedAtMs >= closed && r.state === 'COMPLETED');
}

export const SCENARIO: readonly ScenarioStep[] = [
  {
    id: 'traffic',
    title: 'Start traffic',
    button: `Start ${SCENARIO_RATE} orders/s`,
    action: 'traffic-on',
    lookAt:
      'The graph: dots run from the bus through the rules to the order workflow and its functions; the event list fills with OrderPlaced, PaymentCharged, OrderDelivered…',
    expect: 'the traffic generator runs',
    done: (f) => f.startedAtMs !== null && (f.status?.ordersPerSec ?? 0) > 0,
  },
  {
    id: 'break',
    title: 'Break the restaurant partner',
    button: 'Partner down',
    action: 'partner-down',
    lookAt:
      'The restaurant-dispatcher: its calls to the partner fail (errors on its node), and the circuit counts the failures.',
    expect: 'the partner answers 503',
    done: (f) => f.startedAtMs !== null && f.status?.faults.partner === 'down',
  },
  {
    id: 'open',
    title: 'Watch the circuit open and requests get parked',
    button: 'Show circuits',
    action: 'show-circuits',
    lookAt:
      'The header\'s Circuits button turns red, the graph\'s circuit badge says OPEN; new restaurant requests are not sent but parked as RETRYABLE events in the parked-restaurant-requests archive.',
    expect: `${PARTNER_CIRCUIT} is OPEN`,
    done: (f) => openedAt(f) !== null,
  },
  {
    id: 'heal',
    title: 'Heal the partner',
    button: 'Partner healthy',
    action: 'partner-healthy',
    lookAt:
      'After its cool-down the circuit goes HALF-OPEN, a trial request succeeds and it closes: the timeline strip turns back to green.',
    expect: `${PARTNER_CIRCUIT} closes again`,
    done: (f) => f.status?.faults.partner === 'healthy' && closedAt(f) !== null,
  },
  {
    id: 'replay',
    title: 'Watch the replay complete and the parked orders delivered',
    button: 'Show circuits',
    action: 'show-circuits',
    lookAt:
      'The closing started a heal-restaurant-partner-… replay of the outage: its progress reaches 100 %, the replayed events carry a replay-name in the event list, and the parked orders move on to DELIVERED.',
    expect: 'the closing\'s replay is COMPLETED',
    done: replayCompleted,
  },
  {
    id: 'stop',
    title: 'Stop traffic',
    button: 'Stop traffic',
    action: 'traffic-off',
    lookAt: 'The graph calms down; every order placed during the outage ends DELIVERED.',
    expect: 'the traffic generator is paused',
    done: (f) => replayCompleted(f) && f.status?.ordersPerSec === 0,
  },
];

/** The partner's circuit in a report, if it has changed state. */
export function partnerCircuit(report: CircuitsReport | null): CircuitHistory | null {
  return report?.circuits.find((c) => c.name === PARTNER_CIRCUIT) ?? null;
}

/**
 * Which steps are done, in order, keeping those seen done before: healing the
 * partner does not undo "the partner broke".
 */
export function latchSteps(seen: readonly boolean[], facts: ScenarioFacts): boolean[] {
  return stepsDone(facts).map((done, i) => done || (seen[i] ?? false));
}

/** Which steps the facts show done now, in order. */
export function stepsDone(facts: ScenarioFacts): boolean[] {
  return SCENARIO.map((step) => step.done(facts));
}

/** The step to run next: the first one not done (the length when all are). */
export function currentStep(done: readonly boolean[]): number {
  const next = done.findIndex((d) => !d);
  return next === -1 ? done.length : next;
}
