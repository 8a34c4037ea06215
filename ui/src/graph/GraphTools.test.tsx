// The graph pane's tools (search, focus, highlight, export) with the
// renderer faked: jsdom has no canvas.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveRenderer, renderers } from '../test/fakeRenderer';
import { sampleTopology } from '../test/fixtures';
import { getGraphControls } from './controls';
import { GraphView } from './GraphView';
import { setHighlight } from './highlight';

vi.mock('./renderer', () => import('../test/fakeRenderer'));
vi.mock('@tauri-apps/api/event', () => ({ listen: () => Promise.resolve(() => {}) }));

beforeEach(() => {
  renderers.length = 0;
});

// jsdom has no object URLs: each test installs its own, removed after.
const urlStatics = URL as unknown as Record<string, unknown>;

afterEach(() => {
  act(() => setHighlight(null));
  delete urlStatics.createObjectURL;
  delete urlStatics.revokeObjectURL;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const search = () => screen.getByRole('searchbox', { name: 'Search nodes by name' });

describe('graph search', () => {
  it('marks matches as you type, cycles with Enter and clears with Escape', () => {
    render(<GraphView topology={sampleTopology()} />);
    const r = liveRenderer();
    fireEvent.change(search(), { target: { value: 'l' } });
    expect(r.markMatches).toHaveBeenLastCalledWith(
      ['rule:orders/legacy', 'rule:orders/order-placed', 'target:queue'],
      null,
    );
    expect(screen.getByText('3 matches')).toBeInTheDocument();

    fireEvent.keyDown(search(), { key: 'Enter' });
    expect(r.centerOn).toHaveBeenLastCalledWith('rule:orders/legacy');
    expect(r.markMatches).toHaveBeenLastCalledWith(expect.any(Array), 'rule:orders/legacy');
    expect(screen.getByText('1 of 3')).toBeInTheDocument();
    fireEvent.keyDown(search(), { key: 'Enter' });
    fireEvent.keyDown(search(), { key: 'Enter' });
    fireEvent.keyDown(search(), { key: 'Enter' });
    expect(r.centerOn).toHaveBeenLastCalledWith('rule:orders/legacy');
    fireEvent.keyDown(search(), { key: 'Enter', shiftKey: true });
    expect(r.centerOn).toHaveBeenLastCalledWith('target:queue');
    // Going to a match selects it, so its details open.
    expect(screen.getByRole('complementary', { name: 'Details of fulfilment' })).toBeInTheDocument();

    fireEvent.keyDown(search(), { key: 'Escape' });
    expect(search()).toHaveValue('');
    expect(r.markMatches).toHaveBeenLastCalledWith([], null);
  });

  it('says when nothing matches', () => {
    render(<GraphView topology={sampleTopology()} />);
    fireEvent.change(search(), { target: { value: 'zzz' } });
    expect(screen.getByText('No match')).toBeInTheDocument();
    fireEvent.keyDown(search(), { key: 'Enter' });
    expect(liveRenderer().centerOn).not.toHaveBeenCalled();
  });
});

describe('focus', () => {
  it('focuses the selected node from its details, then shows all again', () => {
    render(<GraphView topology={sampleTopology()} />);
    const r = liveRenderer();
    expect(screen.queryByRole('button', { name: 'Show all' })).not.toBeInTheDocument();
    act(() => r.callbacks.onSelect('rule:orders/legacy'));
    const focus = screen.getByRole('button', { name: 'Focus' });
    expect(focus).toHaveAttribute('aria-pressed', 'false');
    fireEvent.click(focus);
    expect(r.focus).toHaveBeenLastCalledWith('rule:orders/legacy');
    expect(focus).toHaveAttribute('aria-pressed', 'true');

    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(r.focus).toHaveBeenLastCalledWith(null);
    expect(screen.queryByRole('button', { name: 'Show all' })).not.toBeInTheDocument();
  });

  it('focuses a double-tapped node', () => {
    render(<GraphView topology={sampleTopology()} />);
    act(() => liveRenderer().callbacks.onFocus?.('target:fn'));
    expect(liveRenderer().focus).toHaveBeenLastCalledWith('target:fn');
    expect(screen.getByRole('button', { name: 'Show all' })).toBeInTheDocument();
  });
});

describe('highlight store', () => {
  it('is applied to the renderer, and Show all clears it', () => {
    render(<GraphView topology={sampleTopology()} />);
    const r = liveRenderer();
    act(() => setHighlight({ nodeIds: ['bus:orders', 'rule:orders/legacy'], edgeIds: ['e2'] }));
    expect(r.highlight).toHaveBeenLastCalledWith(['bus:orders', 'rule:orders/legacy'], ['e2']);
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(r.highlight).toHaveBeenLastCalledWith(null, null);
  });

  it('treats an empty highlight as none', () => {
    render(<GraphView topology={sampleTopology()} />);
    act(() => setHighlight({ nodeIds: [], edgeIds: null }));
    expect(liveRenderer().highlight).toHaveBeenLastCalledWith(null, null);
    expect(screen.queryByRole('button', { name: 'Show all' })).not.toBeInTheDocument();
  });
});

describe('export', () => {
  function stubDownloads() {
    const createObjectURL = vi.fn<(blob: Blob) => string>(() => 'blob:graph');
    Object.assign(urlStatics, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    return { createObjectURL, click };
  }

  it('downloads the PNG the renderer makes', async () => {
    const { createObjectURL, click } = stubDownloads();
    render(<GraphView topology={sampleTopology()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export as PNG' }));
    await waitFor(() => expect(screen.getByText(/^Saved choreoscope-graph-.*\.png$/)).toBeInTheDocument());
    expect(liveRenderer().png).toHaveBeenCalled();
    expect(createObjectURL.mock.calls[0]![0].type).toBe('image/png');
    expect(click).toHaveBeenCalled();
  });

  it('copies and downloads Mermaid text', async () => {
    stubDownloads();
    const writeText = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    render(<GraphView topology={sampleTopology()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export as Mermaid' }));
    await waitFor(() => expect(screen.getByText(/Mermaid copied to the clipboard and saved/)).toBeInTheDocument());
    expect(writeText.mock.calls[0]![0]).toMatch(/^flowchart LR\n/);
  });

  it('says so when the webview cannot download', async () => {
    urlStatics.createObjectURL = () => {
      throw new Error('downloads are blocked');
    };
    render(<GraphView topology={sampleTopology()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export as SVG' }));
    await waitFor(() =>
      expect(screen.getByText('Could not export SVG: downloads are blocked')).toBeInTheDocument(),
    );
  });
});

describe('graph controls', () => {
  it('are registered while the pane is mounted', () => {
    const { unmount } = render(<GraphView topology={sampleTopology()} />);
    const controls = getGraphControls();
    expect(controls?.nodes.map((n) => n.label)).toEqual(['orders', 'order-placed', 'legacy', 'charge-card', 'fulfilment']);
    act(() => controls?.goToNode('target:fn'));
    expect(liveRenderer().centerOn).toHaveBeenLastCalledWith('target:fn');
    expect(getGraphControls()?.selectedId).toBe('target:fn');
    act(() => controls?.startSearch());
    expect(search()).toHaveFocus();
    unmount();
    expect(getGraphControls()).toBeNull();
  });
});
