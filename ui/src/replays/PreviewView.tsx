// A replay's preview: how many events it would send, each rule of the bus
// with how many it matches and its targets (a checkbox to send only to the
// rules checked), and why the counts may be an estimate.
import type { ReplayPreview } from '../bindings/ReplayPreview';
import { targetName } from '../deadletters/format';
import { plural } from './format';

export function PreviewView({
  preview,
  chosen,
  onToggle,
}: {
  preview: ReplayPreview;
  chosen: ReadonlySet<string>;
  onToggle: (ruleArn: string, on: boolean) => void;
}) {
  const some = preview.rules.some((rule) => chosen.has(rule.ruleArn));
  const reached = preview.rules.filter((rule) => (some ? chosen.has(rule.ruleArn) : true));
  const deliveries = reached.filter((rule) => rule.enabled).reduce((sum, rule) => sum + rule.matched * rule.targetArns.length, 0);
  return (
    <section className="replays-preview" aria-label="Preview">
      <p className="replays-preview__summary" role="status">
        {preview.estimate && <span className="replays-estimate">estimate</span>}
        {`${plural(preview.eventsToReplay, 'event')} to replay onto bus ${preview.busName}`}
        {preview.eventsInWindow > preview.eventsToReplay &&
          ` (of ${preview.eventsInWindow.toLocaleString('en-US')} in the window: the archive keeps only what its pattern matches)`}
        {`. About ${plural(deliveries, 'delivery', 'deliveries')} to the targets of ${plural(reached.length, 'rule')}${some ? ' checked' : ''}.`}
      </p>
      {preview.notes.length > 0 && (
        <ul className="replays-notes" aria-label="Why the counts may be off">
          {preview.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <fieldset className="replays-rules">
        <legend>
          Send to {some ? 'the rules checked' : `every rule of bus ${preview.busName}`} (check rules to send only to
          them)
        </legend>
        {preview.rules.length === 0 && <p className="replays-muted">Bus {preview.busName} has no rules.</p>}
        <ul aria-label="Rules of the bus">
          {preview.rules.map((rule) => (
            <li key={rule.ruleArn} className={`replays-rule${some && !chosen.has(rule.ruleArn) ? ' replays-rule--left-out' : ''}`}>
              <label className="replays-rule__label">
                <input
                  type="checkbox"
                  checked={chosen.has(rule.ruleArn)}
                  onChange={(e) => onToggle(rule.ruleArn, e.target.checked)}
                  aria-label={`Send to rule ${rule.ruleName}`}
                />
                <span className="replays-rule__name" title={rule.ruleArn}>
                  {rule.ruleName}
                </span>
                <span className="replays-rule__count" aria-label={`${rule.ruleName} matches ${plural(rule.matched, 'event')}`}>
                  {plural(rule.matched, 'match', 'matches')}
                </span>
              </label>
              {rule.targetArns.length > 0 && (
                <span className="replays-rule__targets" title={rule.targetArns.join('\n')}>
                  → {rule.targetArns.map(targetName).join(', ')}
                </span>
              )}
              {rule.note ? (
                <span className="replays-rule__note">{rule.note}</span>
              ) : (
                !rule.enabled && <span className="replays-rule__note">disabled</span>
              )}
            </li>
          ))}
        </ul>
      </fieldset>
    </section>
  );
}
