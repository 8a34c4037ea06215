//! The story of an event or of an order: the events found, how they caused
//! one another, what each bus did with them, and the workflows they started.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{BusEvent, EventTrace, WaitingTask};

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
#[ts(export)]
pub enum StoryQuery {
    /// One event and, recursively, the events it caused (by `causationId`).
    EventId(String),
    /// Every event whose `detail.metadata.correlationId` is this (for
    /// example an order id: the whole story of one order).
    CorrelationId(String),
    /// Every event whose text contains this value (any field).
    Text(String),
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EventStory {
    /// The search.
    pub query: StoryQuery,
    /// The events found, oldest first.
    pub events: Vec<StoryEvent>,
    /// The executions the events started.
    pub executions: Vec<StoryExecution>,
    /// More events matched than a story shows ([`EventStory::events`] holds the oldest).
    pub truncated: bool,
}

/// One event of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoryEvent {
    /// The event, as its first bus accepted it.
    pub event: BusEvent,
    /// `detail.metadata.correlationId`, if the event carries one.
    pub correlation_id: Option<String>,
    /// `detail.metadata.causationId`, if the event carries one.
    pub causation_id: Option<String>,
    /// The event of this story that caused it (its causation id is that event's id).
    pub caused_by: Option<String>,
    /// `detail.metadata.status` (`RETRYABLE`, `HARD_ERROR`), if set.
    pub status: Option<String>,
    /// `replay-name`, when a replay sent it.
    pub replay_name: Option<String>,
    /// What the buses did with it.
    pub trace: EventTrace,
}

/// A workflow execution an event of the story started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoryExecution {
    /// The execution.
    pub execution_arn: String,
    /// Its state machine.
    pub state_machine_arn: String,
    /// Its name.
    pub name: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub status: String,
    /// When it started, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub started_ms: i64,
    /// When it stopped, if it has.
    #[ts(type = "number | null")]
    pub stopped_ms: Option<i64>,
    /// The event that started it (its input carries the event's id).
    pub started_by: String,
    /// Its `.waitForTaskToken` tasks waiting now.
    pub waiting: Vec<WaitingTask>,
    /// Its `.waitForTaskToken` tasks that were answered (or timed out), and
    /// the events of the story that answered them, oldest first.
    pub resumptions: Vec<Resumption>,
}

/// A `.waitForTaskToken` task of an execution that stopped waiting: the
/// answer resumed the execution (or, failing, sent it down its `Catch`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Resumption {
    /// The state that waited, e.g. `AskRestaurant`.
    pub state_name: String,
    /// `TaskSucceeded`, `TaskFailed` or `TaskTimedOut`.
    pub outcome: String,
    /// When the task was scheduled (the wait began), milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub scheduled_ms: i64,
    /// When the answer (or the timeout) came.
    #[ts(type = "number")]
    pub answered_ms: i64,
    /// The error of a failure or timeout, e.g. `RestaurantRejected`.
    pub error: Option<String>,
    /// The event of the story that answered the task, when one can be told.
    pub answered_by: Option<String>,
    /// How that event was told: [`ResumedBy`].
    pub resumed_by: Option<ResumedBy>,
}

/// How the event that answered a task was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ResumedBy {
    /// The answer's output or cause names the event's id.
    EventId,
    /// A target handled the event just before the answer came (the nearest
    /// such delivery, within a few seconds): likely, not certain.
    Timing,
}
