// The "Start replay" form: an archive, a window (pickers and presets), the
// rules to send to, and the preview of what the replay would send where,
// which must be read before Start is enabled.
import { useEffect, useId, useMemo, useState } from 'react';
import { toAppError } from '../api';
import type { AppError } from '../bindings/AppError';
import type { ArchiveSummary } from '../bindings/ArchiveSummary';
import type { OutageWindow } from '../bindings/OutageWindow';
import type { ReplayPreview } from '../bindings/ReplayPreview';
import type { ReplayRequest } from '../bindings/ReplayRequest';
import { previewReplay, startReplay } from './api';
import {
  defaultReplayName,
  formProblems,
  fromLocalInput,
  outagePresets,
  outageWindow,
  RECENT_PRESETS,
  recentWindow,
  toLocalInput,
  type ReplayForm,
  type ReplayWindow,
} from './format';
import { PreviewView } from './PreviewView';

/** How long the form waits after a change before it asks for a preview. */
export const PREVIEW_DELAY_MS = 400;

/** The last preview answer, for the request it answered (`key`). */
type PreviewResult = { key: string; preview: ReplayPreview } | { key: string; error: AppError } | null;

type StartState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'started'; name: string }
  | { status: 'error'; error: AppError };

function initialForm(archives: readonly ArchiveSummary[]): ReplayForm {
  const now = Date.now();
  const archive = archives[0]?.name ?? '';
  const window = recentWindow(RECENT_PRESETS[1].spanMs, now);
  return {
    archiveName: archive,
    replayName: defaultReplayName(archive, now),
    from: toLocalInput(window.startMs),
    to: toLocalInput(window.endMs),
  };
}

/** The request the form stands for (every rule: the preview lists them all). */
function requestOf(form: ReplayForm): ReplayRequest | null {
  const start = fromLocalInput(form.from);
  const end = fromLocalInput(form.to);
  if (start === null || end === null || formProblems(form).length > 0) return null;
  return {
    replayName: form.replayName,
    archiveName: form.archiveName,
    eventStartMs: start,
    eventEndMs: end,
    filterArns: [],
    description: null,
  };
}

