//! SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: the answers to
//! `.waitForTaskToken` tasks (and `.sync` ones), by task token.
//!
//! A token that is not one this system issues is `InvalidToken`; one of its
//! shape it never issued, `TaskDoesNotExist`; one whose task timed out or
//! already ended (answered, execution stopped or ended) is `TaskTimedOut`,
//! which the API reference defines as "the task token has either expired or
//! the task associated with the token has already been closed". Timers due
//! by the time a call arrives fire first: a heartbeat or timeout that ran
//! out wins over a late answer, whether or not the engine loop got to it.

use choreoscope_asl::Input;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::store::{self, TokenRow};
use super::{engine, entropy, errors};
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SuccessInput {
    task_token: Option<String>,
    output: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FailureInput {
    task_token: Option<String>,
    error: Option<String>,
    cause: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HeartbeatInput {
    task_token: Option<String>,
}

/// The row of a token of ours, or `InvalidToken` / `TaskDoesNotExist`.
fn known(conn: &Connection, token: &str) -> Result<TokenRow, AwsError> {
    if !entropy::is_well_formed(token) {
        return Err(errors::invalid_token());
    }
    store::token(conn, token)?.ok_or_else(errors::no_such_task)
}

/// The task still waiting on `token`, after due timers fired; `None` when it
/// timed out or ended.
fn live(conn: &Connection, shared: &Shared, token: &str, row: &TokenRow) -> Result<Option<String>, AwsError> {
    if row.state != "WAITING" {
        return Ok(None);
    }
    engine::fire_due_timers(conn, shared, &row.execution_arn)?;
    let Some(loaded) = engine::load(conn, shared, &row.execution_arn)? else { return Ok(None) };
    Ok(loaded.execution.task_for_token(token).filter(|task| *task == row.task_id).map(str::to_owned))
}

/// Feeds the answer `input` makes of the live task (with what `check`
/// read from the request) to its execution, in one transaction; a heartbeat
/// also moves the token's deadline. `TaskTimedOut` (with the timers that
/// fired committed) when the task is no longer waiting.
fn answer<T>(
    shared: &Shared,
    token: &str,
    check: impl FnOnce() -> Result<T, AwsError>,
    input: impl FnOnce(String, T) -> Input,
) -> OpResult {
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let row = known(&tx, token)?;
    let checked = check()?;
    let Some(task_id) = live(&tx, shared, token, &row)? else {
        tx.commit()?;
        return Err(errors::task_timed_out());
    };
    let input = input(task_id, checked);
    if let (Input::TaskHeartbeat { .. }, Some(seconds)) = (&input, row.heartbeat_seconds) {
        let now = shared.clock.now_ms();
        store::set_heartbeat(&tx, token, now.saturating_add(seconds.saturating_mul(1000)))?;
    }
    engine::advance(&tx, shared, &row.execution_arn, input)?;
    tx.commit()?;
    Ok(json!({}))
}

pub(super) fn success(shared: &Shared, input: SuccessInput) -> OpResult {
    let token = required(&input.task_token, "taskToken")?;
    let text = required(&input.output, "output")?;
    let check = || serde_json::from_str::<Value>(text).map_err(|error| errors::invalid_output(&error.to_string()));
    answer(shared, token, check, |task_id, output| Input::TaskSucceeded { task_id, output })
}

pub(super) fn failure(shared: &Shared, input: FailureInput) -> OpResult {
    let token = required(&input.task_token, "taskToken")?;
    let check = || {
        if input.error.as_ref().is_some_and(|e| e.chars().count() > 256) {
            return Err(AwsError::constraint("***", "error", "Member must have length less than or equal to 256"));
        }
        if input.cause.as_ref().is_some_and(|c| c.chars().count() > 32_768) {
            return Err(AwsError::constraint("***", "cause", "Member must have length less than or equal to 32768"));
        }
        Ok(())
    };
    answer(shared, token, check, |task_id, ()| Input::TaskFailed {
        task_id,
        error: input.error.clone(),
        cause: input.cause.clone(),
    })
}

/// SendTaskHeartbeat: restarts the task's heartbeat clock; adds no event.
pub(super) fn heartbeat(shared: &Shared, input: HeartbeatInput) -> OpResult {
    let token = required(&input.task_token, "taskToken")?;
    answer(shared, token, || Ok(()), |task_id, ()| Input::TaskHeartbeat { task_id })
}
