//! Targets of rules: PutTargets, ListTargetsByRule, RemoveTargets.

use choreoscope_pattern::transform::{InputTransformerSpec, TargetInput};
use rusqlite::params;
use serde::Deserialize;
use serde_json::Value;

use super::names::{bus_name, check_name, no_such_rule};
use super::{page_limit, rules, split_page};
use crate::delivery::policy::{EVENT_AGE_SECONDS_RANGE, MAX_RETRY_ATTEMPTS};
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

/// EventBridge's limit of targets per rule.
const MAX_TARGETS_PER_RULE: i64 = 5;

/// Checks one target of a PutTargets request (`index` counts from 1, as
/// AWS's messages do).
fn validate(target: &Value, index: usize) -> Result<(String, String), AwsError> {
    let field = |name: &str| format!("targets.{index}.member.{name}");
    let id = target.get("Id").and_then(Value::as_str).ok_or_else(|| AwsError::missing(&field("id")))?;
    check_name(id, &field("id"), 64, false)?;
    let arn = target.get("Arn").and_then(Value::as_str).ok_or_else(|| AwsError::missing(&field("arn")))?;
    if arn.is_empty() || arn.len() > 1600 {
        return Err(AwsError::constraint(arn, &field("arn"), "Member must have length between 1 and 1600"));
    }
    target_input(target, index, id)?;
    check_retry_policy(target, index)?;
    if let Some(config) = target.get("DeadLetterConfig") {
        let dlq = config.get("Arn").and_then(Value::as_str).unwrap_or_default();
        if !dlq.is_empty() && !dlq.starts_with("arn:aws:sqs:") {
            return Err(AwsError::validation(format!(
                "Parameter(s) DeadLetterConfig.Arn for target {id} is not valid: the dead-letter queue must be an SQS queue ARN."
            )));
        }
    }
    Ok((id.to_owned(), arn.to_owned()))
}

/// `RetryPolicy` within EventBridge's bounds: 0–185 retries, 60–86400 seconds.
fn check_retry_policy(target: &Value, index: usize) -> Result<(), AwsError> {
    let Some(policy) = target.get("RetryPolicy") else {
        return Ok(());
    };
    let field = |name: &str| format!("targets.{index}.member.retryPolicy.{name}");
    if let Some(attempts) = policy.get("MaximumRetryAttempts").and_then(Value::as_i64) {
        if attempts < 0 {
            let rule = "Member must have value greater than or equal to 0";
            return Err(AwsError::constraint(&attempts.to_string(), &field("maximumRetryAttempts"), rule));
        }
        if attempts > MAX_RETRY_ATTEMPTS {
            let rule = format!("Member must have value less than or equal to {MAX_RETRY_ATTEMPTS}");
            return Err(AwsError::constraint(&attempts.to_string(), &field("maximumRetryAttempts"), &rule));
        }
    }
    if let Some(age) = policy.get("MaximumEventAgeInSeconds").and_then(Value::as_i64)
        && !EVENT_AGE_SECONDS_RANGE.contains(&age)
    {
        let rule = if age < *EVENT_AGE_SECONDS_RANGE.start() {
            format!("Member must have value greater than or equal to {}", EVENT_AGE_SECONDS_RANGE.start())
        } else {
            format!("Member must have value less than or equal to {}", EVENT_AGE_SECONDS_RANGE.end())
        };
        return Err(AwsError::constraint(&age.to_string(), &field("maximumEventAgeInSeconds"), &rule));
    }
    Ok(())
}

