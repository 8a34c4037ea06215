//! The circuits panel's command.

use choreoscope_model::{AppError, CircuitsReport};
use tauri::State;

use crate::state::AppState;

/// The longest window the panel may ask for: the bus logs are read a day back.
const MAX_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Every circuit known from its `Circuit State Changed` events: its state
/// now, its transitions over the last `window_ms` and the replays its
/// closings started.
#[tauri::command]
pub async fn get_circuits(state: State<'_, AppState>, window_ms: i64) -> Result<CircuitsReport, AppError> {
    if !(1..=MAX_WINDOW_MS).contains(&window_ms) {
        return Err(AppError::new(format!("The window must be from 1 ms to 24 hours, not {window_ms} ms")));
    }
    Ok(state.observer().circuits(window_ms, crate::live::now_ms()).await?)
}
