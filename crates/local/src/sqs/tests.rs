//! The SQS operations together, with a `ManualClock`: visibility, delays,
//! retention, receive counts, purge, batches, digests, long polls, redrive.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{Value, json};

use super::error::{ErrorKind, SqsError, SqsResult};
use super::message_attributes::MessageAttribute;
use super::send::{EnqueueError, NewMessage, enqueue};
use super::wire::Caller;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::shared::Shared;
use crate::store::Store;

const START_MS: i64 = 1_795_000_000_000;

struct Sqs {
    shared: Arc<Shared>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl Sqs {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (shared, clock) = open(dir.path(), START_MS);
        Self { shared, clock, _dir: dir }
    }

    async fn call(&self, operation: &str, input: Value) -> SqsResult {
        let caller = Caller::local(&self.shared);
        super::run(self.shared.clone(), caller, operation.to_owned(), Bytes::from(input.to_string())).await
    }

    async fn ok(&self, operation: &str, input: Value) -> Value {
        match self.call(operation, input).await {
            Ok(output) => output,
            Err(error) => panic!("{operation} failed: {error}"),
        }
    }

    async fn fails(&self, operation: &str, input: Value) -> SqsError {
        match self.call(operation, input).await {
            Ok(output) => panic!("{operation} should have failed: {output}"),
            Err(error) => error,
        }
    }

    async fn create(&self, name: &str, attributes: Value) -> String {
        let created = self.ok("CreateQueue", json!({"QueueName": name, "Attributes": attributes})).await;
        created["QueueUrl"].as_str().expect("a queue URL").to_owned()
    }

    async fn send(&self, url: &str, body: &str) -> Value {
        self.ok("SendMessage", json!({"QueueUrl": url, "MessageBody": body})).await
    }

