//! `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`:
//! a child execution, started in the caller's transaction. A `.sync` child
//! reports its end to the task that started it (see `engine`).

use choreoscope_asl::{IntegrationPattern, Resource, TaskRequest};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::{service_cause, with_metadata};
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::stepfunctions::engine::{self, NewExecution};
use crate::stepfunctions::store::{self, Parent};
use crate::stepfunctions::{errors, names};

/// A child started: the response, and the child's ARN for `.sync`.
pub type Started = (Value, Option<String>);

/// Starts `StateMachineArn` with `Input` (JSON, or JSON text; `{}` when
/// absent or null) and `Name`. Answers the response and, for `.sync`, the
/// child's ARN.
pub fn start(
    conn: &Connection,
    shared: &Shared,
    execution_arn: &str,
    request: &TaskRequest,
    pattern: IntegrationPattern,
) -> Result<Result<Started, (String, String)>, AwsError> {
    let parameters = &request.parameters;
    let machine_arn = parameters.get("StateMachineArn").and_then(Value::as_str).unwrap_or_default();
    let input = match parameters.get("Input") {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(value) => value.to_string(),
    };
    let name = parameters.get("Name").and_then(Value::as_str).map(str::to_owned);
    let parent = (pattern == IntegrationPattern::Sync).then(|| Parent {
        execution_arn: execution_arn.to_owned(),
        task_id: request.task_id.clone(),
        pattern: match &request.resource {
            Resource::Service { action, .. } if action.ends_with(":2") => "sync:2".to_owned(),
            _ => "sync".to_owned(),
        },
    });
    let started = names::machine_of_arn(machine_arn).and_then(|machine_name| {
        let machine = store::machine(conn, machine_name)?.ok_or_else(|| errors::no_such_machine(machine_arn))?;
        engine::start(conn, shared, NewExecution { machine: &machine, name, input, parent })
    });
    match started {
        Ok(started) => {
            let mut output = Map::new();
            output.insert("ExecutionArn".into(), json!(started.arn));
            output.insert("StartDate".into(), json!(started.started_ms));
            let child = (pattern == IntegrationPattern::Sync).then_some(started.arn);
            Ok(Ok((with_metadata(output, "application/x-amz-json-1.0"), child)))
        }
        Err(error) if error.status >= 500 => Err(error),
        Err(error) => Ok(Err((
            format!("StepFunctions.{}Exception", error.code),
            service_cause(&error.message, "AWSStepFunctions", error.status, error.code),
        ))),
    }
}
