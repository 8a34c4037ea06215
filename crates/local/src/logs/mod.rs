//! The local CloudWatch Logs: the `Logs_20140328.*` operations of the AWS
//! JSON 1.1 protocol, over the SQLite store.
//!
//! One module per group of operations: [`groups`] (log groups), [`retention`]
//! (retention policies and their enforcement), [`streams`] (log streams),
//! [`put_events`], [`get_events`] and [`filter`] (FilterLogEvents), with the
//! filter pattern language in [`filter_pattern`].
//!
//! Where no recording of real AWS exists, behaviour follows the botocore
//! model and AWS's API reference; each such choice says so where it is made.

mod event_key;
mod filter;
pub mod filter_pattern;
mod get_events;
mod groups;
mod put_events;
mod retention;
mod streams;
#[cfg(test)]
mod test_support;

pub use filter_pattern::{FilterPattern, PatternError};

use rusqlite::params;
use serde_json::Value;

use crate::protocol::{AwsError, OpResult, parse_input};
use crate::shared::Shared;

/// The `X-Amz-Target` prefix of CloudWatch Logs operations.
pub const TARGET_PREFIX: &str = "Logs_20140328";

/// Runs one operation.
pub fn handle(shared: &Shared, operation: &str, body: &[u8]) -> OpResult {
    match operation {
        "CreateLogGroup" => groups::create(shared, parse_input(body)?),
        "DescribeLogGroups" => groups::describe(shared, parse_input(body)?),
        "DeleteLogGroup" => groups::delete(shared, parse_input(body)?),
        "PutRetentionPolicy" => retention::put(shared, parse_input(body)?),
        "DeleteRetentionPolicy" => retention::delete(shared, parse_input(body)?),
        "CreateLogStream" => streams::create(shared, parse_input(body)?),
        "DescribeLogStreams" => streams::describe(shared, parse_input(body)?),
        "DeleteLogStream" => streams::delete(shared, parse_input(body)?),
        "PutLogEvents" => put_events::put_log_events(shared, parse_input(body)?),
        "GetLogEvents" => get_events::get_log_events(shared, parse_input(body)?),
        "FilterLogEvents" => filter::filter_log_events(shared, parse_input(body)?),
        _ => Err(AwsError::unknown_operation(&format!("{TARGET_PREFIX}.{operation}"))),
    }
}

/// Appends records to a log stream, creating its group and stream on first
/// use (as vended log deliveries do).
pub fn append(
    conn: &rusqlite::Connection,
    group: &str,
    stream: &str,
    now_ms: i64,
    messages: &[(i64, String)],
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO log_groups (name, created_ms) VALUES (?1, ?2)")?
        .execute(params![group, now_ms])?;
    conn.prepare_cached("INSERT OR IGNORE INTO log_streams (log_group, name, created_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![group, stream, now_ms])?;
    insert_events(conn, group, stream, now_ms, messages.iter().map(|(at, message)| (*at, message.as_str())))
}

/// Stores events (timestamp, message) in an existing stream, ingested at `ingestion_ms`.
fn insert_events<'m>(
    conn: &rusqlite::Connection,
    group: &str,
    stream: &str,
    ingestion_ms: i64,
    events: impl IntoIterator<Item = (i64, &'m str)>,
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO log_events (log_group, log_stream, timestamp_ms, ingestion_ms, message) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut key =
        conn.prepare_cached("INSERT OR IGNORE INTO log_event_keys (log_group, event_key, seq) VALUES (?1, ?2, ?3)")?;
    for (timestamp_ms, message) in events {
        insert.execute(params![group, stream, timestamp_ms, ingestion_ms, message])?;
        if let Some(event_id) = event_key::event_id_of(message) {
            key.execute(params![group, event_id, conn.last_insert_rowid()])?;
        }
    }
    Ok(())
}

/// `The specified log group does not exist.`
fn no_such_group() -> AwsError {
    AwsError::not_found("The specified log group does not exist.")
}

/// `The specified log stream does not exist.`
fn no_such_stream() -> AwsError {
    AwsError::not_found("The specified log stream does not exist.")
}

/// CloudWatch Logs reports every bad parameter, model constraints included,
/// as `InvalidParameterException` (recorded: a `limit` of 10001 gives
/// `InvalidParameterException` with the "1 validation error detected" text),
/// where most services say `ValidationException`.
fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterException", message)
}

