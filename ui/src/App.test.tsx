import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { ActivityBatch } from './bindings/ActivityBatch';
import type { AppError } from './bindings/AppError';
import type { BusEvent } from './bindings/BusEvent';
import type { ConnectionInfo } from './bindings/ConnectionInfo';
import type { EventPage } from './bindings/EventPage';
import type { Topology } from './bindings/Topology';
import { liveRenderer, renderers } from './test/fakeRenderer';
import { busEvent, node, sampleTopology } from './test/fixtures';

// The Tauri bridge, faked: commands answer from `tauri.commands`, and
// `emit` plays the Rust side pushing an event.
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
vi.mock('./graph/renderer', () => import('./test/fakeRenderer'));

const local: ConnectionInfo = {
  mode: 'local',
  region: 'us-east-1',
  endpointUrl: 'http://127.0.0.1:4010',
  profile: null,
};

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

/** Tauri commands reject with a plain AppError object, not an Error. */
function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

function fail(command: string, error: AppError) {
  tauri.commands.set(command, () => rejectWith(error));
}

function page(events: BusEvent[]): EventPage {
  return { events, watermarkMs: events[0]?.receivedAtMs ?? 0 };
}

const rows = () => screen.queryAllByTestId('event-row');
const rowIds = () => rows().map((row) => row.dataset.eventId);
const nodeIds = () =>
  within(screen.getByRole('list', { name: 'Graph nodes' }))
    .queryAllByRole('listitem')
    .map((li) => li.dataset.nodeId);

beforeEach(() => {
  renderers.length = 0;
  tauri.handlers.clear();
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  answer('connection_info', local);
  answer('get_topology', sampleTopology());
  answer('list_events', page([busEvent('ev-2', 2_000), busEvent('ev-1', 1_000)]));
});

async function renderLoaded() {
  render(<App />);
  await screen.findByRole('list', { name: 'Graph nodes' });
  await waitFor(() => expect(rows()).toHaveLength(2));
  // Pushes are only delivered once both subscriptions are in place.
  await waitFor(() =>
    expect([...tauri.handlers.keys()].sort()).toEqual(['activity', 'connection-changed', 'events-received', 'topology-changed']),
  );
}

