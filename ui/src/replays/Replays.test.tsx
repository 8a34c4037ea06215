import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { ArchiveSummary } from '../bindings/ArchiveSummary';
import type { ReplayPreview } from '../bindings/ReplayPreview';
import type { ReplayRequest } from '../bindings/ReplayRequest';
import type { ReplaySummary } from '../bindings/ReplaySummary';
import { fromLocalInput, toLocalInput } from './format';
import { ReplaysButton } from './ReplaysButton';
import { ReplaysDrawer } from './ReplaysDrawer';
import { resetReplays } from './store';

// The Tauri bridge, faked as in DeadLetters.test.tsx: commands answer from `tauri.commands`.
const tauri = vi.hoisted(() => ({
  commands: new Map<string, (args?: unknown) => Promise<unknown>>(),
  invoke: vi.fn(),
}));

vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

/** Tauri commands reject with a plain AppError object, not an Error. */
function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

const ACCOUNT = 'arn:aws:events:us-east-1:000000000000';
const OPENED = new Date(2026, 10, 22, 12, 0, 0).getTime();
const CLOSED = OPENED + 20 * 60_000;

function archive(over: Partial<ArchiveSummary> = {}): ArchiveSummary {
  return {
    name: 'parked-restaurant-requests',
    arn: `${ACCOUNT}:archive/parked-restaurant-requests`,
    busName: 'food-delivery',
    busArn: `${ACCOUNT}:event-bus/food-delivery`,
    description: 'Requests parked while the circuit was open',
    eventPattern: { detail: { metadata: { status: ['RETRYABLE'] } } },
    state: 'ENABLED',
    stateReason: null,
    retentionDays: 7,
    eventCount: 1234,
    sizeBytes: 3 * 1024 * 1024,
    createdMs: OPENED - 86_400_000,
    ...over,
  };
}

function replay(over: Partial<ReplaySummary> = {}): ReplaySummary {
  return {
    name: 'heal-restaurant-partner-1',
    arn: `${ACCOUNT}:replay/heal-restaurant-partner-1`,
    archiveName: 'parked-restaurant-requests',
    state: 'RUNNING',
    stateReason: null,
    description: null,
    eventStartMs: OPENED,
    eventEndMs: CLOSED,
    eventLastReplayedMs: OPENED + 10 * 60_000,
    replayStartMs: CLOSED + 1000,
    replayEndMs: null,
    progress: 0.5,
    destinationArn: `${ACCOUNT}:event-bus/food-delivery`,
    filterArns: [`${ACCOUNT}:rule/food-delivery/dispatch-to-restaurant`],
    ...over,
  };
}

const preview: ReplayPreview = {
  archiveName: 'parked-restaurant-requests',
  busName: 'food-delivery',
  eventsInWindow: 40,
  eventsToReplay: 12,
  rules: [
    {
      ruleArn: `${ACCOUNT}:rule/food-delivery/dispatch-to-restaurant`,
      ruleName: 'dispatch-to-restaurant',
      enabled: true,
      matched: 12,
      targetArns: ['arn:aws:lambda:us-east-1:000000000000:function:restaurant-dispatcher'],
      note: null,
    },
    {
      ruleArn: `${ACCOUNT}:rule/food-delivery/order-projection`,
      ruleName: 'order-projection',
      enabled: true,
      matched: 3,
      targetArns: ['arn:aws:sqs:us-east-1:000000000000:projection'],
      note: null,
    },
  ],
  estimate: true,
  notes: ["The bus's log keeps 1 days and the window begins earlier: older events may be archived but not counted."],
};

function Harness() {
  return (
    <>
      <ReplaysButton />
      <main>
        <ReplaysDrawer />
      </main>
    </>
  );
}

beforeEach(() => {
  resetReplays();
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  answer('list_archives', [archive(), archive({ name: 'all-events', eventPattern: null, retentionDays: null, eventCount: 1, sizeBytes: 200 })]);
  answer('list_replays', [
    replay(),
    replay({ name: 'old', state: 'COMPLETED', progress: 1, eventLastReplayedMs: CLOSED - 5000, filterArns: [] }),
  ]);
  answer('list_circuit_outages', [{ circuit: 'restaurant-partner', openedMs: OPENED, closedMs: CLOSED }]);
  answer('preview_replay', preview);
});

afterEach(() => {
  vi.useRealTimers();
});

async function openDrawer() {
  render(<Harness />);
  fireEvent.click(await screen.findByRole('button', { name: 'Replays, 1 running' }));
  const drawer = screen.getByRole('dialog', { name: 'Archives and replays' });
  await within(drawer).findByRole('list', { name: 'Archives' });
  return drawer;
}

