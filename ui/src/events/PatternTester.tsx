// The pattern tester: an event (pasted, or picked from the list) and an
// event pattern; whether it matches and, field by field, why; and which
// rules of the system match the event. All judged in Rust by crates/pattern.
import { useEffect, useState } from 'react';
import { rulesMatchingEvent, testPattern, toAppError } from '../api';
import type { PatternTest } from '../bindings/PatternTest';
import type { RuleMatch } from '../bindings/RuleMatch';
import { useDebounced } from '../hooks/useDebounced';

export interface TesterInput {
  event: string;
  pattern: string;
  /** The bus of the event picked from the list, if it was. */
  busName: string | null;
}

interface Props {
  initial: TesterInput;
  onClose: () => void;
  /** Puts the pattern in the explorer's pattern filter. */
  onUseAsFilter: (pattern: string) => void;
}

const DEBOUNCE_MS = 300;
const PATTERN_ERROR = 'InvalidEventPatternException';

type Outcome =
  | { key: string; status: 'ready'; test: PatternTest }
  | { key: string; status: 'patternError' | 'eventError'; message: string };

type Rules = { event: string; status: 'ready'; rules: RuleMatch[] } | { event: string; status: 'error'; message: string };

export function PatternTester({ initial, onClose, onUseAsFilter }: Props) {
  const [eventText, setEventText] = useState(initial.event);
  const [patternText, setPatternText] = useState(initial.pattern);
  const event = useDebounced(eventText.trim(), DEBOUNCE_MS);
  const pattern = useDebounced(patternText.trim(), DEBOUNCE_MS);
  const testKey = `${pattern}\u0000${event}`;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [rules, setRules] = useState<Rules | null>(null);

  useEffect(() => {
    if (event === '' || pattern === '') return;
    let active = true;
    testPattern(pattern, event).then(
      (test) => {
        if (active) setOutcome({ key: testKey, status: 'ready', test });
      },
      (reason: unknown) => {
        const error = toAppError(reason);
        if (active) {
          setOutcome({
            key: testKey,
            status: error.code === PATTERN_ERROR ? 'patternError' : 'eventError',
            message: error.message,
          });
        }
      },
    );
    return () => {
      active = false;
    };
  }, [event, pattern, testKey]);

  useEffect(() => {
    if (event === '') return;
    let active = true;
    rulesMatchingEvent(event).then(
      (found) => {
        if (active) setRules({ event, status: 'ready', rules: found });
      },
      (reason: unknown) => {
        if (active) setRules({ event, status: 'error', message: toAppError(reason).message });
      },
    );
    return () => {
      active = false;
    };
  }, [event]);

  const current = outcome !== null && outcome.key === testKey && event !== '' && pattern !== '' ? outcome : null;
  const currentRules = rules !== null && rules.event === event && event !== '' ? rules : null;
  const onBus = currentRules?.status === 'ready' ? currentRules.rules.filter((r) => r.busName === initial.busName) : [];
  const elsewhere =
    currentRules?.status === 'ready' ? currentRules.rules.filter((r) => r.busName !== initial.busName) : [];

  return (
    <section className="tester" aria-labelledby="tester-heading">
      <header className="tester__header">
        <h3 id="tester-heading">Pattern tester</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <label className="tester__field">
        <span>Event (JSON)</span>
        <textarea
          value={eventText}
          onChange={(e) => setEventText(e.target.value)}
          rows={8}
          spellCheck={false}
          placeholder='{"source": "shop.orders", "detail-type": "OrderPlaced", "detail": {…}}'
        />
      </label>
      {current?.status === 'eventError' && (
        <p className="field-error" role="alert">
          {current.message}
        </p>
      )}
      <label className="tester__field">
        <span>Event pattern</span>
        <textarea
          value={patternText}
          onChange={(e) => setPatternText(e.target.value)}
          rows={5}
          spellCheck={false}
          placeholder='{"detail-type": ["OrderPlaced"]}'
        />
      </label>
      {current?.status === 'patternError' && (
        <p className="field-error" role="alert">
          {current.message}
        </p>
      )}
      {current?.status === 'ready' && (
        <div className="tester__result">
          <p
            className={`tester__verdict tester__verdict--${current.test.matches ? 'match' : 'miss'}`}
            role="status"
          >
            {current.test.matches ? 'Match' : 'No match'}
          </p>
          <table className="tester__checks" aria-label="Each field of the pattern alone">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Pattern</th>
                <th scope="col">Event</th>
                <th scope="col">Passes</th>
              </tr>
            </thead>
            <tbody>
              {current.test.checks.map((check) => (
                <tr key={check.field} className={check.matches === false ? 'tester__check--fail' : undefined}>
                  <td>
                    <code>{check.field}</code>
                  </td>
                  <td>
                    <code>{check.condition}</code>
                  </td>
                  <td>{check.actual === null ? <em>absent</em> : <code>{check.actual}</code>}</td>
                  <td>{check.matches === null ? 'cannot tell alone' : check.matches ? '✓ yes' : '✗ no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => onUseAsFilter(patternText)}>
            Filter the list with this pattern
          </button>
        </div>
      )}
      <div className="tester__rules" aria-label="Rules that match the event" role="region">
        <h4>Rules that match this event</h4>
        {event === '' && <p className="tester__note">Paste an event, or pick one in the list.</p>}
        {currentRules?.status === 'error' && (
          <p className="field-error" role="alert">
            {currentRules.message}
          </p>
        )}
        {currentRules?.status === 'ready' &&
          (currentRules.rules.length === 0 ? (
            <p className="tester__note">No rule of this system matches it.</p>
          ) : initial.busName === null ? (
            <RuleList rules={currentRules.rules} />
          ) : (
            <>
              <p className="tester__note">On its bus, {initial.busName}:</p>
              {onBus.length === 0 ? <p className="tester__note">none</p> : <RuleList rules={onBus} />}
              {elsewhere.length > 0 && (
                <>
                  <p className="tester__note">On other buses (if it were put there):</p>
                  <RuleList rules={elsewhere} />
                </>
              )}
            </>
          ))}
      </div>
    </section>
  );
}

function RuleList({ rules }: { rules: readonly RuleMatch[] }) {
  return (
    <ul className="tester__rule-list">
      {rules.map((rule) => (
        <li key={rule.nodeId} title={rule.eventPattern}>
          <span className="event-row__bus">{rule.busName}</span> {rule.ruleName}
          {!rule.enabled && <span className="tester__disabled"> (disabled)</span>}
        </li>
      ))}
    </ul>
  );
}