    /// Receives without waiting, everything about the messages included.
    async fn receive(&self, url: &str, max: i64) -> Vec<Value> {
        let input = json!({
            "QueueUrl": url, "MaxNumberOfMessages": max, "WaitTimeSeconds": 0,
            "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All"],
        });
        let output = self.ok("ReceiveMessage", input).await;
        output["Messages"].as_array().cloned().unwrap_or_default()
    }

    async fn counts(&self, url: &str) -> (String, String, String) {
        let output = self
            .ok(
                "GetQueueAttributes",
                json!({"QueueUrl": url, "AttributeNames": [
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed"]}),
            )
            .await;
        let get = |name: &str| output["Attributes"][name].as_str().expect(name).to_owned();
        (
            get("ApproximateNumberOfMessages"),
            get("ApproximateNumberOfMessagesNotVisible"),
            get("ApproximateNumberOfMessagesDelayed"),
        )
    }
}

fn open(dir: &std::path::Path, now_ms: i64) -> (Arc<Shared>, Arc<ManualClock>) {
    let clock = ManualClock::at(now_ms);
    let mut config = Config::new(dir);
    config.clock = clock.clone();
    (Arc::new(Shared::new(&config, Arc::new(Store::open(dir).expect("store")))), clock)
}

fn counts(visible: i64, in_flight: i64, delayed: i64) -> (String, String, String) {
    (visible.to_string(), in_flight.to_string(), delayed.to_string())
}

#[tokio::test]
async fn queues_are_created_found_listed_and_deleted() {
    let sqs = Sqs::new();
    let url = sqs.create("orders", json!({"VisibilityTimeout": "60"})).await;
    assert_eq!(url, "http://127.0.0.1/123456789012/orders");
    assert_eq!(sqs.create("orders", json!({"VisibilityTimeout": "60"})).await, url, "the same again is fine");
    let error = sqs.fails("CreateQueue", json!({"QueueName": "orders", "Attributes": {"DelaySeconds": "5"}})).await;
    assert_eq!(error.kind, ErrorKind::QueueNameExists);
    assert_eq!(
        error.message,
        "A queue already exists with the same name and a different value for attribute DelaySeconds"
    );
    assert_eq!(sqs.ok("GetQueueUrl", json!({"QueueName": "orders"})).await["QueueUrl"], url);

    for name in ["orders-dlq", "payments", "orders-archive"] {
        sqs.create(name, json!({})).await;
    }
    let list = |output: &Value| -> Vec<String> {
        output["QueueUrls"].as_array().into_iter().flatten().map(|u| u.as_str().expect("url").to_owned()).collect()
    };
    let page = sqs.ok("ListQueues", json!({"QueueNamePrefix": "orders", "MaxResults": 2})).await;
    assert_eq!(list(&page), ["http://127.0.0.1/123456789012/orders", "http://127.0.0.1/123456789012/orders-archive"]);
    let token = page["NextToken"].as_str().expect("more pages");
    let next = sqs.ok("ListQueues", json!({"QueueNamePrefix": "orders", "MaxResults": 2, "NextToken": token})).await;
    assert_eq!(list(&next), ["http://127.0.0.1/123456789012/orders-dlq"]);
    assert!(next.get("NextToken").is_none());
    assert_eq!(list(&sqs.ok("ListQueues", json!({})).await).len(), 4);
    assert_eq!(sqs.ok("ListQueues", json!({"QueueNamePrefix": "none"})).await, json!({}));

    let attributes = sqs.ok("GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["All"]})).await;
    assert_eq!(
        attributes["Attributes"],
        json!({
            "ApproximateNumberOfMessages": "0",
            "ApproximateNumberOfMessagesDelayed": "0",
            "ApproximateNumberOfMessagesNotVisible": "0",
            "CreatedTimestamp": (START_MS / 1000).to_string(),
            "DelaySeconds": "0",
            "LastModifiedTimestamp": (START_MS / 1000).to_string(),
            "MaximumMessageSize": "1048576",
            "MessageRetentionPeriod": "345600",
            "QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders",
            "ReceiveMessageWaitTimeSeconds": "0",
            "SqsManagedSseEnabled": "true",
            "VisibilityTimeout": "60",
        })
    );
    sqs.clock.advance(5_000);
    sqs.ok("SetQueueAttributes", json!({"QueueUrl": url, "Attributes": {"DelaySeconds": "7"}})).await;
    let attributes = sqs
        .ok("GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["DelaySeconds", "LastModifiedTimestamp"]}))
        .await;
    assert_eq!(
        attributes["Attributes"],
        json!({"DelaySeconds": "7", "LastModifiedTimestamp": (START_MS / 1000 + 5).to_string()})
    );

    sqs.ok("DeleteQueue", json!({"QueueUrl": url})).await;
    let error = sqs.fails("GetQueueUrl", json!({"QueueName": "orders"})).await;
    assert_eq!(
        (error.kind, error.message.as_str()),
        (ErrorKind::QueueDoesNotExist, "The specified queue does not exist.")
    );
    let error = sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": "x"})).await;
    assert_eq!(error.kind, ErrorKind::QueueDoesNotExist);
}

#[tokio::test]
async fn queue_attributes_are_checked_like_sqs() {
    let sqs = Sqs::new();
    let error = sqs.fails("CreateQueue", json!({"QueueName": "q", "Attributes": {"VisibilityTimeout": "43201"}})).await;
    assert_eq!(
        (error.kind, error.message.as_str()),
        (ErrorKind::InvalidAttributeValue, "Invalid value for the parameter VisibilityTimeout.")
    );
    let error = sqs.fails("CreateQueue", json!({"QueueName": "q", "Attributes": {"Colour": "blue"}})).await;
    assert_eq!((error.kind, error.message.as_str()), (ErrorKind::InvalidAttributeName, "Unknown Attribute Colour."));
    let error = sqs.fails("CreateQueue", json!({"QueueName": "q.fifo", "Attributes": {"FifoQueue": "true"}})).await;
    assert_eq!(error.kind, ErrorKind::UnsupportedOperation);
    assert!(error.message.contains("FIFO queues are not supported"), "{}", error.message);
    let error = sqs.fails("CreateQueue", json!({"QueueName": "q.fifo"})).await;
    assert_eq!(error.kind, ErrorKind::InvalidParameterValue);
    let error = sqs.fails("CreateQueue", json!({})).await;
    assert_eq!(
        (error.kind, error.message.as_str()),
        (ErrorKind::MissingParameter, "The request must contain the parameter QueueName.")
    );

    let url = sqs.create("q", json!({"FifoQueue": "false"})).await;
    let error = sqs.fails("GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["Nope"]})).await;
    assert_eq!(error.message, "Unknown Attribute Nope.");
    let error = sqs
        .fails("SetQueueAttributes", json!({"QueueUrl": url, "Attributes": {"RedrivePolicy": r#"{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}"#}}))
        .await;
    assert_eq!(
        error.message,
        r#"Value {"deadLetterTargetArn": "dummy", "maxReceiveCount": 42} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn."#
    );
    assert_eq!(sqs.ok("GetQueueAttributes", json!({"QueueUrl": url})).await, json!({}), "no names, no attributes");
}

#[tokio::test]
async fn a_received_message_is_hidden_until_its_visibility_timeout_ends() {
    let sqs = Sqs::new();
    let url = sqs.create("work", json!({"VisibilityTimeout": "30"})).await;
    let sent = sqs.send(&url, "job 1").await;

    let first = sqs.receive(&url, 10).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["MessageId"], sent["MessageId"]);
    assert_eq!(first[0]["Body"], "job 1");
    assert_eq!(first[0]["Attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(first[0]["Attributes"]["ApproximateFirstReceiveTimestamp"], START_MS.to_string());
    assert_eq!(first[0]["Attributes"]["SentTimestamp"], START_MS.to_string());
    assert_eq!(first[0]["Attributes"]["SenderId"], "123456789012");
    assert!(sqs.receive(&url, 10).await.is_empty(), "in flight");
    assert_eq!(sqs.counts(&url).await, counts(0, 1, 0));

    sqs.clock.advance(29_999);
    assert!(sqs.receive(&url, 10).await.is_empty(), "still in flight");
    sqs.clock.advance(1);
    let second = sqs.receive(&url, 10).await;
    assert_eq!(second[0]["Attributes"]["ApproximateReceiveCount"], "2");
    assert_eq!(second[0]["Attributes"]["ApproximateFirstReceiveTimestamp"], START_MS.to_string());
    assert_ne!(second[0]["ReceiptHandle"], first[0]["ReceiptHandle"], "every receive has its own handle");

    // Only the latest handle changes visibility; any handle deletes.
    let error = sqs
        .fails(
            "ChangeMessageVisibility",
            json!({"QueueUrl": url, "ReceiptHandle": first[0]["ReceiptHandle"], "VisibilityTimeout": 0}),
        )
        .await;
    assert_eq!(error.kind, ErrorKind::InvalidParameterValue);
    assert!(
        error.message.ends_with("Reason: Message does not exist or is not available for visibility timeout change.")
    );
    sqs.ok(
        "ChangeMessageVisibility",
        json!({"QueueUrl": url, "ReceiptHandle": second[0]["ReceiptHandle"], "VisibilityTimeout": 0}),
    )
    .await;
    assert_eq!(sqs.counts(&url).await, counts(1, 0, 0), "visible again at once");
    let third = sqs.receive(&url, 1).await;
    sqs.ok(
        "ChangeMessageVisibility",
        json!({"QueueUrl": url, "ReceiptHandle": third[0]["ReceiptHandle"], "VisibilityTimeout": 100}),
    )
    .await;
    sqs.clock.advance(99_000);
    assert!(sqs.receive(&url, 1).await.is_empty(), "the new timeout counts from the change");
    let error = sqs
        .fails(
            "ChangeMessageVisibility",
            json!({"QueueUrl": url, "ReceiptHandle": third[0]["ReceiptHandle"], "VisibilityTimeout": 43_200}),
        )
        .await;
    assert!(error.message.contains("Total VisibilityTimeout for the message is beyond the limit"), "{}", error.message);

    sqs.ok("DeleteMessage", json!({"QueueUrl": url, "ReceiptHandle": first[0]["ReceiptHandle"]})).await;
    assert_eq!(sqs.counts(&url).await, counts(0, 0, 0));
    sqs.ok("DeleteMessage", json!({"QueueUrl": url, "ReceiptHandle": first[0]["ReceiptHandle"]})).await;
    let error = sqs.fails("DeleteMessage", json!({"QueueUrl": url, "ReceiptHandle": "garbage"})).await;
    assert_eq!(error.kind, ErrorKind::ReceiptHandleIsInvalid);
    assert_eq!(error.message, "The input receipt handle \"garbage\" is not a valid receipt handle.");
}

#[tokio::test]
async fn receive_visibility_timeout_overrides_the_queue() {
    let sqs = Sqs::new();
    let url = sqs.create("work", json!({})).await;
    sqs.send(&url, "a").await;
    let input = json!({"QueueUrl": url, "VisibilityTimeout": 5});
    assert_eq!(sqs.ok("ReceiveMessage", input.clone()).await["Messages"].as_array().map(Vec::len), Some(1));
    sqs.clock.advance(5_000);
    let again = sqs.ok("ReceiveMessage", input).await;
    assert_eq!(again["Messages"][0]["Body"], "a");
    assert!(again["Messages"][0].get("Attributes").is_none(), "no system attributes unless asked");
    let error = sqs.fails("ReceiveMessage", json!({"QueueUrl": url, "MaxNumberOfMessages": 11})).await;
    assert_eq!(
        error.message,
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    );
    let error = sqs.fails("ReceiveMessage", json!({"QueueUrl": url, "WaitTimeSeconds": 21})).await;
    assert_eq!(error.kind, ErrorKind::InvalidParameterValue);
}

#[tokio::test]
async fn delayed_messages_wait_their_delay() {
    let sqs = Sqs::new();
    let url = sqs.create("later", json!({"DelaySeconds": "10"})).await;
    sqs.send(&url, "queue delay").await;
    sqs.ok("SendMessage", json!({"QueueUrl": url, "MessageBody": "no delay", "DelaySeconds": 0})).await;
    sqs.ok("SendMessage", json!({"QueueUrl": url, "MessageBody": "own delay", "DelaySeconds": 20})).await;
    assert_eq!(sqs.counts(&url).await, counts(1, 0, 2));
    let bodies = |messages: Vec<Value>| -> Vec<String> {
        messages.iter().map(|m| m["Body"].as_str().expect("body").to_owned()).collect()
    };
    assert_eq!(bodies(sqs.receive(&url, 10).await), ["no delay"]);
    sqs.clock.advance(10_000);
    assert_eq!(bodies(sqs.receive(&url, 10).await), ["queue delay"]);
    sqs.clock.advance(10_000);
    assert_eq!(bodies(sqs.receive(&url, 10).await), ["own delay"]);
    let error = sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": "x", "DelaySeconds": 901})).await;
    assert_eq!(
        error.message,
        "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
    );
}

#[tokio::test]
async fn messages_expire_after_the_retention_period() {
    let sqs = Sqs::new();
    let url = sqs.create("short", json!({"MessageRetentionPeriod": "60"})).await;
    sqs.send(&url, "old").await;
    sqs.clock.advance(30_000);
    sqs.send(&url, "new").await;
    sqs.clock.advance(30_000);
    assert_eq!(sqs.counts(&url).await, counts(1, 0, 0));
    let received = sqs.receive(&url, 10).await;
    assert_eq!(received.iter().map(|m| m["Body"].clone()).collect::<Vec<_>>(), ["new"]);
    let kept: i64 =
        sqs.shared.store.conn().query_row("SELECT COUNT(*) FROM sqs_messages", [], |row| row.get(0)).expect("count");
    assert_eq!(kept, 1, "the expired message is deleted");
}

#[tokio::test]
async fn purge_empties_a_queue_once_a_minute() {
    let sqs = Sqs::new();
    let url = sqs.create("p", json!({})).await;
    for i in 0..3 {
        sqs.send(&url, &format!("m{i}")).await;
    }
    sqs.receive(&url, 1).await;
    sqs.ok("PurgeQueue", json!({"QueueUrl": url})).await;
    assert_eq!(sqs.counts(&url).await, counts(0, 0, 0));
    let error = sqs.fails("PurgeQueue", json!({"QueueUrl": url})).await;
    assert_eq!(error.kind, ErrorKind::PurgeQueueInProgress);
    assert_eq!(error.kind.status(), 403);
    assert_eq!(error.message, "Only one PurgeQueue operation on p is allowed every 60 seconds.");
    sqs.clock.advance(60_000);
    sqs.ok("PurgeQueue", json!({"QueueUrl": url})).await;
}

#[tokio::test]
async fn digests_are_those_sqs_returns() {
    let sqs = Sqs::new();
    let url = sqs.create("md5", json!({})).await;
    let attributes = json!({
        "General": {"DataType": "String", "StringValue": "Kenobi"},
        "Hello": {"DataType": "String", "StringValue": "There"},
        "Help.Me": {"DataType": "String", "StringValue": "Me"},
    });
    let sent =
        sqs.ok("SendMessage", json!({"QueueUrl": url, "MessageBody": "msg", "MessageAttributes": attributes})).await;
    // Values SQS returned for the same message (LocalStack's snapshot against AWS).
    assert_eq!(sent["MD5OfMessageBody"], "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert_eq!(sent["MD5OfMessageAttributes"], "4c360f3fdafd970e05fae2f149d997f5");
    let received = sqs
        .ok("ReceiveMessage", json!({"QueueUrl": url, "MessageAttributeNames": ["He.*"], "VisibilityTimeout": 0}))
        .await;
    let message = &received["Messages"][0];
    assert_eq!(message["MD5OfBody"], "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert_eq!(message["MD5OfMessageAttributes"], "83fee93c1bcd8b9a5a923ffacdc636c7", "digest of what is returned");
    assert_eq!(
        message["MessageAttributes"],
        json!({"Hello": {"StringValue": "There", "DataType": "String"}, "Help.Me": {"StringValue": "Me", "DataType": "String"}})
    );
    let plain = sqs.ok("ReceiveMessage", json!({"QueueUrl": url})).await;
    assert!(plain["Messages"][0].get("MessageAttributes").is_none(), "no attributes unless asked");
    assert!(plain["Messages"][0].get("MD5OfMessageAttributes").is_none());

    let binary = sqs
        .ok(
            "SendMessage",
            json!({"QueueUrl": url, "MessageBody": "test", "MessageAttributes": {"attr1": {"DataType": "Binary",
                "BinaryValue": super::base64::encode(b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01")}}}),
        )
        .await;
    assert_eq!(binary["MD5OfMessageBody"], "098f6bcd4621d373cade4e832627b4f6");
    assert_eq!(binary["MD5OfMessageAttributes"], "8cbe4db156db8a94db8b801b7addb984");
}

#[tokio::test]
async fn batches_report_each_entry_and_refuse_bad_batches() {
    let sqs = Sqs::new();
    let url = sqs.create("b", json!({})).await;
    let sent = sqs
        .ok(
            "SendMessageBatch",
            json!({"QueueUrl": url, "Entries": [
                {"Id": "1", "MessageBody": "one"},
                {"Id": "2", "MessageBody": "two", "DelaySeconds": 1000},
                {"Id": "3", "MessageBody": "three", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "3"}}},
            ]}),
        )
        .await;
    assert_eq!(sent["Successful"].as_array().map(Vec::len), Some(2));
    assert_eq!(sent["Successful"][0]["Id"], "1");
    assert_eq!(sent["Successful"][0]["MD5OfMessageBody"], super::md5::hex(b"one"));
    assert!(sent["Successful"][1]["MD5OfMessageAttributes"].is_string());
    assert_eq!(sent["Failed"][0]["Id"], "2");
    assert_eq!(sent["Failed"][0]["SenderFault"], true);
    assert_eq!(sent["Failed"][0]["Code"], "InvalidParameterValue");

    let entries =
        |n: usize| -> Vec<Value> { (0..n).map(|i| json!({"Id": format!("e{i}"), "MessageBody": "x"})).collect() };
    let error = sqs.fails("SendMessageBatch", json!({"QueueUrl": url, "Entries": entries(11)})).await;
    assert_eq!(error.kind, ErrorKind::TooManyEntriesInBatchRequest);
    let error = sqs.fails("SendMessageBatch", json!({"QueueUrl": url, "Entries": []})).await;
    assert_eq!(error.kind, ErrorKind::EmptyBatchRequest);
    assert_eq!(error.message, "There should be at least one SendMessageBatchRequestEntry in the request.");
    let twice = json!([{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}]);
    let error = sqs.fails("SendMessageBatch", json!({"QueueUrl": url, "Entries": twice})).await;
    assert_eq!((error.kind, error.message.as_str()), (ErrorKind::BatchEntryIdsNotDistinct, "Id a repeated."));
    let error = sqs
        .fails("DeleteMessageBatch", json!({"QueueUrl": url, "Entries": [{"Id": "bad id", "ReceiptHandle": "h"}]}))
        .await;
    assert_eq!(error.kind, ErrorKind::InvalidBatchEntryId);
    let big = "x".repeat(600_000);
    let error = sqs
        .fails(
            "SendMessageBatch",
            json!({"QueueUrl": url, "Entries": [{"Id": "1", "MessageBody": big}, {"Id": "2", "MessageBody": big}]}),
        )
        .await;
    assert_eq!(error.kind, ErrorKind::BatchRequestTooLong);

    let received = sqs.receive(&url, 10).await;
    assert_eq!(received.len(), 2);
    let handles: Vec<Value> = received
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"Id": format!("m{i}"), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}))
        .collect();
    let changed = sqs.ok("ChangeMessageVisibilityBatch", json!({"QueueUrl": url, "Entries": handles})).await;
    assert_eq!(changed["Successful"].as_array().map(Vec::len), Some(2));
    assert_eq!(changed["Failed"], json!([]));
    let received = sqs.receive(&url, 10).await;
    let mut entries: Vec<Value> =
        received.iter().map(|m| json!({"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]})).collect();
    entries.push(json!({"Id": "bogus", "ReceiptHandle": "not-a-handle"}));
    let deleted = sqs.ok("DeleteMessageBatch", json!({"QueueUrl": url, "Entries": entries})).await;
    assert_eq!(deleted["Successful"].as_array().map(Vec::len), Some(2));
    assert_eq!(deleted["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
    assert_eq!(sqs.counts(&url).await, counts(0, 0, 0));
}

#[tokio::test]
async fn message_bodies_and_attributes_are_checked() {
    let sqs = Sqs::new();
    let url = sqs.create("c", json!({"MaximumMessageSize": "1024"})).await;
    let error = sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": "x".repeat(1025)})).await;
    assert_eq!(error.message, "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
    let error = sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": "bell \u{7}"})).await;
    assert_eq!(error.kind, ErrorKind::InvalidMessageContents);
    let error = sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": ""})).await;
    assert_eq!(error.kind, ErrorKind::MissingParameter);
    let error =
        sqs.fails("SendMessage", json!({"QueueUrl": url, "MessageBody": "x", "MessageDeduplicationId": "d"})).await;
    assert_eq!(error.kind, ErrorKind::InvalidParameterValue);
    let traced = sqs
        .ok("SendMessage", json!({"QueueUrl": url, "MessageBody": "x",
            "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}}))
        .await;
    assert!(traced["MD5OfMessageSystemAttributes"].is_string());
    let received = sqs.receive(&url, 1).await;
    assert_eq!(received[0]["Attributes"]["AWSTraceHeader"], "Root=1-5759e988-bd862e3fe1be46a994272793");
}

#[tokio::test]
async fn a_message_received_too_often_moves_to_the_dead_letter_queue() {
    let sqs = Sqs::new();
    let dlq = sqs.create("work-dlq", json!({})).await;
    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:work-dlq","maxReceiveCount":"2"}"#;
    let url = sqs.create("work", json!({"VisibilityTimeout": "1", "RedrivePolicy": policy})).await;
    let kept = sqs.ok("GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["RedrivePolicy"]})).await;
    assert_eq!(
        kept["Attributes"]["RedrivePolicy"],
        r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:work-dlq","maxReceiveCount":2}"#
    );
    let sent = sqs.send(&url, "poison").await;
    for _ in 0..2 {
        assert_eq!(sqs.receive(&url, 1).await.len(), 1);
        sqs.clock.advance(1_000);
    }
    assert!(sqs.receive(&url, 1).await.is_empty(), "the third receive moves it instead");
    let dead = sqs.receive(&dlq, 1).await;
    assert_eq!(dead[0]["MessageId"], sent["MessageId"]);
    assert_eq!(dead[0]["Attributes"]["DeadLetterQueueSourceArn"], "arn:aws:sqs:us-east-1:123456789012:work");
    assert_eq!(dead[0]["Attributes"]["SentTimestamp"], START_MS.to_string());
}

#[tokio::test]
async fn enqueue_writes_in_the_callers_transaction() {
    let sqs = Sqs::new();
    let url = sqs.create("targets", json!({})).await;
    let arn = "arn:aws:sqs:us-east-1:123456789012:targets";
    let message = NewMessage::new(r#"{"detail-type":"OrderPlaced"}"#)
        .with_attribute("RULE_ARN", MessageAttribute::string("arn:aws:events:us-east-1:123456789012:rule/r"))
        .with_attribute("RETRY_ATTEMPTS", MessageAttribute::number(3));
    {
        let mut conn = sqs.shared.store.conn();
        let tx = conn.transaction().expect("transaction");
        enqueue(&tx, &sqs.shared, arn, &message).expect("enqueued");
        // Dropped without commit: rolled back.
    }
    assert_eq!(sqs.counts(&url).await, counts(0, 0, 0));
    let sent = {
        let mut conn = sqs.shared.store.conn();
        let tx = conn.transaction().expect("transaction");
        let sent = enqueue(&tx, &sqs.shared, arn, &message).expect("enqueued");
        tx.commit().expect("commit");
        sent
    };
    let received = sqs.receive(&url, 1).await;
    assert_eq!(received[0]["MessageId"], sent.message_id.as_str());
    assert_eq!(received[0]["MD5OfMessageAttributes"], sent.md5_of_message_attributes.as_deref().expect("md5"));
    assert_eq!(received[0]["MessageAttributes"]["RETRY_ATTEMPTS"], json!({"StringValue": "3", "DataType": "Number"}));

    let conn = sqs.shared.store.conn();
    let missing = enqueue(&conn, &sqs.shared, "arn:aws:sqs:us-east-1:123456789012:nope", &message);
    assert!(matches!(missing, Err(EnqueueError::NoSuchQueue(_))), "{missing:?}");
    let refused = enqueue(&conn, &sqs.shared, arn, &NewMessage::new(""));
    assert!(matches!(refused, Err(EnqueueError::Refused(SqsError { kind: ErrorKind::MissingParameter, .. }))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_returns_as_soon_as_a_message_arrives() {
    let sqs = Arc::new(Sqs::new());
    let url = sqs.create("lp", json!({})).await;
    let started = Instant::now();
    let waiting = tokio::spawn({
        let (sqs, url) = (sqs.clone(), url.clone());
        async move { sqs.ok("ReceiveMessage", json!({"QueueUrl": url, "WaitTimeSeconds": 20})).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!waiting.is_finished(), "it waits while the queue is empty");
    sqs.send(&url, "wake up").await;
    let received =
        tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("returns promptly").expect("task");
    assert_eq!(received["Messages"][0]["Body"], "wake up");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

/// Waiting receives hold no thread: with a blocking pool of two threads,
/// twenty clients long-poll at once and all get their message promptly.
#[test]
fn long_polls_do_not_hold_blocking_threads() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sqs = Arc::new(Sqs::new());
        let url = sqs.create("many", json!({})).await;
        let waiters: Vec<_> = (0..20)
            .map(|_| {
                let (sqs, url) = (sqs.clone(), url.clone());
                tokio::spawn(
                    async move { sqs.ok("ReceiveMessage", json!({"QueueUrl": url, "WaitTimeSeconds": 20})).await },
                )
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        for batch in 0..2 {
            let entries: Vec<Value> =
                (0..10).map(|i| json!({"Id": format!("m{i}"), "MessageBody": format!("{batch}-{i}")})).collect();
            sqs.ok("SendMessageBatch", json!({"QueueUrl": url, "Entries": entries})).await;
        }
        let mut total = 0;
        for waiter in waiters {
            let output = tokio::time::timeout(Duration::from_secs(5), waiter).await.expect("woken").expect("task");
            total += output["Messages"].as_array().map_or(0, Vec::len);
        }
        assert_eq!(total, 20, "every message went to exactly one waiter");
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    });
}

#[tokio::test]
async fn an_empty_long_poll_ends_after_its_wait() {
    let sqs = Sqs::new();
    let url = sqs.create("quiet", json!({"ReceiveMessageWaitTimeSeconds": "1"})).await;
    let started = Instant::now();
    assert_eq!(sqs.ok("ReceiveMessage", json!({"QueueUrl": url})).await, json!({}));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950) && waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn messages_and_their_state_survive_reopening_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = {
        let (shared, clock) = open(dir.path(), START_MS);
        let sqs = Sqs { shared, clock, _dir: tempfile::tempdir().expect("unused") };
        let url = sqs.create("durable", json!({"VisibilityTimeout": "30"})).await;
        sqs.send(&url, "kept").await;
        sqs.send(&url, "in flight").await;
        sqs.ok("ReceiveMessage", json!({"QueueUrl": url, "MaxNumberOfMessages": 1})).await;
        url
    };
    let (shared, clock) = open(dir.path(), START_MS + 1_000);
    let sqs = Sqs { shared, clock, _dir: tempfile::tempdir().expect("unused") };
    assert_eq!(sqs.counts(&url).await, counts(1, 1, 0));
    sqs.clock.advance(29_000);
    let received = sqs.receive(&url, 10).await;
    assert_eq!(received.len(), 2, "the in-flight message's deadline was kept");
    assert_eq!(sqs.shared.clock.now_ms(), START_MS + 30_000);
}
