//! Driving executions durably. Every change to an execution is one call here
//! inside the caller's transaction: load the `choreoscope_asl::Execution`,
//! hand it what happened, record the effects it answers (calls to make,
//! tokens, timers) and save it. The `sfn_timers`, `sfn_task_tokens` and
//! `sfn_invocations` rows are brought in line with the execution after each
//! step, so they never disagree with it, whatever committed last.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use choreoscope_asl::{Effect, Execution, ExecutionContext, Input, StateMachine, Status};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::entropy::UuidEntropy;
use super::store::{self, ExecutionRow, MachineRow, Parent, TokenRow};
use super::{errors, names};
use crate::protocol::AwsError;
use crate::shared::Shared;

/// An execution read from the store, ready to be driven.
pub struct Loaded {
    /// Its row.
    pub row: ExecutionRow,
    /// The definition it runs, parsed once and shared by every step ([`super::definitions`]).
    pub machine: Arc<StateMachine>,
    /// Where it is.
    pub execution: Execution,
}

/// Reads the execution `arn`.
pub fn load(conn: &Connection, shared: &Shared, arn: &str) -> Result<Option<Loaded>, AwsError> {
    let Some(row) = store::execution(conn, arn)? else { return Ok(None) };
    let parsed = shared.definitions.get(&row.definition);
    let machine =
        parsed.map_err(|error| errors::internal(format!("the stored definition of {arn} does not parse: {error}")))?;
    let execution: Execution = serde_json::from_str(&row.execution_json).map_err(errors::internal)?;
    Ok(Some(Loaded { row, machine, execution }))
}

/// Hands `input` to the running execution `arn` and applies what follows.
/// Returns false when there is no such execution or it has ended.
pub fn advance(conn: &Connection, shared: &Shared, arn: &str, input: Input) -> Result<bool, AwsError> {
    let Some(mut loaded) = load(conn, shared, arn)? else { return Ok(false) };
    if loaded.row.status != "RUNNING" {
        return Ok(false);
    }
    let now = shared.clock.now_ms();
    let effects = loaded.execution.handle(&loaded.machine, input, now, &mut UuidEntropy);
    commit(conn, shared, loaded, effects, now, true)?;
    Ok(true)
}

/// Fires the timers of `arn` due by now: the earliest one, with which the
/// interpreter fires every other one due, as AWS records them together.
pub fn fire_due_timers(conn: &Connection, shared: &Shared, arn: &str) -> Result<bool, AwsError> {
    match store::due_timer(conn, arn, shared.clock.now_ms())? {
        Some(timer_id) => advance(conn, shared, arn, Input::TimerFired { timer_id }),
        None => Ok(false),
    }
}

/// What StartExecution (or a rule, or a task) asks to start.
pub struct NewExecution<'a> {
    /// The machine to run.
    pub machine: &'a MachineRow,
    /// The execution's name; a UUID when `None`.
    pub name: Option<String>,
    /// The input, JSON text.
    pub input: String,
    /// The `.sync` task waiting for it, if any.
    pub parent: Option<Parent>,
}

/// An execution started (or found running with the same name and input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// Its ARN.
    pub arn: String,
    /// When it started.
    pub started_ms: i64,
}

