// A story search: what was asked, and what came back.
import { useCallback, useRef, useState } from 'react';
import { getStory, toAppError } from '../api';
import type { EventStory } from '../bindings/EventStory';
import type { StoryQuery } from '../bindings/StoryQuery';

export type StoryState =
  | { status: 'idle' }
  | { status: 'loading'; query: StoryQuery }
  | { status: 'ready'; query: StoryQuery; story: EventStory }
  | { status: 'error'; query: StoryQuery; message: string };

export interface Story {
  state: StoryState;
  search: (query: StoryQuery) => void;
  close: () => void;
}

export function useStory(): Story {
  const [state, setState] = useState<StoryState>({ status: 'idle' });
  // Only the latest search may answer: an older, slower one is dropped.
  const latest = useRef(0);

  const search = useCallback((query: StoryQuery) => {
    const ticket = ++latest.current;
    setState({ status: 'loading', query });
    getStory(query).then(
      (story) => {
        if (ticket === latest.current) setState({ status: 'ready', query, story });
      },
      (reason: unknown) => {
        if (ticket === latest.current) setState({ status: 'error', query, message: toAppError(reason).message });
      },
    );
  }, []);

  const close = useCallback(() => {
    latest.current++;
    setState({ status: 'idle' });
  }, []);

  return { state, search, close };
}
