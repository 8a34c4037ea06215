import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonTree } from './JsonTree';

const value = { id: 'e1', detail: { data: { total: 12, paid: true, note: null }, items: ['a', 'b'] }, empty: {} };

afterEach(() => vi.unstubAllGlobals());

describe('JsonTree', () => {
  it('shows pretty JSON, two levels open', () => {
    render(<JsonTree value={value} label="Event e1" />);
    const tree = screen.getByRole('tree', { name: 'Event e1' });
    expect(tree).toHaveTextContent('"id": "e1"');
    expect(tree).toHaveTextContent('"empty": {}');
    // detail is open; data (third level) is folded, with its size.
    expect(screen.getByRole('button', { name: 'Fold detail' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unfold data' })).toBeInTheDocument();
    expect(tree).toHaveTextContent('"data": {…} 3 keys');
    expect(tree).toHaveTextContent('"items": […] 2 items');
  });

  it('folds and unfolds objects and arrays', () => {
    render(<JsonTree value={value} label="Event e1" />);
    const tree = screen.getByRole('tree');
    fireEvent.click(screen.getByRole('button', { name: 'Unfold data' }));
    expect(tree).toHaveTextContent('"total": 12');
    expect(tree).toHaveTextContent('"note": null');
    fireEvent.click(screen.getByRole('button', { name: 'Fold detail' }));
    expect(tree).not.toHaveTextContent('"total"');
    expect(tree).toHaveTextContent('"detail": {…} 2 keys');
  });

  it('expands and collapses everything', () => {
    render(<JsonTree value={value} label="Event e1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Expand all' }));
    const tree = screen.getByRole('tree');
    expect(tree).toHaveTextContent('0: "a"');
    expect(tree).toHaveTextContent('"paid": true');
    fireEvent.click(screen.getByRole('button', { name: 'Collapse all' }));
    const collapsed = screen.getByRole('tree');
    expect(within(collapsed).getAllByRole('treeitem')).toHaveLength(1);
    expect(collapsed).toHaveTextContent('{…} 3 keys');
  });

  it('copies the JSON to the clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    render(<JsonTree value={value} label="Event e1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(writeText).toHaveBeenCalledWith(JSON.stringify(value, null, 2));
    expect(await screen.findByRole('status')).toHaveTextContent('Copied');
  });

  it('offers the text to copy by hand when the clipboard refuses', async () => {
    vi.stubGlobal('navigator', { clipboard: { writeText: () => Promise.reject(new Error('denied')) } });
    render(<JsonTree value={value} label="Event e1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not use the clipboard');
    expect(screen.getByRole('textbox', { name: 'JSON to copy' })).toHaveValue(JSON.stringify(value, null, 2));
  });

  it('offers the text to copy by hand when there is no clipboard', () => {
    vi.stubGlobal('navigator', {});
    render(<JsonTree value={[1]} label="List" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(screen.getByRole('alert')).toHaveTextContent('press Ctrl+C');
  });
});
