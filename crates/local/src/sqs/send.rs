//! Sending: SendMessage, SendMessageBatch, and [`enqueue`], the in-crate way
//! for other engines (EventBridge targets and dead-letter queues) to put a
//! message on a queue.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ErrorKind, SqsError, SqsResult};
use super::message_attributes::{
    self as attrs, INVALID_CHARACTERS, MessageAttribute, MessageAttributes, WireAttribute,
};
use super::names::{queue_from_arn, queue_from_url};
use super::store::{self, Queue};
use super::wire::Caller;
use super::{batch, md5, required, wake};
use crate::shared::Shared;

/// SQS's limit on the messages of one SendMessageBatch together, whatever
/// the queue's `MaximumMessageSize`.
const MAX_BATCH_BYTES: usize = 1_048_576;
/// The longest delay a message can ask for.
const MAX_DELAY_SECONDS: i64 = 900;

/// A message to put on a queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// The body: text, at least one character, of the characters SQS allows.
    pub body: String,
    /// Message attributes (at most 10), e.g. the `RULE_ARN`, `ERROR_CODE`...
    /// that EventBridge adds to what it puts on a dead-letter queue.
    pub attributes: MessageAttributes,
    /// Seconds before it can be received (0 to 900); the queue's
    /// `DelaySeconds` when `None`.
    pub delay_seconds: Option<i64>,
    /// Its `SenderId`; the account id when `None`.
    pub sender_id: Option<String>,
    /// Its `AWSTraceHeader` system attribute (an X-Ray trace header).
    pub trace_header: Option<String>,
}

impl NewMessage {
    /// A message with `body` and nothing else.
    pub fn new(body: impl Into<String>) -> Self {
        Self { body: body.into(), ..Self::default() }
    }

    /// The same message with one more attribute.
    pub fn with_attribute(mut self, name: impl Into<String>, attribute: MessageAttribute) -> Self {
        self.attributes.insert(name.into(), attribute);
        self
    }

    fn system_attributes(&self) -> MessageAttributes {
        self.trace_header.iter().map(|header| ("AWSTraceHeader".to_owned(), MessageAttribute::string(header))).collect()
    }
}

/// A message accepted onto a queue, with the digests SendMessage returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `MessageId`.
    pub message_id: String,
    /// `MD5OfMessageBody`.
    pub md5_of_body: String,
    /// `MD5OfMessageAttributes`, if it has attributes.
    pub md5_of_message_attributes: Option<String>,
    /// `MD5OfMessageSystemAttributes`, if it has system attributes.
    pub md5_of_message_system_attributes: Option<String>,
}

impl Sent {
    fn to_json(&self) -> Value {
        let mut json = json!({ "MD5OfMessageBody": self.md5_of_body, "MessageId": self.message_id });
        if let Some(md5) = &self.md5_of_message_attributes {
            json["MD5OfMessageAttributes"] = md5.clone().into();
        }
        if let Some(md5) = &self.md5_of_message_system_attributes {
            json["MD5OfMessageSystemAttributes"] = md5.clone().into();
        }
        json
    }
}

/// Why [`enqueue`] did not put a message on a queue.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// No queue of this local system has that ARN.
    #[error("no SQS queue {0} in this local system")]
    NoSuchQueue(String),
    /// SQS would refuse the message (empty or too large body, bad attribute...).
    #[error("SQS refuses the message: {0}")]
    Refused(SqsError),
    /// The store failed.
    #[error("the local store failed: {0}")]
    Store(#[from] rusqlite::Error),
}

