// Asks the events pane to open a story, from anywhere in the app (the
// graph's node panel, for one): the pane owns the story search.
import { useEffect, useRef } from 'react';
import type { StoryQuery } from '../bindings/StoryQuery';

type Listener = (query: StoryQuery) => void;
const listeners = new Set<Listener>();

/** Opens the story of `query` in the events pane. */
export function requestStory(query: StoryQuery): void {
  for (const listener of listeners) listener(query);
}

/** Runs `open` for every story requested while mounted. */
export function useStoryRequests(open: Listener): void {
  const latest = useRef(open);
  useEffect(() => {
    latest.current = open;
  }, [open]);
  useEffect(() => {
    const listener: Listener = (query) => latest.current(query);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}
