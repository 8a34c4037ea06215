import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { CircuitsReport } from '../bindings/CircuitsReport';
import type { DemoOrderUpdate } from '../bindings/DemoOrderUpdate';
import type { DemoStatus } from '../bindings/DemoStatus';
import { CircuitsButton } from '../circuits/CircuitsButton';
import { resetCircuits } from '../circuits/store';
import { DemoButton } from './DemoButton';
import { DemoDrawer } from './DemoDrawer';
import { resetDemo } from './store';

// The Tauri bridge, faked as in DeadLetters.test.tsx: commands answer from
// `tauri.commands`, and `emit` plays the Rust side pushing an event.
const tauri = vi.hoisted(() => {
  type Handler = (event: { event: string; id: number; payload: unknown }) => void;
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    commands: new Map<string, (args?: unknown) => Promise<unknown>>(),
    invoke: vi.fn(),
    emit(name: string, payload: unknown) {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`nothing listens to ${name}`);
      handler({ event: name, id: 1, payload });
    },
  };
});

vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));
vi.mock('@tauri-apps/api/event', () => ({
  listen: (name: string, handler: Parameters<typeof tauri.handlers.set>[1]) => {
    tauri.handlers.set(name, handler);
    return Promise.resolve(() => tauri.handlers.delete(name));
  },
}));

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- Tauri rejects with a plain AppError
  return Promise.reject(error);
}

const NOW = new Date('2026-11-22T15:00:00').getTime();
let status: DemoStatus;

