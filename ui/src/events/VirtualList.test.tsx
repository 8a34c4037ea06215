import { act, fireEvent, render, screen } from '@testing-library/react';
import type { Ref } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rowAt, VirtualList, type VirtualListHandle } from './VirtualList';

// jsdom lays nothing out: rows get their height from their key here
// ("tall-…" rows are 300 px, others 50 px) and the box is 500 px high.
beforeEach(() => {
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const key = (this as HTMLElement).dataset.key ?? '';
    return { height: key.startsWith('tall') ? 300 : 50 } as DOMRect;
  });
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('box') ? 500 : 0;
  });
});
afterEach(() => vi.restoreAllMocks());

const keys = (n: number, tall: number[] = []) =>
  Array.from({ length: n }, (_, i) => (tall.includes(i) ? `tall-${i}` : `row-${i}`));

function List({ items, handle }: { items: string[]; handle?: Ref<VirtualListHandle> }) {
  return (
    <VirtualList
      items={items}
      itemKey={(item) => item}
      renderItem={(item) => <span>{item}</span>}
      estimateHeight={80}
      overscan={100}
      className="box"
      label="Rows"
      handle={handle}
    />
  );
}

const list = () => screen.getByRole('list', { name: 'Rows' });
const box = () => list().parentElement!;
const shown = () => [...list().children].map((li) => (li as HTMLElement).dataset.key);

describe('VirtualList', () => {
  it('measures rows: the typical height is the median, taller rows keep their own', () => {
    render(<List items={keys(10_000, [1])} />);
    // 500 px box + 100 px overscan below, with 50 px rows and one of 300.
    const rendered = shown();
    expect(rendered[0]).toBe('row-0');
    expect(rendered[1]).toBe('tall-1');
    expect(rendered).toHaveLength(8);
    expect(list().style.paddingBottom).toBe(`${(10_000 - 8) * 50}px`);
  });

  it('renders the rows around the scroll position only', () => {
    render(<List items={keys(10_000)} />);
    act(() => {
      box().scrollTop = 5_000 * 50;
      fireEvent.scroll(box());
    });
    expect(shown()[0]).toBe('row-4998');
    expect(shown().at(-1)).toBe('row-5012');
    expect(list().style.paddingTop).toBe(`${4998 * 50}px`);
  });

  it('keeps what is on screen in place when rows are added above it, and scrolls to the top', () => {
    const handle = { current: null as VirtualListHandle | null };
    const view = render(<List items={keys(1_000)} handle={handle} />);
    act(() => {
      box().scrollTop = 100 * 50;
      fireEvent.scroll(box());
    });
    view.rerender(<List items={['new-a', 'new-b', ...keys(1_000)]} handle={handle} />);
    expect(box().scrollTop).toBe(102 * 50);
    act(() => handle.current?.scrollToTop());
    expect(box().scrollTop).toBe(0);
    expect(shown()[0]).toBe('new-a');
  });
});

describe('rowAt', () => {
  it('finds the row covering a position', () => {
    const offsets = new Float64Array([0, 10, 30, 60]);
    expect(rowAt(offsets, -5)).toBe(0);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 10)).toBe(1);
    expect(rowAt(offsets, 29)).toBe(1);
    expect(rowAt(offsets, 1_000)).toBe(2);
    expect(rowAt(new Float64Array([0]), 5)).toBe(0);
  });
});
