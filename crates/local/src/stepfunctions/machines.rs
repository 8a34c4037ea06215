//! State machines: CreateStateMachine, DescribeStateMachine,
//! ListStateMachines, UpdateStateMachine, DeleteStateMachine and
//! ValidateStateMachineDefinition.
//!
//! `EXPRESS` machines are accepted and run as standard workflows (durable,
//! with DescribeExecution and GetExecutionHistory), which is what a local
//! system is for; their executions have standard `execution:` ARNs.

use choreoscope_asl::StateMachine;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::names::{self, machine_arn, machine_of_arn};
use super::store::{self, MachineRow};
use super::{epoch_seconds, errors};
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateInput {
    name: Option<String>,
    definition: Option<String>,
    role_arn: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    logging_configuration: Option<Value>,
    tracing_configuration: Option<Value>,
}

/// Parses a definition, or answers `InvalidDefinition` with AWS's message.
fn parse(definition: &str) -> Result<StateMachine, AwsError> {
    StateMachine::parse(definition).map_err(|error| errors::invalid_definition(error.aws_message()))
}

fn check_type(kind: Option<&str>) -> Result<String, AwsError> {
    match kind.unwrap_or("STANDARD") {
        kind @ ("STANDARD" | "EXPRESS") => Ok(kind.to_owned()),
        other => Err(AwsError::constraint(other, "type", "Member must satisfy enum value set: [STANDARD, EXPRESS]")),
    }
}

pub(super) fn create(shared: &Shared, input: CreateInput) -> OpResult {
    let name = required(&input.name, "name")?;
    let definition = required(&input.definition, "definition")?;
    let role_arn = required(&input.role_arn, "roleArn")?;
    names::check_name(name)?;
    let kind = check_type(input.kind.as_deref())?;
    names::check_role_arn(role_arn)?;
    parse(definition)?;
    let conn = shared.store.conn();
    if let Some(existing) = store::machine(&conn, name)? {
        // Idempotent when nothing that matters changed (the role may differ).
        if existing.definition == *definition && existing.kind == kind {
            return Ok(json!({"stateMachineArn": existing.arn, "creationDate": epoch_seconds(existing.created_ms)}));
        }
        return Err(errors::machine_exists(&existing.arn));
    }
    let now = shared.clock.now_ms();
    let row = MachineRow {
        name: name.clone(),
        arn: machine_arn(shared, name),
        definition: definition.clone(),
        role_arn: role_arn.clone(),
        kind,
        logging: input.logging_configuration.map(|v| v.to_string()),
        tracing: input.tracing_configuration.map(|v| v.to_string()),
        revision_id: None,
        created_ms: now,
        updated_ms: None,
    };
    store::put_machine(&conn, &row)?;
    Ok(json!({"stateMachineArn": row.arn, "creationDate": epoch_seconds(now)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ArnInput {
    state_machine_arn: Option<String>,
}

/// The machine an ARN names, or `InvalidArn` / `StateMachineDoesNotExist`.
pub fn find(conn: &Connection, arn: &str) -> Result<MachineRow, AwsError> {
    let name = machine_of_arn(arn)?;
    store::machine(conn, name)?.filter(|row| row.arn == arn).ok_or_else(|| errors::no_such_machine(arn))
}

pub(super) fn describe(shared: &Shared, input: ArnInput) -> OpResult {
    let arn = required(&input.state_machine_arn, "stateMachineArn")?;
    let row = find(&shared.store.conn(), arn)?;
    let config = |text: &Option<String>, default: Value| {
        text.as_deref().and_then(|t| serde_json::from_str::<Value>(t).ok()).unwrap_or(default)
    };
    let mut out = json!({
        "stateMachineArn": row.arn,
        "name": row.name,
        "status": "ACTIVE",
        "definition": row.definition,
        "roleArn": row.role_arn,
        "type": row.kind,
        "creationDate": epoch_seconds(row.created_ms),
        "loggingConfiguration": config(&row.logging, json!({"level": "OFF", "includeExecutionData": false})),
        "tracingConfiguration": config(&row.tracing, json!({"enabled": false})),
    });
    if let Some(revision) = row.revision_id {
        out["revisionId"] = json!(revision);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListInput {
    max_results: Option<i64>,
    next_token: Option<String>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let limit = names::page_size(input.max_results)?;
    let after = input.next_token.as_deref().map(names::read_page_token).transpose()?.unwrap_or_default();
    let mut rows = store::machines(&shared.store.conn(), &after, limit + 1)?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({"stateMachineArn": row.arn, "name": row.name, "type": row.kind,
                   "creationDate": epoch_seconds(row.created_ms)})
        })
        .collect();
    let mut out = json!({"stateMachines": items});
    if let (true, Some(last)) = (more, rows.last()) {
        out["nextToken"] = json!(names::page_token(&last.name));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UpdateInput {
    state_machine_arn: Option<String>,
    definition: Option<String>,
    role_arn: Option<String>,
    logging_configuration: Option<Value>,
    tracing_configuration: Option<Value>,
}

pub(super) fn update(shared: &Shared, input: UpdateInput) -> OpResult {
    let arn = required(&input.state_machine_arn, "stateMachineArn")?;
    let conn = shared.store.conn();
    let mut row = find(&conn, arn)?;
    if input.definition.is_none()
        && input.role_arn.is_none()
        && input.logging_configuration.is_none()
        && input.tracing_configuration.is_none()
    {
        return Err(errors::missing_parameter(
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
        ));
    }
    if let Some(definition) = input.definition {
        parse(&definition)?;
        row.definition = definition;
    }
    if let Some(role_arn) = input.role_arn {
        names::check_role_arn(&role_arn)?;
        row.role_arn = role_arn;
    }
    if let Some(logging) = input.logging_configuration {
        row.logging = Some(logging.to_string());
    }
    if let Some(tracing) = input.tracing_configuration {
        row.tracing = Some(tracing.to_string());
    }
    let now = shared.clock.now_ms();
    // Running executions keep the definition they started with.
    row.revision_id = Some(uuid::Uuid::new_v4().to_string());
    row.updated_ms = Some(now);
    store::put_machine(&conn, &row)?;
    Ok(json!({"updateDate": epoch_seconds(now), "revisionId": row.revision_id}))
}

/// Deletes a state machine. Its executions are kept (DescribeExecution still
/// answers) and running ones run on to their end with their own definition.
pub(super) fn delete(shared: &Shared, input: ArnInput) -> OpResult {
    let arn = required(&input.state_machine_arn, "stateMachineArn")?;
    let name = machine_of_arn(arn)?;
    let conn = shared.store.conn();
    if store::machine(&conn, name)?.is_some_and(|row| row.arn == *arn) {
        store::delete_machine(&conn, name)?;
    }
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ValidateInput {
    definition: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// ValidateStateMachineDefinition: `OK`, or `FAIL` with every problem found.
pub(super) fn validate(input: ValidateInput) -> OpResult {
    let definition = required(&input.definition, "definition")?;
    check_type(input.kind.as_deref())?;
    let diagnostics: Vec<Value> = match StateMachine::parse(definition) {
        Ok(_) => Vec::new(),
        Err(error) => error
            .diagnostics
            .iter()
            .map(|d| {
                let mut item = json!({"severity": "ERROR", "code": d.code.as_str(), "message": d.message});
                if let Some(location) = &d.location {
                    item["location"] = json!(location);
                }
                item
            })
            .collect(),
    };
    let result = if diagnostics.is_empty() { "OK" } else { "FAIL" };
    Ok(json!({"result": result, "diagnostics": diagnostics, "truncated": false}))
}
