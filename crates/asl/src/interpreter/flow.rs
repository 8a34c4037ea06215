//! The interpreter's inner state: flows of control, pending tasks and timers.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::definition::Resource;
use crate::error::Failure;

/// A thread of control: the execution itself, a Parallel branch or a Map iteration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Flow {
    /// The parent flow and this flow's slot in it (branch or item index).
    pub parent: Option<(u64, usize)>,
    /// The current state's name.
    pub state: String,
    /// The current state's input.
    pub input: Value,
    /// When the current state was entered.
    pub entered_ms: i64,
    /// The id of its `…StateEntered` event.
    pub entered_event: u64,
    /// The last event of this flow (the next one's `previousEventId`).
    pub last_event: u64,
    /// Whether the flow is inside a state (between entered and exited).
    pub in_state: bool,
    /// Retries used, per retrier of the current state.
    pub retries: Vec<u64>,
    /// Retries of the current state so far (`$$.State.RetryCount`).
    pub retry_count: u64,
    /// What the flow is doing.
    pub phase: Phase,
}

/// What a flow is doing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Phase {
    /// About to enter its state.
    Enter,
    /// Inside its state, about to do (or retry) the state's work.
    Work,
    /// A task was scheduled; `TaskStarted` comes next.
    TaskStarting(String),
    /// Waiting for a task's outcome.
    Task(String),
    /// A Wait state's timer: on firing, the state is done with this output.
    Waiting {
        /// The timer.
        timer_id: String,
        /// The effective input, which becomes the result.
        result: Value,
    },
    /// A retry's delay.
    RetryDelay(String),
    /// Waiting for branches or iterations.
    Children(Children),
    /// The state's work ended: a result, or an error (terminal errors are
    /// not caught by `States.ALL`).
    Resolved(Outcome),
}

/// How a state's work ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// The result.
    Result(Value),
    /// An error; `terminal` ones are matched only by their own name.
    Error {
        /// The error and cause.
        failure: Failure,
        /// `States.Runtime` and the like.
        terminal: bool,
    },
}

/// The branches or iterations of a Parallel or Map state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Children {
    /// Map (true) or Parallel (false).
    pub is_map: bool,
    /// The result of each slot, once done.
    pub results: Vec<Option<Value>>,
    /// The running child flows, by slot.
    pub running: Vec<(usize, u64)>,
    /// Map items not started yet (MaxConcurrency).
    pub waiting: VecDeque<usize>,
    /// The Map's items.
    pub items: Vec<Value>,
    /// The effective input (for ItemSelector).
    pub effective_input: Value,
    /// How many iterations may run at once (0: no limit).
    pub max_concurrency: usize,
}

/// A task the caller is running.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingTask {
    /// The flow waiting on it.
    pub flow: u64,
    /// What it runs.
    pub resource: Resource,
    /// Its token, for `.waitForTaskToken`.
    pub token: Option<String>,
    /// The TimeoutSeconds timer.
    pub timeout_timer: Option<String>,
    /// The HeartbeatSeconds timer, re-armed by heartbeats.
    pub heartbeat_timer: Option<String>,
    /// HeartbeatSeconds.
    pub heartbeat_seconds: Option<u64>,
    /// The request, kept so the task can be started after scheduling.
    pub request: crate::interpreter::TaskRequest,
}

/// A timer the caller keeps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Timer {
    /// When it fires.
    pub at_ms: i64,
    /// What it is for.
    pub purpose: TimerPurpose,
}

/// What a timer is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum TimerPurpose {
    /// A Wait state or a retry delay of a flow.
    Flow(u64),
    /// A task's TimeoutSeconds.
    TaskTimeout(String),
    /// A task's HeartbeatSeconds.
    TaskHeartbeat(String),
    /// The execution's TimeoutSeconds.
    Execution,
}