function circuits(transitions: [string, string, number][], replayState?: string): CircuitsReport {
  const last = transitions.at(-1);
  const closing = transitions.find(([, to]) => to === 'CLOSED');
  return {
    atMs: Date.now(),
    windowStartMs: Date.now() - 3 * 3_600_000,
    circuits: [
      {
        name: 'restaurant-partner',
        state: last?.[1] ?? 'CLOSED',
        sinceMs: last?.[2] ?? 0,
        failures: 3,
        reason: 'partner answered 503',
        stateAtWindowStart: 'CLOSED',
        transitions: transitions.map(([from, to, atMs]) => ({ from, to, reason: null, failures: 3, atMs })),
        replays:
          replayState && closing
            ? [
                {
                  name: 'heal-restaurant-partner-1',
                  closedAtMs: closing[2],
                  state: replayState,
                  stateReason: null,
                  progress: replayState === 'COMPLETED' ? 1 : 0.3,
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
      },
    ],
    replaysError: null,
  };
}

beforeEach(() => {
  resetDemo();
  resetCircuits();
  tauri.handlers.clear();
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  status = { faults: { partner: 'healthy', notifications: 'healthy' }, ordersPerSec: 0 };
  answer('connection_info', { mode: 'local', region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4599', profile: null });
  tauri.commands.set('demo_status', () => Promise.resolve(status));
  tauri.commands.set('set_demo_faults', (args) => {
    const { partner, notifications } = args as { partner: string | null; notifications: string | null };
    status = {
      ...status,
      faults: { partner: partner ?? status.faults.partner, notifications: notifications ?? status.faults.notifications },
    };
    return Promise.resolve(status.faults);
  });
  tauri.commands.set('set_demo_traffic', (args) => {
    status = { ...status, ordersPerSec: (args as { ordersPerSec: number }).ordersPerSec };
    return Promise.resolve(status.ordersPerSec);
  });
  answer('get_circuits', { atMs: NOW, windowStartMs: NOW - 3 * 3_600_000, circuits: [], replaysError: null });
  answer('demo_restaurants', [
    { id: 'r-pizza', name: 'Pizzeria Napoli', cuisine: 'Italian' },
    { id: 'r-curry', name: 'Curry House', cuisine: 'Indian' },
  ]);
  tauri.commands.set('demo_menu', (args) =>
    Promise.resolve(
      (args as { restaurantId: string }).restaurantId === 'r-pizza'
        ? [
            { id: 'm-margherita', name: 'Margherita', priceCents: 900 },
            { id: 'm-diavola', name: 'Diavola', priceCents: 1100 },
          ]
        : [{ id: 'm-garlic-naan', name: 'Garlic naan', priceCents: 350 }],
    ),
  );
  answer('place_demo_order', {
    id: 'o-1',
    customer: 'Ada',
    restaurantId: 'r-pizza',
    totalCents: 3100,
    status: 'PLACED',
    placedAt: '2026-11-22T15:00:00Z',
  });
  answer('watch_demo_order', null);
  answer('unwatch_demo_order', null);
});

afterEach(() => {
  vi.useRealTimers();
});

async function openDrawer() {
  render(
    <>
      <CircuitsButton />
      <DemoButton />
      <DemoDrawer />
    </>,
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Demo' }));
  const drawer = screen.getByRole('dialog', { name: 'Demo' });
  await waitFor(() => expect(within(drawer).getByTestId('partner-mode')).toHaveTextContent('healthy'));
  return drawer;
}

function update(over: Partial<DemoOrderUpdate>): DemoOrderUpdate {
  return { orderId: 'o-1', status: null, previous: null, eventType: null, at: null, ended: false, error: null, ...over };
}

describe('the demo button', () => {
  it('is there in local mode only', async () => {
    answer('connection_info', { mode: 'aws', region: 'eu-west-1', endpointUrl: null, profile: 'prod' });
    const { unmount } = render(<DemoButton />);
    await act(() => Promise.resolve());
    expect(screen.queryByRole('button', { name: 'Demo' })).not.toBeInTheDocument();
    unmount();
    answer('connection_info', { mode: 'local', region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', profile: null });
    render(<DemoButton />);
    expect(await screen.findByRole('button', { name: 'Demo' })).toBeInTheDocument();
  });
});

describe('the fault switches', () => {
  it('show the mode in force and switch the partner and the notification provider', async () => {
    const drawer = await openDrawer();
    const partner = within(drawer).getByRole('group', { name: 'Restaurant partner' });
    expect(within(partner).getByRole('button', { name: 'healthy' })).toHaveAttribute('aria-pressed', 'true');

    fireEvent.click(within(partner).getByRole('button', { name: 'down' }));
    await waitFor(() => expect(within(drawer).getByTestId('partner-mode')).toHaveTextContent('down'));
    expect(tauri.invoke).toHaveBeenCalledWith('set_demo_faults', { partner: 'down', notifications: null });
    expect(within(partner).getByRole('button', { name: 'down' })).toHaveAttribute('aria-pressed', 'true');

    fireEvent.change(within(partner).getByLabelText('Flaky: percentage of requests that fail'), { target: { value: '40' } });
    fireEvent.click(within(partner).getByRole('button', { name: 'flaky' }));
    await waitFor(() => expect(within(drawer).getByTestId('partner-mode')).toHaveTextContent('flaky=40'));
    expect(tauri.invoke).toHaveBeenCalledWith('set_demo_faults', { partner: 'flaky=40', notifications: null });

    const notifications = within(drawer).getByRole('group', { name: 'Notification provider' });
    fireEvent.click(within(notifications).getByRole('button', { name: 'down' }));
    await waitFor(() => expect(within(drawer).getByTestId('notifications-mode')).toHaveTextContent('down'));
    expect(tauri.invoke).toHaveBeenCalledWith('set_demo_faults', { partner: null, notifications: 'down' });
  });

  it('say why a switch was refused', async () => {
    const drawer = await openDrawer();
    tauri.commands.set('set_demo_faults', () => rejectWith({ message: 'Demo controls work in local mode only', code: null }));
    fireEvent.click(within(within(drawer).getByRole('group', { name: 'Restaurant partner' })).getByRole('button', { name: 'slow' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent('Demo controls work in local mode only');
    expect(within(drawer).getByTestId('partner-mode')).toHaveTextContent('healthy');
  });
});

describe('the traffic rate', () => {
  it('sets orders per second from the number or the slider', async () => {
    const drawer = await openDrawer();
    expect(within(drawer).getByTestId('traffic-now')).toHaveTextContent('Paused');
    fireEvent.change(within(drawer).getByLabelText('Orders per second'), { target: { value: '7' } });
    await waitFor(() => expect(within(drawer).getByTestId('traffic-now')).toHaveTextContent('Placing 7 orders a second'));
    expect(tauri.invoke).toHaveBeenCalledWith('set_demo_traffic', { ordersPerSec: 7 });
    fireEvent.change(within(drawer).getByLabelText('Traffic rate slider'), { target: { value: '2.5' } });
    await waitFor(() => expect(tauri.invoke).toHaveBeenCalledWith('set_demo_traffic', { ordersPerSec: 2.5 }));
    expect(within(drawer).getByLabelText('Orders per second')).toHaveValue(2.5);
  });
});

describe('the order panel', () => {
  it('places an order from the menu, follows its subscription live and cancels it', async () => {
    const drawer = await openDrawer();
    const menu = await within(drawer).findByRole('list', { name: 'Menu' });
    await within(menu).findByText('Diavola');
    expect(within(menu).getByLabelText('Quantity of Margherita')).toHaveValue(1);
    fireEvent.change(within(menu).getByLabelText('Quantity of Diavola'), { target: { value: '2' } });
    expect(within(drawer).getByText('Total €31.00')).toBeInTheDocument();
    fireEvent.click(within(drawer).getByRole('button', { name: 'Place order' }));

    const order = await within(drawer).findByTestId('watched-order');
    expect(tauri.invoke).toHaveBeenCalledWith('place_demo_order', {
      customer: 'Ada',
      restaurantId: 'r-pizza',
      items: [
        { menuItemId: 'm-margherita', quantity: 1 },
        { menuItemId: 'm-diavola', quantity: 2 },
      ],
    });
    await waitFor(() => expect(tauri.invoke).toHaveBeenCalledWith('watch_demo_order', { orderId: 'o-1' }));
    expect(within(order).getByTestId('order-status')).toHaveTextContent('PLACED');

    act(() => tauri.emit('demo-order-update', update({ status: 'PLACED', eventType: 'OrderPlaced' })));
    act(() => tauri.emit('demo-order-update', update({ status: 'PAYMENT_CHARGED', previous: 'PLACED', eventType: 'PaymentCharged', at: '1' })));
    // Another order's update is not this one's.
    act(() => tauri.emit('demo-order-update', update({ orderId: 'o-2', status: 'DELIVERED' })));
    expect(within(order).getByTestId('order-status')).toHaveTextContent('PAYMENT_CHARGED');
    const updates = within(order).getByRole('list', { name: 'Status updates' });
    expect(within(updates).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'PLACED OrderPlaced',
      'PAYMENT_CHARGED PaymentCharged',
    ]);

    answer('cancel_demo_order', {
      id: 'o-1',
      customer: 'Ada',
      restaurantId: 'r-pizza',
      totalCents: 3100,
      status: 'CANCELLED',
      placedAt: '2026-11-22T15:00:00Z',
    });
    fireEvent.click(within(order).getByRole('button', { name: 'Cancel order' }));
    await waitFor(() => expect(tauri.invoke).toHaveBeenCalledWith('cancel_demo_order', { orderId: 'o-1' }));
    act(() => tauri.emit('demo-order-update', update({ status: 'CANCELLED', previous: 'PAYMENT_CHARGED', eventType: 'OrderCancelled', at: '2' })));
    act(() => tauri.emit('demo-order-update', update({ ended: true })));
    expect(within(order).getByTestId('order-status')).toHaveTextContent('CANCELLED');
    expect(within(order).getByRole('button', { name: 'Cancel order' })).toBeDisabled();
    expect(within(order).getByText('The subscription ended with the order.')).toBeInTheDocument();
  });

  it('loads the menu of the restaurant picked and says why an order is refused', async () => {
    const drawer = await openDrawer();
    fireEvent.change(await within(drawer).findByLabelText('Restaurant'), { target: { value: 'r-curry' } });
    const menu = within(drawer).getByRole('list', { name: 'Menu' });
    await within(menu).findByText('Garlic naan');
    tauri.commands.set('place_demo_order', () => rejectWith({ message: 'unknown restaurant r-curry', code: null }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Place order' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent('unknown restaurant r-curry');
    expect(tauri.invoke).toHaveBeenCalledWith('place_demo_order', {
      customer: 'Ada',
      restaurantId: 'r-curry',
      items: [{ menuItemId: 'm-garlic-naan', quantity: 1 }],
    });
  });
});

describe('the partner-outage scenario', () => {
  it('runs each step from its button and checks it off live', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    const drawer = await openDrawer();
    const step = (id: string) => drawer.querySelector<HTMLElement>(`[data-step="${id}"]`)!;
    const poll = () => act(() => vi.advanceTimersByTimeAsync(2_100));
    expect(step('traffic').dataset.state).toBe('current');
    expect(within(step('break')).getByRole('button', { name: 'Partner down' })).toBeDisabled();

    fireEvent.click(within(step('traffic')).getByRole('button', { name: 'Start 5 orders/s' }));
    await waitFor(() => expect(step('traffic').dataset.state).toBe('done'));
    expect(tauri.invoke).toHaveBeenCalledWith('set_demo_traffic', { ordersPerSec: 5 });
    expect(within(step('traffic')).getByTestId('check-traffic')).toHaveTextContent('✓ Seen: the traffic generator runs');

    fireEvent.click(within(step('break')).getByRole('button', { name: 'Partner down' }));
    await waitFor(() => expect(step('break').dataset.state).toBe('done'));
    expect(step('open').dataset.state).toBe('current');
    expect(within(step('open')).getByTestId('check-open')).toHaveTextContent('Waiting for: restaurant-partner is OPEN');

    answer('get_circuits', circuits([['CLOSED', 'OPEN', NOW + 3_000]]));
    await poll();
    expect(step('open').dataset.state).toBe('done');
    fireEvent.click(within(step('open')).getByRole('button', { name: 'Show circuits' }));
    expect(document.getElementById('circuits-button')).toHaveAttribute('aria-expanded', 'true');

    fireEvent.click(within(step('heal')).getByRole('button', { name: 'Partner healthy' }));
    await waitFor(() => expect(within(drawer).getByTestId('partner-mode')).toHaveTextContent('healthy'));
    expect(step('heal').dataset.state).toBe('current');
    const healed: [string, string, number][] = [
      ['CLOSED', 'OPEN', NOW + 3_000],
      ['OPEN', 'HALF_OPEN', NOW + 9_000],
      ['HALF_OPEN', 'CLOSED', NOW + 10_000],
    ];
    answer('get_circuits', circuits(healed, 'RUNNING'));
    await poll();
    expect(step('heal').dataset.state).toBe('done');
    expect(step('replay').dataset.state).toBe('current');
    answer('get_circuits', circuits(healed, 'COMPLETED'));
    await poll();
    expect(step('replay').dataset.state).toBe('done');

    fireEvent.click(within(step('stop')).getByRole('button', { name: 'Stop traffic' }));
    await waitFor(() => expect(step('stop').dataset.state).toBe('done'));
    expect(within(drawer).getByTestId('scenario-clock')).toHaveTextContent(/^Done in \d+ s/);
  });
});

