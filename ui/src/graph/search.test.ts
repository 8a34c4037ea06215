import { describe, expect, it } from 'vitest';
import { sampleTopology } from '../test/fixtures';
import { matchNodes } from './search';

describe('matchNodes', () => {
  it('matches labels ignoring case, those starting with the query first', () => {
    // legacy starts with "l"; order-placed and fulfilment only contain it.
    expect(matchNodes(sampleTopology(), 'L')).toEqual(['rule:orders/legacy', 'rule:orders/order-placed', 'target:queue']);
    expect(matchNodes(sampleTopology(), 'ORDER')).toEqual(['bus:orders', 'rule:orders/order-placed']);
  });

  it('matches ARNs too', () => {
    expect(matchNodes(sampleTopology(), 'rule/orders/order-placed')).toEqual(['rule:orders/order-placed']);
  });

  it('matches nothing for a blank query', () => {
    expect(matchNodes(sampleTopology(), '  ')).toEqual([]);
  });
});
