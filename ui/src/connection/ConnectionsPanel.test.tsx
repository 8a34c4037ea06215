import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../bindings/AppError';
import type { AwsProfiles } from '../bindings/AwsProfiles';
import type { ConnectionsOverview } from '../bindings/ConnectionsOverview';
import { LOCAL_STOPPED, useTopology } from '../hooks/useTopology';
import { ConnectionBadge } from './ConnectionBadge';
import { draftProblem, EMPTY_DRAFT } from './form';
import { resetConnectionsUi } from './store';

// The Tauri bridge, faked as in DeadLetters.test.tsx: commands answer from
// `tauri.commands`, and `emit` plays the Rust side pushing an event.
const tauri = vi.hoisted(() => {
  type Handler = (event: { event: string; id: number; payload: unknown }) => void;
  const handlers = new Map<string, Set<Handler>>();
  return {
    handlers,
    commands: new Map<string, (args?: unknown) => Promise<unknown>>(),
    invoke: vi.fn(),
    emit(name: string, payload: unknown) {
      for (const handler of handlers.get(name) ?? []) handler({ event: name, id: 1, payload });
    },
  };
});

vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));
vi.mock('@tauri-apps/api/event', () => ({
  listen: (name: string, handler: (event: { event: string; id: number; payload: unknown }) => void) => {
    const set = tauri.handlers.get(name) ?? new Set();
    set.add(handler);
    tauri.handlers.set(name, set);
    return Promise.resolve(() => set.delete(handler));
  },
}));

function answer(command: string, value: unknown) {
  tauri.commands.set(command, () => Promise.resolve(value));
}

function fail(command: string, error: AppError) {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- commands reject with an AppError
  tauri.commands.set(command, () => Promise.reject(error));
}

const LOCAL_URL = 'http://127.0.0.1:4010';

function overview(over: Partial<ConnectionsOverview['current']> = {}): ConnectionsOverview {
  return {
    current: {
      name: 'Local system',
      savedId: 'local',
      spec: { kind: 'local', profile: null, region: null, endpointUrl: null },
      info: { mode: 'local', region: 'us-east-1', endpointUrl: LOCAL_URL, profile: null },
      local: 'running',
      dataDir: '/tmp/choreoscope/local',
      ...over,
    },
    saved: [
      { id: 'local', name: 'Local system', spec: { kind: 'local', profile: null, region: null, endpointUrl: null } },
      {
        id: 'p1',
        name: 'Production',
        spec: { kind: 'profile', profile: 'prod', region: 'eu-west-1', endpointUrl: null },
      },
    ],
    problem: null,
  };
}

const PROFILES: AwsProfiles = {
  profiles: [
    { name: 'default', region: 'eu-west-1', sso: false, ssoSession: null, inConfig: true, inCredentials: true },
    { name: 'dev', region: 'eu-central-1', sso: true, ssoSession: 'corp', inConfig: true, inCredentials: false },
  ],
  regions: ['eu-west-1', 'us-east-1', 'eu-central-1'],
  configFile: '/home/u/.aws/config',
  credentialsFile: '/home/u/.aws/credentials',
  problems: [],
};

function renderBadge() {
  return render(
    <ConnectionBadge
      info={{ mode: 'local', region: 'us-east-1', endpointUrl: LOCAL_URL, profile: null }}
      error={null}
    />,
  );
}

async function openPanel() {
  renderBadge();
  fireEvent.click(screen.getByTestId('connection'));
  return screen.findByRole('dialog', { name: 'Connections' });
}