describe('App', () => {
  it('loads the topology, the events and the connection on start', async () => {
    await renderLoaded();

    expect(nodeIds()).toEqual(sampleTopology().nodes.map((n) => n.id));
    const graph = screen.getByTestId('graph');
    expect(graph).toHaveAttribute('data-node-count', '5');
    expect(graph).toHaveAttribute('data-edge-count', '5');
    act(() => liveRenderer().finishLayout());
    expect(graph).toHaveAttribute('data-layout', 'done');

    expect(rowIds()).toEqual(['ev-2', 'ev-1']);
    expect(screen.getByRole('heading', { name: 'Events 2' })).toBeInTheDocument();
    expect(within(rows()[0]!).getByText('OrderPlaced')).toBeInTheDocument();
    expect(within(rows()[0]!).getByText('{"orderId":"ev-2"}')).toBeInTheDocument();

    expect(await screen.findByText('Local system · http://127.0.0.1:4010 · us-east-1')).toBeInTheDocument();
    expect(tauri.invoke).toHaveBeenCalledWith('get_topology');
    expect(tauri.invoke).toHaveBeenCalledWith('list_events', { sinceMs: null });
    expect(tauri.invoke).toHaveBeenCalledWith('connection_info');
  });

  it('merges pushed events newest first, once per id', async () => {
    await renderLoaded();
    // The push overlaps the initial page (ev-2) and brings one new event.
    act(() => tauri.emit('events-received', [busEvent('ev-3', 3_000), busEvent('ev-2', 2_000)]));
    expect(rowIds()).toEqual(['ev-3', 'ev-2', 'ev-1']);
    expect(screen.getByRole('heading', { name: 'Events 3' })).toBeInTheDocument();
  });

  it('counts the events pushed while paused, and lists them on resume', async () => {
    await renderLoaded();
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => tauri.emit('events-received', [busEvent('ev-4', 4_000), busEvent('ev-3', 3_000)]));
    expect(rowIds()).toEqual(['ev-2', 'ev-1']);
    expect(screen.getByText('Paused · 2 new')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Events 4' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(rowIds()).toEqual(['ev-4', 'ev-3', 'ev-2', 'ev-1']);
  });

  it('redraws when the topology changes', async () => {
    await renderLoaded();
    const changed: Topology = {
      nodes: [node({ id: 'bus:audit', kind: 'bus', label: 'audit' })],
      edges: [],
    };
    act(() => tauri.emit('topology-changed', changed));
    expect(nodeIds()).toEqual(['bus:audit']);
    expect(screen.getByTestId('graph')).toHaveAttribute('data-node-count', '1');
    expect(liveRenderer().topologies.at(-1)).toEqual(changed);
  });

  it('expands an event row to its JSON', async () => {
    await renderLoaded();
    const row = rows()[1]!;
    const toggle = within(row).getByRole('button');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const tree = within(row).getByRole('tree', { name: 'Event ev-1' });
    expect(tree).toHaveTextContent('"id": "ev-1"');
    expect(tree).toHaveTextContent('"detail-type": "OrderPlaced"');
    expect(tree).toHaveTextContent('"orderId": "ev-1"');
    fireEvent.click(toggle);
    expect(within(row).queryByRole('tree')).toBeNull();
  });

  it('shows the trace of an expanded event, delivery by delivery', async () => {
    answer('get_trace', {
      eventId: 'ev-1',
      complete: true,
      hops: [
        {
          busName: 'orders',
          receivedMs: 1_000,
          source: 'shop',
          detailType: 'OrderPlaced',
          matchedRules: ['arn:aws:events:us-east-1:123456789012:rule/orders/order-placed'],
          noRuleMatched: false,
          invocations: [
            {
              invocationId: 'inv-1',
              ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/order-placed',
              targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:charge-payment',
              targetType: 'Lambda',
              startedMs: 1_005,
              finishedMs: 2_100,
              attempts: [
                { number: 1, startedMs: 1_005, endedMs: 1_050, result: 'retryableFailure', error: null },
                { number: 2, startedMs: 2_050, endedMs: 2_100, result: 'retryableFailure', error: null },
              ],
              outcome: 'deadLettered',
              deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:order-placed-dlq',
              throttled: false,
              error: { code: '503', message: 'partner down', httpStatusCode: 503 },
            },
          ],
        },
      ],
    });
    await renderLoaded();
    fireEvent.click(within(rows()[1]!).getByRole('button'));
    const trace = await screen.findByTestId('trace');
    expect(tauri.invoke).toHaveBeenCalledWith('get_trace', { eventId: 'ev-1' });
    expect(trace).toHaveTextContent('Rules: order-placed');
    expect(trace).toHaveTextContent('charge-payment');
    expect(trace).toHaveTextContent('dead-lettered after 2 attempts');
    expect(trace).toHaveTextContent('503: partner down');
  });

  it('searches the story of an order and shows it by cause, then goes back to live events', async () => {
    const hop = {
      busName: 'orders',
      receivedMs: 1_000,
      source: null,
      detailType: null,
      matchedRules: [],
      noRuleMatched: false,
      invocations: [],
    };
    const trace = (eventId: string) => ({ eventId, hops: [hop], complete: true });
    answer('get_story', {
      query: { kind: 'correlationId', value: 'o-7' },
      truncated: false,
      events: [
        {
          event: busEvent('placed', 1_000, { detailType: 'OrderPlaced' }),
          correlationId: 'o-7',
          causationId: null,
          causedBy: null,
          status: null,
          replayName: null,
          trace: trace('placed'),
        },
        {
          event: busEvent('parked', 1_500, { detailType: 'RestaurantConfirmationRequested' }),
          correlationId: 'o-7',
          causationId: 'placed',
          causedBy: 'placed',
          status: 'RETRYABLE',
          replayName: 'heal-restaurant-partner-1',
          trace: trace('parked'),
        },
      ],
      executions: [
        {
          executionArn: 'arn:aws:states:us-east-1:1:execution:order-fulfilment:run-1',
          stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:order-fulfilment',
          name: 'run-1',
          status: 'RUNNING',
          startedMs: 1_010,
          stoppedMs: null,
          startedBy: 'placed',
          waiting: [],
          resumptions: [],
        },
      ],
    });
    await renderLoaded();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Correlation id' }), { target: { value: ' o-7 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const story = await screen.findByTestId('story');
    expect(tauri.invoke).toHaveBeenCalledWith('get_story', { query: { kind: 'correlationId', value: 'o-7' } });
    expect(story).toHaveTextContent('Everything correlated with o-7: 2 events over 500 ms, 1 workflow execution');
    const tree = within(story).getByRole('list', { name: 'Events by cause' });
    const items = within(tree).getAllByRole('listitem');
    expect(items.map((item) => [item.dataset.eventId, item.dataset.depth])).toEqual([
      ['placed', '0'],
      ['parked', '1'],
    ]);
    expect(items[0]).toHaveTextContent('order-fulfilment');
    expect(items[1]).toHaveTextContent('RETRYABLE');
    expect(items[1]).toHaveTextContent('replayed');
    expect(rows()).toHaveLength(0);
    // Its path lights up on the graph (the sample's orders bus carried it).
    await waitFor(() =>
      expect(liveRenderer().highlight).toHaveBeenLastCalledWith(
        expect.arrayContaining(['bus:orders']),
        expect.any(Array),
      ),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Back to live events' }));
    expect(rows()).toHaveLength(2);
    await waitFor(() => expect(liveRenderer().highlight).toHaveBeenLastCalledWith(null, null));
  });

  it('says why a search failed', async () => {
    fail('get_story', { message: 'search for a value without quotes or backslashes', code: null });
    await renderLoaded();
    fireEvent.change(screen.getByRole('combobox', { name: 'Search by' }), { target: { value: 'text' } });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Any value' }), { target: { value: 'a"b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not search: search for a value without quotes');
  });

  it('opens the whole story from an event that carries a correlation id', async () => {
    answer('list_events', page([busEvent('ev-9', 9_000, { detail: { metadata: { correlationId: 'o-9' } } })]));
    answer('get_story', { query: { kind: 'correlationId', value: 'o-9' }, truncated: false, events: [], executions: [] });
    answer('get_trace', { eventId: 'ev-9', hops: [], complete: true });
    render(<App />);
    const row = await screen.findByTestId('event-row');
    fireEvent.click(within(row).getByRole('button'));
    fireEvent.click(within(row).getByRole('button', { name: 'Show the whole story' }));
    await waitFor(() =>
      expect(tauri.invoke).toHaveBeenCalledWith('get_story', { query: { kind: 'correlationId', value: 'o-9' } }),
    );
    expect(await screen.findByText(/No event matches/)).toBeInTheDocument();
  });

  it('puts a sample event and says where it went', async () => {
    let resolve: (value: unknown) => void = () => {};
    tauri.commands.set('put_sample_event', () => new Promise((r) => (resolve = r)));
    await renderLoaded();

    const button = screen.getByRole('button', { name: 'Put sample event' });
    fireEvent.click(button);
    expect(tauri.invoke).toHaveBeenCalledWith('put_sample_event');
    expect(button).toBeDisabled();

    resolve({ eventId: 'abc-123', busName: 'orders' });
    expect(await screen.findByRole('status')).toHaveTextContent('Put event abc-123 on orders');
    expect(button).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a failed put in a dismissable banner', async () => {
    fail('put_sample_event', { message: 'Event bus orders does not exist.', code: 'ResourceNotFoundException' });
    await renderLoaded();

    fireEvent.click(screen.getByRole('button', { name: 'Put sample event' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Event bus orders does not exist.');
    expect(alert).toHaveTextContent('ResourceNotFoundException');
    expect(screen.getByRole('button', { name: 'Put sample event' })).toBeEnabled();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();

    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss error' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows why the topology could not be loaded, and still lists events', async () => {
    fail('get_topology', { message: 'Could not reach http://127.0.0.1:4010', code: null });
    render(<App />);
    const graphPane = screen.getByRole('region', { name: 'Choreography graph' });
    expect(within(graphPane).getByText('Loading topology…')).toBeInTheDocument();

    const alert = await within(graphPane).findByRole('alert');
    expect(alert).toHaveTextContent('Could not reach http://127.0.0.1:4010');
    expect(screen.queryByTestId('graph')).not.toBeInTheDocument();
    await waitFor(() => expect(rows()).toHaveLength(2));
  });

  it('applies pushed activity to the graph: counters, dots and circuits', async () => {
    await renderLoaded();
    const batch: ActivityBatch = {
      atMs: 10_000,
      hops: [{ eventId: 'ev-9', busArn: 'b', ruleArn: 'r', targetArn: 't', outcome: 'delivered', atMs: 9_900, edges: ['e1', 'e3'] }],
      hopsOmitted: 0,
      edges: [{ id: 'e3', perSecond: 2.5, count: 25 }],
      nodes: [{ id: 'target:fn', errors: 2, retriesInFlight: 1, dlqDepth: null }],
      circuits: [
        { name: 'charge-partner', state: 'OPEN', from: 'CLOSED', reason: 'timeouts', failures: 5, sinceMs: Date.now() - 5_000, openedAt: null },
      ],
    };
    act(() => tauri.emit('activity', batch));
    const renderer = liveRenderer();
    await waitFor(() => expect(renderer.views).toHaveLength(1));
    expect(renderer.views[0]!.edges.get('e3')).toBe(2.5);
    // The open circuit marks the function its subject names.
    expect(renderer.views[0]!.nodes.get('target:fn')).toEqual({ errors: 2, retriesInFlight: 1, dlqDepth: null, circuit: 'OPEN' });
    await waitFor(() => expect(renderer.dotFrames.some((frame) => frame.some((dot) => dot.edgeId === 'e1'))).toBe(true));
    const circuit = within(screen.getByRole('region', { name: 'Circuits' })).getByRole('listitem');
    expect(circuit).toHaveAttribute('data-state', 'OPEN');
    expect(circuit).toHaveTextContent('charge-partner');
    expect(circuit).toHaveTextContent('for 5 s');
    expect(circuit).toHaveTextContent('charge-card');
  });

  it('says how to get events when there are none', async () => {
    answer('list_events', page([]));
    render(<App />);
    expect(
      await screen.findByText('No events yet. Put one with the button above, or with the aws CLI.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Events 0' })).toBeInTheDocument();
  });
});
