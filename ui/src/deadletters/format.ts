// Pure wording for the dead-letter panel: names out of ARNs, messages grouped
// by the error that sent them to the queue, where a redrive sends each.
import type { DeadLetter } from '../bindings/DeadLetter';
import type { DeadLetterQueue } from '../bindings/DeadLetterQueue';
import type { RedriveTo } from '../bindings/RedriveTo';

/** How many messages a peek reads at most. */
export const PEEK_MAX = 100;

/** The resource part of an ARN (`arn:aws:sqs:r:a:<resource>`), or the text itself. */
function resource(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 5 ? parts.slice(5).join(':') : arn;
}

/** A rule ARN's bus and name: `rule/<bus>/<name>`, or `rule/<name>` on the default bus. */
export function ruleParts(ruleArn: string): { bus: string; name: string } {
  const segments = resource(ruleArn).split('/');
  if (segments[0] === 'rule' && segments.length >= 3) {
    return { bus: segments[1]!, name: segments.slice(2).join('/') };
  }
  if (segments[0] === 'rule' && segments.length === 2) return { bus: 'default', name: segments[1]! };
  return { bus: 'default', name: ruleArn };
}

/** A target's name from its ARN: a function, queue, state machine, bus or API destination. */
export function targetName(targetArn: string): string {
  const res = resource(targetArn);
  if (res.startsWith('api-destination/')) return res.split('/')[1] ?? res;
  const segments = res.split(/[:/]/).filter((s) => s.length > 0);
  return segments[segments.length - 1] ?? targetArn;
}

/** The total of the queues' depths. */
export function totalDepth(queues: readonly DeadLetterQueue[]): number {
  return queues.reduce((sum, q) => sum + q.depth, 0);
}

export interface ErrorGroup {
  /** Stable key: code and message. */
  key: string;
  code: string | null;
  message: string | null;
  letters: DeadLetter[];
}

/** The messages grouped by ERROR_CODE + ERROR_MESSAGE, largest group first, then by code. */
export function groupByError(letters: readonly DeadLetter[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const letter of letters) {
    const key = JSON.stringify([letter.errorCode, letter.errorMessage]);
    let group = groups.get(key);
    if (!group) {
      group = { key, code: letter.errorCode, message: letter.errorMessage, letters: [] };
      groups.set(key, group);
    }
    group.letters.push(letter);
  }
  return [...groups.values()].sort(
    (a, b) => b.letters.length - a.letters.length || (a.code ?? '').localeCompare(b.code ?? ''),
  );
}

/** A group's title: `CODE: message`, with words for what is missing. */
export function groupTitle(group: Pick<ErrorGroup, 'code' | 'message'>): string {
  const code = group.code ?? 'No error code';
  return group.message ? `${code}: ${group.message}` : code;
}

/** Where a redrive sends one message, in words, or why it cannot say. */
export function destination(letter: DeadLetter, to: RedriveTo): { where: string; known: boolean } {
  if (to === 'bus') {
    if (!letter.ruleArn) return { where: 'unknown: the message has no RULE_ARN', known: false };
    const { bus, name } = ruleParts(letter.ruleArn);
    return { where: `bus ${bus} (rule ${name} and every other rule that matches)`, known: true };
  }
  if (!letter.targetArn) return { where: 'unknown: the message has no TARGET_ARN', known: false };
  return { where: `target ${targetName(letter.targetArn)}`, known: true };
}

/** A sent time, as local date and time to the second. */
export function formatSent(ms: number | null): string {
  if (ms === null) return 'unknown';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
