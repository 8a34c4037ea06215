//! The local SQS: the `AmazonSQS.*` operations of the AWS JSON 1.0 protocol
//! (standard queues), over the SQLite store.
//!
//! Operations: CreateQueue, GetQueueUrl, ListQueues, GetQueueAttributes,
//! SetQueueAttributes, DeleteQueue, PurgeQueue, SendMessage,
//! SendMessageBatch, ReceiveMessage (with long polling), DeleteMessage,
//! DeleteMessageBatch, ChangeMessageVisibility, ChangeMessageVisibilityBatch,
//! TagQueue, UntagQueue, ListQueueTags. A `RedrivePolicy` moves messages
//! received more than `maxReceiveCount` times to its dead-letter queue. FIFO
//! queues are refused with `UnsupportedOperation`.
//!
//! Everything is in SQLite, written before the response: a message SQS
//! accepted survives a restart, and so do visibility deadlines and receive
//! counts. Time comes from `shared.clock`, so visibility timeouts, delays and
//! retention are tested with a `ManualClock`.
//!
//! Queue URLs are `http://<host the caller used>/<account>/<name>`, ARNs
//! `arn:aws:sqs:<region>:<account>:<name>`. Errors have SQS's shape names
//! and Query codes (see [`error`]).
//!
//! Other engines put messages on queues with [`enqueue`].

mod attributes;
mod base64;
mod batch;
mod delete;
pub mod error;
mod md5;
pub mod message_attributes;
mod names;
mod queues;
mod receive;
mod send;
mod store;
mod tags;
mod visibility;
mod wake;
mod wire;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::Response;

pub use error::{ErrorKind, SqsError};
pub use message_attributes::{AttributeValue, MessageAttribute, MessageAttributes};
pub use send::{EnqueueError, NewMessage, QueueLookups, Sent, enqueue};
pub use store::BODY_SQL;
pub use wake::QueueWaiters;
use wire::{Caller, blocking, parse};

use crate::shared::Shared;
use error::SqsResult;

/// The `X-Amz-Target` prefix of SQS operations.
pub const TARGET_PREFIX: &str = "AmazonSQS";

/// Answers one SQS request. Async, unlike the other engines: a long-polling
/// ReceiveMessage waits without holding a thread of the blocking pool, and
/// SQLite work runs on that pool in short steps.
pub async fn handle(
    shared: Arc<Shared>,
    operation: &str,
    headers: &HeaderMap,
    body: Bytes,
    request_id: &str,
) -> Response {
    let caller = Caller::from_headers(headers, &shared);
    wire::respond(request_id, run(shared, caller, operation.to_owned(), body).await)
}

/// Runs one operation and returns its output.
async fn run(shared: Arc<Shared>, caller: Caller, operation: String, body: Bytes) -> SqsResult {
    if operation == "ReceiveMessage" {
        return receive::receive(shared, parse(&body)?).await;
    }
    blocking(move || run_blocking(&shared, &caller, &operation, &body)).await
}

/// The operations that only read and write the store.
fn run_blocking(shared: &Shared, caller: &Caller, operation: &str, body: &[u8]) -> SqsResult {
    match operation {
        "CreateQueue" => queues::create(shared, caller, parse(body)?),
        "GetQueueUrl" => queues::get_url(shared, caller, parse(body)?),
        "ListQueues" => queues::list(shared, caller, parse(body)?),
        "DeleteQueue" => queues::delete(shared, parse(body)?),
        "PurgeQueue" => queues::purge(shared, parse(body)?),
        "GetQueueAttributes" => attributes::get(shared, parse(body)?),
        "SetQueueAttributes" => attributes::set(shared, parse(body)?),
        "SendMessage" => send::send(shared, caller, parse(body)?),
        "SendMessageBatch" => send::send_batch(shared, caller, parse(body)?),
        "DeleteMessage" => delete::delete(shared, parse(body)?),
        "DeleteMessageBatch" => delete::delete_batch(shared, parse(body)?),
        "ChangeMessageVisibility" => visibility::change(shared, parse(body)?),
        "ChangeMessageVisibilityBatch" => visibility::change_batch(shared, parse(body)?),
        "TagQueue" => tags::tag(shared, parse(body)?),
        "UntagQueue" => tags::untag(shared, parse(body)?),
        "ListQueueTags" => tags::list(shared, parse(body)?),
        _ => Err(SqsError::new(
            ErrorKind::UnknownOperation,
            format!("Operation {TARGET_PREFIX}.{operation} is not supported by this endpoint."),
        )),
    }
}

/// `MD5OfMessageBody` of a message with `body`.
pub fn md5_of_body(body: &str) -> String {
    md5::hex(body.as_bytes())
}

/// A required member of an input, or SQS's `MissingParameter`.
fn required<'a, T>(value: &'a Option<T>, parameter: &str) -> SqsResult<&'a T> {
    value.as_ref().ok_or_else(|| SqsError::missing(parameter))
}

/// Runs a blocking SQS operation as the local account, without HTTP; for
/// tests of engines that deliver to queues.
#[cfg(test)]
pub(crate) fn call_local(shared: &Shared, operation: &str, input: serde_json::Value) -> SqsResult {
    run_blocking(shared, &Caller::local(shared), operation, input.to_string().as_bytes())
}
