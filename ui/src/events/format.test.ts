import { describe, expect, it } from 'vitest';
import { busEvent } from '../test/fixtures';
import { eventJson, formatClock, previewDetail } from './format';

describe('formatClock', () => {
  it('writes local HH:MM:SS.mmm', () => {
    const ms = new Date(2024, 4, 6, 7, 8, 9, 45).getTime();
    expect(formatClock(ms)).toBe('07:08:09.045');
  });
});

describe('previewDetail', () => {
  it('puts the detail on one line', () => {
    expect(previewDetail({ a: 1, b: { c: [1, 2] } })).toBe('{"a":1,"b":{"c":[1,2]}}');
  });

  it('cuts long details with an ellipsis', () => {
    const preview = previewDetail({ text: 'x'.repeat(500) }, 40);
    expect(preview).toHaveLength(40);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('says so when there is no detail', () => {
    expect(previewDetail(null)).toBe('(no detail)');
  });
});

describe('eventJson', () => {
  it('uses EventBridge field names', () => {
    const parsed = JSON.parse(eventJson(busEvent('e1', 0))) as Record<string, unknown>;
    expect(parsed['detail-type']).toBe('OrderPlaced');
    expect(parsed.detail).toEqual({ orderId: 'e1' });
    expect(parsed.id).toBe('e1');
  });
});
