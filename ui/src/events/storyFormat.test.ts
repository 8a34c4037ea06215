import { describe, expect, it } from 'vitest';
import type { EventStory } from '../bindings/EventStory';
import type { StoryEvent } from '../bindings/StoryEvent';
import { busEvent } from '../test/fixtures';
import { describeQuery, formatDuration, storyLines, storyQueryFor } from './storyFormat';

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
      },
    ];
    expect(storyLines(s)[0]?.executions.map((e) => e.name)).toEqual(['run']);
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
