import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { ExecutionView } from '../bindings/ExecutionView';
import type { TaskAnswerOutcome } from '../bindings/TaskAnswerOutcome';
import type { WaitingTask } from '../bindings/WaitingTask';
import { resetTasks } from './store';
import { TasksButton } from './TasksButton';
import { TasksDrawer } from './TasksDrawer';

// The Tauri bridge, faked as in DeadLetters.test.tsx: commands answer from `tauri.commands`.
const tauri = vi.hoisted(() => ({
  commands: new Map<string, (args?: unknown) => Promise<unknown>>(),
  invoke: vi.fn(),
}));
vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));

// Cytoscape needs a canvas jsdom lacks: the drawing is replaced, and what it was given recorded.
const drawn = vi.hoisted(() => ({ calls: [] as { current: string[]; visited: string[]; nodes: number }[] }));
vi.mock('./graphRenderer', () => ({
  renderExecutionGraph: (
    _host: HTMLElement,
    graph: { nodes: unknown[] },
    current: ReadonlySet<string>,
    visited: ReadonlySet<string>,
  ) => {
    drawn.calls.push({ current: [...current], visited: [...visited], nodes: graph.nodes.length });
    return { destroy: () => {} };
  },
}));

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

/** Tauri commands reject with a plain AppError object, not an Error. */
function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment';
const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);

