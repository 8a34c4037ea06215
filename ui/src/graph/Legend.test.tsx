import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fullTopology, sampleTopology } from '../test/fixtures';
import { Legend, legendEntries } from './Legend';

describe('Legend', () => {
  it('keys only what the graph shows', () => {
    expect(legendEntries(sampleTopology()).map((e) => e.name)).toEqual([
      'Event bus',
      'Rule',
      'Lambda function',
      'SQS queue',
    ]);
  });

  it('keys DLQs, archives, connections, dead-letter edges and state machine calls', () => {
    render(<Legend topology={fullTopology()} />);
    const items = within(screen.getByRole('list', { name: 'Legend' })).getAllByRole('listitem');
    // The DLQ is keyed as a DLQ, not as a plain queue (the sample's queue still is one).
    expect(items.map((li) => li.textContent)).toEqual([
      'Event bus',
      'Rule',
      'Lambda function',
      'SQS queue',
      'State machine',
      'API destination',
      'Dead-letter queue',
      'Archive',
      'Connection',
      'Dead letters',
      'State machine call',
    ]);
  });
});
