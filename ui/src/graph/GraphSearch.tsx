// Find a node by name: matches are marked on the canvas as you type; Enter
// centres on the next match (Shift+Enter the previous), Escape clears.
import { useEffect, useMemo, useState, type Ref } from 'react';
import type { Topology } from '../bindings/Topology';
import { matchNodes } from './search';

interface Props {
  topology: Topology;
  /** Marks the matches on the canvas. */
  onMatches: (ids: string[], current: string | null) => void;
  /** Brings a match into view. */
  onGoTo: (id: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}

export function GraphSearch({ topology, onMatches, onGoTo, inputRef }: Props) {
  const [query, setQuery] = useState('');
  // Index of the match last centred on; -1 before Enter is pressed.
  const [index, setIndex] = useState(-1);
  const matches = useMemo(() => matchNodes(topology, query), [topology, query]);
  const current = index >= 0 && index < matches.length ? matches[index]! : null;

  useEffect(() => {
    onMatches(matches, current);
  }, [matches, current, onMatches]);

  function step(delta: number) {
    if (matches.length === 0) return;
    const next = (index + delta + matches.length) % matches.length;
    setIndex(next);
    onGoTo(matches[next]!);
  }

  const status = query.trim()
    ? matches.length === 0
      ? 'No match'
      : current
        ? `${index + 1} of ${matches.length}`
        : `${matches.length} ${matches.length === 1 ? 'match' : 'matches'}`
    : '';

  return (
    <div className="graph-search" role="search">
      <input
        ref={inputRef}
        type="search"
        className="graph-search__input"
        placeholder="Search nodes…"
        aria-label="Search nodes by name"
        aria-describedby="graph-search-status"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setIndex(-1);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            step(event.shiftKey ? -1 : 1);
          } else if (event.key === 'Escape') {
            // Only swallow Escape when there is something to clear.
            if (query) {
              event.preventDefault();
              event.stopPropagation();
            }
            setQuery('');
            setIndex(-1);
          }
        }}
      />
      <span id="graph-search-status" className="graph-search__status" aria-live="polite" aria-atomic="true">
        {status}
      </span>
    </div>
  );
}
