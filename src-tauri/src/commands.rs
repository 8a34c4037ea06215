//! The commands the UI invokes.

use choreoscope_model::{
    AppError, ConnectionInfo, ConnectionMode, EventPage, EventStory, EventTrace, PutEventOutcome, StoryQuery, Topology,
};
use choreoscope_observe::EventTail;
use tauri::State;

use crate::sample_event;
use crate::state::AppState;

/// How far back the first event list reaches: bus logs keep everything, and
/// reading all of it on AWS costs time and money.
const LOCAL_HISTORY_MS: i64 = 24 * 60 * 60 * 1000;
const AWS_HISTORY_MS: i64 = 60 * 60 * 1000;

/// The connection in use.
#[tauri::command]
pub fn connection_info(state: State<'_, AppState>) -> ConnectionInfo {
    state.observer.info().clone()
}

/// The choreography graph.
#[tauri::command]
pub async fn get_topology(state: State<'_, AppState>) -> Result<Topology, AppError> {
    Ok(state.observer.topology().await?)
}

/// Events accepted since `since_ms` (or the recent past), newest first.
#[tauri::command]
pub async fn list_events(state: State<'_, AppState>, since_ms: Option<i64>) -> Result<EventPage, AppError> {
    let since = since_ms.unwrap_or_else(|| {
        let history = match state.observer.info().mode {
            ConnectionMode::Local => LOCAL_HISTORY_MS,
            ConnectionMode::Aws => AWS_HISTORY_MS,
        };
        crate::live::now_ms() - history
    });
    let buses = state.observer.bus_names().await?;
    Ok(EventTail::since(since).poll(state.observer.logs(), &buses).await?)
}

/// The trace of one event, hop by hop, from the bus logs.
#[tauri::command]
pub async fn get_trace(state: State<'_, AppState>, event_id: String) -> Result<EventTrace, AppError> {
    Ok(state.observer.trace(&event_id).await?)
}

/// The events a search finds, by causation, with traces and the executions they started.
#[tauri::command]
pub async fn get_story(state: State<'_, AppState>, query: StoryQuery) -> Result<EventStory, AppError> {
    Ok(state.observer.story(query).await?)
}

/// Puts a sample `OrderPlaced` event on the sample bus.
#[tauri::command]
pub async fn put_sample_event(state: State<'_, AppState>) -> Result<PutEventOutcome, AppError> {
    let detail = sample_event::order_placed();
    Ok(state.observer.put_event(&state.sample_bus, sample_event::SOURCE, sample_event::DETAIL_TYPE, &detail).await?)
}
