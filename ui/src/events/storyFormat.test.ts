import { describe, expect, it } from 'vitest';
import type { EventStory } from '../bindings/EventStory';
import type { StoryEvent } from '../bindings/StoryEvent';
import { busEvent } from '../test/fixtures';
import { describeQuery, describeResumption, formatDuration, storyLines, storyQueryFor } from './storyFormat';

function storyEvent(id: string, at: number, causedBy: string | null): StoryEvent {
  return {
    event: busEvent(id, at, { detailType: `T-${id}` }),
    correlationId: 'o-1',
    causationId: causedBy,
    causedBy,
    status: null,
    replayName: null,
    trace: { eventId: id, hops: [], complete: true },
  };
}

function story(events: StoryEvent[]): EventStory {
  return { query: { kind: 'correlationId', value: 'o-1' }, events, executions: [], truncated: false };
}

describe('storyLines', () => {
  it('puts each effect under its cause, oldest first, on a time axis', () => {
    const lines = storyLines(
      story([
        storyEvent('placed', 1_000, null),
        storyEvent('charged', 1_100, 'placed'),
        storyEvent('notified', 1_150, 'placed'),
        storyEvent('asked', 1_200, 'charged'),
        storyEvent('orphan', 1_300, 'gone'),
      ]),
    );
    expect(lines.map((line) => [line.event.event.id, line.depth])).toEqual([
      ['placed', 0],
      ['charged', 1],
      ['asked', 2],
      ['notified', 1],
      ['orphan', 0],
    ]);
    expect(lines[0]?.offset).toBe(0);
    expect(lines.at(-1)?.offset).toBe(100);
    expect(lines[2]?.sinceStartMs).toBe(200);
  });

  it('survives a causation loop and an empty story', () => {
    const lines = storyLines(story([storyEvent('a', 1, 'b'), storyEvent('b', 2, 'a')]));
    expect(lines).toEqual([]);
    expect(storyLines(story([]))).toEqual([]);
    const selfCaused = storyLines(story([storyEvent('a', 1, 'a')]));
    expect(selfCaused.map((line) => line.event.event.id)).toEqual(['a']);
  });

  it('hangs each execution under the event that started it', () => {
    const s = story([storyEvent('placed', 1_000, null)]);
    s.executions = [
      {
        executionArn: 'arn:exec',
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:order-fulfilment',
        name: 'run',
        status: 'RUNNING',
        startedMs: 1_010,
        stoppedMs: null,
        startedBy: 'placed',
        waiting: [],
        resumptions: [],
      },
    ];
    expect(storyLines(s)[0]?.executions.map((bar) => bar.execution.name)).toEqual(['run']);
  });

  it('lays attempts, executions and their waits on one time axis, and marks the event that resumed a task', () => {
    const placed = storyEvent('placed', 1_000, null);
    const confirmed = storyEvent('confirmed', 3_000, 'placed');
    confirmed.trace = {
      eventId: 'confirmed',
      complete: true,
      hops: [
        {
          busName: 'food-delivery',
          receivedMs: 3_000,
          source: null,
          detailType: null,
          matchedRules: ['r'],
          noRuleMatched: false,
          replayName: null,
          invocations: [
            {
              invocationId: 'i',
              ruleArn: 'arn:aws:events:us-east-1:1:rule/food-delivery/r',
              targetArn: 'arn:aws:lambda:us-east-1:1:function:restaurant-callback-handler',
              targetType: 'Lambda',
              startedMs: 3_000,
              finishedMs: 3_500,
              attempts: [
                { number: 1, startedMs: 3_000, endedMs: 3_200, result: 'retryableFailure', error: null },
                { number: 2, startedMs: 3_400, endedMs: 3_500, result: 'succeeded', error: null },
              ],
              outcome: 'succeeded',
              deadLetterArn: null,
              throttled: false,
              error: null,
            },
          ],
        },
      ],
    };
    const s = story([placed, confirmed]);
    s.executions = [
      {
        executionArn: 'arn:exec',
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:order-fulfilment',
        name: 'run',
        status: 'SUCCEEDED',
        startedMs: 1_000,
        stoppedMs: 5_000,
        startedBy: 'placed',
        waiting: [],
        resumptions: [
          {
            stateName: 'AskRestaurant',
            outcome: 'TaskSucceeded',
            scheduledMs: 2_000,
            answeredMs: 3_450,
            error: null,
            answeredBy: 'confirmed',
            resumedBy: 'eventId',
          },
        ],
      },
    ];
    const [first, second] = storyLines(s);
    // The axis runs from 1,000 to 5,000 ms (the execution's end).
    expect(first?.executions[0]).toMatchObject({ left: 0, width: 100 });
    const wait = first?.executions[0]?.waits[0];
    expect(wait?.left).toBe(25);
    expect(wait?.width).toBeCloseTo(36.25);
    expect(wait?.answeredBy?.event.id).toBe('confirmed');
    expect(second?.attempts.map((a) => [a.left, Math.round(a.width * 100) / 100, a.result])).toEqual([
      [50, 5, 'retryableFailure'],
      [60, 2.5, 'succeeded'],
    ]);
    expect(second?.attempts[0]?.title).toBe('restaurant-callback-handler · attempt 1: failed, retried (200 ms)');
    expect(second?.resumed.map((r) => r.resumption.stateName)).toEqual(['AskRestaurant']);
    expect(first?.resumed).toEqual([]);
    expect(describeResumption(s.executions[0]!.resumptions[0]!)).toBe('AskRestaurant answered after 1.4 s');
  });
});

describe('story queries', () => {
  it('opens the correlation of an event that has one, else the event', () => {
    expect(storyQueryFor({ id: 'e', detail: { metadata: { correlationId: 'o-9' } } })).toEqual({
      kind: 'correlationId',
      value: 'o-9',
    });
    expect(storyQueryFor({ id: 'e', detail: { orderId: 1 } })).toEqual({ kind: 'eventId', value: 'e' });
    expect(storyQueryFor({ id: 'e', detail: null })).toEqual({ kind: 'eventId', value: 'e' });
  });

  it('says what was searched and for how long it ran', () => {
    expect(describeQuery({ kind: 'text', value: 'Ada' })).toBe('Events containing “Ada”');
    expect(describeQuery({ kind: 'eventId', value: 'e-1' })).toBe('Event e-1 and what it caused');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(2_500)).toBe('2.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
