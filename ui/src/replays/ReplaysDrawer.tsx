// The replay drawer over the graph pane: the archives, a form to start a
// replay (with its preview), and the replays with their progress. Archives
// and replays are read every few seconds while it is open; circuits'
// outages (for the presets) less often.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { toAppError } from '../api';
import type { ArchiveSummary } from '../bindings/ArchiveSummary';
import type { OutageWindow } from '../bindings/OutageWindow';
import type { ReplaySummary } from '../bindings/ReplaySummary';
import { ArchiveList } from './ArchiveList';
import { listArchives, listCircuitOutages, listReplays } from './api';
import { runningCount } from './format';
import { keepOnError, type Loaded } from './loaded';
import { ReplayList } from './ReplayList';
import './replays.css';
import { StartReplayForm } from './StartReplayForm';
import { closeReplays, reportRunning, useReplayUi } from './store';

/** How often the open drawer reads archives and replays. */
export const OPEN_POLL_MS = 3_000;
/** How often the open drawer reads circuits' outages. */
export const OUTAGE_POLL_MS = 30_000;

export function ReplaysDrawer() {
  const { open } = useReplayUi();
  if (!open) return null;
  return <Drawer />;
}

function Drawer() {
  const [archives, setArchives] = useState<Loaded<ArchiveSummary[]>>({ status: 'loading' });
  const [replays, setReplays] = useState<Loaded<ReplaySummary[]>>({ status: 'loading' });
  const [outages, setOutages] = useState<OutageWindow[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);

  const refresh = useCallback(() => {
    listArchives().then(
      (value) => setArchives({ status: 'ready', value, error: null }),
      (reason: unknown) => setArchives(keepOnError<ArchiveSummary[]>(toAppError(reason))),
    );
    listReplays().then(
      (value) => {
        reportRunning(runningCount(value));
        setReplays({ status: 'ready', value, error: null });
      },
      (reason: unknown) => setReplays(keepOnError<ReplaySummary[]>(toAppError(reason))),
    );
  }, []);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, OPEN_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    let cancelled = false;
    const read = () => {
      // Without outages the presets are only the recent spans: nothing to report.
      listCircuitOutages().then(
        (value) => {
          if (!cancelled) setOutages(value);
        },
        () => undefined,
      );
    };
    read();
    const timer = setInterval(read, OUTAGE_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  // Focus moves into the drawer on open, and back to the header's button on close.
  useEffect(() => {
    const before = document.activeElement;
    heading.current?.focus();
    return () => {
      const button = document.getElementById('replays-button');
      if (button) button.focus();
      else if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeReplays();
    }
  };

  return (
    <aside
      id="replays-drawer"
      className="replays-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="replays-title"
      onKeyDown={onKeyDown}
    >
      <header className="replays-drawer__header">
        <h2 id="replays-title" className="replays-drawer__title" tabIndex={-1} ref={heading}>
          Archives and replays
        </h2>
        <button type="button" className="icon-button" aria-label="Close replays" onClick={closeReplays}>
          ×
        </button>
      </header>
      <div className="replays-drawer__body">
        <ArchiveList state={archives} />
        {archives.status === 'ready' && archives.value.length > 0 && (
          <StartReplayForm archives={archives.value} outages={outages} onStarted={refresh} />
        )}
        <ReplayList state={replays} onChanged={refresh} />
      </div>
    </aside>
  );
}