/// AWS's one-constraint wording, as an `InvalidParameterException`.
fn constraint(value: &str, field: &str, rule: &str) -> AwsError {
    invalid(format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {rule}"))
}

/// A required member left out.
fn missing(field: &str) -> AwsError {
    invalid(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

/// The value of a required member, or AWS's error naming it.
fn required<'a, T>(value: &'a Option<T>, field: &str) -> Result<&'a T, AwsError> {
    value.as_ref().ok_or_else(|| missing(field))
}

/// `The specified nextToken is invalid.` (recorded for GetLogEvents and
/// FilterLogEvents).
fn invalid_token() -> AwsError {
    invalid("The specified nextToken is invalid.")
}

/// An integer member checked against the model's `min`/`max`.
fn check_range(value: Option<i64>, field: &str, min: i64, max: Option<i64>) -> Result<(), AwsError> {
    match value {
        Some(n) if n < min => {
            Err(constraint(&n.to_string(), field, &format!("Member must have value greater than or equal to {min}")))
        }
        Some(n) if max.is_some_and(|max| n > max) => Err(constraint(
            &n.to_string(),
            field,
            &format!("Member must have value less than or equal to {}", max.unwrap_or_default()),
        )),
        _ => Ok(()),
    }
}

/// Why a log group or stream name is refused (recorded: a name over 512
/// characters gives this message, not the model's length constraint).
const NAME_TOO_LONG: &str = "Invalid LogGroup or LogStream, both must have length less than or equal to 512.";

/// Checks a log group name against the model: `[\.\-_/#A-Za-z0-9]+`, 1 to 512.
fn check_group_name(name: &str, field: &str) -> Result<(), AwsError> {
    if name.len() > 512 {
        return Err(invalid(NAME_TOO_LONG));
    }
    if name.is_empty() {
        return Err(constraint(name, field, "Member must have length greater than or equal to 1"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#');
    if !name.chars().all(allowed) {
        return Err(constraint(name, field, "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"));
    }
    Ok(())
}

/// Checks a log stream name against the model: `[^:*]*`, 1 to 512.
fn check_stream_name(name: &str, field: &str) -> Result<(), AwsError> {
    if name.chars().count() > 512 {
        return Err(invalid(NAME_TOO_LONG));
    }
    if name.is_empty() {
        return Err(constraint(name, field, "Member must have length greater than or equal to 1"));
    }
    if name.contains([':', '*']) {
        return Err(constraint(name, field, "Member must satisfy regular expression pattern: [^:*]*"));
    }
    Ok(())
}

/// The log group an operation names, by `logGroupName` or by
/// `logGroupIdentifier` (a name or an ARN, with or without the `:*` that
/// DescribeLogGroups' `arn` carries).
fn group_from(name: Option<&str>, identifier: Option<&str>) -> Result<String, AwsError> {
    match (name, identifier) {
        (Some(name), None) => {
            check_group_name(name, "logGroupName")?;
            Ok(name.to_owned())
        }
        (None, Some(identifier)) => {
            let name = identifier.rsplit_once(":log-group:").map_or(identifier, |(_, name)| name);
            Ok(name.strip_suffix(":*").unwrap_or(name).to_owned())
        }
        // Recorded for DescribeLogStreams (a ValidationException, unlike the
        // other parameter errors); the other operations are taken to share it.
        (Some(_), Some(_)) => {
            Err(AwsError::validation("LogGroup name and LogGroup ARN are mutually exclusive parameters."))
        }
        // Not recorded; worded after the API reference's rule.
        (None, None) => Err(invalid("Either LogGroupName or LogGroupIdentifier must be specified.")),
    }
}

/// A JSON object with the members whose value is not `None`.
fn object(members: impl IntoIterator<Item = (&'static str, Option<Value>)>) -> Value {
    Value::Object(members.into_iter().filter_map(|(key, value)| value.map(|v| (key.to_owned(), v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_identifiers_may_be_names_or_arns() {
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders";
        assert_eq!(group_from(None, Some(arn)).expect("arn"), "/app/orders");
        assert_eq!(group_from(None, Some(&format!("{arn}:*"))).expect("arn with :*"), "/app/orders");
        assert_eq!(group_from(None, Some("/app/orders")).expect("name"), "/app/orders");
        let both = group_from(Some("a"), Some("a")).expect_err("both");
        assert_eq!(both.code, "ValidationException");
        assert_eq!(both.message, "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        assert_eq!(group_from(None, None).expect_err("neither").code, "InvalidParameterException");
    }

    #[test]
    fn names_are_checked_as_aws_does() {
        assert!(check_group_name("/aws/lambda/fn-1_#x", "logGroupName").is_ok());
        let long = check_group_name(&"a".repeat(513), "logGroupName").expect_err("long");
        assert_eq!(long.message, NAME_TOO_LONG);
        let bad = check_group_name("a b", "logGroupName").expect_err("space");
        assert_eq!(
            bad.message,
            "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
        );
        assert!(check_stream_name("2026/11/22/[$LATEST]abc", "logStreamName").is_ok());
        assert_eq!(check_stream_name("a:b", "logStreamName").expect_err("colon").code, "InvalidParameterException");
        assert_eq!(check_stream_name(&"s".repeat(513), "logStreamName").expect_err("long").message, NAME_TOO_LONG);
    }

    #[test]
    fn ranges_use_the_model_wording() {
        assert!(check_range(Some(10_000), "limit", 1, Some(10_000)).is_ok());
        assert_eq!(
            check_range(Some(10_001), "limit", 1, Some(10_000)).expect_err("too big").message,
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 10000"
        );
        assert_eq!(
            check_range(Some(0), "limit", 1, None).expect_err("too small").message,
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: \
             Member must have value greater than or equal to 1"
        );
    }
}
