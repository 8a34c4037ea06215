// The last layout of each graph structure, kept in the webview's storage:
// a graph opens where the user left it, the same every time (their mental
// map holds), and without running ELK again, which is most of the start-up.

/** One position per node id. */
export type Positions = Record<string, { x: number; y: number }>;

interface Entry {
  hash: string;
  positions: Positions;
  /** When it was saved, for dropping the least recently used. */
  at: number;
}

const STORAGE_KEY = 'choreoscope.layouts.v1';
/** Structures remembered (a few connections, a few versions of each). */
export const MAX_LAYOUTS = 24;

/** A short, stable hash of a structure's shape key (cyrb53). */
export function shapeHash(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function read(storage: Storage): Entry[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as Entry[]) : [];
  } catch {
    // A damaged entry costs one ELK run, nothing more.
    return [];
  }
}

/** The saved positions of the structure `key`, if every one of `nodeIds` has one. */
export function loadLayout(key: string, nodeIds: readonly string[], storage: Storage = localStorage): Positions | null {
  const hash = shapeHash(key);
  const entry = read(storage).find((e) => e.hash === hash);
  if (!entry) return null;
  const complete = nodeIds.every((id) => {
    const p = entry.positions[id];
    return p !== undefined && Number.isFinite(p.x) && Number.isFinite(p.y);
  });
  return complete ? entry.positions : null;
}

/** Remembers the positions of the structure `key`, dropping the oldest beyond [`MAX_LAYOUTS`]. */
export function saveLayout(key: string, positions: Positions, storage: Storage = localStorage, now = Date.now()): void {
  const hash = shapeHash(key);
  const entries = read(storage).filter((e) => e.hash !== hash);
  entries.unshift({ hash, positions, at: now });
  entries.sort((a, b) => b.at - a.at);
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(entries.slice(0, MAX_LAYOUTS)));
  } catch {
    // Storage full or unavailable: the next start lays out again.
  }
}