/// What the target will receive, validated as PutTargets does.
pub fn target_input(target: &Value, index: usize, id: &str) -> Result<TargetInput, AwsError> {
    let text = |key: &str| target.get(key).and_then(Value::as_str);
    let transformer = target.get("InputTransformer").map(|transformer| InputTransformerSpec {
        input_paths_map: transformer
            .get("InputPathsMap")
            .and_then(Value::as_object)
            .map(|map| map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default(),
        input_template: transformer.get("InputTemplate").and_then(Value::as_str).unwrap_or_default().to_owned(),
    });
    TargetInput::from_target_at(index, id, text("Input"), text("InputPath"), transformer.as_ref())
        .map_err(|error| AwsError::validation(error.message))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PutInput {
    rule: Option<String>,
    event_bus_name: Option<String>,
    targets: Option<Vec<Value>>,
}

pub(super) fn put(shared: &Shared, input: PutInput) -> OpResult {
    let rule = required(&input.rule, "rule")?;
    let targets = required(&input.targets, "targets")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let checked =
        targets.iter().enumerate().map(|(i, target)| validate(target, i + 1)).collect::<Result<Vec<_>, _>>()?;
    let mut conn = shared.store.conn();
    if rules::find(&conn, bus, rule)?.is_none() {
        return Err(no_such_rule(bus, rule));
    }
    let tx = conn.transaction()?;
    for ((id, arn), target) in checked.iter().zip(targets) {
        tx.execute(
            "INSERT INTO targets (bus, rule, id, arn, target_json) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (bus, rule, id) DO UPDATE SET arn = excluded.arn, target_json = excluded.target_json",
            params![bus, rule, id, arn, target.to_string()],
        )?;
    }
    let count: i64 =
        tx.query_row("SELECT count(*) FROM targets WHERE bus = ?1 AND rule = ?2", params![bus, rule], |row| {
            row.get(0)
        })?;
    if count > MAX_TARGETS_PER_RULE {
        // Dropping the transaction rolls the whole request back.
        return Err(AwsError::client(
            "LimitExceededException",
            "The requested resource exceeds the maximum number allowed.",
        ));
    }
    tx.commit()?;
    shared.routes.invalidate();
    Ok(serde_json::json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
}

/// Every target of a rule, as PutTargets received them, by id.
pub fn of_rule(conn: &rusqlite::Connection, bus: &str, rule: &str) -> rusqlite::Result<Vec<Value>> {
    let mut statement = conn.prepare("SELECT target_json FROM targets WHERE bus = ?1 AND rule = ?2 ORDER BY id")?;
    let rows = statement.query_map(params![bus, rule], |row| row.get::<_, String>(0))?;
    rows.map(|row| row.map(|json| serde_json::from_str(&json).unwrap_or(Value::Null))).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    rule: Option<String>,
    event_bus_name: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let rule = required(&input.rule, "rule")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let limit = page_limit(input.limit, 100)?;
    let conn = shared.store.conn();
    if rules::find(&conn, bus, rule)?.is_none() {
        return Err(no_such_rule(bus, rule));
    }
    let after = input.next_token.unwrap_or_default();
    let targets: Vec<Value> = of_rule(&conn, bus, rule)?
        .into_iter()
        .filter(|target| target["Id"].as_str().is_some_and(|id| id > after.as_str()))
        .take(limit + 1)
        .collect();
    let (page, more) = split_page(targets, limit);
    let last_id = page.last().and_then(|t| t["Id"].as_str()).map(str::to_owned);
    let mut json = serde_json::json!({ "Targets": page });
    if let Some(last) = last_id.filter(|_| more) {
        json["NextToken"] = last.into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RemoveInput {
    rule: Option<String>,
    event_bus_name: Option<String>,
    ids: Option<Vec<String>>,
}

pub(super) fn remove(shared: &Shared, input: RemoveInput) -> OpResult {
    let rule = required(&input.rule, "rule")?;
    let ids = required(&input.ids, "ids")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let mut conn = shared.store.conn();
    if rules::find(&conn, bus, rule)?.is_none() {
        return Err(no_such_rule(bus, rule));
    }
    let tx = conn.transaction()?;
    for id in ids {
        tx.execute("DELETE FROM targets WHERE bus = ?1 AND rule = ?2 AND id = ?3", params![bus, rule, id])?;
    }
    tx.commit()?;
    shared.routes.invalidate();
    Ok(serde_json::json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn only_one_input_form_per_target() {
        let target =
            serde_json::json!({"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:1:q", "Input": "{}", "InputPath": "$.detail"});
        let error = validate(&target, 1).expect_err("two input forms");
        assert_eq!(error.message, "Only one of Input, InputPath, or InputTransformer must be provided for target t1.");
    }

    #[test]
    fn input_transformers_are_validated_in_aws_words() {
        let target = serde_json::json!({"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:1:q", "InputTransformer": {
            "InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": "{\"id\": <id>, \"other\": <notdefinedkey>}"}});
        let error = validate(&target, 1).expect_err("undefined placeholder");
        assert_eq!(error.message, "InputTemplate for target t1 contains invalid placeholder notdefinedkey.");
        let target = serde_json::json!({"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:1:q", "Input": "env:dev"});
        assert!(
            validate(&target, 1).expect_err("not JSON").message.starts_with("JSON syntax error in input for target t1")
        );
    }

    #[test]
    fn retry_policies_are_held_to_eventbridges_bounds() {
        let target =
            |policy| serde_json::json!({"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:1:q", "RetryPolicy": policy});
        assert!(
            validate(&target(serde_json::json!({"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60})), 1)
                .is_ok()
        );
        let error = validate(&target(serde_json::json!({"MaximumRetryAttempts": 186})), 1).expect_err("186");
        assert_eq!(
            error.message,
            "1 validation error detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' \
             failed to satisfy constraint: Member must have value less than or equal to 185"
        );
        let error = validate(&target(serde_json::json!({"MaximumEventAgeInSeconds": 59})), 2).expect_err("59");
        assert!(error.message.contains("'targets.2.member.retryPolicy.maximumEventAgeInSeconds'"), "{}", error.message);
    }

    #[test]
    fn target_id_is_checked_with_its_position() {
        let target =
            serde_json::json!({"Id": "second-invalid-target-id-".repeat(3), "Arn": "arn:aws:sqs:us-east-1:1:q"});
        let error = validate(&target, 1).expect_err("too long");
        assert!(error.message.contains("at 'targets.1.member.id'"), "{}", error.message);
    }
}
