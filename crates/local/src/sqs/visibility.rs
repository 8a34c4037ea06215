//! Visibility: ChangeMessageVisibility, ChangeMessageVisibilityBatch.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::json;

use super::error::{ErrorKind, SqsError, SqsResult};
use super::names::{message_of_handle, queue_from_url};
use super::store::{self, Queue};
use super::{batch, required, wake};
use crate::shared::Shared;

/// The longest visibility timeout, and the longest a message can stay in
/// flight from the receive that took it, in seconds.
pub const MAX_VISIBILITY_SECONDS: i64 = 43_200;

/// Checks a `VisibilityTimeout` a request gives.
pub fn check_timeout(timeout: i64) -> SqsResult<()> {
    if !(0..=MAX_VISIBILITY_SECONDS).contains(&timeout) {
        return Err(SqsError::invalid_value(timeout, "VisibilityTimeout", "Must be between 0 and 43200, if provided."));
    }
    Ok(())
}

/// Changes the visibility timeout of the message `handle` was issued for;
/// returns whether the message became visible (so waiting receives should
/// look again).
fn change_one(conn: &Connection, shared: &Shared, queue: &Queue, handle: &str, timeout: i64) -> SqsResult<bool> {
    check_timeout(timeout)?;
    let message_id = message_of_handle(&queue.name, handle)?;
    let now = shared.clock.now_ms();
    let row: Option<(Option<String>, i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT receipt_handle, visible_ms, last_receive_ms FROM sqs_messages
             WHERE queue = ?1 AND id = ?2 AND sent_ms > ?3",
        )?
        .query_row(params![queue.name, message_id, queue.expired_before(now)], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    // Only the latest receive's handle may change a message's visibility.
    // AWS's words, as LocalStack records them.
    let Some((_, visible_ms, last_receive_ms)) = row.filter(|(latest, ..)| latest.as_deref() == Some(handle)) else {
        return Err(SqsError::invalid_value(
            handle,
            "ReceiptHandle",
            "Message does not exist or is not available for visibility timeout change.",
        ));
    };
    if visible_ms <= now {
        // No longer in flight: AWS answers 200 and nothing changes
        // (LocalStack's test_change_message_visibility_after_visibility_timeout_expiration).
        return Ok(false);
    }
    if now + timeout * 1000 - last_receive_ms.unwrap_or(now) > MAX_VISIBILITY_SECONDS * 1000 {
        // moto's wording.
        return Err(SqsError::invalid_value(
            timeout,
            "VisibilityTimeout",
            "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
        ));
    }
    conn.prepare_cached("UPDATE sqs_messages SET visible_ms = ?3 WHERE queue = ?1 AND id = ?2")?.execute(params![
        queue.name,
        message_id,
        now + timeout * 1000
    ])?;
    Ok(timeout == 0)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ChangeInput {
    queue_url: Option<String>,
    receipt_handle: Option<String>,
    visibility_timeout: Option<i64>,
}

pub(super) fn change(shared: &Shared, input: ChangeInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let handle = required(&input.receipt_handle, "ReceiptHandle")?;
    let timeout = *required(&input.visibility_timeout, "VisibilityTimeout")?;
    let conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    let visible = change_one(&conn, shared, &queue, handle, timeout)?;
    drop(conn);
    if visible {
        wake::notify(shared, &name);
    }
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchEntry {
    id: Option<String>,
    receipt_handle: Option<String>,
    visibility_timeout: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct BatchInput {
    queue_url: Option<String>,
    entries: Option<Vec<BatchEntry>>,
}

pub(super) fn change_batch(shared: &Shared, input: BatchInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let mut conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    let entries = input.entries.unwrap_or_default();
    batch::check_ids(entries.iter().map(|e| e.id.as_deref()), "ChangeMessageVisibilityBatchRequestEntry")?;
    let tx = conn.transaction()?;
    let (mut successful, mut failed, mut any_visible) = (Vec::new(), Vec::new(), false);
    for entry in &entries {
        let id = entry.id.as_deref().unwrap_or_default();
        let changed = required(&entry.receipt_handle, "ReceiptHandle").and_then(|handle| {
            let timeout = *required(&entry.visibility_timeout, "VisibilityTimeout")?;
            change_one(&tx, shared, &queue, handle, timeout)
        });
        match changed {
            Ok(visible) => {
                any_visible |= visible;
                successful.push(json!({ "Id": id }));
            }
            Err(error) if error.kind == ErrorKind::Internal => return Err(error),
            Err(error) => failed.push(batch::failed(id, &error)),
        }
    }
    tx.commit()?;
    drop(conn);
    if any_visible {
        wake::notify(shared, &name);
    }
    Ok(json!({ "Successful": successful, "Failed": failed }))
}
