//! The replay drawer's commands: archives, replays with their progress, a
//! replay's preview, start and cancel, and circuits' outages for the
//! window presets.

use choreoscope_model::{AppError, ArchiveSummary, OutageWindow, ReplayPreview, ReplayRequest, ReplaySummary};
use tauri::State;

use crate::state::AppState;

/// How far back circuits' outages are looked for: the presets offer
/// recent outages, and a day of one filtered log search stays cheap on AWS.
const OUTAGE_HISTORY_MS: i64 = 24 * 60 * 60 * 1000;

/// Every archive with its pattern, retention, event count and size.
#[tauri::command]
pub async fn list_archives(state: State<'_, AppState>) -> Result<Vec<ArchiveSummary>, AppError> {
    Ok(state.observer().archives().await?)
}

/// Every replay, newest first, with its state and progress.
#[tauri::command]
pub async fn list_replays(state: State<'_, AppState>) -> Result<Vec<ReplaySummary>, AppError> {
    Ok(state.observer().replays().await?)
}

/// What a replay would send, and to which rules and targets, from the bus logs.
#[tauri::command]
pub async fn preview_replay(state: State<'_, AppState>, request: ReplayRequest) -> Result<ReplayPreview, AppError> {
    Ok(state.observer().preview_replay(&request).await?)
}

/// Starts a replay; refusals in words (ours before the call, AWS's after).
#[tauri::command]
pub async fn start_replay(state: State<'_, AppState>, request: ReplayRequest) -> Result<ReplaySummary, AppError> {
    Ok(state.observer().start_replay(&request).await?)
}

/// Cancels a STARTING or RUNNING replay.
#[tauri::command]
pub async fn cancel_replay(state: State<'_, AppState>, replay_name: String) -> Result<ReplaySummary, AppError> {
    Ok(state.observer().cancel_replay(&replay_name).await?)
}

/// Circuits' outages (OPEN to the next CLOSED) since `since_ms`, or the last day.
#[tauri::command]
pub async fn list_circuit_outages(
    state: State<'_, AppState>,
    since_ms: Option<i64>,
) -> Result<Vec<OutageWindow>, AppError> {
    let since = since_ms.unwrap_or_else(|| crate::live::now_ms() - OUTAGE_HISTORY_MS);
    Ok(state.observer().circuit_outages(since).await?)
}
