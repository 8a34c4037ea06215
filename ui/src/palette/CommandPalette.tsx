// Ctrl/Cmd+K: a modal list of actions, filtered as you type. Arrows move,
// Enter runs, Escape (or a click outside) closes; focus goes back to where
// it was before the palette opened.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useGraphControls } from '../graph/controls';
import { toggleTheme } from '../theme/theme';
import { filterCommands, paletteCommands, type PaletteCommand } from './commands';
import { panelCommands } from './panels';

/** Renders no more rows than this; typing narrows a big graph's node list. */
const MAX_ROWS = 100;

export function CommandPalette() {
  const [open, setOpen] = useState(false);
  // Mirrors `open` for the window listener, which is registered once.
  const openRef = useRef(false);
  const returnFocus = useRef<HTMLElement | null>(null);

  const close = useCallback(() => {
    openRef.current = false;
    setOpen(false);
    // Synchronously, so an action run right after can move focus elsewhere.
    returnFocus.current?.focus();
    returnFocus.current = null;
  }, []);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== 'k') return;
      event.preventDefault();
      if (openRef.current) {
        close();
        return;
      }
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      openRef.current = true;
      setOpen(true);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [close]);

  return open ? <PaletteDialog onClose={close} /> : null;
}

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const graph = useGraphControls();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const titleId = useId();
  const listId = useId();
  const all = useMemo(() => paletteCommands(graph, toggleTheme, panelCommands()), [graph]);
  const matches = useMemo(() => filterCommands(all, query), [all, query]);
  const shown = matches.slice(0, MAX_ROWS);
  const activeIndex = Math.min(active, Math.max(shown.length - 1, 0));
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => inputRef.current?.focus(), []);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [activeIndex]);

  function run(command: PaletteCommand | undefined) {
    if (!command) return;
    onClose();
    command.run();
  }

  function onKeyDown(event: React.KeyboardEvent) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setActive(shown.length ? (activeIndex + 1) % shown.length : 0);
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive(shown.length ? (activeIndex - 1 + shown.length) % shown.length : 0);
        break;
      case 'Home':
        event.preventDefault();
        setActive(0);
        break;
      case 'End':
        event.preventDefault();
        setActive(Math.max(shown.length - 1, 0));
        break;
      case 'Enter':
        event.preventDefault();
        run(shown[activeIndex]);
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        onClose();
        break;
      case 'Tab':
        // The input is the dialog's only stop: keep focus inside it.
        event.preventDefault();
        break;
    }
  }

  return (
    <div
      className="palette-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="palette" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="sr-only">
          Command palette
        </h2>
        <input
          ref={inputRef}
          className="palette__input"
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={shown.length ? optionId(activeIndex) : undefined}
          aria-label="Type a command or a node name"
          placeholder="Type a command or a node name…"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
        />
        <ul ref={listRef} id={listId} className="palette__list" role="listbox" aria-label="Commands">
          {shown.map((command, i) => (
            <li
              key={command.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex}
              className="palette__option"
              onMouseMove={() => setActive(i)}
              onClick={() => run(command)}
            >
              <span>{command.label}</span>
              {command.hint && <span className="palette__hint">{command.hint}</span>}
            </li>
          ))}
          {shown.length === 0 && (
            <li className="palette__empty" role="presentation">
              No command matches
            </li>
          )}
        </ul>
        {matches.length > shown.length && (
          <p className="palette__more">{matches.length - shown.length} more: keep typing to narrow</p>
        )}
      </div>
    </div>
  );
}
