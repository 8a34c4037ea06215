// The archives: the bus each keeps events of, its pattern as JSON, how long
// it keeps them, and how many it holds.
import type { ArchiveSummary } from '../bindings/ArchiveSummary';
import { formatBytes, formatTime, plural, retentionWords } from './format';
import type { Loaded } from './loaded';
import { ReadError } from './ReadError';

export function ArchiveList({ state }: { state: Loaded<ArchiveSummary[]> }) {
  return (
    <section aria-labelledby="replays-archives-title">
      <h3 id="replays-archives-title" className="replays-section-title">
        Archives
      </h3>
      {state.status === 'loading' && (
        <p className="replays-muted" role="status">
          Reading the archives…
        </p>
      )}
      {state.status === 'error' && <ReadError what="the archives" error={state.error} />}
      {state.status === 'ready' && (
        <>
          {state.error && <ReadError what="the archives" error={state.error} stale />}
          {state.value.length === 0 ? (
            <p className="replays-muted">
              No archive yet: a replay needs an archive of a bus's events (CreateArchive), and it replays only what the
              archive kept since it was created.
            </p>
          ) : (
            <ul className="replays-archives" aria-label="Archives">
              {state.value.map((archive) => (
                <ArchiveRow key={archive.name} archive={archive} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function ArchiveRow({ archive }: { archive: ArchiveSummary }) {
  return (
    <li className="replays-archive" data-archive={archive.name}>
      <div className="replays-archive__head">
        <span className="replays-archive__name" title={archive.arn ?? undefined}>
          {archive.name}
        </span>
        <span className="replays-archive__bus" title={archive.busArn}>
          on bus {archive.busName}
        </span>
        {archive.state && archive.state !== 'ENABLED' && (
          <span className="replays-state" data-state={archive.state} title={archive.stateReason ?? undefined}>
            {archive.state}
          </span>
        )}
      </div>
      <p className="replays-archive__facts">
        <span>{plural(archive.eventCount, 'event')}</span>
        <span>{formatBytes(archive.sizeBytes)}</span>
        <span>{retentionWords(archive.retentionDays)}</span>
        {archive.createdMs !== null && <span>since {formatTime(archive.createdMs)}</span>}
      </p>
      {archive.description && <p className="replays-archive__description">{archive.description}</p>}
      {archive.eventPattern === null ? (
        <p className="replays-muted">Keeps every event of the bus.</p>
      ) : (
        <pre className="replays-pattern" aria-label={`Pattern of ${archive.name}`}>
          {JSON.stringify(archive.eventPattern, null, 2)}
        </pre>
      )}
    </li>
  );
}
