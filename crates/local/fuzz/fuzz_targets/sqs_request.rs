//! Any request to any SQS operation (message attributes, batches, queue
//! attributes and redrive policies included) is answered, with its result or
//! an AWS JSON error; never a panic. The first byte picks the operation, the
//! rest is the body.
#![no_main]

mod common;

use common::Fixture;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// Every operation `sqs::handle` runs.
const OPERATIONS: &[&str] = &[
    "CreateQueue",
    "GetQueueUrl",
    "ListQueues",
    "DeleteQueue",
    "PurgeQueue",
    "GetQueueAttributes",
    "SetQueueAttributes",
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "TagQueue",
    "UntagQueue",
    "ListQueueTags",
];

/// The queue `orders`, whose dead-letter queue is `orders-dlq`, holding a
/// message with attributes of each data type.
fn fixtures() -> Vec<Fixture> {
    let url = "http://127.0.0.1/123456789012/orders";
    let redrive = json!({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq", "maxReceiveCount": 2});
    let attributes = json!({
        "kind": {"DataType": "String", "StringValue": "placed"},
        "count": {"DataType": "Number", "StringValue": "3"},
        "blob": {"DataType": "Binary", "BinaryValue": "AAEC"}
    });
    vec![Fixture {
        probe: ("GetQueueUrl", json!({"QueueName": "orders"}).to_string()),
        setup: vec![
            ("CreateQueue", json!({"QueueName": "orders-dlq"}).to_string()),
            (
                "CreateQueue",
                json!({"QueueName": "orders", "Attributes": {"RedrivePolicy": redrive.to_string()}}).to_string(),
            ),
            (
                "SendMessage",
                json!({"QueueUrl": url, "MessageBody": "order 42", "MessageAttributes": attributes}).to_string(),
            ),
        ],
    }]
}

fuzz_target!(|data: &[u8]| common::run("AmazonSQS", OPERATIONS, fixtures, data));
