import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { liveRenderer, renderers } from '../test/fakeRenderer';
import { fullTopology, sampleTopology } from '../test/fixtures';
import { GraphView } from './GraphView';

vi.mock('./renderer', () => import('../test/fakeRenderer'));
// GraphView listens for live activity; these tests push none.
vi.mock('@tauri-apps/api/event', () => ({ listen: () => Promise.resolve(() => {}) }));

beforeEach(() => {
  renderers.length = 0;
});

describe('GraphView', () => {
  it('lists nodes and edges for assistive technology and tests', () => {
    render(<GraphView topology={sampleTopology()} />);
    const nodes = within(screen.getByRole('list', { name: 'Graph nodes' })).getAllByRole('listitem');
    expect(nodes.map((li) => [li.dataset.nodeId, li.dataset.nodeKind, li.textContent])).toEqual([
      ['bus:orders', 'bus', 'orders'],
      ['rule:orders/order-placed', 'rule', 'order-placed'],
      ['rule:orders/legacy', 'rule', 'legacy'],
      ['target:fn', 'target', 'charge-card'],
      ['target:queue', 'target', 'fulfilment'],
    ]);
    const edge = screen.getByRole('list', { name: 'Graph edges' }).querySelector('[data-edge-id="e3"]');
    expect(edge).toHaveAttribute('data-source', 'rule:orders/order-placed');
    expect(edge).toHaveAttribute('data-target', 'target:fn');
    expect(edge).toHaveTextContent('order-placed → charge-card');
  });

  it('hands the topology to the renderer and flags when the layout is done', () => {
    const topology = sampleTopology();
    const { rerender } = render(<GraphView topology={topology} />);
    const graph = screen.getByTestId('graph');
    expect(graph).toHaveAttribute('data-node-count', '5');
    expect(graph).toHaveAttribute('data-edge-count', '5');
    expect(graph).toHaveAttribute('data-layout', 'pending');
    expect(liveRenderer().topologies.at(-1)).toBe(topology);

    act(() => liveRenderer().finishLayout());
    expect(graph).toHaveAttribute('data-layout', 'done');
    expect(graph).not.toHaveAttribute('data-layout-refined');
    // ELK's layout follows the quick one for a new structure.
    act(() => liveRenderer().refineLayout());
    expect(graph).toHaveAttribute('data-layout-refined', 'elk');

    // A relabelled copy keeps the layout; a new node needs a new one.
    const relabelled = sampleTopology();
    relabelled.nodes[0] = { ...relabelled.nodes[0]!, label: 'orders-v2' };
    rerender(<GraphView topology={relabelled} />);
    expect(graph).toHaveAttribute('data-layout', 'done');

    const grown = sampleTopology();
    grown.nodes.push({ ...grown.nodes[3]!, id: 'target:extra', label: 'extra' });
    rerender(<GraphView topology={grown} />);
    expect(graph).toHaveAttribute('data-layout', 'pending');
    expect(graph).not.toHaveAttribute('data-layout-refined');
    expect(graph).toHaveAttribute('data-node-count', '6');
    act(() => liveRenderer().finishLayout());
    expect(graph).toHaveAttribute('data-layout', 'done');
  });

  it('shows the details of a tapped node until closed', () => {
    render(<GraphView topology={sampleTopology()} />);
    act(() => liveRenderer().callbacks.onSelect('rule:orders/order-placed'));

    const panel = screen.getByRole('complementary', { name: 'Details of order-placed' });
    expect(panel).toHaveTextContent('Rule');
    expect(panel).toHaveTextContent('arn:aws:events:us-east-1:000000000000:rule/orders/order-placed');
    expect(panel).toHaveTextContent('ENABLED');
    expect(panel).toHaveTextContent('Routes new orders');
    expect(panel.querySelector('pre')?.textContent).toBe(
      JSON.stringify({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] }, null, 2),
    );
    expect(liveRenderer().select).toHaveBeenLastCalledWith('rule:orders/order-placed');

    fireEvent.click(screen.getByRole('button', { name: 'Close details' }));
    expect(screen.queryByRole('complementary')).not.toBeInTheDocument();
    expect(liveRenderer().select).toHaveBeenLastCalledWith(null);
  });

  it("shows a node's details and those of the edges around it", () => {
    render(<GraphView topology={fullTopology()} />);
    act(() => liveRenderer().callbacks.onSelect('archive:keep'));
    const archive = screen.getByRole('complementary', { name: 'Details of keep' });
    expect(archive).toHaveTextContent('Archive');
    expect(archive).toHaveTextContent('Events42');
    expect(archive.querySelector('pre')?.textContent).toBe(JSON.stringify({ source: ['shop'] }, null, 2));

    act(() => liveRenderer().callbacks.onSelect('api:notify'));
    const delivery = screen.getByRole('region', { name: 'Delivery from order-placed' });
    expect(delivery).toHaveTextContent('Input path$.detail');
    expect(delivery).toHaveTextContent('Retry policy2 retries');
    expect(screen.getByRole('complementary', { name: 'Details of notify' })).toHaveTextContent('API destination');

    act(() => liveRenderer().callbacks.onSelect('arn:aws:states:us-east-1:000000000000:stateMachine:fulfil'));
    const puts = screen.getByRole('region', { name: 'Puts events to orders' });
    expect(puts).toHaveTextContent('waitForTaskToken');
    expect(puts).toHaveTextContent('StatesAsk (waitForTaskToken)');
  });

  it('closes the details when the node leaves the graph', () => {
    const { rerender } = render(<GraphView topology={sampleTopology()} />);
    act(() => liveRenderer().callbacks.onSelect('target:fn'));
    expect(screen.getByRole('complementary', { name: 'Details of charge-card' })).toHaveTextContent('Lambda function');

    const without = sampleTopology();
    without.nodes = without.nodes.filter((n) => n.id !== 'target:fn');
    rerender(<GraphView topology={without} />);
    expect(screen.queryByRole('complementary')).not.toBeInTheDocument();
  });

  it('says so when there is nothing to draw', () => {
    render(<GraphView topology={{ nodes: [], edges: [] }} />);
    expect(screen.getByText('No event buses found')).toBeInTheDocument();
    expect(screen.getByTestId('graph')).toHaveAttribute('data-node-count', '0');
  });

  it('stops the renderer when unmounted', () => {
    const { unmount } = render(<GraphView topology={sampleTopology()} />);
    const renderer = liveRenderer();
    unmount();
    expect(renderer.destroy).toHaveBeenCalled();
  });
});