/// Puts `message` on the queue `queue_arn` (`arn:aws:sqs:<region>:<account>:<name>`)
/// and wakes receives waiting on it; returns what SendMessage would.
///
/// It writes through `conn`, which may be a `rusqlite::Transaction` of the
/// caller (a `Transaction` derefs to a `Connection`): an engine delivering
/// to a queue and recording the delivery commits both or neither. Waiting
/// receives are woken at once; they read the queue only once the caller
/// releases the store's connection, so they see the message if it was
/// committed, and wait again if it was rolled back.
///
/// How target delivery uses it (`Shared` is internal to the crate, so this is
/// an illustration; `enqueue_writes_in_the_callers_transaction` tests it):
///
/// ```text
/// let mut conn = shared.store.conn();
/// let tx = conn.transaction()?;
/// let message = NewMessage::new(event.to_string())
///     .with_attribute("RULE_ARN", MessageAttribute::string(rule_arn))
///     .with_attribute("ERROR_CODE", MessageAttribute::string("SDK_CLIENT_ERROR"));
/// let sent = sqs::enqueue(&tx, &shared, &dead_letter_arn, &message)?;
/// tx.commit()?;
/// ```
pub fn enqueue(
    conn: &Connection,
    shared: &Shared,
    queue_arn: &str,
    message: &NewMessage,
) -> Result<Sent, EnqueueError> {
    let no_queue = || EnqueueError::NoSuchQueue(queue_arn.to_owned());
    let name = queue_from_arn(shared, queue_arn).ok_or_else(no_queue)?;
    let queue = store::find(conn, &name)?.ok_or_else(no_queue)?;
    check(&queue, message).map_err(EnqueueError::Refused)?;
    let sent = insert(conn, shared, &queue, message, md5::hex(message.body.as_bytes()), None)?;
    wake::notify(shared, &name);
    Ok(sent)
}

/// Queues looked up once for many messages in one transaction: the
/// deliveries of a PutEvents request go to the same few queues, and
/// [`enqueue`] would read and parse the queue for each message.
#[derive(Debug, Default)]
pub struct QueueLookups(RefCell<Vec<(String, Option<LookedUp>)>>);

/// A queue as [`QueueLookups`] keeps it: what a plain message needs of it.
#[derive(Debug)]
struct LookedUp {
    name: String,
    /// `DelaySeconds`, in milliseconds.
    delay_ms: i64,
    /// `MaximumMessageSize`.
    maximum_message_size: i64,
    /// Whether receives waiting on it were woken for this transaction yet.
    woken: bool,
}

impl QueueLookups {
    /// Puts a message with `body` (`md5_of_body` its MD5 digest, in hex) on
    /// the queue `queue_arn` and wakes receives waiting on it, as
    /// [`enqueue`] does, looking the queue up on first use only. When
    /// `body_event` is the `events.seq` of an event whose `event_json` is
    /// `body`, the message refers to it instead of keeping a copy.
    pub fn enqueue(
        &self,
        conn: &Connection,
        shared: &Shared,
        queue_arn: &str,
        body: &str,
        md5_of_body: &str,
        body_event: Option<i64>,
    ) -> Result<(), EnqueueError> {
        let mut queues = self.0.borrow_mut();
        let index = match queues.iter().position(|(arn, _)| arn == queue_arn) {
            Some(index) => index,
            None => {
                let queue = match queue_from_arn(shared, queue_arn) {
                    Some(name) => store::find(conn, &name)?.map(|queue| LookedUp {
                        delay_ms: queue.attributes.delay_seconds() * 1000,
                        maximum_message_size: queue.attributes.maximum_message_size(),
                        name: queue.name,
                        woken: false,
                    }),
                    None => None,
                };
                queues.push((queue_arn.to_owned(), queue));
                queues.len() - 1
            }
        };
        let Some(queue) = &mut queues[index].1 else {
            return Err(EnqueueError::NoSuchQueue(queue_arn.to_owned()));
        };
        check_body(body, queue.maximum_message_size).map_err(EnqueueError::Refused)?;
        let now = shared.clock.now_ms();
        let message_id = crate::ids::time_ordered();
        // What `insert` writes for a message with no attributes, sent by
        // the account, without the `NewMessage` (and its copy of the body).
        conn.prepare_cached(
            "INSERT INTO sqs_messages (queue, id, body, md5_body, sender_id, sent_ms, visible_ms, body_event)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            queue.name,
            message_id,
            if body_event.is_some() { "" } else { body },
            md5_of_body,
            shared.account_id,
            now,
            now + queue.delay_ms,
            body_event,
        ])?;
        // Once per queue and transaction is enough: a woken receive looks
        // only once the writer releases the store, and then sees every
        // message of the transaction.
        if !queue.woken {
            queue.woken = true;
            wake::notify(shared, &queue.name);
        }
        Ok(())
    }
}

