// The live events, explored: a windowed list (100,000 rows cost what a
// screenful does), pause and resume, jump to now, filters by bus, source,
// detail-type, time and text, an EventBridge event pattern judged by
// crates/pattern, and the pattern tester.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BusEvent } from '../bindings/BusEvent';
import type { StoryQuery } from '../bindings/StoryQuery';
import type { Explorer } from '../hooks/useExplorer';
import type { PatternState } from '../hooks/usePatternMatches';
import { EventRow } from './EventRow';
import {
  formatLocalDateTime,
  isFiltering,
  NO_FILTERS,
  parseLocalDateTime,
  TIME_PRESETS,
  warmSearchText,
  type EventFilters,
  type TimePreset,
} from './filters';
import { eventJson, eventKey } from './format';
import { MAX_EVENTS } from './merge';
import { PatternTester, type TesterInput } from './PatternTester';
import { VirtualList, type VirtualListHandle } from './VirtualList';

/** A collapsed row's height before one is measured (CSS makes them all alike). */
const ROW_HEIGHT = 86;

const count = (n: number) => n.toLocaleString('en-US');

interface Props {
  explorer: Explorer;
  loading: boolean;
  error: string | null;
  onStory: (query: StoryQuery) => void;
}

export function EventExplorer({ explorer, loading, error, onStory }: Props) {
  const { pausable, filters, setFilters, shown } = explorer;
  const list = useRef<VirtualListHandle>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [tester, setTester] = useState<{ input: TesterInput; opened: number } | null>(null);

  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const patternText = explorer.patternText;
  const openTester = useCallback(
    (event: BusEvent | null) => {
      const starter =
        event === null ? '' : JSON.stringify({ source: [event.source], 'detail-type': [event.detailType] }, null, 2);
      setTester((prev) => ({
        input: {
          event: event === null ? '' : eventJson(event),
          pattern: patternText.trim() === '' ? starter : patternText,
          busName: event?.busName ?? null,
        },
        opened: (prev?.opened ?? 0) + 1,
      }));
    },
    [patternText],
  );
  const testEvent = useCallback((event: BusEvent) => openTester(event), [openTester]);

  const renderRow = useCallback(
    (event: BusEvent) => (
      <EventRow event={event} expanded={expanded.has(eventKey(event))} onToggle={toggle} onStory={onStory} onTest={testEvent} />
    ),
    [expanded, toggle, onStory, testEvent],
  );

  const jumpToNow = () => {
    pausable.resume();
    list.current?.scrollToTop();
  };

  const total = pausable.events.length;
  const filtering = isFiltering(filters) || explorer.pattern.status !== 'off';

  return (
    <div className="explorer">
      <div className="explorer-bar">
        <button
          type="button"
          aria-pressed={pausable.paused}
          onClick={pausable.paused ? pausable.resume : pausable.pause}
          title={pausable.paused ? 'Show the events that came in meanwhile' : 'Stop inserting new events'}
        >
          {pausable.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={jumpToNow} title="Resume and scroll to the newest event">
          Jump to now
        </button>
        {pausable.paused && (
          <span className="explorer-pending" role="status" aria-live="polite">
            Paused · {count(pausable.pending)} new
          </span>
        )}
        <span className="explorer-showing" data-testid="explorer-showing">
          {filtering ? `${count(shown.length)} of ${count(total)}` : count(total)}
        </span>
        <button type="button" className="explorer-tester-button" onClick={() => openTester(null)}>
          Pattern tester
        </button>
      </div>
      <Filters
        events={pausable.events}
        filters={filters}
        setFilters={setFilters}
        facets={explorer.facets}
        patternText={explorer.patternText}
        setPatternText={explorer.setPatternText}
        pattern={explorer.pattern}
      />
      {total >= MAX_EVENTS && (
        <p className="explorer-note">
          Only the newest {count(MAX_EVENTS)} events are kept here; older ones are dropped as new ones come in. The
          bus logs still hold them: search a story to read them.
        </p>
      )}
      {tester !== null && (
        <PatternTester
          key={tester.opened}
          initial={tester.input}
          onClose={() => setTester(null)}
          onUseAsFilter={explorer.setPatternText}
        />
      )}
      {error && (
        <p className="pane-error" role="alert">
          Could not load events: {error}
        </p>
      )}
      {total === 0 ? (
        !error && (
          <p className="empty">
            {loading ? 'Loading events…' : 'No events yet. Put one with the button above, or with the aws CLI.'}
          </p>
        )
      ) : shown.length === 0 ? (
        <div className="empty">
          <p>
            {explorer.pattern.status === 'matching' || explorer.pattern.status === 'checking'
              ? 'Matching the pattern…'
              : 'No event passes the filters.'}
          </p>
          <button
            type="button"
            onClick={() => {
              setFilters(() => NO_FILTERS);
              explorer.setPatternText('');
            }}
          >
            Clear the filters
          </button>
        </div>
      ) : (
        <VirtualList
          handle={list}
          className="event-list"
          label="Events, newest first"
          items={shown}
          itemKey={eventKey}
          renderItem={renderRow}
          estimateHeight={ROW_HEIGHT}
        />
      )}
    </div>
  );
}


interface FiltersProps {
  events: readonly BusEvent[];
  filters: EventFilters;
  setFilters: Explorer['setFilters'];
  facets: Explorer['facets'];
  patternText: string;
  setPatternText: (pattern: string) => void;
  pattern: PatternState;
}

function Filters({ events, filters, setFilters, facets, patternText, setPatternText, pattern }: FiltersProps) {
  // Focusing the text box starts building what a text search reads.
  const stopWarming = useRef<(() => void) | null>(null);
  useEffect(() => () => stopWarming.current?.(), []);
  const warm = () => {
    stopWarming.current?.();
    stopWarming.current = warmSearchText(events);
  };
  const set = <K extends keyof EventFilters>(key: K, value: EventFilters[K]) =>
    setFilters((current) => ({ ...current, [key]: value }));
  return (
    <div className="explorer-filters" role="group" aria-label="Filters">
      <div className="explorer-filters__row">
        <Pick label="Bus" value={filters.bus} options={facets.buses} onChange={(v) => set('bus', v)} />
        <Pick label="Source" value={filters.source} options={facets.sources} onChange={(v) => set('source', v)} />
        <Pick
          label="Detail type"
          value={filters.detailType}
          options={facets.detailTypes}
          onChange={(v) => set('detailType', v)}
        />
        <select aria-label="Time" value={filters.time} onChange={(e) => set('time', e.target.value as TimePreset)}>
          {TIME_PRESETS.map((preset) => (
            <option key={preset.value} value={preset.value}>
              {preset.label}
            </option>
          ))}
        </select>
      </div>
      {filters.time === 'custom' && (
        <div className="explorer-filters__row">
          <DateTimeField label="From" ms={filters.fromMs} onChange={(ms) => set('fromMs', ms)} />
          <DateTimeField label="To" ms={filters.toMs} onChange={(ms) => set('toMs', ms)} />
        </div>
      )}
      <input
        type="search"
        className="explorer-filters__text"
        aria-label="Text in the event"
        placeholder="Text anywhere in the event's JSON"
        value={filters.text}
        onFocus={warm}
        onChange={(e) => set('text', e.target.value)}
      />
      <textarea
        className="explorer-filters__pattern"
        aria-label="Event pattern"
        aria-invalid={pattern.status === 'invalid'}
        aria-describedby="explorer-pattern-help"
        placeholder='Event pattern, e.g. {"detail-type": ["OrderPlaced"], "detail": {"data": {"total": [{"numeric": [">", 50]}]}}}'
        rows={2}
        spellCheck={false}
        value={patternText}
        onChange={(e) => setPatternText(e.target.value)}
      />
      <PatternHelp pattern={pattern} />
    </div>
  );
}

function PatternHelp({ pattern }: { pattern: PatternState }) {
  switch (pattern.status) {
    case 'off':
      return null;
    case 'checking':
      return (
        <p id="explorer-pattern-help" className="explorer-pattern-help">
          Checking the pattern…
        </p>
      );
    case 'invalid':
      return (
        <p id="explorer-pattern-help" className="field-error" role="alert">
          {pattern.message}
        </p>
      );
    case 'matching':
    case 'ready':
      if (pattern.error !== null) {
        return (
          <p id="explorer-pattern-help" className="field-error" role="alert">
            Could not match the events: {pattern.error}
          </p>
        );
      }
      return (
        <p id="explorer-pattern-help" className="explorer-pattern-help">
          {pattern.status === 'matching'
            ? `Matching the events… ${count(pattern.remaining)} to go`
            : "Applied with EventBridge's matching rules"}
        </p>
      );
  }
}

function Pick({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  // A value picked earlier stays offered even when its events have gone.
  const all = value !== '' && !options.includes(value) ? [value, ...options] : options;
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{`Any ${label.toLowerCase()}`}</option>
      {all.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** A local date and time, to the second, as epoch ms (null when empty). */
function DateTimeField({
  label,
  ms,
  onChange,
}: {
  label: string;
  ms: number | null;
  onChange: (ms: number | null) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="datetime-local"
        step={1}
        value={formatLocalDateTime(ms)}
        onChange={(e) => onChange(parseLocalDateTime(e.target.value))}
      />
    </label>
  );
}
