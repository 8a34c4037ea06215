import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { BusEvent } from '../bindings/BusEvent';
import type { PatternTest } from '../bindings/PatternTest';
import type { RuleMatch } from '../bindings/RuleMatch';
import { busEvent } from '../test/fixtures';
import { EventList } from './EventList';
import { facetsOf, filterEvents, NO_FILTERS } from './filters';
import { mergeEvents } from './merge';
import { FALLBACK_VIEWPORT } from './VirtualList';

// The Tauri bridge, faked: commands answer from `commands`.
const tauri = vi.hoisted(() => ({
  invoke: vi.fn(),
  commands: new Map<string, (args: Record<string, unknown>) => Promise<unknown>>(),
}));
vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));

function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

beforeEach(() => {
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args: Record<string, unknown> = {}) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  tauri.commands.set('get_trace', () => Promise.resolve({ eventId: 'x', hops: [], complete: true }));
});

/** check_pattern accepts anything that parses; match_events tests detail-type only. */
function fakePatterns() {
  tauri.commands.set('check_pattern', ({ pattern }) => {
    try {
      JSON.parse(pattern as string);
      return Promise.resolve(null);
    } catch {
      return rejectWith({
        message: 'Event pattern is not valid. Reason: Unexpected end-of-input',
        code: 'InvalidEventPatternException',
      });
    }
  });
  tauri.commands.set('match_events', ({ pattern, events }) => {
    const wanted = (JSON.parse(pattern as string) as { 'detail-type': string[] })['detail-type'];
    return Promise.resolve((events as Record<string, unknown>[]).map((e) => wanted.includes(e['detail-type'] as string)));
  });
}

const TYPES = ['OrderPlaced', 'PaymentTaken', 'CourierAssigned', 'OrderDelivered'];
const BUSES = ['orders', 'payments', 'delivery'];

/** `count` events, newest first, spread over buses, sources and types. */
function manyEvents(count: number, newestMs = Date.now()): BusEvent[] {
  return Array.from({ length: count }, (_, i) =>
    busEvent(`ev-${i}`, newestMs - i * 10, {
      busName: BUSES[i % BUSES.length]!,
      source: `shop.${BUSES[i % BUSES.length]!}`,
      detailType: TYPES[i % TYPES.length]!,
      detail: { metadata: { correlationId: `o-${i % 5000}` }, data: { total: i % 300 } },
    }),
  );
}

const rows = () => screen.queryAllByTestId('event-row');
const rowIds = () => rows().map((row) => row.dataset.eventId);
const list = () => screen.getByRole('list', { name: 'Events, newest first' });
/** The box that scrolls, around the list. */
const scroller = () => list().parentElement!;

function show(events: readonly BusEvent[]) {
  return render(<EventList events={events} loading={false} error={null} />);
}