/// Checks the body of a message without attributes against SQS's rules and
/// the queue's `MaximumMessageSize` (as [`check`] does).
fn check_body(body: &str, maximum_message_size: i64) -> SqsResult<()> {
    if body.is_empty() {
        return Err(SqsError::missing("MessageBody"));
    }
    if !attrs::valid_text(body) {
        return Err(SqsError::new(ErrorKind::InvalidMessageContents, INVALID_CHARACTERS));
    }
    if body.len() as i64 > maximum_message_size {
        return Err(SqsError::invalid(format!(
            "One or more parameters are invalid. Reason: Message must be shorter than {maximum_message_size} bytes."
        )));
    }
    Ok(())
}

/// Checks a message against SQS's rules and the queue's limits.
fn check(queue: &Queue, message: &NewMessage) -> SqsResult<()> {
    if message.body.is_empty() {
        // LocalStack's wording, from its tests against AWS.
        return Err(SqsError::missing("MessageBody"));
    }
    if !attrs::valid_text(&message.body) {
        return Err(SqsError::new(ErrorKind::InvalidMessageContents, INVALID_CHARACTERS));
    }
    if let Some(delay) = message.delay_seconds
        && !(0..=MAX_DELAY_SECONDS).contains(&delay)
    {
        // moto's wording.
        return Err(SqsError::invalid_value(delay, "DelaySeconds", "DelaySeconds must be >= 0 and <= 900."));
    }
    if message.attributes.len() > attrs::MAX_ATTRIBUTES {
        return Err(SqsError::invalid(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{}].",
            message.attributes.len(),
            attrs::MAX_ATTRIBUTES
        )));
    }
    if message.trace_header.as_deref().is_some_and(|header| header.is_empty() || !attrs::valid_text(header)) {
        return Err(SqsError::invalid("Message system attribute 'AWSTraceHeader' is invalid."));
    }
    let max = queue.attributes.maximum_message_size();
    if (message.body.len() + attrs::size(&message.attributes)) as i64 > max {
        // Recorded from AWS by LocalStack (test_send_oversized_message).
        return Err(SqsError::invalid(format!(
            "One or more parameters are invalid. Reason: Message must be shorter than {max} bytes."
        )));
    }
    Ok(())
}

/// Stores a checked message.
fn insert(
    conn: &Connection,
    shared: &Shared,
    queue: &Queue,
    message: &NewMessage,
    md5_of_body: String,
    body_event: Option<i64>,
) -> rusqlite::Result<Sent> {
    let now = shared.clock.now_ms();
    let delay = message.delay_seconds.unwrap_or_else(|| queue.attributes.delay_seconds());
    let system = message.system_attributes();
    let sent = Sent {
        message_id: crate::ids::time_ordered(),
        md5_of_body,
        md5_of_message_attributes: attrs::md5(&message.attributes),
        md5_of_message_system_attributes: attrs::md5(&system),
    };
    let message_attributes = (!message.attributes.is_empty()).then(|| attrs::to_json(&message.attributes).to_string());
    // System attributes are kept as a flat object of strings, the form
    // ReceiveMessage returns them in.
    let system_attributes = message.trace_header.as_ref().map(|header| json!({ "AWSTraceHeader": header }).to_string());
    conn.prepare_cached(
        "INSERT INTO sqs_messages
            (queue, id, body, md5_body, message_attributes, system_attributes, sender_id, sent_ms, visible_ms,
             body_event)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        queue.name,
        sent.message_id,
        if body_event.is_some() { "" } else { message.body.as_str() },
        sent.md5_of_body,
        message_attributes,
        system_attributes,
        message.sender_id.as_deref().unwrap_or(&shared.account_id),
        now,
        now + delay * 1000,
        body_event,
    ])?;
    tracing::debug!(queue = %queue.name, message_id = %sent.message_id, delay, "message sent");
    Ok(sent)
}

