//! ReceiveMessage, with long polling.
//!
//! One look at a queue ([`receive_once`]) is a short SQLite transaction on
//! the blocking pool. A long poll repeats it, and between looks waits
//! asynchronously on the queue's `Notify` (signalled by every send, and by a
//! visibility timeout set to 0), or until the earliest delayed or in-flight
//! message is due; so a waiting client holds no thread, and a message sent
//! while it waits is returned at once.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::{SqsError, SqsResult};
use super::message_attributes::{self as attrs};
use super::names::{queue_arn, queue_from_arn, queue_from_url, receipt_handle};
use super::store::{self, Queue};
use super::visibility::check_timeout;
use super::wire::blocking;
use super::{required, wake};
use crate::shared::Shared;

/// The longest a receive may wait for messages, in seconds.
const MAX_WAIT_SECONDS: i64 = 20;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ReceiveInput {
    queue_url: Option<String>,
    /// Deprecated by SQS for `MessageSystemAttributeNames`; both are honoured.
    attribute_names: Option<Vec<String>>,
    message_system_attribute_names: Option<Vec<String>>,
    message_attribute_names: Option<Vec<String>>,
    max_number_of_messages: Option<i64>,
    visibility_timeout: Option<i64>,
    wait_time_seconds: Option<i64>,
    /// FIFO only; standard queues ignore it, as in SQS.
    #[allow(dead_code)]
    receive_request_attempt_id: Option<String>,
}

/// A checked ReceiveMessage request.
#[derive(Debug, Clone)]
pub(super) struct Receive {
    queue: String,
    max: usize,
    visibility_timeout: Option<i64>,
    wait_seconds: Option<i64>,
    system_names: Vec<String>,
    attribute_names: Vec<String>,
}

impl Receive {
    fn read(shared: &Shared, input: ReceiveInput) -> SqsResult<Self> {
        let queue = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
        let max = input.max_number_of_messages.unwrap_or(1);
        if !(1..=10).contains(&max) {
            // Recorded from AWS by LocalStack (test_send_receive_max_number_of_messages).
            return Err(SqsError::invalid_value(max, "MaxNumberOfMessages", "Must be between 1 and 10, if provided."));
        }
        if let Some(timeout) = input.visibility_timeout {
            check_timeout(timeout)?;
        }
        if let Some(wait) = input.wait_time_seconds
            && !(0..=MAX_WAIT_SECONDS).contains(&wait)
        {
            // LocalStack's wording.
            return Err(SqsError::invalid_value(wait, "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided."));
        }
        let mut system_names = input.message_system_attribute_names.unwrap_or_default();
        system_names.extend(input.attribute_names.unwrap_or_default());
        Ok(Self {
            queue,
            max: max as usize,
            visibility_timeout: input.visibility_timeout,
            wait_seconds: input.wait_time_seconds,
            system_names,
            attribute_names: input.message_attribute_names.unwrap_or_default(),
        })
    }

    fn wants(&self, system_attribute: &str) -> bool {
        self.system_names.iter().any(|name| name == "All" || name == system_attribute)
    }
}

/// The outcome of one look at a queue.
#[derive(Debug)]
pub(super) struct Attempt {
    /// The messages received, as ReceiveMessage returns them.
    pub messages: Vec<Value>,
    /// The queue's `ReceiveMessageWaitTimeSeconds`.
    pub queue_wait_seconds: i64,
    /// When the next delayed or in-flight message becomes visible, if none was received.
    pub next_visible_ms: Option<i64>,
}

/// A message as read for receiving.
struct Row {
    seq: i64,
    id: String,
    body: String,
    md5_body: String,
    message_attributes: Option<String>,
    system_attributes: Option<String>,
    sender_id: String,
    sent_ms: i64,
    receive_count: i64,
    first_receive_ms: Option<i64>,
}

