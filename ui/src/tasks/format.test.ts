import { describe, expect, it } from 'vitest';
import type { WaitingTask } from '../bindings/WaitingTask';
import { arnName, checkOutput, countdown, formatDuration, heartbeatDeadline, outcomeSummary } from './format';

describe('task-token wording', () => {
  it('formats durations and countdowns', () => {
    expect(formatDuration(4_000)).toBe('4s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(countdown(10_500, 1_000)).toEqual({ text: 'in 10s', passed: false });
    expect(countdown(10_000, 9_100)).toEqual({ text: 'in 1s', passed: false });
    expect(countdown(1_000, 13_500)).toEqual({ text: 'passed 12s ago', passed: true });
    expect(arnName('arn:aws:states:us-east-1:1:stateMachine:order-fulfilment')).toBe('order-fulfilment');
  });

  it('checks outputs as Step Functions would', () => {
    expect(checkOutput('{"a": 1}')).toEqual({ ok: true });
    expect(checkOutput('"done"')).toEqual({ ok: true });
    const refusal = (text: string) => {
      const check = checkOutput(text);
      return check.ok ? null : check.message;
    };
    expect(refusal('  ')).toContain('empty');
    expect(refusal('{a: 1}')).toMatch(/^The output is not JSON: /);
    expect(refusal(`"${'x'.repeat(262_144)}"`)).toContain('256 KiB');
  });

  it('runs the heartbeat deadline from the later of the history and a heartbeat sent', () => {
    const task = { heartbeatSeconds: 60, heartbeatDeadlineMs: 100_000 } as WaitingTask;
    expect(heartbeatDeadline(task, undefined)).toBe(100_000);
    expect(heartbeatDeadline(task, 70_000)).toBe(130_000);
    expect(heartbeatDeadline(task, 10_000)).toBe(100_000);
    expect(heartbeatDeadline({ ...task, heartbeatSeconds: null, heartbeatDeadlineMs: null }, 70_000)).toBeNull();
  });

  it('sums outcomes up', () => {
    const o = (sent: boolean) => ({ taskToken: 't', sent, code: null, detail: '', sentMs: null });
    expect(outcomeSummary([o(true), o(true)])).toBe('2 sent.');
    expect(outcomeSummary([o(false)])).toBe('1 not sent.');
    expect(outcomeSummary([o(true), o(false)])).toBe('1 sent, 1 not sent.');
  });
});
