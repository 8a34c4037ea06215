import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';
import { depthTrend, recordDepths, resetDepthHistory } from './depthHistory';
import { DepthSparkline } from './DepthSparkline';

function queue(queueArn: string, depth: number): DeadLetterQueue {
  return { queueArn, queueUrl: `http://${queueArn}`, name: queueArn, depth, inFlight: 0, senders: [] };
}

/** Three reads of the queues, 10 s apart: `depths[i]` are each queue's depths. */
function read(depths: Record<string, number[]>) {
  for (let i = 0; i < 3; i += 1) {
    recordDepths(
      Object.entries(depths).map(([arn, d]) => queue(arn, d[i]!)),
      i * 10_000,
    );
  }
}

describe('the depth sparkline', () => {
  beforeEach(resetDepthHistory);

  it('is muted for a queue that stayed empty, red while it holds messages, amber once drained', () => {
    read({ 'arn:empty': [0, 0, 0], 'arn:some': [0, 2, 1], 'arn:drained': [0, 3, 0] });
    for (const [arn, trend] of [
      ['arn:empty', 'empty'],
      ['arn:some', 'some'],
      ['arn:drained', 'drained'],
    ] as const) {
      const { unmount } = render(<DepthSparkline queueArn={arn} />);
      const line = screen.getByRole('img', { name: /^Depth over the last/ });
      expect(line).toHaveClass('dlq-sparkline', `dlq-sparkline--${trend}`);
      unmount();
    }
  });

  it('reads the trend from the last reading and those before it', () => {
    expect(depthTrend([])).toBe('empty');
    expect(depthTrend([{ atMs: 0, depth: 0 }])).toBe('empty');
    expect(depthTrend([{ atMs: 0, depth: 0 }, { atMs: 1, depth: 4 }])).toBe('some');
    expect(depthTrend([{ atMs: 0, depth: 4 }, { atMs: 1, depth: 0 }])).toBe('drained');
  });
});
