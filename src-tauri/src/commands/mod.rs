//! The commands the UI invokes.

pub mod circuits;
pub mod connections;
pub mod demo;
pub mod replays;
pub mod tasks;

use choreoscope_model::{
    AppError, ConnectionInfo, ConnectionMode, DeadLetter, DeadLetterQueue, DeleteOutcome, EventPage, EventStory,
    EventTrace, PatternTest, PutEventOutcome, RedriveOutcome, RedriveTo, RuleMatch, StoryQuery, Topology,
};
use choreoscope_observe::EventTail;
use tauri::State;

use crate::patterns;
use crate::sample_event;
use crate::state::AppState;

/// How far back the first event list reaches: bus logs keep everything, and
/// reading all of it on AWS costs time and money.
const LOCAL_HISTORY_MS: i64 = 24 * 60 * 60 * 1000;
const AWS_HISTORY_MS: i64 = 60 * 60 * 1000;

/// The connection in use.
#[tauri::command]
pub fn connection_info(state: State<'_, AppState>) -> ConnectionInfo {
    state.observer().info().clone()
}

/// The choreography graph.
#[tauri::command]
pub async fn get_topology(state: State<'_, AppState>) -> Result<Topology, AppError> {
    Ok(state.observer().topology().await?)
}

/// Events accepted since `since_ms` (or the recent past), newest first.
#[tauri::command]
pub async fn list_events(state: State<'_, AppState>, since_ms: Option<i64>) -> Result<EventPage, AppError> {
    let since = since_ms.unwrap_or_else(|| {
        let history = match state.observer().info().mode {
            ConnectionMode::Local => LOCAL_HISTORY_MS,
            ConnectionMode::Aws => AWS_HISTORY_MS,
        };
        crate::live::now_ms() - history
    });
    let buses = state.observer().bus_names().await?;
    Ok(EventTail::since(since).poll(state.observer().logs(), &buses).await?)
}

/// The trace of one event, hop by hop, from the bus logs.
#[tauri::command]
pub async fn get_trace(state: State<'_, AppState>, event_id: String) -> Result<EventTrace, AppError> {
    Ok(state.observer().trace(&event_id).await?)
}

/// The events a search finds, by causation, with traces and the executions they started.
#[tauri::command]
pub async fn get_story(state: State<'_, AppState>, query: StoryQuery) -> Result<EventStory, AppError> {
    Ok(state.observer().story(query).await?)
}

/// Puts a sample `OrderPlaced` event on the sample bus.
#[tauri::command]
pub async fn put_sample_event(state: State<'_, AppState>) -> Result<PutEventOutcome, AppError> {
    let detail = sample_event::order_placed();
    Ok(state
        .observer()
        .put_event(&state.sample_bus(), sample_event::SOURCE, sample_event::DETAIL_TYPE, &detail)
        .await?)
}

/// Checks an event pattern: `Ok` when EventBridge would accept it, else its
/// reason (`Event pattern is not valid. Reason: ...`).
#[tauri::command]
pub fn check_pattern(pattern: String) -> Result<(), AppError> {
    patterns::compile(&pattern).map(drop)
}

/// Whether each event (as EventBridge delivers it: `source`, `detail-type`,
/// `detail`…) matches the pattern, in order; the pattern is compiled once.
#[tauri::command]
pub fn match_events(pattern: String, events: Vec<serde_json::Value>) -> Result<Vec<bool>, AppError> {
    patterns::match_events(&pattern, &events)
}

/// Tests a pattern against one event (JSON text), field by field.
#[tauri::command]
pub fn test_pattern(pattern: String, event: String) -> Result<PatternTest, AppError> {
    patterns::test_pattern(&pattern, &patterns::parse_event(&event)?)
}

/// The rules of the system (from its topology) whose patterns match the event (JSON text).
#[tauri::command]
pub async fn rules_matching_event(state: State<'_, AppState>, event: String) -> Result<Vec<RuleMatch>, AppError> {
    let event = patterns::parse_event(&event)?;
    let topology = state.observer().topology().await?;
    Ok(patterns::matching_rules(&topology, &event))
}

/// Every dead-letter queue the targets name, with its depth and senders.
#[tauri::command]
pub async fn list_dead_letter_queues(state: State<'_, AppState>) -> Result<Vec<DeadLetterQueue>, AppError> {
    Ok(state.observer().dead_letter_queues().await?)
}

/// Up to `max` messages of a dead-letter queue, received for a moment and
/// made visible again at once.
#[tauri::command]
pub async fn peek_dead_letters(
    state: State<'_, AppState>,
    queue_url: String,
    max: usize,
) -> Result<Vec<DeadLetter>, AppError> {
    Ok(state.observer().peek_dead_letters(&queue_url, max).await?)
}

/// Sends dead letters on (all of the queue's when `message_ids` is empty)
/// and says what became of each.
#[tauri::command]
pub async fn redrive_dead_letters(
    state: State<'_, AppState>,
    queue_url: String,
    message_ids: Vec<String>,
    to: RedriveTo,
) -> Result<Vec<RedriveOutcome>, AppError> {
    Ok(state.observer().redrive_dead_letters(&queue_url, &message_ids, to).await?)
}

/// Deletes the dead letters named, and says what became of each.
#[tauri::command]
pub async fn delete_dead_letters(
    state: State<'_, AppState>,
    queue_url: String,
    message_ids: Vec<String>,
) -> Result<Vec<DeleteOutcome>, AppError> {
    Ok(state.observer().delete_dead_letters(&queue_url, &message_ids).await?)
}
