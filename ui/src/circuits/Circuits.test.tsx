import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { CircuitsReport } from '../bindings/CircuitsReport';
import { CircuitsButton } from './CircuitsButton';
import { CircuitsPanel } from './CircuitsPanel';
import { openCircuits, resetCircuits } from './store';
import { TIMELINE_WINDOW_MS } from './timeline';

// The Tauri bridge, faked as in DeadLetters.test.tsx: commands answer from `tauri.commands`.
const tauri = vi.hoisted(() => ({
  commands: new Map<string, (args?: unknown) => Promise<unknown>>(),
  invoke: vi.fn(),
}));

vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- Tauri rejects with a plain AppError
  return Promise.reject(error);
}

const NOW = new Date('2026-11-22T15:00:00').getTime();

function report(over: Partial<CircuitsReport> = {}): CircuitsReport {
  return {
    atMs: NOW,
    windowStartMs: NOW - TIMELINE_WINDOW_MS,
    circuits: [
      {
        name: 'restaurant-partner',
        state: 'OPEN',
        sinceMs: NOW - 65_000,
        failures: 3,
        reason: '3 failures within 30 s: partner answered 503',
        stateAtWindowStart: 'CLOSED',
        transitions: [
          { from: 'CLOSED', to: 'OPEN', reason: '3 failures within 30 s: partner answered 503', failures: 3, atMs: NOW - 65_000 },
        ],
        replays: [],
      },
      {
        name: 'payments',
        state: 'CLOSED',
        sinceMs: NOW - 3_600_000,
        failures: 0,
        reason: 'trial succeeded',
        stateAtWindowStart: 'CLOSED',
        transitions: [
          { from: 'CLOSED', to: 'OPEN', reason: 'down', failures: 3, atMs: NOW - 7_200_000 },
          { from: 'OPEN', to: 'HALF_OPEN', reason: 'cool-down over', failures: 3, atMs: NOW - 5_400_000 },
          { from: 'HALF_OPEN', to: 'CLOSED', reason: 'trial succeeded', failures: 0, atMs: NOW - 3_600_000 },
        ],
        replays: [
          {
            name: 'heal-payments-1795000000',
            closedAtMs: NOW - 3_600_000,
            state: 'RUNNING',
            stateReason: null,
            progress: 0.4,
            description: 'Heals the outage of circuit payments (payments:transition:3)',
            archiveArn: 'arn:aws:events:us-east-1:000000000000:archive/parked',
            eventStartMs: NOW - 7_201_000,
            eventEndMs: NOW - 3_600_000,
            eventLastReplayedMs: NOW - 6_000_000,
            replayStartMs: NOW - 3_600_000,
            replayEndMs: null,
          },
        ],
      },
    ],
    replaysError: null,
    ...over,
  };
}

beforeEach(() => {
  resetCircuits();
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(NOW);
  answer('get_circuits', report());
});

afterEach(() => {
  vi.useRealTimers();
});

async function openPanel() {
  render(
    <>
      <CircuitsButton />
      <CircuitsPanel />
    </>,
  );
  const button = await screen.findByRole('button', { name: 'Circuits, 1 open' });
  fireEvent.click(button);
  return screen.getByRole('dialog', { name: 'Circuits' });
}

describe('the circuits button', () => {
  it('shows the open circuits in red, and asks for three hours', async () => {
    render(<CircuitsButton />);
    const button = await screen.findByRole('button', { name: 'Circuits, 1 open' });
    expect(button).toHaveClass('circuits-button--open');
    expect(within(button).getByText('1 open')).toHaveClass('circuits-button__open');
    expect(tauri.invoke).toHaveBeenCalledWith('get_circuits', { windowMs: TIMELINE_WINDOW_MS });
  });

  it('is plain when every circuit is closed', async () => {
    answer('get_circuits', report({ circuits: report().circuits.slice(1) }));
    render(<CircuitsButton />);
    await act(() => Promise.resolve());
    const button = screen.getByRole('button', { name: 'Circuits' });
    expect(button).not.toHaveClass('circuits-button--open');
    expect(button).toHaveAttribute('title', '1 circuit, 0 open');
  });
});

