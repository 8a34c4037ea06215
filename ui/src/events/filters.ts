// The explorer's filters, as pure functions over the events in memory.
import type { BusEvent } from '../bindings/BusEvent';
import { eventEnvelope } from './format';

export type TimePreset = 'all' | '5m' | '1h' | 'custom';

export interface EventFilters {
  /** Exact bus name, or '' for any. */
  bus: string;
  /** Exact source, or '' for any. */
  source: string;
  /** Exact detail-type, or '' for any. */
  detailType: string;
  time: TimePreset;
  /** For `custom`: bounds in ms since the epoch (inclusive), null when open. */
  fromMs: number | null;
  toMs: number | null;
  /** Case-insensitive substring of the event's JSON (or its bus). */
  text: string;
}

export const NO_FILTERS: EventFilters = {
  bus: '',
  source: '',
  detailType: '',
  time: 'all',
  fromMs: null,
  toMs: null,
  text: '',
};

export const TIME_PRESETS: { value: TimePreset; label: string }[] = [
  { value: 'all', label: 'All time' },
  { value: '5m', label: 'Last 5 min' },
  { value: '1h', label: 'Last hour' },
  { value: 'custom', label: 'From… to…' },
];

/** The window the time filter keeps, by receivedAtMs, bounds inclusive. */
export function timeBounds(filters: EventFilters, nowMs: number): { from: number; to: number } {
  switch (filters.time) {
    case 'all':
      return { from: -Infinity, to: Infinity };
    case '5m':
      return { from: nowMs - 5 * 60_000, to: Infinity };
    case '1h':
      return { from: nowMs - 60 * 60_000, to: Infinity };
    case 'custom':
      return { from: filters.fromMs ?? -Infinity, to: filters.toMs ?? Infinity };
  }
}

/** Whether the time filter depends on the clock (and must be re-run as it ticks). */
export const isRelative = (filters: EventFilters) => filters.time === '5m' || filters.time === '1h';

export function isFiltering(filters: EventFilters): boolean {
  return (
    filters.bus !== '' ||
    filters.source !== '' ||
    filters.detailType !== '' ||
    filters.time !== 'all' ||
    filters.text.trim() !== ''
  );
}

// The lower-cased text a free-text search looks in, built once per event.
const searchable = new WeakMap<BusEvent, string>();

export function searchText(event: BusEvent): string {
  let text = searchable.get(event);
  if (text === undefined) {
    text = `${event.busName}\n${JSON.stringify(eventEnvelope(event))}`.toLowerCase();
    searchable.set(event, text);
  }
  return text;
}

/**
 * Builds the free-text cache in the background, a slice at a time, so that
 * the first search over 100,000 events does not pay for it at once. Returns
 * a function that stops it.
 */
export function warmSearchText(events: readonly BusEvent[], slice = 2_000): () => void {
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const step = () => {
    const end = Math.min(events.length, next + slice);
    for (; next < end; next += 1) searchText(events[next]!);
    if (next < events.length) timer = setTimeout(step, 0);
  };
  timer = setTimeout(step, 0);
  return () => clearTimeout(timer);
}

/**
 * The events that pass every filter, in their order. `matches`, when given,
 * is the event pattern's verdict by event id: events it has not judged yet
 * (or judged false) are left out.
 */
export function filterEvents(
  events: readonly BusEvent[],
  filters: EventFilters,
  nowMs: number,
  matches?: ReadonlyMap<string, boolean>,
): readonly BusEvent[] {
  if (!isFiltering(filters) && matches === undefined) return events;
  const { from, to } = timeBounds(filters, nowMs);
  const needle = filters.text.trim().toLowerCase();
  const out: BusEvent[] = [];
  for (const event of events) {
    if (filters.bus !== '' && event.busName !== filters.bus) continue;
    if (filters.source !== '' && event.source !== filters.source) continue;
    if (filters.detailType !== '' && event.detailType !== filters.detailType) continue;
    if (event.receivedAtMs < from || event.receivedAtMs > to) continue;
    if (matches !== undefined && matches.get(event.id) !== true) continue;
    if (needle !== '' && !searchText(event).includes(needle)) continue;
    out.push(event);
  }
  return out;
}

export interface Facets {
  buses: string[];
  sources: string[];
  detailTypes: string[];
}

/** The values the pick lists offer: every bus, source and detail-type seen, sorted. */
export function facetsOf(events: readonly BusEvent[]): Facets {
  const buses = new Set<string>();
  const sources = new Set<string>();
  const detailTypes = new Set<string>();
  for (const event of events) {
    buses.add(event.busName);
    sources.add(event.source);
    detailTypes.add(event.detailType);
  }
  const sorted = (values: Set<string>) => [...values].sort((a, b) => a.localeCompare(b));
  return { buses: sorted(buses), sources: sorted(sources), detailTypes: sorted(detailTypes) };
}

/**
 * The top-level fields of the event a pattern can look at, or null when
 * that cannot be told (not JSON yet): matching sends only those fields to
 * Rust, so a pattern on `source` does not ship every event's detail.
 */
export function patternFields(pattern: string): Set<string> | null {
  let value: unknown;
  try {
    value = JSON.parse(pattern);
  } catch {
    return null;
  }
  const fields = new Set<string>();
  const visit = (object: unknown): boolean => {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return false;
    for (const [key, nested] of Object.entries(object)) {
      if (key !== '$or') {
        fields.add(key);
      } else if (!Array.isArray(nested) || !nested.every(visit)) {
        return false;
      }
    }
    return true;
  };
  return visit(value) ? fields : null;
}

/** The event as a pattern sees it, cut to `fields` when they are known. */
export function envelopeFor(event: BusEvent, fields: Set<string> | null): Record<string, unknown> {
  const envelope = eventEnvelope(event);
  if (fields === null) return envelope;
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (field in envelope) picked[field] = envelope[field];
  }
  return picked;
}

/** `datetime-local` input text ⇄ ms since the epoch, in local time. */
export function parseLocalDateTime(text: string): number | null {
  if (text === '') return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export function formatLocalDateTime(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
