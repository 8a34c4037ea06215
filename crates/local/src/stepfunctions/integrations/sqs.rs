//! `arn:aws:states:::sqs:sendMessage[.waitForTaskToken]`: a message onto a
//! local queue, written in the caller's transaction.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::{CallResult, service_cause, with_metadata};
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::sqs::message_attributes::{self, WireAttribute};
use crate::sqs::{EnqueueError, ErrorKind, NewMessage, SqsError, enqueue};

/// Sends `MessageBody` (text, or JSON written as text) to `QueueUrl`, with
/// `DelaySeconds` and `MessageAttributes` if given.
pub fn send(conn: &Connection, shared: &Shared, parameters: &Value) -> Result<CallResult, AwsError> {
    let Some(url) = parameters.get("QueueUrl").and_then(Value::as_str) else {
        return Ok(Err(refused(&SqsError::missing("QueueUrl"))));
    };
    let body = match parameters.get("MessageBody") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let attributes = match parameters.get("MessageAttributes") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(value) => match serde_json::from_value::<BTreeMap<String, WireAttribute>>(value.clone()) {
            Ok(wire) => match message_attributes::from_wire(&wire) {
                Ok(attributes) => attributes,
                Err(error) => return Ok(Err(refused(&error))),
            },
            Err(error) => return Ok(Err(refused(&SqsError::invalid(format!("Invalid MessageAttributes: {error}"))))),
        },
    };
    let message = NewMessage {
        body,
        attributes,
        delay_seconds: parameters.get("DelaySeconds").and_then(Value::as_i64),
        ..NewMessage::default()
    };
    let Some(arn) = queue_arn(shared, url) else {
        return Ok(Err(refused(&SqsError::no_such_queue())));
    };
    match enqueue(conn, shared, &arn, &message) {
        Ok(sent) => {
            let mut output = Map::new();
            output.insert("MD5OfMessageBody".into(), json!(sent.md5_of_body));
            if let Some(md5) = sent.md5_of_message_attributes {
                output.insert("MD5OfMessageAttributes".into(), json!(md5));
            }
            output.insert("MessageId".into(), json!(sent.message_id));
            Ok(Ok(with_metadata(output, "application/x-amz-json-1.0")))
        }
        Err(EnqueueError::NoSuchQueue(_)) => Ok(Err(refused(&SqsError::no_such_queue()))),
        Err(EnqueueError::Refused(error)) => Ok(Err(refused(&error))),
        Err(EnqueueError::Store(error)) => Err(error.into()),
    }
}

/// The ARN of the queue a `QueueUrl` (`http://host/<account>/<name>`, or a
/// bare name) names, if it is one of this account's.
fn queue_arn(shared: &Shared, url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None if !url.is_empty() && !url.contains('/') => return Some(shared.arn("sqs", url)),
        None => return None,
    };
    match path.trim_end_matches('/').split('/').collect::<Vec<_>>().as_slice() {
        [account, name] if *account == shared.account_id && !name.is_empty() => Some(shared.arn("sqs", name)),
        _ => None,
    }
}

/// The error and cause Step Functions reports for an SQS refusal
/// (`SQS.QueueDoesNotExistException`, `SQS.AmazonSQSException`...).
fn refused(error: &SqsError) -> (String, String) {
    let name = match error.kind {
        ErrorKind::QueueDoesNotExist => "SQS.QueueDoesNotExistException",
        ErrorKind::InvalidMessageContents => "SQS.InvalidMessageContentsException",
        _ => "SQS.AmazonSQSException",
    };
    let cause = service_cause(&error.message, "AmazonSQS", error.kind.status(), error.kind.query_code());
    (name.to_owned(), cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_name_queues_of_this_account() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = crate::config::Config::new(dir.path());
        let store = std::sync::Arc::new(crate::store::Store::open(dir.path()).expect("store"));
        let shared = Shared::new(&config, store);
        let arn = "arn:aws:sqs:us-east-1:123456789012:q";
        assert_eq!(queue_arn(&shared, "http://127.0.0.1:4599/123456789012/q").as_deref(), Some(arn));
        assert_eq!(queue_arn(&shared, "https://sqs.us-east-1.amazonaws.com/123456789012/q").as_deref(), Some(arn));
        assert_eq!(queue_arn(&shared, "q").as_deref(), Some(arn));
        assert_eq!(queue_arn(&shared, "http://host/999999999999/q"), None);
        let (error, cause) = refused(&SqsError::missing("MessageBody"));
        assert_eq!(error, "SQS.AmazonSQSException");
        assert!(cause.contains("(Service: AmazonSQS; Status Code: 400; Error Code: MissingParameter;"), "{cause}");
    }
}
