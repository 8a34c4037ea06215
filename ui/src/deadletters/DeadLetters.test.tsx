import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { DeadLetter } from '../bindings/DeadLetter';
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';
import type { RedriveOutcome } from '../bindings/RedriveOutcome';
import { DeadLettersButton } from './DeadLettersButton';
import { DeadLettersDrawer } from './DeadLettersDrawer';
import { resetDeadLetters } from './store';

// The Tauri bridge, faked as in App.test.tsx: commands answer from
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

/** Tauri commands reject with a plain AppError object, not an Error. */
function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

function fail(command: string, error: AppError) {
  tauri.commands.set(command, () => rejectWith(error));
}

const ACCOUNT = 'arn:aws:events:us-east-1:000000000000';
const QUEUE_URL = 'http://127.0.0.1:4010/000000000000/notifications-dlq';

function queue(over: Partial<DeadLetterQueue> = {}): DeadLetterQueue {
  return {
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:notifications-dlq',
    queueUrl: QUEUE_URL,
    name: 'notifications-dlq',
    depth: 3,
    inFlight: 1,
    senders: [
      {
        ruleArn: `${ACCOUNT}:rule/orders/notify-customer`,
        targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:notifications',
      },
    ],
    ...over,
  };
}

function letter(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    messageId: id,
    body: JSON.stringify({ id }),
    event: { id, 'detail-type': 'OrderPlaced', detail: { orderId: `o-${id}` } },
    ruleArn: `${ACCOUNT}:rule/orders/notify-customer`,
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:notifications',
    errorCode: 'SDK_CLIENT_ERROR',
    errorMessage: 'Function failed',
    exhaustedRetryCondition: 'MaximumRetryAttempts',
    retryAttempts: 2,
    sentMs: Date.UTC(2026, 0, 2, 3, 4, 5),
    receiveCount: 1,
    ...over,
  };
}

const letters = [
  letter('m-1'),
  letter('m-2', { errorCode: 'NO_PERMISSIONS', errorMessage: 'Not allowed', retryAttempts: 0, exhaustedRetryCondition: null }),
  letter('m-3'),
];

function Harness() {
  return (
    <>
      <DeadLettersButton />
      <main>
        <DeadLettersDrawer />
      </main>
    </>
  );
}

beforeEach(() => {
  resetDeadLetters();
  tauri.handlers.clear();
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const run = tauri.commands.get(command);
    return run ? run(args) : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  answer('list_dead_letter_queues', [queue(), queue({ queueArn: 'arn:aws:sqs:us-east-1:0:empty-dlq', name: 'empty-dlq', depth: 0, inFlight: 0, senders: [] })]);
  answer('peek_dead_letters', letters);
});

afterEach(() => {
  vi.useRealTimers();
});

async function openDrawer() {
  render(<Harness />);
  const button = await screen.findByRole('button', { name: 'Dead letters 3' });
  fireEvent.click(button);
  const drawer = screen.getByRole('dialog', { name: 'Dead letters' });
  await within(drawer).findByRole('list', { name: 'Dead-letter queues' });
  return drawer;
}

async function peekFirstQueue(drawer: HTMLElement) {
  fireEvent.click(within(drawer).getByRole('button', { name: /notifications-dlq/ }));
  fireEvent.click(within(drawer).getByRole('button', { name: 'Peek messages' }));
  await within(drawer).findByText('3 messages peeked, 2 errors.');
}