function field(drawer: HTMLElement, label: string) {
  return within(drawer).getByLabelText(label);
}

function previewCalls(): ReplayRequest[] {
  return tauri.invoke.mock.calls
    .filter(([command]) => command === 'preview_replay')
    .map(([, args]) => (args as { request: ReplayRequest }).request);
}

describe('Replays', () => {
  it('shows how many replays run in the header and lists the archives in words', async () => {
    const drawer = await openDrawer();
    expect(within(drawer).getByRole('heading', { name: 'Archives and replays' })).toHaveFocus();
    const archives = within(within(drawer).getByRole('list', { name: 'Archives' })).getAllByRole('listitem');
    expect(archives[0]).toHaveTextContent('parked-restaurant-requestson bus food-delivery');
    expect(archives[0]).toHaveTextContent('1,234 events3.0 MBkept 7 days');
    expect(within(archives[0]!).getByLabelText('Pattern of parked-restaurant-requests').textContent).toBe(
      JSON.stringify({ detail: { metadata: { status: ['RETRYABLE'] } } }, null, 2),
    );
    expect(archives[1]).toHaveTextContent('1 event200 byteskept forever');
    expect(archives[1]).toHaveTextContent('Keeps every event of the bus.');
  });

  it('refuses a form that cannot be started, in words, and previews nothing', async () => {
    const drawer = await openDrawer();
    fireEvent.change(field(drawer, 'Replay name'), { target: { value: 'heal 1' } });
    expect(within(drawer).getByRole('list', { name: 'What the form still needs' })).toHaveTextContent(
      "A replay's name may hold only letters, digits, '.', '-' and '_'.",
    );
    fireEvent.change(field(drawer, 'Replay name'), { target: { value: 'heal-1' } });
    const from = (field(drawer, 'Events from') as HTMLInputElement).value;
    fireEvent.change(field(drawer, 'Events from'), { target: { value: (field(drawer, 'Events to') as HTMLInputElement).value } });
    fireEvent.change(field(drawer, 'Events to'), { target: { value: from } });
    expect(within(drawer).getByRole('list', { name: 'What the form still needs' })).toHaveTextContent(
      "The window's start must be before its end.",
    );
    expect(within(drawer).getByRole('button', { name: 'Start replay' })).toBeDisabled();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(previewCalls().every((request) => request.eventStartMs < request.eventEndMs)).toBe(true);
    expect(within(drawer).getByRole('button', { name: 'Start replay' })).toBeDisabled();
  });

  it('sets the window from the presets, the outage of a circuit included', async () => {
    const drawer = await openDrawer();
    const presets = within(drawer).getByRole('group', { name: 'Window presets' });
    fireEvent.click(within(presets).getByRole('button', { name: 'Last 15 min' }));
    const span = () =>
      fromLocalInput((field(drawer, 'Events to') as HTMLInputElement).value)! -
      fromLocalInput((field(drawer, 'Events from') as HTMLInputElement).value)!;
    expect(span()).toBe(15 * 60_000);
    fireEvent.click(within(presets).getByRole('button', { name: 'Last 24 h' }));
    expect(span()).toBe(24 * 60 * 60_000);
    fireEvent.click(within(presets).getByRole('button', { name: 'Last outage of restaurant-partner' }));
    // jsdom writes whole seconds with `.000`; what the pickers mean is the same time.
    expect(fromLocalInput((field(drawer, 'Events from') as HTMLInputElement).value)).toBe(OPENED - 1000);
    expect(fromLocalInput((field(drawer, 'Events to') as HTMLInputElement).value)).toBe(CLOSED + 1000);
    await waitFor(() => expect(previewCalls().at(-1)?.eventStartMs).toBe(OPENED - 1000));
    expect(previewCalls().at(-1)).toMatchObject({ archiveName: 'parked-restaurant-requests', eventEndMs: CLOSED + 1000 });
  });

  it('shows the preview before Start is enabled, then starts with the rules checked', async () => {
    let started: ReplayRequest | null = null;
    tauri.commands.set('start_replay', (args) => {
      started = (args as { request: ReplayRequest }).request;
      return Promise.resolve(replay({ name: started.replayName, state: 'STARTING' }));
    });
    const drawer = await openDrawer();
    const start = within(drawer).getByRole('button', { name: 'Start replay' });
    expect(start).toBeDisabled();
    const shown = await within(drawer).findByRole('region', { name: 'Preview' });
    expect(start).toBeEnabled();
    expect(shown).toHaveTextContent(
      'estimate12 events to replay onto bus food-delivery (of 40 in the window: the archive keeps only what its pattern matches). About 15 deliveries to the targets of 2 rules.',
    );
    expect(within(shown).getByRole('list', { name: 'Why the counts may be off' })).toHaveTextContent("The bus's log keeps 1 days");
    const rules = within(shown).getByRole('list', { name: 'Rules of the bus' });
    expect(within(rules).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'dispatch-to-restaurant12 matches→ restaurant-dispatcher',
      'order-projection3 matches→ projection',
    ]);

    fireEvent.click(within(shown).getByRole('checkbox', { name: 'Send to rule dispatch-to-restaurant' }));
    expect(shown).toHaveTextContent('About 12 deliveries to the targets of 1 rule checked.');
    const name = (field(drawer, 'Replay name') as HTMLInputElement).value;
    fireEvent.click(start);
    await within(drawer).findByText(`Started replay ${name}.`);
    expect(started).toMatchObject({
      replayName: name,
      archiveName: 'parked-restaurant-requests',
      filterArns: [`${ACCOUNT}:rule/food-delivery/dispatch-to-restaurant`],
    });
  });

  it("shows AWS's refusal to start in its words", async () => {
    tauri.commands.set('start_replay', () =>
      rejectWith({ message: 'StartReplay: Replay heal-1 already exists.', code: 'ResourceAlreadyExistsException' }),
    );
    const drawer = await openDrawer();
    await within(drawer).findByRole('region', { name: 'Preview' });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Start replay' }));
    const alert = await within(drawer).findByText('Could not start the replay.');
    expect(alert.parentElement).toHaveTextContent('StartReplay: Replay heal-1 already exists.ResourceAlreadyExistsException');
  });

  it('draws progress from EventLastReplayedTime and cancels a running replay', async () => {
    const drawer = await openDrawer();
    const running = within(drawer).getByRole('progressbar', { name: 'Progress of heal-restaurant-partner-1' });
    expect(running).toHaveAttribute('aria-valuenow', '50');
    expect(running.getAttribute('aria-valuetext')).toBe(`50%: replayed up to ${toLocalInput(OPENED + 600_000).replace('T', ' ')}`);
    expect(within(drawer).getByRole('progressbar', { name: 'Progress of old' })).toHaveAttribute('aria-valuenow', '100');
    const rows = within(within(drawer).getByRole('list', { name: 'Replays' })).getAllByRole('listitem');
    expect(rows[0]).toHaveTextContent('to bus food-delivery, 1 rule: dispatch-to-restaurant');
    expect(rows[1]).toHaveTextContent('to bus food-delivery, every rule');
    expect(within(drawer).queryByRole('button', { name: 'Cancel replay old' })).not.toBeInTheDocument();

    tauri.commands.set('cancel_replay', () =>
      rejectWith({
        message: 'CancelReplay: An error occurred because a replay can be canceled only when the state is Running or Starting.',
        code: 'IllegalStatusException',
      }),
    );
    fireEvent.click(within(drawer).getByRole('button', { name: 'Cancel replay heal-restaurant-partner-1' }));
    const refused = await within(drawer).findByText('Could not cancel heal-restaurant-partner-1.');
    expect(refused.parentElement).toHaveTextContent('can be canceled only when the state is Running or Starting');

    tauri.commands.set('cancel_replay', () => {
      answer('list_replays', [replay({ state: 'CANCELLING' })]);
      return Promise.resolve(replay({ state: 'CANCELLING' }));
    });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Cancel replay heal-restaurant-partner-1' }));
    await waitFor(() => expect(within(drawer).getByText('CANCELLING')).toBeInTheDocument());
    expect(tauri.invoke).toHaveBeenCalledWith('cancel_replay', { replayName: 'heal-restaurant-partner-1' });
    expect(within(drawer).queryByRole('button', { name: /Cancel replay/ })).not.toBeInTheDocument();
  });

  it('refreshes the replays every few seconds while open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const drawer = await openDrawer();
    answer('list_replays', [replay({ progress: 0.75, eventLastReplayedMs: OPENED + 15 * 60_000 })]);
    await act(() => vi.advanceTimersByTimeAsync(3_100));
    expect(within(drawer).getByRole('progressbar', { name: 'Progress of heal-restaurant-partner-1' })).toHaveAttribute(
      'aria-valuenow',
      '75',
    );
    fireEvent.keyDown(drawer, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Archives and replays' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Replays, 1 running' })).toHaveFocus();
  });
});
