//! The local CloudWatch Logs: the `Logs_20140328.*` operations of the AWS
//! JSON 1.1 protocol that bus logs need, over the SQLite store.

mod filter;
mod groups;

pub use filter::FilterPattern;

use rusqlite::params;

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
    let mut insert = conn.prepare_cached(
        "INSERT INTO log_events (log_group, log_stream, timestamp_ms, ingestion_ms, message) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (timestamp_ms, message) in messages {
        insert.execute(params![group, stream, timestamp_ms, now_ms, message])?;
    }
    Ok(())
}

/// `The specified log group does not exist.`
fn no_such_group() -> AwsError {
    AwsError::not_found("The specified log group does not exist.")
}
