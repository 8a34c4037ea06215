//! The local Step Functions: the `AWSStepFunctions.*` operations of the AWS
//! JSON 1.0 protocol, running Amazon States Language workflows with
//! `choreoscope-asl`, durably.
//!
//! Operations: CreateStateMachine, DescribeStateMachine, ListStateMachines,
//! UpdateStateMachine, DeleteStateMachine, ValidateStateMachineDefinition,
//! StartExecution, DescribeExecution, ListExecutions, StopExecution,
//! GetExecutionHistory, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.
//!
//! Durability: an execution is the interpreter's `Execution` as JSON in
//! `sfn_executions`; each change (an API call, a timer, a task's outcome)
//! loads it, hands it the input, records the effects and saves it in one
//! transaction ([`engine`]). Calls still to make (`sfn_invocations`),
//! timers (`sfn_timers`) and task tokens (`sfn_task_tokens`) are rows of
//! the same transaction, so after a crash the engine loop ([`run`]) picks up
//! exactly where the last commit left off. Parsed definitions are kept
//! between steps ([`definitions`]). Task resources are described in
//! [`integrations`]. EventBridge rules start executions through
//! [`start_for_rule`].

mod callbacks;
pub mod definitions;
pub mod engine;
pub mod entropy;
pub mod errors;
mod executions;
pub mod integrations;
mod machines;
pub mod names;
mod runner;
pub mod store;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use crate::clock::epoch_seconds;
use crate::delivery::outcome::{Failure, Outcome};
use crate::protocol::{AwsError, OpResult, parse_input};
use crate::shared::Shared;
pub use runner::{run, run_due};

/// The `X-Amz-Target` prefix of Step Functions operations.
pub const TARGET_PREFIX: &str = "AWSStepFunctions";

/// Runs one operation.
pub fn handle(shared: &Shared, operation: &str, body: &[u8]) -> OpResult {
    match operation {
        "CreateStateMachine" => machines::create(shared, parse_input(body)?),
        "DescribeStateMachine" => machines::describe(shared, parse_input(body)?),
        "ListStateMachines" => machines::list(shared, parse_input(body)?),
        "UpdateStateMachine" => machines::update(shared, parse_input(body)?),
        "DeleteStateMachine" => machines::delete(shared, parse_input(body)?),
        "ValidateStateMachineDefinition" => machines::validate(parse_input(body)?),
        "StartExecution" => executions::start(shared, parse_input(body)?),
        "DescribeExecution" => executions::describe(shared, parse_input(body)?),
        "ListExecutions" => executions::list(shared, parse_input(body)?),
        "StopExecution" => executions::stop(shared, parse_input(body)?),
        "GetExecutionHistory" => executions::history(shared, parse_input(body)?),
        "SendTaskSuccess" => callbacks::success(shared, parse_input(body)?),
        "SendTaskFailure" => callbacks::failure(shared, parse_input(body)?),
        "SendTaskHeartbeat" => callbacks::heartbeat(shared, parse_input(body)?),
        _ => Err(AwsError::unknown_operation(&format!("{TARGET_PREFIX}.{operation}"))),
    }
}

/// Starts an execution of `machine_arn` for an EventBridge rule target, with
/// the target's payload as input. `name` should be stable across attempts of
/// one delivery (its invocation id): an attempt made again after a crash
/// then finds the execution the first one started instead of starting
/// another. A missing machine or an input that is not JSON cannot be fixed
/// by retrying.
pub async fn start_for_rule(shared: &Arc<Shared>, machine_arn: &str, name: &str, payload: &str) -> Outcome {
    let (machine_arn, name, payload) = (machine_arn.to_owned(), name.to_owned(), payload.to_owned());
    let started = runner::blocking(shared, move |conn, shared| {
        let tx = conn.transaction()?;
        let machine = machines::find(&tx, &machine_arn)?;
        let new = engine::NewExecution { machine: &machine, name: Some(name), input: payload, parent: None };
        let started = engine::start(&tx, shared, new);
        tx.commit()?;
        started
    })
    .await;
    match started {
        Ok(_) => Outcome::Delivered,
        // This delivery's execution was started by an earlier attempt and has ended since.
        Err(error) if error.code == "ExecutionAlreadyExists" => Outcome::Delivered,
        Err(error) if error.status >= 500 => Outcome::Failed(Failure::retryable(error.code, error.message)),
        Err(error) => Outcome::Failed(Failure::permanent(error.code, error.message)),
    }
}
