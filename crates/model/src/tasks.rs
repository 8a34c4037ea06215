//! Task tokens: the `.waitForTaskToken` tasks of running workflows that wait
//! for someone to answer them (SendTaskSuccess, SendTaskFailure or
//! SendTaskHeartbeat), the answers an operator sends them and what became
//! of each.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A `.waitForTaskToken` task waiting in a running execution, as its
/// history tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WaitingTask {
    /// The state machine the execution runs.
    pub state_machine_arn: String,
    /// The execution.
    pub execution_arn: String,
    /// The execution's name.
    pub execution_name: String,
    /// The Task state waiting.
    pub state_name: String,
    /// The task's resource, e.g. `arn:aws:states:::sqs:sendMessage.waitForTaskToken`.
    pub resource: String,
    /// When the task was scheduled, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub scheduled_ms: i64,
    /// The task's `HeartbeatSeconds`: it times out when no heartbeat comes for that long.
    #[ts(type = "number | null")]
    pub heartbeat_seconds: Option<i64>,
    /// The task's `TimeoutSeconds`: it times out that long after it started.
    #[ts(type = "number | null")]
    pub timeout_seconds: Option<i64>,
    /// When the task started (`TaskStarted`), milliseconds since the Unix
    /// epoch: Step Functions starts both clocks then. `None` before it has.
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    /// When the task times out for want of a heartbeat, as the history
    /// tells it: its start plus `HeartbeatSeconds`. SendTaskHeartbeat adds no
    /// history event, so a heartbeat sent since moves the real deadline on
    /// by that much from when it was sent.
    #[ts(type = "number | null")]
    pub heartbeat_deadline_ms: Option<i64>,
    /// When the task times out: its start plus `TimeoutSeconds`.
    #[ts(type = "number | null")]
    pub timeout_deadline_ms: Option<i64>,
    /// The task token, when the history shows it: the definition put
    /// `$$.Task.Token` into the task's parameters (see
    /// [`WaitingTask::parameters`]). `None` when it could not be found there.
    pub task_token: Option<String>,
    /// The parameters the task was called with, as its `TaskScheduled`
    /// event recorded them; `null` when they were not JSON.
    pub parameters: serde_json::Value,
}

/// An operator's answer to waiting tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum TaskAnswer {
    /// SendTaskSuccess: the task's result, JSON text.
    Success {
        /// The output, JSON text (checked before anything is sent).
        output: String,
    },
    /// SendTaskFailure: the task fails with this error, which the state's
    /// `Retry` and `Catch` see like any other.
    Failure {
        /// The error name, e.g. `RestaurantRejected` (at most 256 characters).
        error: Option<String>,
        /// Why, in words (at most 32,768 characters).
        cause: Option<String>,
    },
    /// SendTaskHeartbeat: the task is still being worked on; its heartbeat
    /// clock starts again.
    Heartbeat,
}

/// What became of an answer sent to one task token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TaskAnswerOutcome {
    /// The token answered.
    pub task_token: String,
    /// Whether Step Functions accepted the answer.
    pub sent: bool,
    /// AWS's error code when it did not, e.g. `TaskTimedOut`.
    pub code: Option<String>,
    /// What happened, in words (with AWS's own message when it refused).
    pub detail: String,
    /// When it was accepted, milliseconds since the Unix epoch (a heartbeat's
    /// deadline runs from here).
    #[ts(type = "number | null")]
    pub sent_ms: Option<i64>,
}
