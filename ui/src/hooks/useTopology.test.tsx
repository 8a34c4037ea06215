import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { prefetchTopology } from '../api';
import type { Topology } from '../bindings/Topology';
import { sampleTopology } from '../test/fixtures';
import { useTopology, type TopologyState } from './useTopology';

const tauri = vi.hoisted(() => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/core', () => ({ invoke: tauri.invoke }));
vi.mock('@tauri-apps/api/event', () => ({ listen: () => Promise.resolve(() => {}) }));

describe('useTopology', () => {
  it('draws the start-up topology in the first render when it arrived before the UI mounted', async () => {
    const topology: Topology = sampleTopology();
    tauri.invoke.mockImplementation((command: string) =>
      command === 'get_topology' ? Promise.resolve(topology) : Promise.reject(new Error(`unexpected ${command}`)),
    );
    await prefetchTopology();

    const states: TopologyState[] = [];
    function Probe() {
      states.push(useTopology());
      return null;
    }
    render(<Probe />);
    await Promise.resolve();

    expect(states[0]).toEqual({ status: 'ready', topology });
    expect(states.every((state) => state.status === 'ready' && state.topology === topology)).toBe(true);
    // The prefetched reply serves the hook: one read in all.
    expect(tauri.invoke.mock.calls.filter(([command]) => command === 'get_topology')).toHaveLength(1);
  });
});
