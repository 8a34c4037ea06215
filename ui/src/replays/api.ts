// The replay drawer's Tauri commands, kept beside the drawer (as the shared
// api.ts does for the rest): tests mock @tauri-apps/api/core once.
import { invoke } from '@tauri-apps/api/core';
import type { ArchiveSummary } from '../bindings/ArchiveSummary';
import type { OutageWindow } from '../bindings/OutageWindow';
import type { ReplayPreview } from '../bindings/ReplayPreview';
import type { ReplayRequest } from '../bindings/ReplayRequest';
import type { ReplaySummary } from '../bindings/ReplaySummary';

/** Every archive with its pattern, retention, event count and size. */
export function listArchives(): Promise<ArchiveSummary[]> {
  return invoke<ArchiveSummary[]>('list_archives');
}

/** Every replay, newest first, with its state and progress. */
export function listReplays(): Promise<ReplaySummary[]> {
  return invoke<ReplaySummary[]>('list_replays');
}

/** What a replay would send, and to which rules and targets (from the bus logs). */
export function previewReplay(request: ReplayRequest): Promise<ReplayPreview> {
  return invoke<ReplayPreview>('preview_replay', { request });
}

/** Starts a replay; rejects with the reason in words. */
export function startReplay(request: ReplayRequest): Promise<ReplaySummary> {
  return invoke<ReplaySummary>('start_replay', { request });
}

/** Cancels a STARTING or RUNNING replay. */
export function cancelReplay(replayName: string): Promise<ReplaySummary> {
  return invoke<ReplaySummary>('cancel_replay', { replayName });
}

/** Circuits' outages (OPEN to the next CLOSED) of the last day, newest first. */
export function listCircuitOutages(): Promise<OutageWindow[]> {
  return invoke<OutageWindow[]>('list_circuit_outages', { sinceMs: null });
}