/// The dead-letter queue messages of `queue` move to, and after how many receives.
fn dead_letter_queue(conn: &Connection, shared: &Shared, queue: &Queue) -> rusqlite::Result<Option<(String, i64)>> {
    let Some(redrive) = queue.attributes.redrive() else { return Ok(None) };
    let Some(name) = queue_from_arn(shared, &redrive.dead_letter_target_arn).filter(|name| *name != queue.name) else {
        return Ok(None);
    };
    // A dead-letter queue deleted since: messages stay where they are.
    Ok(store::find(conn, &name)?.map(|dlq| (dlq.name, redrive.max_receive_count)))
}

/// Receives what is visible now, moving messages received too often to the
/// dead-letter queue on the way, as SQS does.
pub(super) fn receive_once(shared: &Shared, request: &Receive) -> SqsResult<Attempt> {
    let now = shared.clock.now_ms();
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let queue = store::require(&tx, &request.queue)?;
    store::delete_expired(&tx, &queue, now)?;
    let visibility = request.visibility_timeout.unwrap_or_else(|| queue.attributes.visibility_timeout());
    let dead_letter = dead_letter_queue(&tx, shared, &queue)?;
    let mut messages = Vec::new();
    let mut moved = 0;
    let mut after_seq = 0;
    while messages.len() < request.max {
        let rows = visible_rows(&tx, &queue.name, now, after_seq, request.max - messages.len())?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            after_seq = row.seq;
            if let Some((dlq, max_receives)) = &dead_letter
                && row.receive_count >= *max_receives
            {
                move_to_dead_letter_queue(&tx, shared, &queue, dlq, &row, now)?;
                moved += 1;
                continue;
            }
            let handle = receipt_handle(&queue.name, &row.id);
            let receive_count = row.receive_count + 1;
            let first_receive_ms = row.first_receive_ms.unwrap_or(now);
            tx.prepare_cached(
                "UPDATE sqs_messages SET receive_count = ?2, first_receive_ms = ?3, last_receive_ms = ?4,
                    visible_ms = ?5, receipt_handle = ?6
                 WHERE seq = ?1",
            )?
            .execute(params![
                row.seq,
                receive_count,
                first_receive_ms,
                now,
                now + visibility * 1000,
                handle
            ])?;
            messages.push(to_json(request, &row, &handle, receive_count, first_receive_ms));
        }
    }
    let next_visible_ms = if messages.is_empty() {
        tx.prepare_cached("SELECT MIN(visible_ms) FROM sqs_messages WHERE queue = ?1 AND visible_ms > ?2")?
            .query_row(params![queue.name, now], |row| row.get(0))
            .optional()?
            .flatten()
    } else {
        None
    };
    tx.commit()?;
    drop(conn);
    if let Some((dlq, _)) = dead_letter.filter(|_| moved > 0) {
        tracing::debug!(queue = %queue.name, %dlq, moved, "messages moved to the dead-letter queue");
        wake::notify(shared, &dlq);
    }
    Ok(Attempt { messages, queue_wait_seconds: queue.attributes.receive_wait_seconds(), next_visible_ms })
}

fn visible_rows(conn: &Connection, queue: &str, now: i64, after_seq: i64, limit: usize) -> rusqlite::Result<Vec<Row>> {
    conn.prepare_cached(&format!(
        "SELECT seq, id, {}, md5_body, message_attributes, system_attributes, sender_id, sent_ms, receive_count,
                first_receive_ms
         FROM sqs_messages WHERE queue = ?1 AND visible_ms <= ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
        store::BODY_SQL
    ))?
    .query_map(params![queue, now, after_seq, limit as i64], |row| {
        Ok(Row {
            seq: row.get(0)?,
            id: row.get(1)?,
            body: row.get(2)?,
            md5_body: row.get(3)?,
            message_attributes: row.get(4)?,
            system_attributes: row.get(5)?,
            sender_id: row.get(6)?,
            sent_ms: row.get(7)?,
            receive_count: row.get(8)?,
            first_receive_ms: row.get(9)?,
        })
    })?
    .collect()
}

