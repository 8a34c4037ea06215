//! Log groups: CreateLogGroup, DescribeLogGroups, DeleteLogGroup.

use rusqlite::params;
use serde::Deserialize;
use serde_json::json;

use super::{check_group_name, check_range, no_such_group, required, retention};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NamedInput {
    log_group_name: Option<String>,
}

pub(super) fn create(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.log_group_name, "logGroupName")?;
    check_group_name(name, "logGroupName")?;
    let inserted = shared.store.conn().execute(
        "INSERT OR IGNORE INTO log_groups (name, created_ms) VALUES (?1, ?2)",
        params![name, shared.clock.now_ms()],
    )?;
    if inserted == 0 {
        return Err(AwsError::already_exists("The specified log group already exists"));
    }
    Ok(json!({}))
}

/// Deletes the group with its streams and events. The schema's foreign keys
/// cascade too, but deleting explicitly keeps the result the same whatever
/// the connection's `foreign_keys` setting.
pub(super) fn delete(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.log_group_name, "logGroupName")?;
    check_group_name(name, "logGroupName")?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM log_events WHERE log_group = ?1", [name])?;
    tx.execute("DELETE FROM log_streams WHERE log_group = ?1", [name])?;
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
    check_range(input.limit, "limit", 1, Some(50))?;
    let limit = input.limit.unwrap_or(50);
    let conn = shared.store.conn();
    // storedBytes must not count what retention has expired.
    retention::expire_all(&conn, shared.clock.now_ms())?;
    let mut statement = conn.prepare(
        "SELECT g.name, g.created_ms, g.retention_days,
                (SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) FROM log_events e WHERE e.log_group = g.name)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{NOW, System};

    #[test]
    fn create_twice_is_refused_in_aws_words() {
        let system = System::new();
        system.ok("CreateLogGroup", json!({"logGroupName": "/app/orders"}));
        let error = system.err("CreateLogGroup", json!({"logGroupName": "/app/orders"}));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("ResourceAlreadyExistsException", "The specified log group already exists")
        );
        let error = system.err("CreateLogGroup", json!({}));
        assert_eq!(error.code, "InvalidParameterException");
    }

    #[test]
    fn delete_removes_streams_and_events_too() {
        let system = System::new();
        system.stream("g", "a");
        system.stream("g", "b");
        system.put("g", "a", &[(NOW, "one")]);
        system.ok("DeleteLogGroup", json!({"logGroupName": "g"}));
        let streams: i64 = system
            .shared
            .store
            .conn()
            .query_row("SELECT count(*) FROM log_streams WHERE log_group = 'g'", [], |row| row.get(0))
            .expect("count");
        assert_eq!((streams, system.stored_events("g")), (0, 0));

        // A group made again under the same name starts empty.
        system.ok("CreateLogGroup", json!({"logGroupName": "g"}));
        let described = system.ok("DescribeLogStreams", json!({"logGroupName": "g"}));
        assert_eq!(described["logStreams"], json!([]));
        let error = system.err("DeleteLogGroup", json!({"logGroupName": "nope"}));
        assert_eq!(error.message, "The specified log group does not exist.");
    }

    #[test]
    fn foreign_keys_cascade_as_the_schema_says() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW, "x")]);
        let conn = system.shared.store.conn();
        let on: i64 = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).expect("pragma");
        assert_eq!(on, 1, "the store turns foreign keys on");
        conn.execute("DELETE FROM log_groups WHERE name = 'g'", []).expect("delete");
        let left: i64 = conn
            .query_row("SELECT (SELECT count(*) FROM log_streams) + (SELECT count(*) FROM log_events)", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(left, 0);
    }

    #[test]
    fn describe_pages_and_checks_its_limit() {
        let system = System::new();
        for name in ["a", "b", "c"] {
            system.ok("CreateLogGroup", json!({"logGroupName": name}));
        }
        let page = system.ok("DescribeLogGroups", json!({"limit": 2}));
        assert_eq!(page["logGroups"].as_array().expect("groups").len(), 2);
        let rest = system.ok("DescribeLogGroups", json!({"limit": 2, "nextToken": page["nextToken"]}));
        assert_eq!(rest["logGroups"][0]["logGroupName"], "c");
        assert_eq!(rest.get("nextToken"), None);
        let error = system.err("DescribeLogGroups", json!({"limit": 51}));
        assert!(error.message.ends_with("Member must have value less than or equal to 50"), "{}", error.message);
    }
}
