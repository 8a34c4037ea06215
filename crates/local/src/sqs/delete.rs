//! Deleting messages: DeleteMessage, DeleteMessageBatch.

use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::json;

use super::error::{ErrorKind, SqsResult};
use super::names::{message_of_handle, queue_from_url};
use super::{batch, required, store};
use crate::shared::Shared;

/// Deletes the message `handle` was issued for. Any handle the message was
/// received with will do, and deleting a message already gone succeeds: SQS
/// standard queues behave so, and a consumer whose visibility timeout ran
/// out must still be able to finish its work.
fn delete_one(conn: &Connection, queue: &str, handle: &str) -> SqsResult<()> {
    let message_id = message_of_handle(queue, handle)?;
    let deleted = conn
        .prepare_cached("DELETE FROM sqs_messages WHERE queue = ?1 AND id = ?2")?
        .execute(params![queue, message_id])?;
    tracing::debug!(%queue, %message_id, deleted, "message deleted");
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeleteInput {
    queue_url: Option<String>,
    receipt_handle: Option<String>,
}

pub(super) fn delete(shared: &Shared, input: DeleteInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let handle = required(&input.receipt_handle, "ReceiptHandle")?;
    let conn = shared.store.conn();
    store::require(&conn, &name)?;
    delete_one(&conn, &name, handle)?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchEntry {
    id: Option<String>,
    receipt_handle: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct BatchInput {
    queue_url: Option<String>,
    entries: Option<Vec<BatchEntry>>,
}

pub(super) fn delete_batch(shared: &Shared, input: BatchInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let mut conn = shared.store.conn();
    store::require(&conn, &name)?;
    let entries = input.entries.unwrap_or_default();
    batch::check_ids(entries.iter().map(|e| e.id.as_deref()), "DeleteMessageBatchRequestEntry")?;
    let tx = conn.transaction()?;
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for entry in &entries {
        let id = entry.id.as_deref().unwrap_or_default();
        match required(&entry.receipt_handle, "ReceiptHandle").and_then(|handle| delete_one(&tx, &name, handle)) {
            Ok(()) => successful.push(json!({ "Id": id })),
            Err(error) if error.kind == ErrorKind::Internal => return Err(error),
            Err(error) => failed.push(batch::failed(id, &error)),
        }
    }
    tx.commit()?;
    Ok(json!({ "Successful": successful, "Failed": failed }))
}