beforeEach(() => {
  tauri.commands.clear();
  tauri.handlers.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string, args?: unknown) => {
    const handler = tauri.commands.get(command);
    return handler ? handler(args) : Promise.reject(new Error(`unexpected command ${command}`));
  });
  resetConnectionsUi();
  answer('connections_overview', overview());
  answer('aws_profiles', PROFILES);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ConnectionsPanel', () => {
  it('shows the local endpoint and the aws CLI line to copy', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const panel = await openPanel();
    const current = within(panel).getByRole('region', { name: 'Current connection' });
    expect(await within(current).findByTestId('local-state')).toHaveTextContent('Running');
    expect(current).toHaveTextContent(`aws --endpoint-url ${LOCAL_URL} --region us-east-1 events list-event-buses`);
    fireEvent.click(within(current).getByRole('button', { name: 'Copy try it' }));
    expect(writeText).toHaveBeenCalledWith(`aws --endpoint-url ${LOCAL_URL} --region us-east-1 events list-event-buses`);
    expect(await within(current).findByText('Copied')).toBeInTheDocument();
  });

  it('switches to a saved connection and says a failed switch in words', async () => {
    fail('switch_connection', { message: 'The SSO session of profile prod has expired. Run `aws sso login --profile prod`.', code: null });
    const panel = await openPanel();
    fireEvent.click(await within(panel).findByRole('button', { name: 'Switch to Production' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent('aws sso login --profile prod');
    expect(tauri.invoke).toHaveBeenCalledWith('switch_connection', { id: 'p1' });

    const switched = overview({
      name: 'Production',
      savedId: 'p1',
      spec: { kind: 'profile', profile: 'prod', region: 'eu-west-1', endpointUrl: null },
      info: { mode: 'aws', region: 'eu-west-1', endpointUrl: null, profile: 'prod' },
      local: null,
      dataDir: null,
    });
    answer('switch_connection', switched);
    fireEvent.click(within(panel).getByRole('button', { name: 'Switch to Production' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent('Switched to Production.');
    expect(within(panel).queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Switch to Local system' })).toBeInTheDocument();
  });

  it('stops the local system and says so in words, in the badge and the graph pane', async () => {
    const topology: { current: ReturnType<typeof useTopology> | null } = { current: null };
    function GraphProbe() {
      topology.current = useTopology();
      return null;
    }
    answer('get_topology', { nodes: [], edges: [] });
    render(<GraphProbe />);
    const panel = await openPanel();
    const stopped = overview({ local: 'stopped' });
    tauri.commands.set('stop_local_system', () => {
      // The backend pushes the change as it answers.
      tauri.emit('connection-changed', stopped);
      return Promise.resolve(stopped);
    });
    fireEvent.click(await within(panel).findByRole('button', { name: 'Stop' }));
    expect(await within(panel).findByTestId('local-state')).toHaveTextContent('Stopped');
    expect(screen.getByTestId('connection')).toHaveTextContent('stopped');
    expect(within(panel).getByRole('button', { name: 'Start' })).toBeInTheDocument();
    await waitFor(() => expect(topology.current?.status).toBe('stopped'));
    expect(topology.current).toEqual({ status: 'stopped', message: LOCAL_STOPPED });
  });

  it('asks before resetting the local data', async () => {
    answer('reset_local_system', overview());
    const panel = await openPanel();
    fireEvent.click(await within(panel).findByRole('button', { name: 'Reset data…' }));
    const confirm = within(panel).getByRole('alertdialog', { name: 'Reset the local system' });
    expect(confirm).toHaveTextContent('/tmp/choreoscope/local');
    expect(tauri.invoke).not.toHaveBeenCalledWith('reset_local_system');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(tauri.invoke).not.toHaveBeenCalledWith('reset_local_system');
    fireEvent.click(within(panel).getByRole('button', { name: 'Reset data…' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Delete data and restart' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent('reset and started afresh');
    expect(tauri.invoke).toHaveBeenCalledWith('reset_local_system');
  });

  it('adds an SSO profile connection after checking the form', async () => {
    answer('save_connection', overview());
    const panel = await openPanel();
    const form = within(panel).getByRole('form', { name: 'Add a connection' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Give the connection a name.');
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Dev' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Pick an AWS profile.');
    expect(tauri.invoke).not.toHaveBeenCalledWith('save_connection', expect.anything());

    const profile = within(form).getByLabelText('Profile');
    await waitFor(() => expect(within(profile).getByRole('option', { name: 'dev (SSO) · eu-central-1' })).toBeInTheDocument());
    fireEvent.change(profile, { target: { value: 'dev' } });
    expect(form).toHaveTextContent('aws sso login --profile dev');
    const region = within(form).getByLabelText('Region');
    expect(within(region).getAllByRole('option')[1]).toHaveTextContent('eu-central-1');
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(tauri.invoke).toHaveBeenCalledWith('save_connection', {
        name: 'Dev',
        spec: { kind: 'profile', profile: 'dev', region: null, endpointUrl: null },
      }),
    );
    expect(await within(form).findByRole('status')).toHaveTextContent('Saved Dev.');
  });

  it('tests an endpoint URL connection and refuses a malformed URL', async () => {
    answer('test_connection', 'Connected to http://localhost:4566 in us-east-1.');
    const panel = await openPanel();
    const form = within(panel).getByRole('form', { name: 'Add a connection' });
    fireEvent.click(within(form).getByLabelText(/Endpoint URL \(LocalStack/));
    fireEvent.change(within(form).getByLabelText('Endpoint URL'), { target: { value: 'localhost:4566' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Test' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('is not an endpoint URL');
    fireEvent.change(within(form).getByLabelText('Endpoint URL'), { target: { value: 'http://localhost:4566' } });
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Test' }));
      await Promise.resolve();
    });
    expect(await within(form).findByRole('status')).toHaveTextContent('Connected to http://localhost:4566');
    expect(tauri.invoke).toHaveBeenCalledWith('test_connection', {
      spec: { kind: 'endpoint', profile: null, region: 'us-east-1', endpointUrl: 'http://localhost:4566' },
    });
  });
});

describe('draftProblem', () => {
  it('asks for what an endpoint connection lacks, in order', () => {
    const endpoint = { ...EMPTY_DRAFT, kind: 'endpoint' as const, name: 'Stack' };
    expect(draftProblem(endpoint, true)).toMatch(/Give the endpoint URL/);
    expect(draftProblem({ ...endpoint, endpointUrl: 'http://h:4566' }, true)).toBe('Pick the region the endpoint serves.');
    expect(draftProblem({ ...endpoint, endpointUrl: 'http://h:4566', region: 'us-east-1' }, true)).toBeNull();
    expect(draftProblem({ ...endpoint, name: '' }, false)).toMatch(/endpoint URL/);
  });
});
