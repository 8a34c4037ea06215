//! Queues: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue.

use std::collections::BTreeMap;

use rusqlite::params;
use serde::Deserialize;
use serde_json::json;

use super::attributes::{Change, QueueAttributes, check};
use super::error::{ErrorKind, SqsError, SqsResult};
use super::names::{check_queue_name, fifo_unsupported, queue_from_url, queue_url};
use super::wire::Caller;
use super::{base64, required, store, tags, wake};
use crate::shared::Shared;

/// ListQueues' largest page, and its page size when `MaxResults` is not given.
const MAX_LIST: i64 = 1000;
/// PurgeQueue may run once per queue in this many milliseconds.
const PURGE_INTERVAL_MS: i64 = 60_000;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateInput {
    queue_name: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
    // The only lower-case member of SQS's model.
    #[serde(rename = "tags")]
    tags: Option<BTreeMap<String, String>>,
}

pub(super) fn create(shared: &Shared, caller: &Caller, input: CreateInput) -> SqsResult {
    let name = required(&input.queue_name, "QueueName")?;
    let requested = input.attributes.unwrap_or_default();
    if requested.get("FifoQueue").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(fifo_unsupported());
    }
    check_queue_name(name)?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let changes = check(&tx, shared, &requested, true)?;
    if let Some(existing) = store::find(&tx, name)? {
        // Creating an existing queue is fine as long as nothing asked for differs.
        for (attribute, change) in &changes {
            let differs = match change {
                Change::Set(value) => existing.attributes.get(attribute) != Some(value.as_str()),
                Change::Remove => existing.attributes.get(attribute).is_some(),
                Change::Ignore => false,
            };
            if differs {
                // Recorded from AWS by LocalStack (test_create_queue_with_different_attributes_raises_exception).
                return Err(SqsError::new(
                    ErrorKind::QueueNameExists,
                    format!(
                        "A queue already exists with the same name and a different value for attribute {attribute}"
                    ),
                ));
            }
        }
        return Ok(json!({ "QueueUrl": queue_url(shared, caller, name) }));
    }
    let mut attributes = QueueAttributes::default();
    attributes.apply(&changes);
    let now = shared.clock.now_ms();
    tx.execute(
        "INSERT INTO sqs_queues (name, attributes, created_ms, modified_ms) VALUES (?1, ?2, ?3, ?3)",
        params![name, attributes.to_json(), now],
    )?;
    if let Some(requested_tags) = &input.tags {
        tags::add(&tx, name, requested_tags)?;
    }
    tx.commit()?;
    tracing::debug!(queue = %name, "queue created");
    Ok(json!({ "QueueUrl": queue_url(shared, caller, name) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetUrlInput {
    queue_name: Option<String>,
    #[serde(rename = "QueueOwnerAWSAccountId")]
    owner: Option<String>,
}

pub(super) fn get_url(shared: &Shared, caller: &Caller, input: GetUrlInput) -> SqsResult {
    let name = required(&input.queue_name, "QueueName")?;
    if input.owner.as_deref().is_some_and(|owner| owner != shared.account_id) {
        return Err(SqsError::no_such_queue());
    }
    store::require(&shared.store.conn(), name)?;
    Ok(json!({ "QueueUrl": queue_url(shared, caller, name) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    queue_name_prefix: Option<String>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

pub(super) fn list(shared: &Shared, caller: &Caller, input: ListInput) -> SqsResult {
    if let Some(max) = input.max_results
        && !(1..=MAX_LIST).contains(&max)
    {
        return Err(SqsError::invalid_value(max, "MaxResults", "MaxResults must be an integer between 1 and 1000."));
    }
    // The token is the last name of the previous page, opaque to callers.
    let after = match &input.next_token {
        None => String::new(),
        Some(token) => base64::decode(token)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| SqsError::invalid("Invalid NextToken value."))?,
    };
    let limit = input.max_results.unwrap_or(MAX_LIST);
    let conn = shared.store.conn();
    let mut names: Vec<String> = conn
        .prepare_cached(
            "SELECT name FROM sqs_queues
             WHERE substr(name, 1, length(?1)) = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
        )?
        .query_map(params![input.queue_name_prefix.unwrap_or_default(), after, limit + 1], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let more = names.len() as i64 > limit;
    names.truncate(limit as usize);
    let mut result = json!({});
    if !names.is_empty() {
        result["QueueUrls"] = names.iter().map(|name| queue_url(shared, caller, name)).collect();
    }
    if more
        && input.max_results.is_some()
        && let Some(last) = names.last()
    {
        result["NextToken"] = base64::encode(last.as_bytes()).into();
    }
    Ok(result)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct QueueInput {
    queue_url: Option<String>,
}

pub(super) fn delete(shared: &Shared, input: QueueInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let conn = shared.store.conn();
    store::require(&conn, &name)?;
    // Messages and tags go with it (ON DELETE CASCADE).
    conn.execute("DELETE FROM sqs_queues WHERE name = ?1", [&name])?;
    drop(conn);
    wake::notify(shared, &name);
    tracing::debug!(queue = %name, "queue deleted");
    Ok(json!({}))
}

pub(super) fn purge(shared: &Shared, input: QueueInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    let now = shared.clock.now_ms();
    if queue.last_purge_ms.is_some_and(|last| now - last < PURGE_INTERVAL_MS) {
        // Recorded from AWS by LocalStack (test_successive_purge_calls_fail).
        return Err(SqsError::new(
            ErrorKind::PurgeQueueInProgress,
            format!("Only one PurgeQueue operation on {name} is allowed every 60 seconds."),
        ));
    }
    let deleted = conn.execute("DELETE FROM sqs_messages WHERE queue = ?1", [&name])?;
    conn.execute("UPDATE sqs_queues SET last_purge_ms = ?2 WHERE name = ?1", params![name, now])?;
    tracing::debug!(queue = %name, deleted, "queue purged");
    Ok(json!({}))
}
