import { beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';
import { HISTORY_MS, depthHistory, recordDepths, resetDepthHistory, sparklinePoints } from './depthHistory';

function queue(depth: number, over: Partial<DeadLetterQueue> = {}): DeadLetterQueue {
  return { queueArn: 'arn:q', queueUrl: 'http://q', name: 'q', depth, inFlight: 0, senders: [], ...over };
}

describe('depth history', () => {
  beforeEach(resetDepthHistory);

  it('keeps one reading per few seconds, for the last hours, and none for a missing queue', () => {
    recordDepths([queue(1), queue(5, { queueArn: 'arn:gone', queueUrl: null })], 0);
    recordDepths([queue(2)], 1_000);
    recordDepths([queue(3)], 10_000);
    expect(depthHistory('arn:q')).toEqual([
      { atMs: 0, depth: 2 },
      { atMs: 10_000, depth: 3 },
    ]);
    expect(depthHistory('arn:gone')).toEqual([]);
    recordDepths([queue(4)], HISTORY_MS + 20_000);
    expect(depthHistory('arn:q').map((s) => s.depth)).toEqual([4]);
  });

  it('draws steps scaled to the deepest reading', () => {
    const points = sparklinePoints(
      [
        { atMs: 0, depth: 0 },
        { atMs: 50, depth: 2 },
        { atMs: 100, depth: 1 },
      ],
      100,
      20,
    );
    expect(points).toBe('0.0,20.0 50.0,20.0 50.0,0.0 100.0,0.0 100.0,10.0');
    expect(sparklinePoints([], 100, 20)).toBe('');
  });
});