/// Moves a message to the dead-letter queue, visible at once. It keeps its
/// id, sent time (retention counts from it, as in SQS) and receive count,
/// and gains `DeadLetterQueueSourceArn`.
fn move_to_dead_letter_queue(
    conn: &Connection,
    shared: &Shared,
    queue: &Queue,
    dlq: &str,
    row: &Row,
    now: i64,
) -> rusqlite::Result<()> {
    let mut system = system_attributes(row.system_attributes.as_deref());
    system.insert("DeadLetterQueueSourceArn".to_owned(), queue_arn(shared, &queue.name).into());
    conn.prepare_cached(
        "UPDATE sqs_messages SET queue = ?2, visible_ms = ?3, receipt_handle = NULL, system_attributes = ?4
         WHERE seq = ?1",
    )?
    .execute(params![row.seq, dlq, now, Value::Object(system).to_string()])?;
    Ok(())
}

fn system_attributes(json: Option<&str>) -> Map<String, Value> {
    json.and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

/// A received message as ReceiveMessage returns it, with the system and
/// message attributes the request asked for.
fn to_json(request: &Receive, row: &Row, handle: &str, receive_count: i64, first_receive_ms: i64) -> Value {
    let mut message = json!({
        "MessageId": row.id,
        "ReceiptHandle": handle,
        "MD5OfBody": row.md5_body,
        "Body": row.body,
    });
    let mut system = Map::new();
    let mut add = |name: &str, value: String| {
        if request.wants(name) {
            system.insert(name.to_owned(), value.into());
        }
    };
    add("SenderId", row.sender_id.clone());
    add("SentTimestamp", row.sent_ms.to_string());
    add("ApproximateReceiveCount", receive_count.to_string());
    add("ApproximateFirstReceiveTimestamp", first_receive_ms.to_string());
    for (name, value) in system_attributes(row.system_attributes.as_deref()) {
        if let Value::String(value) = value {
            add(&name, value);
        }
    }
    if !system.is_empty() {
        message["Attributes"] = Value::Object(system);
    }
    let all = row.message_attributes.as_deref().map(attrs::from_json).unwrap_or_default();
    let selected = attrs::select(&all, &request.attribute_names);
    if let Some(md5) = attrs::md5(&selected) {
        message["MD5OfMessageAttributes"] = md5.into();
        message["MessageAttributes"] = attrs::to_json(&selected);
    }
    message
}

/// ReceiveMessage: looks at once, then, if nothing was there and the request
/// (or the queue's `ReceiveMessageWaitTimeSeconds`) says to wait, waits for
/// a message for up to that long.
pub(super) async fn receive(shared: Arc<Shared>, input: ReceiveInput) -> SqsResult {
    let request = Receive::read(&shared, input)?;
    let started = tokio::time::Instant::now();
    let notify = wake::waiter(&shared, &request.queue);
    loop {
        // Listen before looking, so a message sent between the look and the
        // wait is not missed.
        let notified = notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let attempt = blocking({
            let (shared, request) = (shared.clone(), request.clone());
            move || receive_once(&shared, &request)
        })
        .await?;
        if !attempt.messages.is_empty() {
            return Ok(json!({ "Messages": attempt.messages }));
        }
        let wait = Duration::from_secs(request.wait_seconds.unwrap_or(attempt.queue_wait_seconds).max(0) as u64);
        let Some(mut pause) = wait.checked_sub(started.elapsed()).filter(|left| !left.is_zero()) else {
            // SQS answers an empty receive with no `Messages` at all.
            return Ok(json!({}));
        };
        if let Some(next) = attempt.next_visible_ms {
            let due_in = Duration::from_millis((next - shared.clock.now_ms()).max(1) as u64);
            pause = pause.min(due_in);
        }
        tokio::select! {
            _ = tokio::time::timeout(pause, notified) => {}
            // A stopping system answers open long polls as an empty wait's end.
            () = shared.shutdown.wait() => return Ok(json!({})),
        }
    }
}
