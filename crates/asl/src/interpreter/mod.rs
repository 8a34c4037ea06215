//! The interpreter: an execution as an event-sourced state machine that the
//! caller drives.
//!
//! [`Execution::start`] and [`Execution::handle`] take what happened (a task's
//! outcome, a timer, a stop request) with the time it happened, append to the
//! history, and answer [`Effect`]s: tasks to invoke, timers to set or cancel.
//! The caller owns time, tasks and timers, and stores the execution (it is
//! `Serialize`/`Deserialize`) so it resumes after a crash.

mod children;
mod engine;
mod failure;
mod flow;
mod history;
mod task;
mod wait;

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::definition::{Resource, StateMachine};
use crate::entropy::Entropy;

pub use history::HistoryEvent;

use flow::{Flow, PendingTask, Timer};

/// Who an execution is, as the context object and the history show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionContext {
    /// The execution ARN (`$$.Execution.Id`).
    pub execution_arn: String,
    /// The execution name.
    pub name: String,
    /// The state machine ARN (`$$.StateMachine.Id`).
    pub state_machine_arn: String,
    /// The state machine name.
    pub state_machine_name: String,
    /// The role the execution runs as.
    pub role_arn: String,
    /// The region, shown in `TaskScheduled` events.
    pub region: String,
    /// When the execution started, in milliseconds since the epoch.
    pub start_time_ms: i64,
}

impl ExecutionContext {
    /// A context for examples and tests, in account 123456789012, us-east-1.
    pub fn example() -> Self {
        ExecutionContext {
            execution_arn: "arn:aws:states:us-east-1:123456789012:execution:example:run-1".to_owned(),
            name: "run-1".to_owned(),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:example".to_owned(),
            state_machine_name: "example".to_owned(),
            role_arn: "arn:aws:iam::123456789012:role/example".to_owned(),
            region: "us-east-1".to_owned(),
            start_time_ms: 0,
        }
    }
}

/// Where an execution is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Status {
    /// Still going: waiting on tasks or timers.
    Running,
    /// Ended with this output.
    Succeeded {
        /// The execution's output.
        output: Value,
    },
    /// Ended with an error.
    Failed {
        /// The error name.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
    /// The execution's own TimeoutSeconds passed.
    TimedOut,
    /// Stopped by the caller (StopExecution).
    Aborted {
        /// The error given to StopExecution.
        error: Option<String>,
        /// The cause given to StopExecution.
        cause: Option<String>,
    },
}

impl Status {
    /// The status name as DescribeExecution writes it.
    pub fn aws_name(&self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded { .. } => "SUCCEEDED",
            Status::Failed { .. } => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted { .. } => "ABORTED",
        }
    }
}

/// A task the caller should run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRequest {
    /// The id to report the outcome with.
    pub task_id: String,
    /// The Task state's name.
    pub state_name: String,
    /// What to call.
    pub resource: Resource,
    /// The effective parameters (the task's input).
    pub parameters: Value,
    /// The task token of a `.waitForTaskToken` task (also in the parameters
    /// wherever the definition put `$$.Task.Token`).
    pub token: Option<String>,
    /// The task's TimeoutSeconds (the interpreter keeps the timer).
    pub timeout_seconds: Option<u64>,
    /// The task's HeartbeatSeconds (the interpreter keeps the timer).
    pub heartbeat_seconds: Option<u64>,
    /// The rendered `Credentials`, if any.
    pub credentials: Option<Value>,
}

/// What the caller must do after a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Run a task, then report [`Input::TaskSucceeded`] or [`Input::TaskFailed`]
    /// (and [`Input::TaskSubmitted`] once a callback or `.sync` task is sent).
    InvokeTask(Box<TaskRequest>),
    /// Forget a task: it timed out or was aborted; its token is no longer valid.
    CancelTask {
        /// The task.
        task_id: String,
        /// Its token, if it had one.
        token: Option<String>,
    },
    /// Report [`Input::TimerFired`] at `at_ms` (a timer id is never reused).
    SetTimer {
        /// The timer.
        timer_id: String,
        /// When it fires, in milliseconds since the epoch.
        at_ms: i64,
    },
    /// The timer is no longer needed.
    CancelTimer {
        /// The timer.
        timer_id: String,
    },
    /// The execution ended with this status.
    Finished(Status),
}

