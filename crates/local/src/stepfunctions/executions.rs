//! Executions: StartExecution, DescribeExecution, ListExecutions,
//! StopExecution and GetExecutionHistory.

use choreoscope_asl::{Input, Status};
use serde::Deserialize;
use serde_json::{Value, json};

use super::engine::{self, NewExecution};
use super::machines;
use super::names::{self, check_execution_arn};
use super::store;
use super::{epoch_seconds, errors};
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

/// The statuses ListExecutions filters on.
const STATUSES: [&str; 6] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StartInput {
    state_machine_arn: Option<String>,
    name: Option<String>,
    input: Option<String>,
}

pub(super) fn start(shared: &Shared, input: StartInput) -> OpResult {
    let arn = required(&input.state_machine_arn, "stateMachineArn")?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let machine = machines::find(&tx, arn)?;
    let new = NewExecution {
        machine: &machine,
        name: input.name,
        input: input.input.unwrap_or_else(|| "{}".to_owned()),
        parent: None,
    };
    let started = engine::start(&tx, shared, new)?;
    tx.commit()?;
    Ok(json!({"executionArn": started.arn, "startDate": epoch_seconds(started.started_ms)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExecutionInput {
    execution_arn: Option<String>,
}

/// The execution an ARN names, or `InvalidArn` / `ExecutionDoesNotExist`.
fn find(conn: &rusqlite::Connection, shared: &Shared, arn: &str) -> Result<engine::Loaded, AwsError> {
    check_execution_arn(arn)?;
    engine::load(conn, shared, arn)?.ok_or_else(|| errors::no_such_execution(arn))
}

pub(super) fn describe(shared: &Shared, input: ExecutionInput) -> OpResult {
    let arn = required(&input.execution_arn, "executionArn")?;
    let loaded = find(&shared.store.conn(), shared, arn)?;
    let row = &loaded.row;
    let mut out = json!({
        "executionArn": row.arn,
        "stateMachineArn": row.state_machine_arn,
        "name": row.name,
        "status": row.status,
        "startDate": epoch_seconds(row.started_ms),
        "input": row.input,
        "inputDetails": {"included": true},
    });
    if let Some(stopped) = row.stopped_ms {
        out["stopDate"] = json!(epoch_seconds(stopped));
    }
    if let Status::Succeeded { output } = loaded.execution.status() {
        out["output"] = json!(output.to_string());
        out["outputDetails"] = json!({"included": true});
    }
    let (error, cause) = engine::error_and_cause(&loaded.execution);
    if let Some(error) = error {
        out["error"] = json!(error);
    }
    if let Some(cause) = cause {
        out["cause"] = json!(cause);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListInput {
    state_machine_arn: Option<String>,
    status_filter: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let arn = required(&input.state_machine_arn, "stateMachineArn")?;
    if let Some(status) = input.status_filter.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(AwsError::constraint(
            status,
            "statusFilter",
            &format!("Member must satisfy enum value set: [{}]", STATUSES.join(", ")),
        ));
    }
    let limit = names::page_size(input.max_results)?;
    let after = match input.next_token.as_deref() {
        None => None,
        Some(token) => {
            let position = names::read_page_token(token)?;
            let parsed = position.split_once(':').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
            Some(parsed.ok_or_else(errors::invalid_token)?)
        }
    };
    let conn = shared.store.conn();
    machines::find(&conn, arn)?;
    let mut rows = store::executions(&conn, arn, input.status_filter.as_deref(), after, limit + 1)?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut item = json!({
                "executionArn": row.arn,
                "stateMachineArn": row.state_machine_arn,
                "name": row.name,
                "status": row.status,
                "startDate": epoch_seconds(row.started_ms),
            });
            if let Some(stopped) = row.stopped_ms {
                item["stopDate"] = json!(epoch_seconds(stopped));
            }
            item
        })
        .collect();
    let mut out = json!({"executions": items});
    if let (true, Some(last)) = (more, rows.last()) {
        out["nextToken"] = json!(names::page_token(&format!("{}:{}", last.started_ms, last.seq)));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StopInput {
    execution_arn: Option<String>,
    error: Option<String>,
    cause: Option<String>,
}

/// StopExecution: a running execution ends ABORTED (`ExecutionAborted`);
/// its tokens stop working. An execution that already ended is left as it is.
pub(super) fn stop(shared: &Shared, input: StopInput) -> OpResult {
    let arn = required(&input.execution_arn, "executionArn")?;
    if input.error.as_ref().is_some_and(|e| e.chars().count() > 256) {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
        ));
    }
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    find(&tx, shared, arn)?;
    engine::advance(&tx, shared, arn, Input::Stop { error: input.error, cause: input.cause })?;
    let stopped = store::execution(&tx, arn)?.and_then(|row| row.stopped_ms).unwrap_or_else(|| shared.clock.now_ms());
    tx.commit()?;
    Ok(json!({"stopDate": epoch_seconds(stopped)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HistoryInput {
    execution_arn: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
    reverse_order: Option<bool>,
    include_execution_data: Option<bool>,
}

/// GetExecutionHistory, in AWS's shape; without execution data, inputs,
/// outputs and parameters are left out of the details.
pub(super) fn history(shared: &Shared, input: HistoryInput) -> OpResult {
    let arn = required(&input.execution_arn, "executionArn")?;
    let limit = names::page_size(input.max_results)?;
    let start = match input.next_token.as_deref() {
        None => 0,
        Some(token) => names::read_page_token(token)?.parse::<usize>().map_err(|_| errors::invalid_token())?,
    };
    let loaded = find(&shared.store.conn(), shared, arn)?;
    let mut events: Vec<Value> = loaded.execution.history().iter().map(|event| event.to_aws_json()).collect();
    if input.reverse_order.unwrap_or(false) {
        events.reverse();
    }
    let total = events.len();
    let mut page: Vec<Value> = events.into_iter().skip(start).take(limit).collect();
    if !input.include_execution_data.unwrap_or(true) {
        for event in &mut page {
            strip_data(event);
        }
    }
    let mut out = json!({"events": page});
    let next = start.saturating_add(limit);
    if next < total {
        out["nextToken"] = json!(names::page_token(&next.to_string()));
    }
    Ok(out)
}

fn strip_data(event: &mut Value) {
    let Some(fields) = event.as_object_mut() else { return };
    for (key, details) in fields.iter_mut() {
        if let (true, Some(details)) = (key.ends_with("EventDetails"), details.as_object_mut()) {
            for field in ["input", "output", "parameters"] {
                details.remove(field);
            }
        }
    }
}
