//! Queues and messages in SQLite (tables `sqs_queues`, `sqs_queue_tags`,
//! `sqs_messages`; see `store/schema.rs`).
//!
//! A message's state is two numbers: `visible_ms`, when it can next be
//! received, and `receive_count`. Visible: `visible_ms <= now`. Delayed: not
//! visible and never received. In flight: not visible and received. A message
//! older than the queue's retention period is expired: never counted or
//! received, and deleted when its queue is next received from.

use rusqlite::{Connection, OptionalExtension, params};

use super::attributes::QueueAttributes;
use super::error::{SqsError, SqsResult};

/// A queue as stored.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Its name.
    pub name: String,
    /// Its settable attributes.
    pub attributes: QueueAttributes,
    /// When it was created (epoch ms).
    pub created_ms: i64,
    /// When its attributes last changed (epoch ms).
    pub modified_ms: i64,
    /// When it was last purged (epoch ms), for PurgeQueue's 60-second rule.
    pub last_purge_ms: Option<i64>,
}

impl Queue {
    /// Messages sent at or before this time have outlived the retention period.
    pub fn expired_before(&self, now_ms: i64) -> i64 {
        now_ms - self.attributes.retention_seconds() * 1000
    }
}

/// The SQL expression of a message's body, over `sqs_messages`: `body`, or
/// the event it refers to (`body_event`), which is kept once for all the
/// queues it was delivered to rather than copied into each.
pub const BODY_SQL: &str = "CASE WHEN body_event IS NULL THEN body
     ELSE (SELECT event_json FROM events WHERE events.seq = sqs_messages.body_event) END";

/// Reads one queue, if it exists.
pub fn find(conn: &Connection, name: &str) -> rusqlite::Result<Option<Queue>> {
    conn.prepare_cached(
        "SELECT name, attributes, created_ms, modified_ms, last_purge_ms FROM sqs_queues WHERE name = ?1",
    )?
    .query_row([name], |row| {
        Ok(Queue {
            name: row.get(0)?,
            attributes: QueueAttributes::from_json(&row.get::<_, String>(1)?),
            created_ms: row.get(2)?,
            modified_ms: row.get(3)?,
            last_purge_ms: row.get(4)?,
        })
    })
    .optional()
}

/// Reads one queue, or `QueueDoesNotExist`.
pub fn require(conn: &Connection, name: &str) -> SqsResult<Queue> {
    find(conn, name)?.ok_or_else(SqsError::no_such_queue)
}

/// How many messages of a queue are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// `ApproximateNumberOfMessages`: visible, waiting to be received.
    pub visible: i64,
    /// `ApproximateNumberOfMessagesNotVisible`: received, not deleted, in their visibility timeout.
    pub in_flight: i64,
    /// `ApproximateNumberOfMessagesDelayed`: sent with a delay that has not passed.
    pub delayed: i64,
}

/// Counts a queue's unexpired messages by state at `now_ms`.
pub fn counts(conn: &Connection, queue: &Queue, now_ms: i64) -> rusqlite::Result<Counts> {
    conn.prepare_cached(
        "SELECT
            COALESCE(SUM(visible_ms <= ?2), 0),
            COALESCE(SUM(visible_ms > ?2 AND receive_count > 0), 0),
            COALESCE(SUM(visible_ms > ?2 AND receive_count = 0), 0)
         FROM sqs_messages WHERE queue = ?1 AND sent_ms > ?3",
    )?
    .query_row(params![queue.name, now_ms, queue.expired_before(now_ms)], |row| {
        Ok(Counts { visible: row.get(0)?, in_flight: row.get(1)?, delayed: row.get(2)? })
    })
}

/// Deletes a queue's messages that outlived its retention period.
pub fn delete_expired(conn: &Connection, queue: &Queue, now_ms: i64) -> rusqlite::Result<usize> {
    let deleted = conn
        .prepare_cached("DELETE FROM sqs_messages WHERE queue = ?1 AND sent_ms <= ?2")?
        .execute(params![queue.name, queue.expired_before(now_ms)])?;
    if deleted > 0 {
        tracing::debug!(queue = %queue.name, deleted, "expired messages deleted");
    }
    Ok(deleted)
}
