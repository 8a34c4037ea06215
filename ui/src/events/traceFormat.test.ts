import { describe, expect, it } from 'vitest';
import type { EventTrace } from '../bindings/EventTrace';
import { resourceName, traceWindow } from './traceFormat';

describe('resourceName', () => {
  it('takes the name out of the ARNs a trace shows', () => {
    expect(resourceName('arn:aws:lambda:us-east-1:123456789012:function:charge')).toBe('charge');
    expect(resourceName('arn:aws:events:us-east-1:123456789012:rule/orders/placed')).toBe('placed');
    expect(resourceName('arn:aws:sqs:us-east-1:123456789012:orders-dlq')).toBe('orders-dlq');
    expect(resourceName('arn:aws:events:us-east-1:123456789012:api-destination/notify/4f1a')).toBe('notify');
    expect(resourceName('arn:aws:events:us-east-1:123456789012:connection/partner-key/9c2e')).toBe('partner-key');
  });
});

describe('traceWindow', () => {
  it('spans from the first record to the last', () => {
    const trace: EventTrace = {
      eventId: 'e',
      complete: true,
      hops: [
        {
          busName: 'orders',
          receivedMs: 100,
          source: 'shop',
          detailType: 'OrderPlaced',
          matchedRules: [],
          noRuleMatched: false,
          replayName: null,
          invocations: [
            {
              invocationId: 'i',
              ruleArn: 'r',
              targetArn: 't',
              targetType: 'Lambda',
              startedMs: 110,
              finishedMs: 1300,
              attempts: [{ number: 1, startedMs: 110, endedMs: 150, result: 'retryableFailure', error: null }],
              outcome: 'deadLettered',
              deadLetterArn: null,
              throttled: false,
              error: null,
            },
          ],
        },
      ],
    };
    expect(traceWindow(trace)).toEqual({ start: 100, span: 1200 });
  });

  it('is never zero wide', () => {
    expect(traceWindow({ eventId: 'e', complete: true, hops: [] })).toEqual({ start: 0, span: 1 });
  });
});
