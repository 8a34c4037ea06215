// The graph tools, palette and theme as mounted in the whole app (the Tauri
// bridge faked as in App.test.tsx).
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { AppError } from './bindings/AppError';
import type { ConnectionInfo } from './bindings/ConnectionInfo';
import { liveRenderer, renderers } from './test/fakeRenderer';
import { sampleTopology } from './test/fixtures';
import { resetThemeForTests } from './theme/theme';

const tauri = vi.hoisted(() => ({
  commands: new Map<string, () => Promise<unknown>>(),
  invoke: vi.fn(),
}));

vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));
vi.mock('@tauri-apps/api/event', () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock('./graph/renderer', () => import('./test/fakeRenderer'));

const local: ConnectionInfo = { mode: 'local', region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4010', profile: null };

/** Tauri commands reject with a plain AppError object, not an Error. */
function rejectWith(error: AppError): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- that is the contract
  return Promise.reject(error);
}

beforeEach(() => {
  renderers.length = 0;
  tauri.commands.clear();
  tauri.invoke.mockReset();
  tauri.invoke.mockImplementation((command: string) => {
    const run = tauri.commands.get(command);
    return run ? run() : rejectWith({ message: `unexpected command ${command}`, code: null });
  });
  tauri.commands.set('connection_info', () => Promise.resolve(local));
  tauri.commands.set('get_topology', () => Promise.resolve(sampleTopology()));
  tauri.commands.set('list_events', () => Promise.resolve({ events: [], watermarkMs: 0 }));
});

afterEach(() => {
  localStorage.clear();
  resetThemeForTests();
});

describe('App tools', () => {
  it('goes to a node from the command palette and gives focus back', async () => {
    render(<App />);
    await screen.findByRole('list', { name: 'Graph nodes' });
    const themeButton = screen.getByRole('button', { name: /Switch to (light|dark) theme/ });
    themeButton.focus();

    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const input = screen.getByRole('combobox', { name: 'Type a command or a node name' });
    fireEvent.change(input, { target: { value: 'go legacy' } });
    fireEvent.keyDown(input, { key: 'Enter' });

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(liveRenderer().centerOn).toHaveBeenLastCalledWith('rule:orders/legacy');
    expect(screen.getByRole('complementary', { name: 'Details of legacy' })).toBeInTheDocument();
    expect(themeButton).toHaveFocus();
  });

  it('switches the page and the graph to the light theme from the header', async () => {
    render(<App />);
    await screen.findByRole('list', { name: 'Graph nodes' });
    expect(document.documentElement.dataset.theme).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(liveRenderer().setTheme).toHaveBeenLastCalledWith('light');
    fireEvent.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(liveRenderer().setTheme).toHaveBeenLastCalledWith('dark');
  });
});
