// Milestones of the app's start-up, in milliseconds since the page began to
// load (`performance.now()`), sent with the graph-ready report so the
// start-up benchmark can say where the time went.

const marks: Record<string, number> = {};

/** Notes a milestone the first time it is reached. */
export function markStartup(name: string): void {
  if (!(name in marks)) marks[name] = Math.round(performance.now());
}

/** The milestones so far. */
export function startupMarks(): Record<string, number> {
  return { ...marks };
}
