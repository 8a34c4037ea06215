// Pure helpers of the trace view.
import type { EventTrace } from '../bindings/EventTrace';

/** The last part of an ARN: a rule, function, queue or bus name. */
export function resourceName(arn: string): string {
  const tail = arn.split(':').pop() ?? arn;
  const parts = tail.split('/').filter((part) => part.length > 0);
  // `api-destination/<name>/<uuid>` and `connection/<name>/<uuid>`: the name says more than the id.
  if ((parts[0] === 'api-destination' || parts[0] === 'connection') && parts.length === 3) return parts[1]!;
  return parts.pop() ?? tail;
}

/** The time axis of a trace: from its first record to its last (at least 1 ms). */
export function traceWindow(trace: EventTrace): { start: number; span: number } {
  const times: number[] = [];
  for (const hop of trace.hops) {
    if (hop.receivedMs !== null) times.push(hop.receivedMs);
    for (const invocation of hop.invocations) {
      for (const attempt of invocation.attempts) {
        times.push(attempt.startedMs);
        if (attempt.endedMs !== null) times.push(attempt.endedMs);
      }
      if (invocation.finishedMs !== null) times.push(invocation.finishedMs);
    }
  }
  if (times.length === 0) return { start: 0, span: 1 };
  const start = Math.min(...times);
  return { start, span: Math.max(Math.max(...times) - start, 1) };
}
