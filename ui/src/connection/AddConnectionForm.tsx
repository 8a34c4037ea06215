// Adds a saved connection: an AWS profile (SSO ones marked) with a region,
// or an AWS-compatible endpoint URL with a region. Test checks it first.
import { useEffect, useState } from 'react';
import { toAppError } from '../api';
import type { AwsProfiles } from '../bindings/AwsProfiles';
import { awsProfiles, saveConnection, testConnection } from './api';
import { draftProblem, draftSpec, EMPTY_DRAFT, type ConnectionDraft } from './form';
import { reportOverview } from './store';

export function AddConnectionForm() {
  const [profiles, setProfiles] = useState<AwsProfiles | null>(null);
  const [draft, setDraft] = useState<ConnectionDraft>(EMPTY_DRAFT);
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    awsProfiles().then(setProfiles, (reason: unknown) => setProblem(toAppError(reason).message));
  }, []);

  const edit = (next: Partial<ConnectionDraft>) => {
    setDraft((prev) => ({ ...prev, ...next }));
    setProblem(null);
    setOutcome(null);
  };
  const chosen = profiles?.profiles.find((p) => p.name === draft.profile);
  const regions = profiles?.regions ?? ['us-east-1'];
  // A profile's region heads the list; an endpoint's list is AWS's.
  const regionChoices = chosen?.region ? [chosen.region, ...regions.filter((r) => r !== chosen.region)] : regions;

  function act(forSaving: boolean) {
    const wrong = draftProblem(draft, forSaving);
    if (wrong) {
      setProblem(wrong);
      return;
    }
    setBusy(true);
    setProblem(null);
    setOutcome(null);
    const spec = draftSpec(draft);
    const done = forSaving
      ? saveConnection(draft.name.trim(), spec).then((overview) => {
          reportOverview(overview);
          setOutcome(`Saved ${draft.name.trim()}.`);
          setDraft(EMPTY_DRAFT);
        })
      : testConnection(spec).then(setOutcome);
    done.catch((reason: unknown) => setProblem(toAppError(reason).message)).finally(() => setBusy(false));
  }

  return (
    <form
      className="connection-form"
      aria-label="Add a connection"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        act(true);
      }}
    >
      <label>
        Name
        <input value={draft.name} onChange={(e) => edit({ name: e.target.value })} placeholder="Production" />
      </label>
      <fieldset className="connection-form__kind">
        <legend>Connect to</legend>
        <label>
          <input
            type="radio"
            name="kind"
            checked={draft.kind === 'profile'}
            onChange={() => edit({ kind: 'profile', region: '' })}
          />
          AWS profile
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            checked={draft.kind === 'endpoint'}
            onChange={() => edit({ kind: 'endpoint', region: 'us-east-1' })}
          />
          Endpoint URL (LocalStack, moto…)
        </label>
      </fieldset>
      {draft.kind === 'profile' ? (
        <>
          <label>
            Profile
            <select value={draft.profile} onChange={(e) => edit({ profile: e.target.value, region: '' })}>
              <option value="">Pick a profile…</option>
              {profiles?.profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.sso ? ' (SSO)' : ''}
                  {p.region ? ` · ${p.region}` : ''}
                </option>
              ))}
            </select>
          </label>
          {profiles && profiles.profiles.length === 0 && (
            <p className="connections-panel__muted">
              No profiles in {profiles.configFile ?? 'your AWS config'}. Run <code>aws configure</code> or{' '}
              <code>aws configure sso</code>, then open this panel again.
            </p>
          )}
          {chosen?.sso && (
            <p className="connections-panel__muted">
              SSO profile: if its session has expired, run <code>aws sso login --profile {chosen.name}</code>.
            </p>
          )}
          <label>
            Region
            <select value={draft.region} onChange={(e) => edit({ region: e.target.value })}>
              <option value="">{chosen?.region ? `The profile's (${chosen.region})` : "The profile's"}</option>
              {regionChoices.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : (
        <>
          <label>
            Endpoint URL
            <input
              value={draft.endpointUrl}
              onChange={(e) => edit({ endpointUrl: e.target.value })}
              placeholder="http://localhost:4566"
              inputMode="url"
            />
          </label>
          <label>
            Region
            <select value={draft.region} onChange={(e) => edit({ region: e.target.value })}>
              {regionChoices.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {profiles?.problems.map((p) => (
        <p key={p} className="connections-panel__error">
          {p}
        </p>
      ))}
      {problem && (
        <p className="connections-panel__error" role="alert">
          {problem}
        </p>
      )}
      {outcome && (
        <p className="connections-panel__status" role="status">
          {outcome}
        </p>
      )}
      <p className="connections-panel__muted">
        Credentials come from your AWS config and environment; the app never stores them.
      </p>
      <div className="connections-panel__actions">
        <button type="button" className="button" disabled={busy} onClick={() => act(false)}>
          Test
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
