//! Log groups: CreateLogGroup, DescribeLogGroups, DeleteLogGroup.

use rusqlite::params;
use serde::Deserialize;
use serde_json::json;

use super::no_such_group;
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

fn check_group_name(name: &str) -> Result<(), AwsError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#');
    if name.is_empty() || name.len() > 512 || !name.chars().all(allowed) {
        return Err(AwsError::client(
            "InvalidParameterException",
            format!(
                "1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
            ),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NamedInput {
    log_group_name: Option<String>,
}

pub(super) fn create(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.log_group_name, "logGroupName")?;
    check_group_name(name)?;
    let inserted = shared.store.conn().execute(
        "INSERT OR IGNORE INTO log_groups (name, created_ms) VALUES (?1, ?2)",
        params![name, shared.clock.now_ms()],
    )?;
    if inserted == 0 {
        return Err(AwsError::client("ResourceAlreadyExistsException", "The specified log group already exists"));
    }
    Ok(json!({}))
}

pub(super) fn delete(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.log_group_name, "logGroupName")?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM log_events WHERE log_group = ?1", [name])?;
    if tx.execute("DELETE FROM log_groups WHERE name = ?1", [name])? == 0 {
        return Err(no_such_group());
    }
    tx.commit()?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeInput {
    log_group_name_prefix: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn describe(shared: &Shared, input: DescribeInput) -> OpResult {
    let limit = match input.limit {
        None => 50,
        Some(n @ 1..=50) => n,
        Some(n) => {
            return Err(AwsError::client(
                "InvalidParameterException",
                format!(
                    "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: \
                     Member must have value less than or equal to 50"
                ),
            ));
        }
    };
    let conn = shared.store.conn();
    let mut statement = conn.prepare(
        "SELECT g.name, g.created_ms, g.retention_days,
                (SELECT coalesce(sum(length(message)), 0) FROM log_events e WHERE e.log_group = g.name)
         FROM log_groups g
         WHERE substr(g.name, 1, length(?1)) = ?1 AND g.name > ?2
         ORDER BY g.name LIMIT ?3",
    )?;
    let prefix = input.log_group_name_prefix.unwrap_or_default();
    let after = input.next_token.unwrap_or_default();
    let mut groups: Vec<serde_json::Value> = statement
        .query_map(params![prefix, after, limit + 1], |row| {
            let name: String = row.get(0)?;
            let arn = shared.arn("logs", &format!("log-group:{name}"));
            let mut group = json!({
                "logGroupName": name,
                "creationTime": row.get::<_, i64>(1)?,
                "metricFilterCount": 0,
                "arn": format!("{arn}:*"),
                "logGroupArn": arn,
                "storedBytes": row.get::<_, i64>(3)?,
                "logGroupClass": "STANDARD",
            });
            if let Some(days) = row.get::<_, Option<i64>>(2)? {
                group["retentionInDays"] = days.into();
            }
            Ok(group)
        })?
        .collect::<Result<_, _>>()?;
    let more = groups.len() > limit as usize;
    groups.truncate(limit as usize);
    let next_token = groups.last().filter(|_| more).map(|last| last["logGroupName"].clone());
    let mut json = json!({ "logGroups": groups });
    if let Some(token) = next_token {
        json["nextToken"] = token;
    }
    Ok(json)
}