function task(name: string, over: Partial<WaitingTask> = {}): WaitingTask {
  const started = NOW - 30_000;
  return {
    stateMachineArn: MACHINE,
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:order-fulfilment:${name}`,
    executionName: name,
    stateName: 'AskRestaurant',
    resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
    scheduledMs: started - 1_000,
    heartbeatSeconds: 120,
    timeoutSeconds: 300,
    startedMs: started,
    heartbeatDeadlineMs: started + 120_000,
    timeoutDeadlineMs: started + 300_000,
    taskToken: `token-${name}`,
    parameters: { Entries: [{ Detail: { data: { orderId: `o-${name}`, taskToken: `token-${name}` } } }] },
    ...over,
  };
}

const view: ExecutionView = {
  executionArn: task('run-1').executionArn,
  name: 'run-1',
  stateMachineArn: MACHINE,
  status: 'RUNNING',
  startedMs: NOW - 40_000,
  stoppedMs: null,
  definition: {
    StartAt: 'ChargePayment',
    States: {
      ChargePayment: { Type: 'Task', Resource: 'x', Next: 'AskRestaurant' },
      AskRestaurant: { Type: 'Task', Resource: 'y', End: true },
    },
  },
  history: [
    { id: 1, previousId: 0, kind: 'ExecutionStarted', timestampMs: NOW - 40_000, stateName: null, summary: null },
    { id: 2, previousId: 1, kind: 'TaskStateEntered', timestampMs: NOW - 39_000, stateName: 'ChargePayment', summary: null },
    { id: 3, previousId: 2, kind: 'TaskStateExited', timestampMs: NOW - 35_000, stateName: 'ChargePayment', summary: '{"paid":true}' },
    { id: 4, previousId: 3, kind: 'TaskStateEntered', timestampMs: NOW - 31_000, stateName: 'AskRestaurant', summary: null },
    { id: 5, previousId: 4, kind: 'TaskScheduled', timestampMs: NOW - 31_000, stateName: null, summary: 'events:putEvents.waitForTaskToken' },
  ],
  currentStates: ['AskRestaurant'],
};

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
  resetTasks();
  drawn.calls.length = 0;
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  answer('list_waiting_tasks', [task('run-1'), task('run-2', { taskToken: null })]);
  answer('get_execution_view', view);
});

afterEach(() => {
  vi.useRealTimers();
});

async function openDrawer() {
  render(
    <>
      <TasksButton />
      <main>
        <TasksDrawer />
      </main>
    </>,
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Waiting tasks 2' }));
  const drawer = screen.getByRole('dialog', { name: 'Waiting tasks' });
  await within(drawer).findByRole('list', { name: 'Waiting tasks' });
  return drawer;
}

function items(drawer: HTMLElement) {
  return within(within(drawer).getByRole('list', { name: 'Waiting tasks' })).getAllByRole('listitem');
}

describe('Waiting tasks', () => {
  it('counts the waiting tasks in the header and lists them with their facts', async () => {
    const drawer = await openDrawer();
    expect(within(drawer).getByRole('heading', { name: 'Waiting tasks' })).toHaveFocus();
    const [first, second] = items(drawer);
    expect(first).toHaveTextContent('AskRestaurantorder-fulfilment · run-1');
    expect(first).toHaveTextContent(/Waiting since3[12]s ago/);
    expect(within(second!).getByRole('checkbox')).toBeDisabled();
    expect(second).toHaveTextContent('cannot be answered from here');
    expect(tauri.invoke).toHaveBeenCalledWith('list_waiting_tasks');
  });

  it('counts down to the heartbeat and timeout deadlines, live', async () => {
    const drawer = await openDrawer();
    const first = items(drawer)[0]!;
    // Real time runs on under the fake clock: a busy machine may add a second.
    expect(first).toHaveTextContent(/Heartbeatin 1m (30|29)s/);
    expect(first).toHaveTextContent(/Timeoutin 4m (30|29)s/);
    await act(() => vi.advanceTimersByTimeAsync(91_000));
    const later = items(drawer)[0]!;
    expect(later).toHaveTextContent(/Heartbeatpassed [12]s ago/);
    expect(within(later).getByText(/^passed [12]s ago$/)).toHaveClass('tasks-deadline--passed');
    expect(later).toHaveTextContent(/Timeoutin 2m (59|58)s/);
  });

  it('refuses an output that is not JSON before sending, in words', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('checkbox', { name: 'Select AskRestaurant of run-1' }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send success' }));
    const output = within(drawer).getByLabelText("Output (JSON), the task's result");
    fireEvent.change(output, { target: { value: '{approvedBy: operator}' } });
    expect(output).toHaveAttribute('aria-invalid', 'true');
    expect(within(drawer).getByRole('alert')).toHaveTextContent(/^The output is not JSON: /);
    const send = within(drawer).getByRole('button', { name: 'Send success to 1 task' });
    expect(send).toBeDisabled();
    fireEvent.submit(send.closest('form')!);
    expect(tauri.invoke).not.toHaveBeenCalledWith('answer_tasks', expect.anything());

    fireEvent.change(output, { target: { value: '{"approvedBy": "operator"}' } });
    expect(within(drawer).getByText('Valid JSON.')).toBeInTheDocument();
    answer('answer_tasks', [
      { taskToken: 'token-run-1', sent: true, code: null, detail: 'Sent: the task succeeded.', sentMs: NOW },
    ] satisfies TaskAnswerOutcome[]);
    fireEvent.click(send);
    expect(tauri.invoke).toHaveBeenCalledWith('answer_tasks', {
      taskTokens: ['token-run-1'],
      answer: { kind: 'success', output: '{"approvedBy": "operator"}' },
    });
    expect(await within(drawer).findByText('1 sent.')).toBeInTheDocument();
  });

  it('answers many at once and says what became of each', async () => {
    answer('list_waiting_tasks', [task('run-1'), task('run-2'), task('run-3')]);
    render(
      <>
        <TasksButton />
        <TasksDrawer />
      </>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Waiting tasks 3' }));
    const drawer = screen.getByRole('dialog', { name: 'Waiting tasks' });
    fireEvent.click(await within(drawer).findByRole('checkbox', { name: 'Select all 3' }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send failure' }));
    fireEvent.change(within(drawer).getByLabelText('Error'), { target: { value: 'RestaurantRejected' } });
    fireEvent.change(within(drawer).getByLabelText('Cause'), { target: { value: 'closed today' } });
    answer('answer_tasks', [
      { taskToken: 'token-run-1', sent: true, code: null, detail: 'Sent: the task failed with this error.', sentMs: NOW },
      {
        taskToken: 'token-run-2',
        sent: false,
        code: 'TaskTimedOut',
        detail: 'This task is no longer waiting: it was answered already, it timed out, or its execution ended. (TaskTimedOut: …)',
        sentMs: null,
      },
      { taskToken: 'token-run-3', sent: true, code: null, detail: 'Sent: the task failed with this error.', sentMs: NOW },
    ] satisfies TaskAnswerOutcome[]);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send failure to 3 tasks' }));
    expect(tauri.invoke).toHaveBeenCalledWith('answer_tasks', {
      taskTokens: ['token-run-1', 'token-run-2', 'token-run-3'],
      answer: { kind: 'failure', error: 'RestaurantRejected', cause: 'closed today' },
    });
    const outcomes = await within(drawer).findByRole('list', { name: 'Answer outcomes' });
    expect(within(drawer).getByText('2 sent, 1 not sent.')).toBeInTheDocument();
    expect(within(outcomes).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'run-1 · AskRestaurant: Sent: the task failed with this error.',
      'run-2 · AskRestaurant: This task is no longer waiting: it was answered already, it timed out, or its execution ended. (TaskTimedOut: …)',
      'run-3 · AskRestaurant: Sent: the task failed with this error.',
    ]);
  });

  it('keeps the outcome of answering the last task in words until dismissed', async () => {
    answer('list_waiting_tasks', [task('run-1')]);
    render(
      <>
        <TasksButton />
        <TasksDrawer />
      </>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Waiting tasks 1' }));
    const drawer = screen.getByRole('dialog', { name: 'Waiting tasks' });
    fireEvent.click(await within(drawer).findByRole('checkbox', { name: 'Select AskRestaurant of run-1' }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send success' }));
    answer('answer_tasks', [
      { taskToken: 'token-run-1', sent: true, code: null, detail: 'Sent: the task succeeded.', sentMs: NOW },
    ] satisfies TaskAnswerOutcome[]);
    // Once answered, the task no longer waits: the list the drawer reads again is empty.
    answer('list_waiting_tasks', []);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send success to 1 task' }));
    expect(await within(drawer).findByText('No task is waiting for a task token.')).toBeInTheDocument();
    expect(within(drawer).queryByRole('heading', { name: /^Answer/ })).not.toBeInTheDocument();
    const outcomes = within(drawer).getByRole('list', { name: 'Answer outcomes' });
    expect(within(drawer).getByText('1 sent.')).toBeInTheDocument();
    expect(within(outcomes).getByRole('listitem')).toHaveTextContent('run-1 · AskRestaurant: Sent: the task succeeded.');

    // Still there after the next reads.
    await act(() => vi.advanceTimersByTimeAsync(3_100));
    expect(within(drawer).getByRole('list', { name: 'Answer outcomes' })).toBeInTheDocument();

    fireEvent.click(within(drawer).getByRole('button', { name: 'Dismiss' }));
    expect(within(drawer).queryByRole('list', { name: 'Answer outcomes' })).not.toBeInTheDocument();
    expect(within(drawer).queryByText('1 sent.')).not.toBeInTheDocument();
  });

  it('clears the last outcome when answering again', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('checkbox', { name: 'Select AskRestaurant of run-1' }));
    answer('answer_tasks', [
      { taskToken: 'token-run-1', sent: true, code: null, detail: 'Heartbeat sent.', sentMs: NOW },
    ] satisfies TaskAnswerOutcome[]);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send heartbeat' }));
    await within(drawer).findByText('1 sent.');
    tauri.commands.set('answer_tasks', () => rejectWith({ message: 'The connection was lost.', code: null }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send heartbeat' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent('Nothing was sent. The connection was lost.');
    expect(within(drawer).queryByText('1 sent.')).not.toBeInTheDocument();
  });

  it('moves the heartbeat deadline on from an accepted heartbeat', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('checkbox', { name: 'Select AskRestaurant of run-1' }));
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    answer('answer_tasks', [
      { taskToken: 'token-run-1', sent: true, code: null, detail: 'Heartbeat sent.', sentMs: Date.now() },
    ] satisfies TaskAnswerOutcome[]);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send heartbeat' }));
    expect(tauri.invoke).toHaveBeenCalledWith('answer_tasks', { taskTokens: ['token-run-1'], answer: { kind: 'heartbeat' } });
    await within(drawer).findByText('1 sent.');
    await waitFor(() => expect(items(drawer)[0]).toHaveTextContent(/Heartbeatin 1m 59s|Heartbeatin 2m 00s/));
  });

  it('says in words when a command is refused before anything is sent', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('checkbox', { name: 'Select AskRestaurant of run-1' }));
    tauri.commands.set('answer_tasks', () => rejectWith({ message: 'Choose at least one task to answer.', code: null }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Send heartbeat' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent('Nothing was sent. Choose at least one task to answer.');
  });

  it('shows a task payload and its execution: graph with the current state, and history', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('button', { name: /AskRestaurant.*run-1/ }));
    expect(within(drawer).getByRole('tree', { name: 'Payload of AskRestaurant' })).toHaveTextContent('"o-run-1"');
    const execution = await within(drawer).findByRole('region', { name: 'Execution run-1' });
    expect(tauri.invoke).toHaveBeenCalledWith('get_execution_view', { executionArn: view.executionArn });
    expect(execution).toHaveTextContent('Now in AskRestaurant');
    // The title is in capitals; the execution's name in it is not.
    expect(within(execution).getByText('run-1', { selector: '.tasks-id' }).closest('h3')).toHaveClass('tasks-section-title');
    const states = within(execution).getByRole('list', { name: 'States' });
    expect(within(states).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Start',
      'ChargePayment (visited)',
      'AskRestaurant (current)',
      'End',
    ]);
    await waitFor(() => expect(drawn.calls.length).toBeGreaterThan(0));
    expect(drawn.calls.at(-1)).toEqual({ current: ['AskRestaurant'], visited: ['ChargePayment', 'AskRestaurant'], nodes: 4 });
    const history = within(execution).getByRole('list', { name: 'History' });
    expect(within(history).getAllByRole('listitem')).toHaveLength(5);
    expect(history).toHaveTextContent('TaskScheduledevents:putEvents.waitForTaskToken');
  });

  it('refreshes the list every few seconds while open', async () => {
    const drawer = await openDrawer();
    answer('list_waiting_tasks', [task('run-1')]);
    await act(() => vi.advanceTimersByTimeAsync(3_100));
    expect(items(drawer)).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Waiting tasks 1' })).toBeInTheDocument();
  });
});
