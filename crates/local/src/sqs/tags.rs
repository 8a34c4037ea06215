//! Cost allocation tags: TagQueue, UntagQueue, ListQueueTags.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::json;

use super::error::{SqsError, SqsResult};
use super::names::queue_from_url;
use super::{required, store};
use crate::shared::Shared;

/// SQS's limit on tags per queue.
const MAX_TAGS: i64 = 50;

/// Adds (or replaces) tags of `queue`, within SQS's limits. Wording as moto
/// gives it; not seen recorded from AWS.
pub(super) fn add(conn: &Connection, queue: &str, tags: &BTreeMap<String, String>) -> SqsResult<()> {
    if tags.keys().any(|key| key.is_empty() || key.chars().count() > 128) {
        return Err(SqsError::invalid("Tag keys must be between 1 and 128 characters in length."));
    }
    if tags.values().any(|value| value.chars().count() > 256) {
        return Err(SqsError::invalid("Tag values must be at most 256 characters in length."));
    }
    let mut insert =
        conn.prepare_cached("INSERT OR REPLACE INTO sqs_queue_tags (queue, key, value) VALUES (?1, ?2, ?3)")?;
    for (key, value) in tags {
        insert.execute(params![queue, key, value])?;
    }
    let count: i64 =
        conn.query_row("SELECT COUNT(*) FROM sqs_queue_tags WHERE queue = ?1", [queue], |row| row.get(0))?;
    if count > MAX_TAGS {
        return Err(SqsError::invalid(format!("Too many tags added for queue {queue}.")));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct TagInput {
    queue_url: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

pub(super) fn tag(shared: &Shared, input: TagInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let tags = required(&input.tags, "Tags")?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    store::require(&tx, &name)?;
    add(&tx, &name, tags)?;
    tx.commit()?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UntagInput {
    queue_url: Option<String>,
    tag_keys: Option<Vec<String>>,
}

pub(super) fn untag(shared: &Shared, input: UntagInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let keys = required(&input.tag_keys, "TagKeys")?;
    let conn = shared.store.conn();
    store::require(&conn, &name)?;
    let mut delete = conn.prepare_cached("DELETE FROM sqs_queue_tags WHERE queue = ?1 AND key = ?2")?;
    for key in keys {
        delete.execute(params![name, key])?;
    }
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    queue_url: Option<String>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let conn = shared.store.conn();
    store::require(&conn, &name)?;
    let tags: serde_json::Map<String, serde_json::Value> = conn
        .prepare_cached("SELECT key, value FROM sqs_queue_tags WHERE queue = ?1 ORDER BY key")?
        .query_map([&name], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?.into())))?
        .collect::<Result<_, _>>()?;
    Ok(if tags.is_empty() { json!({}) } else { json!({ "Tags": tags }) })
}
