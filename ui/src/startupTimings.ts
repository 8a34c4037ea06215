// Milestones of the app's start-up, in milliseconds since the page began to
// load (`performance.now()`), sent with the graph-ready report so the
// start-up benchmark can say where the time went; and the wait of the reads
// that can come after the first graph.

const marks: Record<string, number> = {};

/** How long reads that can wait wait at most for the first graph. */
const MAX_WAIT_MS = 2_000;
let started: () => void = () => {};
const startedPromise = new Promise<void>((resolve) => {
  started = resolve;
  setTimeout(resolve, MAX_WAIT_MS);
});

/** Notes a milestone the first time it is reached. */
export function markStartup(name: string): void {
  if (!(name in marks)) marks[name] = Math.round(performance.now());
  if (name === 'ready') started();
}

/**
 * Resolves once the first graph is on screen (or after 2 s): the header's
 * counts and the event list read then, so that at start-up the graph's
 * reads and drawing have the app to themselves. Outside the app (tests, a
 * browser) it resolves at once.
 */
export function whenStarted(): Promise<void> {
  const inApp = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
  return inApp ? startedPromise : Promise.resolve();
}

/** The milestones so far. */
export function startupMarks(): Record<string, number> {
  return { ...marks };
}
