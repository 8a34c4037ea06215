import { describe, expect, it } from 'vitest';
import type { ReplaySummary } from '../bindings/ReplaySummary';
import {
  defaultReplayName,
  formatBytes,
  formProblems,
  fromLocalInput,
  outagePresets,
  outageWindow,
  progressPercent,
  progressWords,
  recentWindow,
  retentionWords,
  runningCount,
  toLocalInput,
} from './format';

function replay(over: Partial<ReplaySummary> = {}): ReplaySummary {
  return {
    name: 'r',
    arn: null,
    archiveName: 'a',
    state: 'RUNNING',
    stateReason: null,
    description: null,
    eventStartMs: 0,
    eventEndMs: 1000,
    eventLastReplayedMs: 500,
    replayStartMs: null,
    replayEndMs: null,
    progress: 0.5,
    destinationArn: null,
    filterArns: [],
    ...over,
  };
}

describe('replay wording', () => {
  it('says sizes and retention in words', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(retentionWords(null)).toBe('kept forever');
    expect(retentionWords(0)).toBe('kept forever');
    expect(retentionWords(1)).toBe('kept 1 day');
    expect(retentionWords(7)).toBe('kept 7 days');
  });

  it('reads back what the pickers show, to the second', () => {
    const ms = new Date(2026, 10, 22, 13, 4, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-11-22T13:04:05');
    expect(fromLocalInput('2026-11-22T13:04:05')).toBe(ms);
    expect(fromLocalInput('2026-11-22T13:04')).toBe(ms - 5000);
    expect(fromLocalInput('yesterday')).toBeNull();
    expect(fromLocalInput('')).toBeNull();
  });

  it('checks the form in words', () => {
    const ok = { replayName: 'heal-1', archiveName: 'a', from: '2026-11-22T13:00:00', to: '2026-11-22T14:00:00' };
    expect(formProblems(ok)).toEqual([]);
    expect(formProblems({ ...ok, replayName: '' })).toEqual(['Give the replay a name.']);
    expect(formProblems({ ...ok, replayName: 'heal 1' })).toEqual([
      "A replay's name may hold only letters, digits, '.', '-' and '_'.",
    ]);
    expect(formProblems({ ...ok, replayName: 'x'.repeat(65) })[0]).toContain('at most 64 characters');
    expect(formProblems({ ...ok, archiveName: '' })).toEqual(['Choose the archive to replay.']);
    expect(formProblems({ ...ok, from: ok.to, to: ok.from })).toEqual(["The window's start must be before its end."]);
    expect(formProblems({ ...ok, to: '' })).toEqual(['Set when the window ends.']);
  });

  it('makes one preset per circuit from its latest outage, a second wider each side', () => {
    const presets = outagePresets([
      { circuit: 'partner', openedMs: 10_000, closedMs: 20_000 },
      { circuit: 'partner', openedMs: 50_000, closedMs: 70_000 },
      { circuit: 'payments', openedMs: 80_000, closedMs: null },
    ]);
    expect(presets.map((p) => p.label)).toEqual(['Last outage of partner', 'Last outage of payments (still open)']);
    expect(outageWindow(presets[0]!, 99_000)).toEqual({ startMs: 49_000, endMs: 71_000 });
    expect(outageWindow(presets[1]!, 99_500)).toEqual({ startMs: 79_000, endMs: 100_000 });
    expect(recentWindow(15 * 60_000, 1_000_500)).toEqual({ startMs: 1_001_000 - 900_000, endMs: 1_001_000 });
  });

  it('names a replay after its archive within AWS rules', () => {
    const name = defaultReplayName('parked restaurant/requests', new Date(2026, 0, 2, 3, 4, 5).getTime());
    expect(name).toBe('parked-restaurant-requests-20260102-030405');
    expect(defaultReplayName('x'.repeat(80), 0).length).toBeLessThanOrEqual(64);
  });

  it('counts running replays and words their progress', () => {
    expect(runningCount([replay(), replay({ state: 'STARTING' }), replay({ state: 'COMPLETED' })])).toBe(2);
    expect(progressPercent(replay())).toBe(50);
    expect(progressPercent(replay({ progress: 1.7 }))).toBe(100);
    expect(progressWords(replay({ eventLastReplayedMs: null, progress: 0 }))).toBe('0%: no event replayed yet');
    expect(progressWords(replay({ state: 'COMPLETED', eventLastReplayedMs: null, progress: 1 }))).toBe(
      '100%: nothing in the window',
    );
  });
});