describe('the event explorer', () => {
  it('renders 100,000 events as a window of rows, and scrolls through them', () => {
    const events = manyEvents(100_000);
    show(events);
    expect(screen.getByRole('heading', { name: 'Events 100000' })).toBeInTheDocument();
    expect(scroller()).toHaveAttribute('data-total-rows', '100000');
    const first = rows().length;
    expect(first).toBeGreaterThan(5);
    expect(first).toBeLessThan(40);
    expect(rowIds()[0]).toBe('ev-0');
    // The rest of the list is space, not rows: 86 px a row until measured.
    expect(list().style.paddingBottom).toBe(`${(100_000 - first) * 86}px`);

    act(() => {
      scroller().scrollTop = 50_000 * 86;
      fireEvent.scroll(scroller());
    });
    const ids = rowIds();
    expect(ids.length).toBeLessThan(40);
    expect(ids).toContain('ev-50000');
    expect(ids).not.toContain('ev-0');
    expect(ids.length).toBeGreaterThan(FALLBACK_VIEWPORT / 86);
  });

  it('keeps the row being read in place when new events come in above it', () => {
    const events = manyEvents(1_000, 1_000_000);
    const view = show(events);
    act(() => {
      scroller().scrollTop = 100 * 86;
      fireEvent.scroll(scroller());
    });
    const incoming = [busEvent('new-1', 2_000_000), busEvent('new-2', 2_000_001)];
    view.rerender(<EventList events={mergeEvents(events, incoming)} loading={false} error={null} />);
    expect(scroller().scrollTop).toBe(102 * 86);
  });

  it('pauses: new events are counted, not shown, until resumed', () => {
    const events = manyEvents(3, 1_000_000);
    const view = show(events);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(screen.getByRole('status')).toHaveTextContent('Paused · 0 new');

    const later = mergeEvents(events, [busEvent('new-1', 2_000_000), busEvent('new-2', 2_000_001)]);
    view.rerender(<EventList events={later} loading={false} error={null} />);
    expect(rowIds()).toEqual(['ev-0', 'ev-1', 'ev-2']);
    expect(screen.getByRole('status')).toHaveTextContent('Paused · 2 new');
    expect(screen.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');

    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(rowIds()).toEqual(['new-2', 'new-1', 'ev-0', 'ev-1', 'ev-2']);
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('jumps to now: resumes and scrolls back to the newest event', () => {
    const events = manyEvents(1_000, 1_000_000);
    const view = show(events);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => {
      scroller().scrollTop = 500 * 86;
      fireEvent.scroll(scroller());
    });
    view.rerender(<EventList events={mergeEvents(events, [busEvent('new', 2_000_000)])} loading={false} error={null} />);
    expect(rowIds()).not.toContain('new');
    fireEvent.click(screen.getByRole('button', { name: 'Jump to now' }));
    expect(scroller().scrollTop).toBe(0);
    expect(rowIds()[0]).toBe('new');
    expect(screen.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'false');
  });

  it('filters by bus, source and detail-type from pick lists of what was seen', () => {
    show(manyEvents(12, 1_000_000));
    const bus = screen.getByRole('combobox', { name: 'Bus' });
    expect(within(bus).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Any bus',
      'delivery',
      'orders',
      'payments',
    ]);
    fireEvent.change(bus, { target: { value: 'payments' } });
    expect(rowIds()).toEqual(['ev-1', 'ev-4', 'ev-7', 'ev-10']);
    expect(screen.getByTestId('explorer-showing')).toHaveTextContent('4 of 12');

    fireEvent.change(screen.getByRole('combobox', { name: 'Detail type' }), { target: { value: 'PaymentTaken' } });
    expect(rowIds()).toEqual(['ev-1']);
    fireEvent.change(screen.getByRole('combobox', { name: 'Source' }), { target: { value: 'shop.orders' } });
    expect(screen.getByText('No event passes the filters.')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Clear the filters' }));
    expect(rows()).toHaveLength(12);
  });

  it('filters by time, with presets and a custom window', () => {
    const now = Date.now();
    show([
      busEvent('recent', now - 60_000),
      busEvent('half-hour', now - 30 * 60_000),
      busEvent('yesterday', now - 24 * 60 * 60_000),
    ]);
    const time = screen.getByRole('combobox', { name: 'Time' });
    fireEvent.change(time, { target: { value: '5m' } });
    expect(rowIds()).toEqual(['recent']);
    fireEvent.change(time, { target: { value: '1h' } });
    expect(rowIds()).toEqual(['recent', 'half-hour']);
    fireEvent.change(time, { target: { value: 'custom' } });
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    };
    fireEvent.change(screen.getByLabelText('To'), { target: { value: local(now - 10 * 60_000) } });
    expect(rowIds()).toEqual(['half-hour', 'yesterday']);
    fireEvent.change(screen.getByLabelText('From'), { target: { value: local(now - 2 * 60 * 60_000) } });
    expect(rowIds()).toEqual(['half-hour']);
    fireEvent.change(time, { target: { value: 'all' } });
    expect(rows()).toHaveLength(3);
  });

  it('filters by text anywhere in the JSON', async () => {
    show([
      busEvent('a', 3_000, { detail: { data: { city: 'Lyon' } } }),
      busEvent('b', 2_000, { detail: { data: { city: 'Paris' } } }),
    ]);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Text in the event' }), { target: { value: 'LYON' } });
    await waitFor(() => expect(rowIds()).toEqual(['a']));
  });

  it('shows an invalid event pattern’s reason under the pattern box, and does not apply it', async () => {
    fakePatterns();
    show(manyEvents(4, 1_000_000));
    fireEvent.change(screen.getByRole('textbox', { name: 'Event pattern' }), { target: { value: '{"source": ' } });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Event pattern is not valid. Reason: Unexpected end-of-input');
    expect(screen.getByRole('textbox', { name: 'Event pattern' })).toHaveAttribute('aria-invalid', 'true');
    expect(rows()).toHaveLength(4);
  });

  it('filters by an event pattern matched in Rust, sending only the fields it reads', async () => {
    fakePatterns();
    const view = show(manyEvents(8, 1_000_000));
    fireEvent.change(screen.getByRole('textbox', { name: 'Event pattern' }), {
      target: { value: '{"detail-type": ["PaymentTaken"]}' },
    });
    await waitFor(() => expect(rowIds()).toEqual(['ev-1', 'ev-5']));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    const calls = tauri.invoke.mock.calls.filter(([command]) => command === 'match_events');
    expect(calls).toHaveLength(1);
    const sent = (calls[0]![1] as { events: Record<string, unknown>[] }).events;
    expect(sent).toHaveLength(8);
    expect(sent[0]).toEqual({ 'detail-type': 'OrderPlaced' });

    // New events: only they are matched.
    const later = mergeEvents(manyEvents(8, 1_000_000), [
      busEvent('new', 2_000_000, { detailType: 'PaymentTaken' }),
    ]);
    view.rerender(<EventList events={later} loading={false} error={null} />);
    await waitFor(() => expect(rowIds()).toEqual(['new', 'ev-1', 'ev-5']));
    const again = tauri.invoke.mock.calls.filter(([command]) => command === 'match_events');
    expect((again.at(-1)![1] as { events: unknown[] }).events).toHaveLength(1);
  });

  it('tests a pattern against an event from the list: verdict, why, and the rules that match it', async () => {
    const test: PatternTest = {
      matches: false,
      checks: [
        { field: 'source', condition: '["shop.orders"]', actual: '"shop.orders"', matches: true },
        { field: 'detail-type', condition: '["OrderCancelled"]', actual: '"OrderPlaced"', matches: false },
      ],
    };
    const rules: RuleMatch[] = [
      { busName: 'orders', ruleName: 'order-placed', nodeId: 'r1', enabled: true, eventPattern: '{}' },
      { busName: 'audit', ruleName: 'audit-all', nodeId: 'r2', enabled: false, eventPattern: '{}' },
    ];
    tauri.commands.set('test_pattern', ({ pattern }) =>
      Promise.resolve((pattern as string).includes('OrderCancelled') ? test : { matches: true, checks: [] }),
    );
    tauri.commands.set('rules_matching_event', () => Promise.resolve(rules));
    show([busEvent('ev-1', 1_000)]);
    fireEvent.click(within(rows()[0]!).getByRole('button'));
    fireEvent.click(screen.getByRole('button', { name: 'Test a pattern against this event' }));

    const tester = screen.getByRole('region', { name: 'Pattern tester' });
    const eventBox = within(tester).getByRole('textbox', { name: 'Event (JSON)' });
    expect(JSON.parse((eventBox as HTMLTextAreaElement).value)).toMatchObject({ id: 'ev-1', source: 'shop.orders' });
    const patternBox = within(tester).getByRole('textbox', { name: 'Event pattern' });
    expect(JSON.parse((patternBox as HTMLTextAreaElement).value)).toEqual({
      source: ['shop.orders'],
      'detail-type': ['OrderPlaced'],
    });
    fireEvent.change(patternBox, { target: { value: '{"source": ["shop.orders"], "detail-type": ["OrderCancelled"]}' } });

    expect(await within(tester).findByText('No match')).toBeInTheDocument();
    expect(tauri.invoke).toHaveBeenLastCalledWith('test_pattern', {
      pattern: '{"source": ["shop.orders"], "detail-type": ["OrderCancelled"]}',
      event: (eventBox as HTMLTextAreaElement).value.trim(),
    });
    const checks = within(tester).getByRole('table', { name: 'Each field of the pattern alone' });
    const failing = within(checks).getAllByRole('row').filter((row) => row.className.includes('fail'));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toHaveTextContent('detail-type');
    expect(failing[0]).toHaveTextContent('"OrderPlaced"');

    const found = within(tester).getByRole('region', { name: 'Rules that match the event' });
    await waitFor(() => expect(found).toHaveTextContent('On its bus, orders:'));
    expect(found).toHaveTextContent('order-placed');
    expect(found).toHaveTextContent('On other buses (if it were put there):');
    expect(found).toHaveTextContent('audit-all (disabled)');
  });

  it('shows the tester’s pattern error under its pattern box', async () => {
    tauri.commands.set('test_pattern', () =>
      rejectWith({
        message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
        code: 'InvalidEventPatternException',
      }),
    );
    tauri.commands.set('rules_matching_event', () => Promise.resolve([]));
    show([busEvent('ev-1', 1_000)]);
    fireEvent.click(screen.getByRole('button', { name: 'Pattern tester' }));
    const tester = screen.getByRole('region', { name: 'Pattern tester' });
    fireEvent.change(within(tester).getByRole('textbox', { name: 'Event (JSON)' }), { target: { value: '{"a": 1}' } });
    fireEvent.change(within(tester).getByRole('textbox', { name: 'Event pattern' }), {
      target: { value: '{"source": "x"}' },
    });
    expect(await within(tester).findByRole('alert')).toHaveTextContent('"source" must be an object or an array');
    expect(within(tester).getByRole('region', { name: 'Rules that match the event' })).toHaveTextContent(
      'No rule of this system matches it.',
    );
  });
});

describe('the explorer’s cost at 100,000 events', () => {
  it('filters and renders 100,000 events in a frame or two', () => {
    const events = manyEvents(100_000);
    const time = (run: () => void) => {
      const started = performance.now();
      run();
      return performance.now() - started;
    };
    // Warm the free-text cache once, as the first search does.
    const firstText = time(() => filterEvents(events, { ...NO_FILTERS, text: 'o-4242' }, Date.now()));
    const text = time(() => filterEvents(events, { ...NO_FILTERS, text: 'o-4243' }, Date.now()));
    const picks = time(() =>
      filterEvents(events, { ...NO_FILTERS, bus: 'orders', detailType: 'OrderPlaced', time: '1h' }, Date.now()),
    );
    const facets = time(() => facetsOf(events));
    const push = time(() => mergeEvents(events, manyEvents(20, Date.now() + 1_000)));
    let view: ReturnType<typeof show> | undefined;
    const render = time(() => {
      view = show(events);
    });
    const rerender = time(() => {
      view?.rerender(<EventList events={mergeEvents(events, [busEvent('n', Date.now() + 5)])} loading={false} error={null} />);
    });
    // The median of ten jumps to far-apart places.
    const jumps = Array.from({ length: 10 }, (_, i) =>
      time(() =>
        act(() => {
          scroller().scrollTop = ((i * 37_000) % 100_000) * 86;
          fireEvent.scroll(scroller());
        }),
      ),
    ).sort((a, b) => a - b);
    const scroll = jumps[5]!;
    const figures = { firstText, text, picks, facets, push, render, rerender, scroll };
    console.info(
      `event explorer, 100,000 events (ms): ${Object.entries(figures)
        .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
        .join(', ')}; rows in the DOM: ${rows().length}`,
    );
    expect(rows().length).toBeLessThan(40);
    // Generous bounds (jsdom on a loaded CI machine); the figures are the point.
    expect(text).toBeLessThan(500);
    expect(picks).toBeLessThan(500);
    expect(rerender).toBeLessThan(2_000);
    expect(scroll).toBeLessThan(1_000);
  });
});
