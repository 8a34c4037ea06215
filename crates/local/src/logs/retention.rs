//! Retention: PutRetentionPolicy, DeleteRetentionPolicy, and the rule that
//! events older than a group's retention are neither returned nor kept.
//!
//! AWS deletes expired events some hours after they expire; the local system
//! deletes them lazily, whenever a read or a write touches their group, so a
//! read never returns an expired event and the clock of [`Shared`] alone
//! decides what has expired.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::json;

use super::{check_group_name, constraint, no_such_group, required};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

/// The retention periods AWS accepts, in days (the `Days` shape's
/// documentation; the model itself has no enum).
pub(super) const VALID_DAYS: [i64; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// A day in milliseconds.
pub(super) const DAY_MS: i64 = 86_400_000;

/// The oldest timestamp a group with `days` of retention keeps at `now_ms`.
pub(super) fn cutoff(now_ms: i64, days: i64) -> i64 {
    now_ms.saturating_sub(days.saturating_mul(DAY_MS))
}

/// Looks a group up and deletes its expired events; returns the group's
/// retention in days, or the error AWS gives for a missing group.
pub(super) fn open_group(conn: &Connection, group: &str, now_ms: i64) -> Result<Option<i64>, AwsError> {
    let retention: Option<Option<i64>> = conn
        .prepare_cached("SELECT retention_days FROM log_groups WHERE name = ?1")?
        .query_row([group], |row| row.get(0))
        .optional()?;
    let Some(retention) = retention else {
        return Err(no_such_group());
    };
    if let Some(days) = retention {
        expire(conn, group, cutoff(now_ms, days))?;
    }
    Ok(retention)
}

/// Deletes the expired events of every group that has a retention policy.
pub(super) fn expire_all(conn: &Connection, now_ms: i64) -> rusqlite::Result<()> {
    let groups: Vec<(String, i64)> = conn
        .prepare_cached("SELECT name, retention_days FROM log_groups WHERE retention_days IS NOT NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (group, days) in groups {
        expire(conn, &group, cutoff(now_ms, days))?;
    }
    Ok(())
}

fn expire(conn: &Connection, group: &str, oldest_kept_ms: i64) -> rusqlite::Result<()> {
    let deleted = conn
        .prepare_cached("DELETE FROM log_events WHERE log_group = ?1 AND timestamp_ms < ?2")?
        .execute(params![group, oldest_kept_ms])?;
    if deleted > 0 {
        tracing::debug!(group, deleted, "expired log events deleted");
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PutInput {
    log_group_name: Option<String>,
    retention_in_days: Option<i64>,
}

pub(super) fn put(shared: &Shared, input: PutInput) -> OpResult {
    let group = required(&input.log_group_name, "logGroupName")?;
    check_group_name(group, "logGroupName")?;
    let days = *required(&input.retention_in_days, "retentionInDays")?;
    if !VALID_DAYS.contains(&days) {
        // The wording of AWS's enum constraint (as other AWS-compatible
        // servers reproduce it; no recording of real AWS is at hand).
        let set = VALID_DAYS.map(|d| d.to_string()).join(", ");
        return Err(constraint(
            &days.to_string(),
            "retentionInDays",
            &format!("Member must satisfy enum value set: [{set}]"),
        ));
    }
    let conn = shared.store.conn();
    if conn.execute("UPDATE log_groups SET retention_days = ?1 WHERE name = ?2", params![days, group])? == 0 {
        return Err(no_such_group());
    }
    expire(&conn, group, cutoff(shared.clock.now_ms(), days))?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeleteInput {
    log_group_name: Option<String>,
}

pub(super) fn delete(shared: &Shared, input: DeleteInput) -> OpResult {
    let group = required(&input.log_group_name, "logGroupName")?;
    check_group_name(group, "logGroupName")?;
    let conn = shared.store.conn();
    if conn.execute("UPDATE log_groups SET retention_days = NULL WHERE name = ?1", [group])? == 0 {
        return Err(no_such_group());
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{NOW, System};
    use super::*;

    #[test]
    fn accepts_only_the_documented_periods() {
        let system = System::new();
        system.ok("CreateLogGroup", json!({"logGroupName": "g"}));
        for days in VALID_DAYS {
            system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": days}));
        }
        let error = system.err("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 2}));
        assert_eq!(error.code, "InvalidParameterException");
        assert_eq!(
            error.message,
            "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: \
             Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, \
             731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
        );
        let error = system.err("PutRetentionPolicy", json!({"logGroupName": "g"}));
        assert!(error.message.contains("Value null at 'retentionInDays'"), "{}", error.message);
        let error = system.err("PutRetentionPolicy", json!({"logGroupName": "nope", "retentionInDays": 1}));
        assert_eq!(error.message, "The specified log group does not exist.");
        let error = system.err("DeleteRetentionPolicy", json!({"logGroupName": "nope"}));
        assert_eq!(error.code, "ResourceNotFoundException");
    }

    #[test]
    fn describe_shows_the_policy_until_it_is_deleted() {
        let system = System::new();
        system.ok("CreateLogGroup", json!({"logGroupName": "g"}));
        system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 7}));
        let groups = system.ok("DescribeLogGroups", json!({}));
        assert_eq!(groups["logGroups"][0]["retentionInDays"], 7);
        system.ok("DeleteRetentionPolicy", json!({"logGroupName": "g"}));
        let groups = system.ok("DescribeLogGroups", json!({}));
        assert_eq!(groups["logGroups"][0].get("retentionInDays"), None);
    }

    fn messages(system: &System) -> Vec<Value> {
        let page = system.ok("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "startFromHead": true}));
        page["events"].as_array().expect("events").iter().map(|e| e["message"].clone()).collect()
    }

    #[test]
    fn expired_events_are_not_returned_and_are_deleted() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW - 2 * DAY_MS - 1, "old")]);
        system.put("g", "s", &[(NOW - DAY_MS, "recent"), (NOW, "new")]);
        system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 3}));
        assert_eq!(messages(&system), ["old", "recent", "new"]);

        // A day later, "old" is more than three days old.
        system.clock.advance(DAY_MS);
        assert_eq!(messages(&system), ["recent", "new"]);
        let filtered = system.ok("FilterLogEvents", json!({"logGroupName": "g"}));
        assert_eq!(filtered["events"].as_array().expect("events").len(), 2);
        assert_eq!(system.stored_events("g"), 2, "expired events are deleted, not only hidden");

        // Shortening the retention expires events at once.
        system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 1}));
        assert_eq!(system.stored_events("g"), 1);
        assert_eq!(messages(&system), ["new"]);
    }

    #[test]
    fn groups_without_a_policy_keep_everything() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW - 13 * DAY_MS, "old")]);
        system.clock.advance(3_650 * DAY_MS);
        assert_eq!(messages(&system), ["old"]);
        system.ok("DescribeLogGroups", json!({}));
        assert_eq!(system.stored_events("g"), 1);
    }

    #[test]
    fn describing_groups_sweeps_every_group() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW, "a")]);
        system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 1}));
        system.clock.advance(DAY_MS + 1);
        let groups = system.ok("DescribeLogGroups", json!({}));
        assert_eq!(groups["logGroups"][0]["storedBytes"], 0);
        assert_eq!(system.stored_events("g"), 0);
    }
}