/// What happened, as the caller reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// The task answered (SendTaskSuccess for callbacks).
    TaskSucceeded {
        /// The task.
        task_id: String,
        /// Its output.
        output: Value,
    },
    /// The task failed (SendTaskFailure for callbacks).
    TaskFailed {
        /// The task.
        task_id: String,
        /// The error name, if given.
        error: Option<String>,
        /// The cause, if given.
        cause: Option<String>,
    },
    /// A callback or `.sync` task was handed over (the message was sent, the
    /// child execution started); `output` is the service's response.
    TaskSubmitted {
        /// The task.
        task_id: String,
        /// The service response.
        output: Value,
    },
    /// SendTaskHeartbeat: restarts the task's heartbeat clock (no history event).
    TaskHeartbeat {
        /// The task.
        task_id: String,
    },
    /// A timer set by [`Effect::SetTimer`] is due.
    TimerFired {
        /// The timer.
        timer_id: String,
    },
    /// StopExecution.
    Stop {
        /// The error, if given.
        error: Option<String>,
        /// The cause, if given.
        cause: Option<String>,
    },
}

/// One execution of a state machine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Execution {
    context: ExecutionContext,
    input: Value,
    status: Status,
    history: Vec<HistoryEvent>,
    flows: BTreeMap<u64, Flow>,
    tasks: BTreeMap<String, PendingTask>,
    timers: BTreeMap<String, Timer>,
    ready: VecDeque<u64>,
    next_id: u64,
    /// Drawn from the caller's entropy at each call, for retry jitter.
    random_seed: u64,
    #[serde(skip)]
    effects: Vec<Effect>,
}

impl Execution {
    /// Starts an execution at `now_ms`: records `ExecutionStarted`, runs
    /// until the execution waits on something, and answers what to do.
    pub fn start(
        machine: &StateMachine,
        context: ExecutionContext,
        input: Value,
        now_ms: i64,
        entropy: &mut dyn Entropy,
    ) -> (Execution, Vec<Effect>) {
        let mut execution = Execution {
            context,
            input,
            status: Status::Running,
            history: Vec::new(),
            flows: BTreeMap::new(),
            tasks: BTreeMap::new(),
            timers: BTreeMap::new(),
            ready: VecDeque::new(),
            next_id: 0,
            random_seed: entropy.next_u64(),
            effects: Vec::new(),
        };
        execution.begin(machine, now_ms);
        execution.run(machine, now_ms, entropy);
        let effects = std::mem::take(&mut execution.effects);
        (execution, effects)
    }

    /// Takes what happened at `now_ms` and answers what to do. Inputs for
    /// unknown tasks or timers (already done, cancelled, or stale) are ignored.
    pub fn handle(
        &mut self,
        machine: &StateMachine,
        input: Input,
        now_ms: i64,
        entropy: &mut dyn Entropy,
    ) -> Vec<Effect> {
        if self.status == Status::Running {
            self.random_seed = entropy.next_u64();
            self.apply(machine, input, now_ms);
            self.run(machine, now_ms, entropy);
        }
        std::mem::take(&mut self.effects)
    }

    /// Where the execution is.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The history, oldest first, as GetExecutionHistory returns it.
    pub fn history(&self) -> &[HistoryEvent] {
        &self.history
    }

    /// Who the execution is.
    pub fn context(&self) -> &ExecutionContext {
        &self.context
    }

    /// The execution's input.
    pub fn input(&self) -> &Value {
        &self.input
    }

    /// The task waiting on `token`, if one is (for SendTask* calls).
    pub fn task_for_token(&self, token: &str) -> Option<&str> {
        self.tasks.iter().find(|(_, t)| t.token.as_deref() == Some(token)).map(|(id, _)| id.as_str())
    }

    /// The timers the caller must keep, with when they fire (to re-arm them
    /// after a restart).
    pub fn pending_timers(&self) -> impl Iterator<Item = (&str, i64)> {
        self.timers.iter().map(|(id, timer)| (id.as_str(), timer.at_ms))
    }

    /// The tasks that are running, by id, with their tokens.
    pub fn pending_tasks(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.tasks.iter().map(|(id, task)| (id.as_str(), task.token.as_deref()))
    }
}

#[cfg(test)]
mod tests;
