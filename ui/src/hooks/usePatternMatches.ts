// An event pattern applied to the events in memory, with EventBridge's own
// semantics: checked and matched in Rust (crates/pattern), never in
// TypeScript. Typing is debounced; the events are sent in batches, only the
// top-level fields the pattern can look at; each event is judged once per
// pattern, so a push of new events only matches the new ones.
import { useCallback, useEffect, useRef, useState } from 'react';
import { checkPattern, matchEvents, toAppError } from '../api';
import type { BusEvent } from '../bindings/BusEvent';
import { envelopeFor, patternFields } from '../events/filters';
import { useDebounced } from './useDebounced';

export const MATCH_BATCH = 5_000;
export const PATTERN_DEBOUNCE_MS = 300;

export type PatternState =
  | { status: 'off' }
  | { status: 'checking' }
  | { status: 'invalid'; message: string }
  | {
      status: 'matching' | 'ready';
      /** The verdict by event id; events not in it are not judged yet. */
      matches: ReadonlyMap<string, boolean>;
      /** Events still to be judged. */
      remaining: number;
      error: string | null;
      /** Goes up with every batch judged (the map is updated in place). */
      version: number;
    };

const NOTHING_YET: ReadonlyMap<string, boolean> = new Map();

interface Verdict {
  pattern: string;
  error: string | null;
}

interface Progress {
  pattern: string;
  matches: ReadonlyMap<string, boolean>;
  remaining: number;
  error: string | null;
  version: number;
}

interface Engine {
  pattern: string | null;
  matches: Map<string, boolean>;
  generation: number;
  running: boolean;
  version: number;
}

export function usePatternMatches(
  pattern: string,
  events: readonly BusEvent[],
  delayMs = PATTERN_DEBOUNCE_MS,
): PatternState {
  const text = useDebounced(pattern.trim(), delayMs);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const eventsRef = useRef(events);
  const engine = useRef<Engine>({ pattern: null, matches: new Map(), generation: 0, running: false, version: 0 });

  const run = useCallback(() => {
    const state = engine.current;
    const pattern = state.pattern;
    if (state.running || pattern === null) return;
    state.running = true;
    const generation = state.generation;
    const fields = patternFields(pattern);
    const pump = async () => {
      for (;;) {
        const live = eventsRef.current;
        const todo = live.filter((event) => !state.matches.has(event.id));
        if (todo.length === 0) break;
        for (let start = 0; start < todo.length; start += MATCH_BATCH) {
          const batch = todo.slice(start, start + MATCH_BATCH);
          const verdicts = await matchEvents(
            pattern,
            batch.map((event) => envelopeFor(event, fields)),
          );
          if (state.generation !== generation) return;
          batch.forEach((event, i) => state.matches.set(event.id, verdicts[i] === true));
          setProgress({
            pattern,
            matches: state.matches,
            remaining: todo.length - start - batch.length,
            error: null,
            version: ++state.version,
          });
        }
      }
      // Forget events the list no longer holds.
      const live = eventsRef.current;
      if (state.matches.size > 2 * live.length + MATCH_BATCH) {
        const kept = new Map<string, boolean>();
        for (const event of live) {
          const verdict = state.matches.get(event.id);
          if (verdict !== undefined) kept.set(event.id, verdict);
        }
        state.matches = kept;
      }
      setProgress({ pattern, matches: state.matches, remaining: 0, error: null, version: ++state.version });
    };
    pump()
      .catch((reason: unknown) => {
        if (state.generation === generation) {
          setProgress({
            pattern,
            matches: state.matches,
            remaining: 0,
            error: toAppError(reason).message,
            version: ++state.version,
          });
        }
      })
      .finally(() => {
        state.running = false;
        // The pattern changed while a batch was out: start over with the new one.
        if (state.generation !== generation) run();
      });
  }, []);

  // Check the pattern as typing settles.
  useEffect(() => {
    if (text === '') return;
    let active = true;
    checkPattern(text).then(
      () => {
        if (active) setVerdict({ pattern: text, error: null });
      },
      (reason: unknown) => {
        if (active) setVerdict({ pattern: text, error: toAppError(reason).message });
      },
    );
    return () => {
      active = false;
    };
  }, [text]);

  // A valid pattern: judge every event afresh.
  const valid = verdict !== null && verdict.pattern === text && verdict.error === null && text !== '';
  useEffect(() => {
    const state = engine.current;
    state.generation += 1;
    state.pattern = valid ? text : null;
    state.matches = new Map();
    run();
  }, [valid, text, run]);

  // New events: judge the ones not judged yet.
  useEffect(() => {
    eventsRef.current = events;
    run();
  }, [events, run]);

  if (text === '') return { status: 'off' };
  if (verdict === null || verdict.pattern !== text) return { status: 'checking' };
  if (verdict.error !== null) return { status: 'invalid', message: verdict.error };
  if (progress === null || progress.pattern !== text) {
    return { status: 'matching', matches: NOTHING_YET, remaining: events.length, error: null, version: 0 };
  }
  return {
    status: progress.remaining > 0 ? 'matching' : 'ready',
    matches: progress.matches,
    remaining: progress.remaining,
    error: progress.error,
    version: progress.version,
  };
}
