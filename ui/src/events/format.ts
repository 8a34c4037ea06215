// How events are written on screen.
import type { BusEvent } from '../bindings/BusEvent';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** HH:MM:SS.mmm in local time. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The detail on one line, cut short; the full JSON is one click away. */
export function previewDetail(detail: BusEvent['detail'], maxLength = 140): string {
  if (detail === null) return '(no detail)';
  const text = JSON.stringify(detail);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** The event with EventBridge's own field names, as a rule's pattern sees it. */
export function eventEnvelope(event: BusEvent): Record<string, unknown> {
  return {
    id: event.id,
    'detail-type': event.detailType,
    source: event.source,
    time: event.time,
    resources: event.resources,
    detail: event.detail,
  };
}

/** {@link eventEnvelope} as indented JSON text. */
export function eventJson(event: BusEvent): string {
  return JSON.stringify(eventEnvelope(event), null, 2);
}

/**
 * What makes an event one entry of the list: its id, and the replay that
 * sent this copy (a replayed copy keeps the original's id).
 */
export function eventKey(event: BusEvent): string {
  return event.replayName ? `${event.id}#${event.replayName}` : event.id;
}
