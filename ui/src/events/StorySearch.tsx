// The search bar above the events: by correlation id (an order id), by
// event id, or by any value in an event.
import { useState, type FormEvent } from 'react';
import type { StoryQuery } from '../bindings/StoryQuery';

const KINDS: { kind: StoryQuery['kind']; label: string; placeholder: string }[] = [
  { kind: 'correlationId', label: 'Correlation id', placeholder: 'an order id, e.g. o-4f2c…' },
  { kind: 'eventId', label: 'Event id', placeholder: 'an event id' },
  { kind: 'text', label: 'Any value', placeholder: 'a value in any field' },
];

export function StorySearch({ onSearch }: { onSearch: (query: StoryQuery) => void }) {
  const [kind, setKind] = useState<StoryQuery['kind']>('correlationId');
  const [value, setValue] = useState('');
  const chosen = KINDS.find((k) => k.kind === kind) ?? { label: 'Search', placeholder: '' };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = value.trim();
    if (trimmed.length > 0) onSearch({ kind, value: trimmed });
  };

  return (
    <form className="story-search" role="search" aria-label="Search events" onSubmit={submit}>
      <select aria-label="Search by" value={kind} onChange={(e) => setKind(e.target.value as StoryQuery['kind'])}>
        {KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      <input
        type="search"
        aria-label={chosen.label}
        placeholder={chosen.placeholder}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" disabled={value.trim().length === 0}>
        Search
      </button>
    </form>
  );
}