/// The fields SendMessage and SendMessageBatch entries share.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireMessage {
    message_body: Option<String>,
    delay_seconds: Option<i64>,
    message_attributes: Option<BTreeMap<String, WireAttribute>>,
    message_system_attributes: Option<BTreeMap<String, WireAttribute>>,
    message_deduplication_id: Option<String>,
    /// Standard queues take a message group id (fair queues); it changes
    /// nothing here.
    #[allow(dead_code)]
    message_group_id: Option<String>,
}

impl WireMessage {
    fn read(&self, caller: &Caller) -> SqsResult<NewMessage> {
        let body = self.message_body.as_ref().ok_or_else(|| SqsError::missing("MessageBody"))?;
        if let Some(id) = &self.message_deduplication_id {
            // LocalStack's wording for a standard queue.
            return Err(SqsError::invalid_value(
                id,
                "MessageDeduplicationId",
                "The request includes a parameter that is not valid for this queue type.",
            ));
        }
        let attributes = attrs::from_wire(self.message_attributes.as_ref().unwrap_or(&BTreeMap::new()))?;
        let mut trace_header = None;
        for (name, attribute) in self.message_system_attributes.iter().flatten() {
            let system = attrs::from_wire(&BTreeMap::from([(name.clone(), attribute.clone())]))?;
            match (name.as_str(), system.get(name)) {
                (
                    "AWSTraceHeader",
                    Some(MessageAttribute { data_type, value: attrs::AttributeValue::String(text) }),
                ) if data_type == "String" => {
                    trace_header = Some(text.clone());
                }
                _ => return Err(SqsError::invalid(format!("Message system attribute '{name}' is invalid."))),
            }
        }
        Ok(NewMessage {
            body: body.clone(),
            attributes,
            delay_seconds: self.delay_seconds,
            sender_id: Some(caller.sender_id.clone()),
            trace_header,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SendInput {
    queue_url: Option<String>,
    #[serde(flatten)]
    message: WireMessage,
}

pub(super) fn send(shared: &Shared, caller: &Caller, input: SendInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    let message = input.message.read(caller)?;
    check(&queue, &message)?;
    let sent = insert(&conn, shared, &queue, &message, md5::hex(message.body.as_bytes()), None)?;
    drop(conn);
    wake::notify(shared, &name);
    Ok(sent.to_json())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchEntry {
    id: Option<String>,
    #[serde(flatten)]
    message: WireMessage,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct BatchInput {
    queue_url: Option<String>,
    entries: Option<Vec<BatchEntry>>,
}

pub(super) fn send_batch(shared: &Shared, caller: &Caller, input: BatchInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let mut conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    let entries = input.entries.unwrap_or_default();
    batch::check_ids(entries.iter().map(|e| e.id.as_deref()), "SendMessageBatchRequestEntry")?;
    let total: usize = entries
        .iter()
        .map(|entry| {
            let attributes = entry.message.message_attributes.iter().flatten();
            let attribute_bytes: usize = attributes.map(|(name, attribute)| name.len() + attribute.size()).sum();
            entry.message.message_body.as_deref().map_or(0, str::len) + attribute_bytes
        })
        .sum();
    if total > MAX_BATCH_BYTES {
        // Recorded from AWS by LocalStack (test_send_message_batch_with_oversized_contents).
        return Err(SqsError::new(
            ErrorKind::BatchRequestTooLong,
            format!("Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes."),
        ));
    }
    let tx = conn.transaction()?;
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for entry in &entries {
        let id = entry.id.as_deref().unwrap_or_default();
        let accepted = entry.message.read(caller).and_then(|message| {
            check(&queue, &message)?;
            Ok(insert(&tx, shared, &queue, &message, md5::hex(message.body.as_bytes()), None)?)
        });
        match accepted {
            Ok(sent) => {
                let mut json = sent.to_json();
                json["Id"] = id.into();
                successful.push(json);
            }
            Err(error) if error.kind == ErrorKind::Internal => return Err(error),
            Err(error) => failed.push(batch::failed(id, &error)),
        }
    }
    tx.commit()?;
    drop(conn);
    if !successful.is_empty() {
        wake::notify(shared, &name);
    }
    Ok(json!({ "Successful": successful, "Failed": failed }))
}