/// Starts an execution, idempotently as AWS does for standard workflows: the
/// same name and input as a running execution answer that execution; a name
/// in use otherwise is `ExecutionAlreadyExists`. A child that ends at once
/// does not report to its parent here: see [`report_if_finished`].
pub fn start(conn: &Connection, shared: &Shared, new: NewExecution<'_>) -> Result<Started, AwsError> {
    let input: Value = serde_json::from_str(&new.input).map_err(|error| errors::invalid_input(&error.to_string()))?;
    let name = new.name.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    names::check_name(&name)?;
    let arn = names::execution_arn(shared, &new.machine.name, &name);
    if let Some(existing) = store::execution(conn, &arn)? {
        let same_input = serde_json::from_str::<Value>(&existing.input).is_ok_and(|old| old == input);
        if existing.status == "RUNNING" && same_input {
            return Ok(Started { arn, started_ms: existing.started_ms });
        }
        return Err(errors::execution_exists(&arn));
    }
    let parsed = shared.definitions.get(&new.machine.definition);
    let machine = parsed.map_err(|error| errors::invalid_definition(error.aws_message()))?;
    let now = shared.clock.now_ms();
    let context = ExecutionContext {
        execution_arn: arn.clone(),
        name: name.clone(),
        state_machine_arn: new.machine.arn.clone(),
        state_machine_name: new.machine.name.clone(),
        role_arn: new.machine.role_arn.clone(),
        region: shared.region.clone(),
        start_time_ms: now,
    };
    let (execution, effects) = Execution::start(&machine, context, input, now, &mut UuidEntropy);
    let row = ExecutionRow {
        seq: 0,
        arn: arn.clone(),
        state_machine_arn: new.machine.arn.clone(),
        name,
        status: "RUNNING".to_owned(),
        input: new.input,
        definition: new.machine.definition.clone(),
        role_arn: new.machine.role_arn.clone(),
        execution_json: String::new(),
        started_ms: now,
        stopped_ms: None,
        parent: new.parent,
    };
    store::insert_execution(conn, &row)?;
    commit(conn, shared, Loaded { row, machine, execution }, effects, now, false)?;
    Ok(Started { arn, started_ms: now })
}

/// Milliseconds after `now`, saturating.
fn after(now: i64, seconds: u64) -> i64 {
    now.saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX / 1000).saturating_mul(1000))
}

/// Records the effects of one step and saves the execution. A finished
/// child reports to its parent's `.sync` task when `report` is set.
fn commit(
    conn: &Connection,
    shared: &Shared,
    mut loaded: Loaded,
    effects: Vec<Effect>,
    now: i64,
    report: bool,
) -> Result<(), AwsError> {
    let arn = loaded.row.arn.clone();
    let (mut finished, mut work) = (false, false);
    for effect in effects {
        match effect {
            Effect::InvokeTask(request) => {
                let json = serde_json::to_string(&request).map_err(errors::internal)?;
                store::insert_invocation(conn, &arn, &request.task_id, &json, now)?;
                if let Some(token) = &request.token {
                    let heartbeat = request.heartbeat_seconds;
                    let row = TokenRow {
                        execution_arn: arn.clone(),
                        task_id: request.task_id.clone(),
                        state: "WAITING".to_owned(),
                        heartbeat_seconds: heartbeat.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
                        heartbeat_at_ms: heartbeat.map(|s| after(now, s)),
                        timeout_at_ms: request.timeout_seconds.map(|s| after(now, s)),
                    };
                    store::insert_token(conn, token, &row, now)?;
                }
                work = true;
            }
            Effect::SetTimer { .. } => work = true,
            Effect::Finished(_) => finished = true,
            // The tables are brought in line with the execution below.
            Effect::CancelTask { .. } | Effect::CancelTimer { .. } => {}
        }
    }
    sync(conn, &loaded, now)?;
    loaded.row.status = loaded.execution.status().aws_name().to_owned();
    loaded.row.execution_json = serde_json::to_string(&loaded.execution).map_err(errors::internal)?;
    if finished {
        loaded.row.stopped_ms = Some(now);
    }
    store::save_execution(conn, &loaded.row)?;
    if work {
        // The runner reads the rows once this transaction has released the store.
        shared.stepfunctions_ready.notify_one();
    }
    if finished && report {
        report_to_parent(conn, shared, &loaded)?;
    }
    Ok(())
}

