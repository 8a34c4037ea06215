// The graph's circuits overlay beside the real legend: it must sit above it.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CircuitStatus } from '../bindings/CircuitStatus';
import { sampleTopology } from '../test/fixtures';
import { Circuits, CORNER_GAP_PX, STACK_GAP_PX } from './Circuits';
import { Legend } from './Legend';

const open: CircuitStatus = {
  name: 'restaurant-partner',
  state: 'OPEN',
  from: 'CLOSED',
  reason: '3 failures within 30 s',
  failures: 3,
  sinceMs: Date.now() - 3_000,
  openedAt: null,
};

describe('the circuits overlay', () => {
  it('stacks above the legend, clear of however tall it wraps', () => {
    // jsdom lays nothing out: the legend's height is what a browser would give two wrapped rows.
    const height = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
    Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('legend') ? 52 : 0;
      },
    });
    try {
      const topology = sampleTopology();
      render(
        <div className="graph-pane">
          <Legend topology={topology} />
          <Circuits circuits={[open]} topology={topology} />
        </div>,
      );
      const overlay = screen.getByRole('region', { name: 'Circuits' });
      expect(overlay).toHaveStyle({ bottom: `${CORNER_GAP_PX + 52 + STACK_GAP_PX}px` });
      expect(overlay).toHaveTextContent('restaurant-partner');
    } finally {
      if (height) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', height);
    }
  });

  it('keeps to the corner when there is no legend', () => {
    render(
      <div className="graph-pane">
        <Circuits circuits={[open]} topology={{ ...sampleTopology(), nodes: [] }} />
      </div>,
    );
    expect(screen.getByRole('region', { name: 'Circuits' })).toHaveStyle({ bottom: `${CORNER_GAP_PX}px` });
  });
});
