// A windowed list: only the rows in (and just around) the visible part of
// the list are in the DOM, so 100,000 rows cost what 30 do. Rows may have
// any height and change it (an event expanded to its JSON and trace): each
// rendered row is measured, unmeasured rows count as the typical height seen,
// and the space above and below the window is padding of the list.
// When rows are inserted above what is on screen (new events while scrolled
// down), the scroll position moves with them, so what is read stays put.
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type Ref,
  type UIEvent,
} from 'react';

export interface VirtualListHandle {
  /** Back to the first row. */
  scrollToTop: () => void;
}

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  /** The row's content; the list wraps it in an `<li>`. */
  renderItem: (item: T) => ReactNode;
  /** Height of a row not measured yet, until one has been. */
  estimateHeight: number;
  /** Extra pixels rendered above and below the visible part. */
  overscan?: number;
  className?: string;
  label: string;
  handle?: Ref<VirtualListHandle>;
  /** Called with whether the list is scrolled away from its first row. */
  onScrolledAway?: (away: boolean) => void;
}

/** The viewport assumed before layout (and in jsdom, which has none). */
export const FALLBACK_VIEWPORT = 800;

/**
 * Heights measured so far: `typical` is that of most rows (a collapsed one),
 * `byKey` only the rows whose height differs from it (the expanded ones), so
 * it stays small and is cheap to copy.
 */
interface Sizes {
  typical: number | null;
  byKey: ReadonlyMap<string, number>;
}

export function VirtualList<T>({
  items,
  itemKey,
  renderItem,
  estimateHeight,
  overscan = 400,
  className,
  label,
  handle,
  onScrolledAway,
}: Props<T>) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [sizes, setSizes] = useState<Sizes>({ typical: null, byKey: new Map() });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const anchor = useRef<{ key: string; offset: number } | null>(null);

  // offsets[i] is the top of row i; offsets[n] the height of the whole list.
  const offsets = useMemo(() => {
    const typical = sizes.typical ?? estimateHeight;
    const result = new Float64Array(items.length + 1);
    const odd = sizes.byKey;
    for (let i = 0; i < items.length; i += 1) {
      const height = odd.size === 0 ? typical : (odd.get(itemKey(items[i]!)) ?? typical);
      result[i + 1] = result[i]! + height;
    }
    return result;
  }, [items, itemKey, estimateHeight, sizes]);

  const total = offsets[items.length]!;
  const start = Math.max(0, rowAt(offsets, scrollTop - overscan));
  const end = Math.min(items.length, rowAt(offsets, scrollTop + viewport + overscan) + 1);

  // Measure the viewport and the rows on screen; a change re-lays the list out.
  const measure = useCallback(() => {
    const scroller = scrollerRef.current;
    const list = listRef.current;
    if (!scroller || !list) return;
    if (scroller.clientHeight > 0) setViewport(scroller.clientHeight);
    const measured: [string, number][] = [];
    for (const row of list.children) {
      const key = (row as HTMLElement).dataset.key;
      const height = row.getBoundingClientRect().height;
      if (key !== undefined && height > 0) measured.push([key, height]);
    }
    if (measured.length === 0) return;
    setSizes((current) => {
      // The typical row: the median of the first rows seen, so that an
      // expanded one among them does not set the estimate for all the others.
      const typical = current.typical ?? median(measured.map(([, height]) => height));
      let byKey: Map<string, number> | null = null;
      for (const [key, height] of measured) {
        const known = (byKey ?? current.byKey).get(key) ?? typical;
        if (known === height) continue;
        byKey ??= new Map(current.byKey);
        if (height === typical) byKey.delete(key);
        else byKey.set(key, height);
      }
      if (byKey === null && typical === current.typical) return current;
      return { typical, byKey: byKey ?? current.byKey };
    });
  }, []);

  useLayoutEffect(measure);

  // Rows change height on their own too (a trace loads, JSON folds).
  const measureRef = useRef(measure);
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined') return;
    const watcher = new ResizeObserver(() => measureRef.current());
    observer.current = watcher;
    return () => {
      watcher.disconnect();
      observer.current = null;
    };
  }, []);
  useLayoutEffect(() => {
    measureRef.current = measure;
    const scroller = scrollerRef.current;
    const list = listRef.current;
    const watcher = observer.current;
    if (!watcher || !scroller || !list) return;
    watcher.disconnect();
    watcher.observe(scroller);
    for (const row of list.children) watcher.observe(row);
  });

  // Keep the row at the top of the screen in place when rows come in above it.
  useLayoutEffect(() => {
    const list = scrollerRef.current;
    if (!list) return;
    const held = anchor.current;
    if (held !== null && list.scrollTop > 0) {
      const index = items.findIndex((item) => itemKey(item) === held.key);
      const delta = index >= 0 ? offsets[index]! - held.offset : 0;
      if (delta !== 0) {
        list.scrollTop += delta;
        setScrollTop(list.scrollTop);
      }
    }
    const top = rowAt(offsets, list.scrollTop);
    const first = items[top];
    anchor.current = first === undefined ? null : { key: itemKey(first), offset: offsets[top]! };
  }, [items, itemKey, offsets]);

  const scrolledAway = useRef(false);
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop;
    setScrollTop(top);
    const row = rowAt(offsets, top);
    const first = items[row];
    anchor.current = first === undefined ? null : { key: itemKey(first), offset: offsets[row]! };
    const away = top > 0;
    if (away !== scrolledAway.current) {
      scrolledAway.current = away;
      onScrolledAway?.(away);
    }
  };

  useImperativeHandle(
    handle,
    () => ({
      scrollToTop: () => {
        const scroller = scrollerRef.current;
        if (scroller) scroller.scrollTop = 0;
        anchor.current = null;
        setScrollTop(0);
        if (scrolledAway.current) {
          scrolledAway.current = false;
          onScrolledAway?.(false);
        }
      },
    }),
    [onScrolledAway],
  );

  const rows = items.slice(start, end);
  // The spacers are padding of the list inside the scrolling box, not of the
  // box itself: a flex item cannot shrink below its own padding.
  return (
    <div ref={scrollerRef} className={className} data-total-rows={items.length} onScroll={onScroll}>
      <ol
        ref={listRef}
        className="virtual-list__rows"
        aria-label={label}
        style={{ paddingTop: offsets[start], paddingBottom: total - offsets[end]! }}
      >
        {rows.map((item) => {
          const key = itemKey(item);
          return (
            <li key={key} data-key={key} className="virtual-row">
              {renderItem(item)}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The row that covers `y` (the last one whose top is at or above it). */
export function rowAt(offsets: Float64Array, y: number): number {
  const rows = offsets.length - 1;
  if (rows <= 0 || y <= 0) return 0;
  let low = 0;
  let high = rows - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}