describe('the circuits panel', () => {
  it('lists open circuits first with state, failures and reason', async () => {
    const panel = await openPanel();
    const cards = await within(panel).findAllByRole('listitem', { name: '' });
    const circuits = cards.filter((card) => card.dataset.circuit).map((card) => card.dataset.circuit);
    expect(circuits).toEqual(['restaurant-partner', 'payments']);
    const partner = panel.querySelector<HTMLElement>('[data-circuit="restaurant-partner"]')!;
    expect(within(partner).getByText('OPEN')).toHaveClass('circuit-state--open');
    expect(within(partner).getByText('3')).toBeInTheDocument();
    expect(within(partner).getAllByText('3 failures within 30 s: partner answered 503')).toHaveLength(1);
  });

  it('ticks the time in state every second', async () => {
    const panel = await openPanel();
    const partner = panel.querySelector<HTMLElement>('[data-circuit="restaurant-partner"]')!;
    expect(within(partner).getByTestId('time-in-state')).toHaveTextContent('for 1 min 05 s');
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(within(partner).getByTestId('time-in-state')).toHaveTextContent('for 1 min 07 s');
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(within(partner).getByTestId('time-in-state')).toHaveTextContent('for 2 min 07 s');
  });

  it('draws from shortly before the earliest transition as coloured segments that name their transition on hover', async () => {
    const panel = await openPanel();
    const payments = panel.querySelector<HTMLElement>('[data-circuit="payments"]')!;
    // The earliest transition was 2 h ago: the strip spans 2 h 15 min, for both circuits.
    const strip = within(payments).getByRole('list', { name: 'payments: 3 transitions in the last 2 h 15 min' });
    expect(within(payments).getByTestId('window-start')).toHaveTextContent('2 h 15 min ago');
    const segments = within(strip).getAllByRole('listitem');
    expect(segments.map((s) => s.dataset.state)).toEqual(['CLOSED', 'OPEN', 'HALF_OPEN', 'CLOSED']);
    expect(segments[1]).toHaveClass('circuit-timeline__segment--open');
    expect(parseFloat(segments[1]!.style.left)).toBeCloseTo((15 / 135) * 100);
    expect(parseFloat(segments[1]!.style.width)).toBeCloseTo((30 / 135) * 100);
    expect(segments[1]).toHaveAttribute('title', expect.stringContaining('CLOSED → OPEN at 13:00:00: down (3 failures)'));
    expect(segments[3]).toHaveAttribute('title', expect.stringContaining('HALF-OPEN → CLOSED at 14:00:00: trial succeeded'));
  });

  it('fits the strip to a short history, so a 12 s outage a minute ago is plainly visible', async () => {
    const partner = report().circuits[0]!;
    answer(
      'get_circuits',
      report({
        circuits: [
          {
            ...partner,
            state: 'CLOSED',
            sinceMs: NOW - 48_000,
            transitions: [
              { from: 'CLOSED', to: 'OPEN', reason: 'partner answered 503', failures: 3, atMs: NOW - 60_000 },
              { from: 'OPEN', to: 'CLOSED', reason: 'trial succeeded', failures: 0, atMs: NOW - 48_000 },
            ],
          },
        ],
      }),
    );
    render(<CircuitsPanel />);
    act(() => openCircuits());
    const card = await screen.findByText('restaurant-partner');
    const strip = screen.getByRole('list', { name: 'restaurant-partner: 2 transitions in the last 10 min' });
    expect(screen.getByTestId('window-start')).toHaveTextContent('10 min ago');
    expect(card).toBeInTheDocument();
    const [before, outage, after] = within(strip).getAllByRole('listitem');
    // 12 s of 10 min: 2 % of the strip (about 10 px in the panel), not 0.1 % as in 3 h.
    expect(outage).toHaveAttribute('data-state', 'OPEN');
    expect(parseFloat(outage!.style.width)).toBeCloseTo(2);
    expect(parseFloat(outage!.style.left)).toBeCloseTo(90);
    expect(parseFloat(before!.style.width)).toBeCloseTo(90);
    // The last segment ends at now: held to the right edge, so widened to its minimum it stays inside the strip.
    expect(after!.style.right).toMatch(/^0(px)?$/);
    expect(after!.style.left).toBe('');
  });

  it('shows the replays closings started, with state and progress', async () => {
    const panel = await openPanel();
    const replay = panel.querySelector<HTMLElement>('[data-replay="heal-payments-1795000000"]')!;
    expect(within(replay).getByText('RUNNING')).toBeInTheDocument();
    expect(within(replay).getByRole('progressbar', { name: 'heal-payments-1795000000 progress' })).toHaveAttribute('value', '40');
    expect(within(replay).getByText('40%')).toBeInTheDocument();
    expect(within(replay).getByText('closed at 14:00:00')).toBeInTheDocument();

    const done = report();
    done.circuits[1]!.replays[0] = { ...done.circuits[1]!.replays[0]!, state: 'COMPLETED', progress: 1 };
    answer('get_circuits', done);
    await act(() => vi.advanceTimersByTimeAsync(2_100));
    const updated = panel.querySelector<HTMLElement>('[data-replay="heal-payments-1795000000"]')!;
    expect(within(updated).getByText('COMPLETED')).toHaveClass('circuit-replay__state--completed');
    expect(within(updated).getByText('100%')).toBeInTheDocument();
  });

  it('says why the circuits cannot be read, in words', async () => {
    tauri.commands.set('get_circuits', () =>
      rejectWith({ message: 'FilterLogEvents: Rate exceeded', code: 'ThrottlingException' }),
    );
    render(
      <>
        <CircuitsButton />
        <CircuitsPanel />
      </>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Circuits' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not read the circuits: FilterLogEvents: Rate exceeded');
  });

  it('still shows the circuits when the replays cannot be read', async () => {
    const noReplays = report({ replaysError: 'ListReplays failed: AccessDeniedException: not authorized' });
    noReplays.circuits[1]!.replays = [];
    answer('get_circuits', noReplays);
    const panel = await openPanel();
    expect(within(panel).getByRole('status')).toHaveTextContent(
      'The replays closings started could not be read: ListReplays failed: AccessDeniedException: not authorized',
    );
    expect(panel.querySelector('[data-circuit="payments"]')).not.toBeNull();
  });

  it('closes on Escape and gives focus back to the button', async () => {
    const panel = await openPanel();
    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Circuits' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Circuits, 1 open' })).toHaveFocus();
  });
});
