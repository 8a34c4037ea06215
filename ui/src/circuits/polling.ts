// How often the circuits are read: each read is a FilterLogEvents per bus
// (and ListReplays), and on AWS FilterLogEvents has a small account-wide
// quota shared with the live loop, so AWS is read far less often.
import type { ConnectionMode } from '../bindings/ConnectionMode';

/** While the panel is closed (the header's count), locally. */
export const closedPollMs = 5_000;
/** While the panel (or the demo drawer) is open, locally. */
export const openPollMs = 2_000;

/** How often to read, open or closed, on this connection (local when not known yet). */
export function circuitsPollMs(open: boolean, mode: ConnectionMode | null | undefined): number {
  if (mode === 'aws') return open ? 15_000 : 60_000;
  return open ? openPollMs : closedPollMs;
}