describe('Dead letters', () => {
  it('shows the total depth in the header and lists the queues with their senders', async () => {
    const drawer = await openDrawer();
    expect(screen.getByRole('button', { name: 'Dead letters 3' })).toHaveAttribute('aria-expanded', 'true');
    expect(within(drawer).getByRole('heading', { name: 'Dead letters' })).toHaveFocus();

    const items = within(within(drawer).getByRole('list', { name: 'Dead-letter queues' })).getAllByRole('button');
    expect(items.map((b) => b.textContent)).toEqual([
      'notifications-dlq3 messages · 1 in flight',
      'empty-dlq0 messages · 0 in flight',
    ]);
    expect(within(drawer).getByRole('list', { name: 'Sends to notifications-dlq' })).toHaveTextContent(
      'notify-customer → notifications',
    );
    expect(tauri.invoke).toHaveBeenCalledWith('list_dead_letter_queues');
  });

  it('refreshes the queues every few seconds while open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const drawer = await openDrawer();
    answer('list_dead_letter_queues', [queue({ depth: 7 })]);
    await act(() => vi.advanceTimersByTimeAsync(3_100));
    expect(within(drawer).getByText('7 messages')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Dead letters 7' })).toBeInTheDocument();
  });

  it('closes on Escape and gives focus back to the header button', async () => {
    const drawer = await openDrawer();
    fireEvent.keyDown(drawer, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Dead letters' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Dead letters 3' })).toHaveFocus();
  });

  it('peeks a queue and groups its messages by error, and shows an event', async () => {
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('button', { name: /notifications-dlq/ }));
    expect(within(drawer).getByText(/Peeking receives up to 100 messages/)).toHaveTextContent(
      'at most 20 s',
    );
    await peekFirstQueue(drawer);
    expect(tauri.invoke).toHaveBeenCalledWith('peek_dead_letters', { queueUrl: QUEUE_URL, max: 100 });

    const fnError = within(drawer).getByRole('region', { name: 'SDK_CLIENT_ERROR: Function failed (2)' });
    const permError = within(drawer).getByRole('region', { name: 'NO_PERMISSIONS: Not allowed (1)' });
    const ids = (region: HTMLElement) =>
      within(region)
        .getAllByRole('listitem')
        .map((li) => li.dataset.messageId);
    expect(ids(fnError)).toEqual(['m-1', 'm-3']);
    expect(ids(permError)).toEqual(['m-2']);
    expect(within(fnError).getAllByText('2 retry attempts')).toHaveLength(2);
    expect(within(fnError).getAllByText('MaximumRetryAttempts')).toHaveLength(2);
    expect(within(permError).getByText('not retried')).toBeInTheDocument();
    expect(within(permError).getByText('rule orders/notify-customer')).toBeInTheDocument();
    expect(within(permError).getByText('target notifications')).toBeInTheDocument();

    fireEvent.click(within(permError).getByRole('button', { name: /^m-2/ }));
    const tree = within(drawer).getByRole('tree', { name: 'Event of message m-2' });
    expect(tree).toHaveTextContent('"OrderPlaced"');
    // The title is in capitals; the id in it is not (ids are case-sensitive).
    const title = within(drawer).getByRole('heading', { name: 'Event of m-2' });
    expect(within(title).getByText('m-2')).toHaveClass('dlq-id');
  });

  it('redrives a selection after a preview and shows each outcome', async () => {
    const outcomes: RedriveOutcome[] = [
      { messageId: 'm-1', sent: true, detail: 'put on bus orders' },
      { messageId: 'm-3', sent: false, detail: 'the rule notify-customer does not exist any more' },
    ];
    answer('redrive_dead_letters', outcomes);
    const drawer = await openDrawer();
    await peekFirstQueue(drawer);

    const group = within(drawer).getByRole('region', { name: 'SDK_CLIENT_ERROR: Function failed (2)' });
    fireEvent.click(within(group).getByRole('checkbox', { name: /Select all 2/ }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Redrive selected (2)' }));

    const dialog = screen.getByRole('dialog', { name: 'Redrive 2 messages from notifications-dlq' });
    expect(within(dialog).getByRole('radio', { name: /Back onto the rule's bus/ })).toHaveFocus();
    const preview = within(dialog).getByRole('list', { name: 'Redrive preview' });
    expect(within(preview).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'm-1 → bus orders (rule notify-customer and every other rule that matches)',
      'm-3 → bus orders (rule notify-customer and every other rule that matches)',
    ]);
    fireEvent.click(within(dialog).getByRole('radio', { name: /Straight to the target/ }));
    expect(within(preview).getAllByRole('listitem')[0]).toHaveTextContent('m-1 → target notifications');

    answer('list_dead_letter_queues', [queue({ depth: 1 })]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Redrive 2 messages' }));
    expect(tauri.invoke).toHaveBeenCalledWith('redrive_dead_letters', {
      queueUrl: QUEUE_URL,
      messageIds: ['m-1', 'm-3'],
      to: 'target',
    });
    const results = await within(dialog).findByRole('list', { name: 'Redrive outcomes' });
    expect(within(dialog).getByText('1 sent, 1 not sent.')).toBeInTheDocument();
    expect(within(results).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'm-1 Sent: put on bus orders',
      'm-3 Not sent: the rule notify-customer does not exist any more',
    ]);
    // The queue is read again after the redrive.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Dead letters 1' })).toBeInTheDocument());

    // Escape inside the dialog closes the dialog only, never the drawer.
    fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Close' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: /Redrive/ })).not.toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Dead letters' })).toBeInTheDocument();
    // The message sent is gone from the list; the one not sent stays.
    const left = within(drawer).getByRole('region', { name: 'SDK_CLIENT_ERROR: Function failed (1)' });
    expect(within(left).getAllByRole('listitem').map((li) => li.dataset.messageId)).toEqual(['m-3']);
  });

  it('redrives one message or all of them', async () => {
    answer('redrive_dead_letters', [{ messageId: 'm-2', sent: true, detail: 'put on bus orders' }]);
    const drawer = await openDrawer();
    await peekFirstQueue(drawer);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Redrive message m-2' }));
    let dialog = screen.getByRole('dialog', { name: 'Redrive 1 message from notifications-dlq' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(tauri.invoke).not.toHaveBeenCalledWith('redrive_dead_letters', expect.anything());

    fireEvent.click(within(drawer).getByRole('button', { name: 'Redrive all (3)' }));
    dialog = screen.getByRole('dialog', { name: 'Redrive 3 messages from notifications-dlq' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Redrive 3 messages' }));
    expect(tauri.invoke).toHaveBeenCalledWith('redrive_dead_letters', {
      queueUrl: QUEUE_URL,
      messageIds: ['m-1', 'm-2', 'm-3'],
      to: 'bus',
    });
    await within(dialog).findByText('1 sent, 0 not sent.');
  });

  it('deletes a selection only after a confirmation that defaults to Cancel', async () => {
    answer('delete_dead_letters', [
      { messageId: 'm-2', deleted: true, detail: 'deleted from the queue' },
      { messageId: 'm-3', deleted: false, detail: 'not in the queue any more (another consumer took it, or it was deleted)' },
    ]);
    const drawer = await openDrawer();
    await peekFirstQueue(drawer);
    expect(within(drawer).getByRole('button', { name: 'Delete selected (0)' })).toBeDisabled();
    const messages = within(drawer).getAllByRole('checkbox', { name: /Select message/ });
    for (const box of messages.slice(1)) fireEvent.click(box);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Delete selected (2)' }));

    let dialog = screen.getByRole('dialog', { name: 'Delete 2 messages from notifications-dlq?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(dialog).toHaveTextContent('cannot be undone');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(tauri.invoke).not.toHaveBeenCalledWith('delete_dead_letters', expect.anything());

    fireEvent.click(within(drawer).getByRole('button', { name: 'Delete selected (2)' }));
    dialog = screen.getByRole('dialog', { name: 'Delete 2 messages from notifications-dlq?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete 2 messages' }));
    const ids = (tauri.invoke.mock.calls.find(([command]) => command === 'delete_dead_letters')?.[1] ?? {}) as {
      messageIds?: string[];
    };
    expect(ids.messageIds).toHaveLength(2);
    const results = await within(dialog).findByRole('list', { name: 'Delete outcomes' });
    expect(within(dialog).getByText('1 deleted, 1 not deleted.')).toBeInTheDocument();
    expect(within(results).getAllByRole('listitem')[0]).toHaveTextContent('m-2 Deleted: deleted from the queue');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    // The deleted message is gone from the list; the one not deleted stays.
    const shown = [...drawer.querySelectorAll<HTMLElement>('[data-message-id]')].map((li) => li.dataset.messageId);
    expect(shown.sort()).toEqual(['m-1', 'm-3']);
  });

  it('says in words what went wrong', async () => {
    fail('list_dead_letter_queues', { message: 'Access denied to ListQueues', code: 'AccessDenied' });
    render(<Harness />);
    const button = screen.getByRole('button', { name: 'Dead letters' });
    fireEvent.click(button);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not read the dead-letter queues. Access denied to ListQueues');
    expect(alert).toHaveTextContent('AccessDenied');
  });

  it('says why a peek or a redrive failed', async () => {
    fail('peek_dead_letters', { message: 'The queue does not exist.', code: 'QueueDoesNotExist' });
    const drawer = await openDrawer();
    fireEvent.click(within(drawer).getByRole('button', { name: /notifications-dlq/ }));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Peek messages' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent(
      'Could not peek the queue. The queue does not exist.',
    );

    answer('peek_dead_letters', letters);
    fail('redrive_dead_letters', { message: 'Throttled', code: 'ThrottlingException' });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Peek messages' }));
    await within(drawer).findByText('3 messages peeked, 2 errors.');
    fireEvent.click(within(drawer).getByRole('button', { name: 'Redrive message m-1' }));
    const dialog = screen.getByRole('dialog', { name: /Redrive 1 message/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Redrive 1 message' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The redrive failed. Throttled');
  });
});
