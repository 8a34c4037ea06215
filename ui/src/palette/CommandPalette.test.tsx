import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerGraphControls, type GraphControls } from '../graph/controls';
import { getTheme, resetThemeForTests } from '../theme/theme';
import { CommandPalette } from './CommandPalette';

function controls(): GraphControls {
  return {
    nodes: [
      { id: 'bus:orders', label: 'orders' },
      { id: 'target:fn', label: 'charge-card' },
    ],
    selectedId: null,
    fit: vi.fn(),
    startSearch: vi.fn(),
    exportAs: vi.fn(),
    focus: vi.fn(),
    showAll: vi.fn(),
    goToNode: vi.fn(),
  };
}

afterEach(() => {
  registerGraphControls(null);
  localStorage.clear();
  resetThemeForTests();
});

function setup() {
  const graph = controls();
  act(() => registerGraphControls(graph));
  render(
    <>
      <button type="button">before</button>
      <CommandPalette />
    </>,
  );
  const before = screen.getByRole('button', { name: 'before' });
  before.focus();
  return { graph, before };
}

const open = (key: Partial<KeyboardEventInit> = { ctrlKey: true }) => fireEvent.keyDown(window, { key: 'k', ...key });
const input = () => screen.getByRole('combobox', { name: 'Type a command or a node name' });
const options = () => within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option');

describe('CommandPalette', () => {
  it('opens with Ctrl+K as a modal dialog with a labelled listbox, focused on its input', () => {
    setup();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    open();
    const dialog = screen.getByRole('dialog', { name: 'Command palette' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(input()).toHaveFocus();
    expect(input()).toHaveAttribute('aria-controls', screen.getByRole('listbox').id);
    expect(options()[0]).toHaveAttribute('aria-selected', 'true');
    expect(input()).toHaveAttribute('aria-activedescendant', options()[0]!.id);
  });

  it('opens with Cmd+K too, and Cmd+K again closes it', () => {
    const { before } = setup();
    open({ metaKey: true });
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    open({ metaKey: true });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(before).toHaveFocus();
  });

  it('filters as you type and runs the chosen command with Enter', () => {
    const { graph } = setup();
    open();
    fireEvent.change(input(), { target: { value: 'go charge' } });
    expect(options().map((o) => o.textContent)).toEqual(['Go to node charge-cardNode']);
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(graph.goToNode).toHaveBeenCalledWith('target:fn');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('moves with the arrow keys, wrapping around', () => {
    const { graph } = setup();
    open();
    fireEvent.change(input(), { target: { value: 'export' } });
    expect(options()).toHaveLength(3);
    fireEvent.keyDown(input(), { key: 'ArrowDown' });
    expect(options()[1]).toHaveAttribute('aria-selected', 'true');
    fireEvent.keyDown(input(), { key: 'ArrowUp' });
    fireEvent.keyDown(input(), { key: 'ArrowUp' });
    expect(options()[2]).toHaveAttribute('aria-selected', 'true');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(graph.exportAs).toHaveBeenCalledWith('mermaid');
  });

  it('closes with Escape and gives focus back', () => {
    const { before, graph } = setup();
    open();
    fireEvent.keyDown(input(), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(before).toHaveFocus();
    expect(graph.fit).not.toHaveBeenCalled();
  });

  it('runs a clicked command', () => {
    const { graph } = setup();
    open();
    fireEvent.click(screen.getByRole('option', { name: /Fit graph/ }));
    expect(graph.fit).toHaveBeenCalled();
  });

  it('toggles the theme', () => {
    setup();
    const initial = getTheme();
    open();
    fireEvent.change(input(), { target: { value: 'theme' } });
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(getTheme()).not.toBe(initial);
    expect(document.documentElement.dataset.theme).toBe(getTheme());
  });

  it('says when nothing matches', () => {
    setup();
    open();
    fireEvent.change(input(), { target: { value: 'qwerty' } });
    expect(screen.getByText('No command matches')).toBeInTheDocument();
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