/// Brings timers, tokens and calls to make in line with the execution: a
/// token whose task is gone is TIMED_OUT if one of its deadlines passed,
/// else CLOSED; a call whose task is gone is not made.
fn sync(conn: &Connection, loaded: &Loaded, now: i64) -> Result<(), AwsError> {
    let arn = &loaded.row.arn;
    store::replace_timers(conn, arn, loaded.execution.pending_timers())?;
    let pending: HashMap<&str, Option<&str>> = loaded.execution.pending_tasks().collect();
    let live: HashSet<&str> = pending.values().flatten().copied().collect();
    for (token, heartbeat_at, timeout_at) in store::waiting_tokens(conn, arn)? {
        if !live.contains(token.as_str()) {
            let timed_out = [heartbeat_at, timeout_at].into_iter().flatten().any(|at| at <= now);
            store::set_token_state(conn, &token, if timed_out { "TIMED_OUT" } else { "CLOSED" })?;
        }
    }
    for task_id in store::invocation_tasks(conn, arn)? {
        if !pending.contains_key(task_id.as_str()) {
            store::take_invocation(conn, arn, &task_id)?;
        }
    }
    Ok(())
}

/// Reports the end of the child execution `arn` to its parent's `.sync`
/// task, if it has ended and has a parent.
pub fn report_if_finished(conn: &Connection, shared: &Shared, arn: &str) -> Result<(), AwsError> {
    match load(conn, shared, arn)? {
        Some(loaded) if loaded.row.status != "RUNNING" => report_to_parent(conn, shared, &loaded),
        _ => Ok(()),
    }
}

fn report_to_parent(conn: &Connection, shared: &Shared, child: &Loaded) -> Result<(), AwsError> {
    let Some(parent) = &child.row.parent else { return Ok(()) };
    let input = sync_outcome(child, parent.pattern == "sync:2", parent.task_id.clone());
    advance(conn, shared, &parent.execution_arn, input)?;
    Ok(())
}

/// What a `.sync` task reports of its child: DescribeExecution's fields,
/// with input and output as strings (`.sync`) or JSON (`.sync:2`); a child
/// that did not succeed fails the task with `States.TaskFailed`.
fn sync_outcome(child: &Loaded, as_json: bool, task_id: String) -> Input {
    let data =
        |text: String| if as_json { serde_json::from_str(&text).unwrap_or(Value::String(text)) } else { json!(text) };
    let (error, cause) = error_and_cause(&child.execution);
    let mut out = Map::new();
    if let Some(cause) = &cause {
        out.insert("Cause".into(), json!(cause));
    }
    if let Some(error) = &error {
        out.insert("Error".into(), json!(error));
    }
    out.insert("ExecutionArn".into(), json!(child.row.arn));
    out.insert("Input".into(), data(child.row.input.clone()));
    out.insert("InputDetails".into(), json!({"Included": true}));
    out.insert("Name".into(), json!(child.row.name));
    if let Status::Succeeded { output } = child.execution.status() {
        out.insert("Output".into(), data(output.to_string()));
        out.insert("OutputDetails".into(), json!({"Included": true}));
    }
    out.insert("StartDate".into(), json!(child.row.started_ms));
    out.insert("StateMachineArn".into(), json!(child.row.state_machine_arn));
    out.insert("Status".into(), json!(child.execution.status().aws_name()));
    out.insert("StopDate".into(), json!(child.row.stopped_ms.unwrap_or(child.row.started_ms)));
    match child.execution.status() {
        Status::Succeeded { .. } => Input::TaskSucceeded { task_id, output: Value::Object(out) },
        _ => Input::TaskFailed {
            task_id,
            error: Some("States.TaskFailed".to_owned()),
            cause: Some(Value::Object(out).to_string()),
        },
    }
}

/// The error and cause of an ended execution, as its last event gives them.
pub fn error_and_cause(execution: &Execution) -> (Option<String>, Option<String>) {
    match execution.status() {
        Status::Running | Status::Succeeded { .. } => (None, None),
        Status::Failed { error, cause } | Status::Aborted { error, cause } => (error.clone(), cause.clone()),
        Status::TimedOut => {
            let last = execution.history().last();
            let text = |key: &str| last.and_then(|e| e.detail(key)).and_then(Value::as_str).map(str::to_owned);
            (text("error"), text("cause"))
        }
    }
}
