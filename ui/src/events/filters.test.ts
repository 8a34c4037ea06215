import { describe, expect, it, vi } from 'vitest';
import { busEvent } from '../test/fixtures';
import {
  envelopeFor,
  facetsOf,
  filterEvents,
  formatLocalDateTime,
  NO_FILTERS,
  parseLocalDateTime,
  patternFields,
  warmSearchText,
  type EventFilters,
} from './filters';

const NOW = 10 * 60 * 60_000;
const events = [
  busEvent('paid', NOW - 60_000, { busName: 'payments', source: 'shop.payments', detailType: 'PaymentTaken' }),
  busEvent('placed', NOW - 10 * 60_000, { detail: { data: { city: 'Lyon' } } }),
  busEvent('old', NOW - 3 * 60 * 60_000, { detailType: 'OrderCancelled' }),
];
const ids = (list: readonly { id: string }[]) => list.map((e) => e.id);
const only = (filters: Partial<EventFilters>, matches?: ReadonlyMap<string, boolean>) =>
  ids(filterEvents(events, { ...NO_FILTERS, ...filters }, NOW, matches));

describe('filterEvents', () => {
  it('returns the list itself when nothing filters', () => {
    expect(filterEvents(events, NO_FILTERS, NOW)).toBe(events);
  });

  it('filters by bus, source and detail-type', () => {
    expect(only({ bus: 'payments' })).toEqual(['paid']);
    expect(only({ source: 'shop.orders' })).toEqual(['placed', 'old']);
    expect(only({ detailType: 'OrderCancelled' })).toEqual(['old']);
    expect(only({ bus: 'orders', detailType: 'PaymentTaken' })).toEqual([]);
  });

  it('filters by time: the presets and a custom window', () => {
    expect(only({ time: '5m' })).toEqual(['paid']);
    expect(only({ time: '1h' })).toEqual(['paid', 'placed']);
    expect(only({ time: 'all' })).toEqual(['paid', 'placed', 'old']);
    expect(only({ time: 'custom', fromMs: NOW - 4 * 60 * 60_000, toMs: NOW - 5 * 60_000 })).toEqual([
      'placed',
      'old',
    ]);
    expect(only({ time: 'custom', fromMs: null, toMs: NOW - 2 * 60 * 60_000 })).toEqual(['old']);
  });

  it('finds text anywhere in the JSON, whatever its case, and the bus name', () => {
    expect(only({ text: 'lyon' })).toEqual(['placed']);
    expect(only({ text: '"detail-type":"ordercancelled"' })).toEqual(['old']);
    expect(only({ text: 'PAYMENTS' })).toEqual(['paid']);
    expect(only({ text: '   ' })).toEqual(['paid', 'placed', 'old']);
  });

  it("keeps only the events a pattern's verdicts say match, unjudged ones left out", () => {
    const verdicts = new Map([
      ['paid', true],
      ['placed', false],
    ]);
    expect(only({}, verdicts)).toEqual(['paid']);
    expect(only({ bus: 'orders' }, verdicts)).toEqual([]);
  });
});

describe('warmSearchText', () => {
  it('builds the text cache a slice at a time, and stops when told', () => {
    vi.useFakeTimers();
    try {
      const many = Array.from({ length: 5 }, (_, i) => busEvent(`w-${i}`, i));
      const stop = warmSearchText(many, 2);
      vi.advanceTimersToNextTimer();
      vi.advanceTimersToNextTimer();
      stop();
      vi.runAllTimers();
      // Four were built before it stopped; a search still finds the fifth.
      expect(filterEvents(many, { ...NO_FILTERS, text: 'w-4' }, 0).map((e) => e.id)).toEqual(['w-4']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('facetsOf', () => {
  it('lists every bus, source and detail-type seen, sorted, once', () => {
    expect(facetsOf(events)).toEqual({
      buses: ['orders', 'payments'],
      sources: ['shop.orders', 'shop.payments'],
      detailTypes: ['OrderCancelled', 'OrderPlaced', 'PaymentTaken'],
    });
  });
});

describe('patternFields', () => {
  it('names the top-level fields a pattern looks at, through $or', () => {
    expect(patternFields('{"source": ["a"], "detail": {"x": [1]}}')).toEqual(new Set(['source', 'detail']));
    expect(patternFields('{"$or": [{"source": ["a"]}, {"detail-type": ["b"]}]}')).toEqual(
      new Set(['source', 'detail-type']),
    );
  });

  it('cannot tell for text that is not a pattern yet', () => {
    expect(patternFields('{"source": ')).toBeNull();
    expect(patternFields('[1]')).toBeNull();
    expect(patternFields('{"$or": 3}')).toBeNull();
  });
});

describe('envelopeFor', () => {
  it("is EventBridge's envelope, cut to the fields a pattern reads", () => {
    const event = events[1]!;
    expect(envelopeFor(event, null)).toEqual({
      id: 'placed',
      'detail-type': 'OrderPlaced',
      source: 'shop.orders',
      time: event.time,
      resources: [],
      detail: { data: { city: 'Lyon' } },
    });
    expect(envelopeFor(event, new Set(['source', 'account']))).toEqual({ source: 'shop.orders' });
  });
});

describe('datetime-local text', () => {
  it('goes both ways in local time', () => {
    const ms = new Date(2024, 4, 6, 7, 8, 9).getTime();
    expect(formatLocalDateTime(ms)).toBe('2024-05-06T07:08:09');
    expect(parseLocalDateTime('2024-05-06T07:08:09')).toBe(ms);
    expect(parseLocalDateTime('')).toBeNull();
    expect(formatLocalDateTime(null)).toBe('');
  });
});
