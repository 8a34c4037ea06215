//! Task tokens: the `.waitForTaskToken` tasks of running workflows that wait
//! for someone to answer them (SendTaskSuccess, SendTaskFailure or
//! SendTaskHeartbeat).

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
    /// The task's `TimeoutSeconds`: it times out that long after it was scheduled.
    #[ts(type = "number | null")]
    pub timeout_seconds: Option<i64>,
    /// The task token, when the history shows it: the definition put
    /// `$$.Task.Token` into the task's parameters (see
    /// [`WaitingTask::parameters`]). `None` when it could not be found there.
    pub task_token: Option<String>,
    /// The parameters the task was called with, as its `TaskScheduled`
    /// event recorded them; `null` when they were not JSON.
    pub parameters: serde_json::Value,
}
