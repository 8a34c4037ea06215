import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../bindings/DeadLetter';
import { destination, groupByError, groupTitle, ruleParts, targetName, totalDepth } from './format';

function letter(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    messageId: id,
    body: '{}',
    event: {},
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/orders/notify',
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:notifications',
    errorCode: 'SDK_CLIENT_ERROR',
    errorMessage: 'boom',
    exhaustedRetryCondition: 'MaximumRetryAttempts',
    retryAttempts: 2,
    sentMs: 0,
    receiveCount: 1,
    ...over,
  };
}

describe('dead-letter wording', () => {
  it('reads bus and rule names out of rule ARNs', () => {
    expect(ruleParts('arn:aws:events:us-east-1:1:rule/orders/notify')).toEqual({ bus: 'orders', name: 'notify' });
    expect(ruleParts('arn:aws:events:us-east-1:1:rule/on-default')).toEqual({ bus: 'default', name: 'on-default' });
  });

  it('names targets of every kind', () => {
    expect(targetName('arn:aws:lambda:us-east-1:1:function:payment')).toBe('payment');
    expect(targetName('arn:aws:sqs:us-east-1:1:orders-dlq')).toBe('orders-dlq');
    expect(targetName('arn:aws:states:us-east-1:1:stateMachine:fulfil')).toBe('fulfil');
    expect(targetName('arn:aws:events:us-east-1:1:event-bus/audit')).toBe('audit');
    expect(targetName('arn:aws:events:us-east-1:1:api-destination/partner/0f1e')).toBe('partner');
  });

  it('adds the depths', () => {
    const q = { queueArn: 'a', queueUrl: 'u', name: 'n', inFlight: 0, senders: [] };
    expect(totalDepth([{ ...q, depth: 2 }, { ...q, depth: 3 }])).toBe(5);
  });

  it('groups by error code and message, largest first', () => {
    const groups = groupByError([
      letter('1', { errorCode: 'A', errorMessage: 'x' }),
      letter('2', { errorCode: 'B', errorMessage: 'y' }),
      letter('3', { errorCode: 'B', errorMessage: 'y' }),
      letter('4', { errorCode: 'B', errorMessage: 'z' }),
      letter('5', { errorCode: null, errorMessage: null }),
    ]);
    expect(groups.map((g) => [groupTitle(g), g.letters.map((l) => l.messageId)])).toEqual([
      ['B: y', ['2', '3']],
      ['No error code', ['5']],
      ['A: x', ['1']],
      ['B: z', ['4']],
    ]);
  });

  it('says where a redrive sends a message', () => {
    expect(destination(letter('1'), 'bus')).toEqual({
      where: 'bus orders (rule notify and every other rule that matches)',
      known: true,
    });
    expect(destination(letter('1'), 'target')).toEqual({ where: 'target notifications', known: true });
    expect(destination(letter('1', { ruleArn: null }), 'bus').known).toBe(false);
  });
});