export function StartReplayForm({
  archives,
  outages,
  onStarted,
}: {
  archives: readonly ArchiveSummary[];
  outages: readonly OutageWindow[];
  onStarted: () => void;
}) {
  const id = useId();
  const [form, setForm] = useState<ReplayForm>(() => initialForm(archives));
  const [nameTyped, setNameTyped] = useState(false);
  const [ruleArns, setRuleArns] = useState<ReadonlySet<string>>(new Set());
  const [result, setResult] = useState<PreviewResult>(null);
  const [start, setStart] = useState<StartState>({ status: 'idle' });

  const problems = formProblems(form);
  const request = useMemo(() => requestOf(form), [form]);
  const key = request ? JSON.stringify(request) : null;
  const presets = useMemo(() => outagePresets(outages), [outages]);

  useEffect(() => {
    if (!request || key === null) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      previewReplay(request).then(
        (preview) => {
          if (!cancelled) setResult({ key, preview });
        },
        (reason: unknown) => {
          if (!cancelled) setResult({ key, error: toAppError(reason) });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, request]);

  // Only an answer to the form as it is now counts.
  const current = result !== null && result.key === key ? result : null;
  const ready = current !== null && 'preview' in current ? current.preview : null;
  const previewError = current !== null && 'error' in current ? current.error : null;
  const previewing = key !== null && current === null;
  // Rules no longer on the archive's bus cannot be sent to.
  const chosen = ready ? ready.rules.filter((rule) => ruleArns.has(rule.ruleArn)).map((rule) => rule.ruleArn) : [];

  const update = (next: Partial<ReplayForm>) => {
    setStart((s) => (s.status === 'starting' ? s : { status: 'idle' }));
    setForm((f) => {
      const merged = { ...f, ...next };
      // The suggested name follows the archive until the user types one.
      if (next.archiveName !== undefined && !nameTyped) {
        merged.replayName = defaultReplayName(next.archiveName, Date.now());
      }
      return merged;
    });
  };
  const setWindow = (window: ReplayWindow) =>
    update({ from: toLocalInput(window.startMs), to: toLocalInput(window.endMs) });

  const toggleRule = (arn: string, on: boolean) =>
    setRuleArns((set) => {
      const next = new Set(set);
      if (on) next.add(arn);
      else next.delete(arn);
      return next;
    });

  const submit = () => {
    if (!request || !ready) return;
    setStart({ status: 'starting' });
    startReplay({ ...request, filterArns: chosen }).then(
      (replay) => {
        setStart({ status: 'started', name: replay.name });
        setNameTyped(false);
        setForm((f) => ({ ...f, replayName: defaultReplayName(f.archiveName, Date.now() + 1000) }));
        onStarted();
      },
      (reason: unknown) => setStart({ status: 'error', error: toAppError(reason) }),
    );
  };

  const canStart = ready !== null && problems.length === 0 && start.status !== 'starting';
  return (
    <section aria-labelledby={`${id}-title`} className="replays-form">
      <h3 id={`${id}-title`} className="replays-section-title">
        Start replay
      </h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canStart) submit();
        }}
      >
        <div className="replays-form__grid">
          <label htmlFor={`${id}-archive`}>Archive</label>
          <select
            id={`${id}-archive`}
            value={form.archiveName}
            onChange={(e) => update({ archiveName: e.target.value })}
          >
            {archives.map((archive) => (
              <option key={archive.name} value={archive.name}>
                {archive.name} (bus {archive.busName})
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-name`}>Replay name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={form.replayName}
            spellCheck={false}
            onChange={(e) => {
              setNameTyped(true);
              update({ replayName: e.target.value });
            }}
          />
          <label htmlFor={`${id}-from`}>Events from</label>
          <input
            id={`${id}-from`}
            type="datetime-local"
            step={1}
            value={form.from}
            onChange={(e) => update({ from: e.target.value })}
          />
          <label htmlFor={`${id}-to`}>Events to</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            step={1}
            value={form.to}
            onChange={(e) => update({ to: e.target.value })}
          />
        </div>
        <div className="replays-presets" role="group" aria-label="Window presets">
          {RECENT_PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              className="button button--ghost"
              onClick={() => setWindow(recentWindow(preset.spanMs, Date.now()))}
            >
              {preset.label}
            </button>
          ))}
          {presets.map((preset) => (
            <button
              key={preset.circuit}
              type="button"
              className="button button--ghost"
              onClick={() => setWindow(outageWindow(preset, Date.now()))}
              title="From a second before the circuit opened to a second after it closed"
            >
              {preset.label}
            </button>
          ))}
        </div>
        {problems.length > 0 && (
          <ul className="replays-problems" aria-label="What the form still needs">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        {previewing && (
          <p className="replays-muted" role="status">
            Previewing what the replay would send…
          </p>
        )}
        {previewError && (
          <div className="replays-error" role="alert">
            <strong>Could not preview the replay.</strong> {previewError.message}
            {previewError.code && <span className="replays-error__code">{previewError.code}</span>}
          </div>
        )}
        {ready && <PreviewView preview={ready} chosen={ruleArns} onToggle={toggleRule} />}
        <div className="replays-form__actions">
          <button type="submit" className="button button--primary" disabled={!canStart} aria-busy={start.status === 'starting'}>
            Start replay
          </button>
          {!ready && problems.length === 0 && <span className="replays-muted">Start is enabled once the preview is read.</span>}
        </div>
        {start.status === 'started' && (
          <p className="replays-ok" role="status">
            Started replay {start.name}.
          </p>
        )}
        {start.status === 'error' && (
          <div className="replays-error" role="alert">
            <strong>Could not start the replay.</strong> {start.error.message}
            {start.error.code && <span className="replays-error__code">{start.error.code}</span>}
          </div>
        )}
      </form>
    </section>
  );
}
