//! One workflow execution as the task-token drawer draws it: its state
//! machine's definition, its history reduced to what a reader follows, and
//! the states it is in now.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An execution, its state machine and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionView {
    /// The execution.
    pub execution_arn: String,
    /// Its name.
    pub name: String,
    /// The state machine (or version) it runs.
    pub state_machine_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub status: String,
    /// When it started, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub started_ms: i64,
    /// When it stopped, if it has.
    #[ts(type = "number | null")]
    pub stopped_ms: Option<i64>,
    /// The definition the execution runs (Amazon States Language), parsed;
    /// `null` when it is not JSON.
    pub definition: serde_json::Value,
    /// Every history event, oldest first.
    pub history: Vec<ExecutionStep>,
    /// The states entered and not yet left, by name, in the order they were
    /// entered: where a running execution is now (several inside Parallel
    /// branches), or where a stopped one stopped.
    pub current_states: Vec<String>,
}

/// One history event, reduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionStep {
    /// The event's id.
    #[ts(type = "number")]
    pub id: i64,
    /// The event before it in its branch (0 for the first).
    #[ts(type = "number")]
    pub previous_id: i64,
    /// AWS's event type, e.g. `TaskStateEntered`, `TaskSucceeded`.
    pub kind: String,
    /// When, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    /// The state, for `…StateEntered` and `…StateExited` events.
    pub state_name: Option<String>,
    /// What the event says beyond its type, in a line: a task's resource,
    /// an error and its cause, an execution's or state's output.
    pub summary: Option<String>,
}
