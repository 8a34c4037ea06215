//! The real `aws` CLI against `choreoscope-local`'s SQS: queues, messages
//! with attributes, batches, a long poll answered by another process,
//! visibility, deletion, purge, a restart that must lose nothing, and errors
//! in SQS's shape.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use choreoscope_e2e::{LocalCli, parse_output};
use serde_json::{Value, json};

/// What the SQS tests ask of the local system besides running the CLI.
trait SqsCli {
    fn queue_url(&self, name: &str) -> String;
    /// `ApproximateNumberOfMessages`, `...NotVisible`, `...Delayed`.
    fn counts(&self, url: &str) -> [String; 3];
}

impl SqsCli for LocalCli {
    fn queue_url(&self, name: &str) -> String {
        format!("{}/123456789012/{name}", self.endpoint)
    }

    fn counts(&self, url: &str) -> [String; 3] {
        let output = self.ok(&["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"]);
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
            .map(|name| output["Attributes"][name].as_str().unwrap_or_else(|| panic!("{name} in {output}")).to_owned())
    }
}

fn start(data_dir: &Path) -> LocalCli {
    LocalCli::start(data_dir)
}

fn counts(visible: u32, in_flight: u32, delayed: u32) -> [String; 3] {
    [visible, in_flight, delayed].map(|n| n.to_string())
}

fn messages(received: &Value) -> Vec<Value> {
    received["Messages"].as_array().cloned().unwrap_or_default()
}

#[test]
fn queues_and_messages_work_through_the_cli_and_survive_a_restart() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());

    let created = local.ok(&["sqs", "create-queue", "--queue-name", "orders", "--attributes", "VisibilityTimeout=30"]);
    let url = local.queue_url("orders");
    assert_eq!(created["QueueUrl"], url.as_str(), "queue URLs point back at the endpoint the CLI used");
    assert_eq!(local.ok(&["sqs", "get-queue-url", "--queue-name", "orders"])["QueueUrl"], url.as_str());
    let listed = local.ok(&["sqs", "list-queues", "--queue-name-prefix", "ord"]);
    assert_eq!(listed["QueueUrls"], json!([url]));

    // Body and attributes whose digests SQS itself returned (LocalStack's
    // snapshot recorded against AWS).
    let attributes = r#"{"General": {"DataType": "String", "StringValue": "Kenobi"},
                         "Hello": {"DataType": "String", "StringValue": "There"},
                         "Help.Me": {"DataType": "String", "StringValue": "Me"}}"#;
    let sent = local.ok(&[
        "sqs",
        "send-message",
        "--queue-url",
        &url,
        "--message-body",
        "msg",
        "--message-attributes",
        attributes,
    ]);
    assert_eq!(sent["MD5OfMessageBody"], "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert_eq!(sent["MD5OfMessageAttributes"], "4c360f3fdafd970e05fae2f149d997f5");
    let batch = local.ok(&[
        "sqs",
        "send-message-batch",
        "--queue-url",
        &url,
        "--entries",
        r#"[{"Id": "a", "MessageBody": "order 1"},
            {"Id": "b", "MessageBody": "order 2", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "2"}}},
            {"Id": "c", "MessageBody": "too late", "DelaySeconds": 901}]"#,
    ]);
    let ids: Vec<&str> =
        batch["Successful"].as_array().expect("successful").iter().map(|e| e["Id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(batch["Failed"][0]["Id"], "c");
    assert_eq!(batch["Failed"][0]["Code"], "InvalidParameterValue");
    assert_eq!(batch["Failed"][0]["SenderFault"], true);
    assert_eq!(local.counts(&url), counts(3, 0, 0));

    // A restart loses nothing.
    let status = local.process.terminate();
    assert!(status.success(), "choreoscope-local exits cleanly on SIGTERM: {status}");
    let local = start(data.path());
    let url = local.queue_url("orders");
    assert_eq!(local.counts(&url), counts(3, 0, 0), "sent messages survive a restart");

    let received = local.ok(&[
        "sqs",
        "receive-message",
        "--queue-url",
        &url,
        "--max-number-of-messages",
        "10",
        "--attribute-names",
        "All",
        "--message-attribute-names",
        "All",
    ]);
    let received = messages(&received);
    assert_eq!(received.len(), 3);
    let first = received.iter().find(|m| m["Body"] == "msg").expect("the first message");
    assert_eq!(first["MessageId"], sent["MessageId"]);
    assert_eq!(first["MD5OfBody"], "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert_eq!(first["MD5OfMessageAttributes"], "4c360f3fdafd970e05fae2f149d997f5");
    assert_eq!(first["MessageAttributes"]["Hello"], json!({"StringValue": "There", "DataType": "String"}));
    assert_eq!(first["Attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(first["Attributes"]["SenderId"], "test", "the access key the CLI signed with");
    assert!(first["Attributes"]["SentTimestamp"].as_str().is_some_and(|t| t.len() == 13), "{first}");
    assert_eq!(local.counts(&url), counts(0, 3, 0));

    // Visibility: one back to the queue at once; the others deleted.
    let handle = |body: &str| {
        received
            .iter()
            .find(|m| m["Body"] == body)
            .and_then(|m| m["ReceiptHandle"].as_str())
            .expect("handle")
            .to_owned()
    };
    local.ok(&[
        "sqs",
        "change-message-visibility",
        "--queue-url",
        &url,
        "--receipt-handle",
        &handle("order 1"),
        "--visibility-timeout",
        "0",
    ]);
    assert_eq!(local.counts(&url), counts(1, 2, 0));
    local.ok(&["sqs", "delete-message", "--queue-url", &url, "--receipt-handle", &handle("msg")]);
    local.ok(&["sqs", "delete-message", "--queue-url", &url, "--receipt-handle", &handle("order 2")]);
    assert_eq!(local.counts(&url), counts(1, 0, 0));
    let again = messages(&local.ok(&["sqs", "receive-message", "--queue-url", &url, "--attribute-names", "All"]));
    assert_eq!(again[0]["Body"], "order 1");
    assert_eq!(again[0]["Attributes"]["ApproximateReceiveCount"], "2");

    local.ok(&["sqs", "send-message", "--queue-url", &url, "--message-body", "to purge", "--delay-seconds", "600"]);
    assert_eq!(local.counts(&url), counts(0, 1, 1));
    local.ok(&["sqs", "purge-queue", "--queue-url", &url]);
    assert_eq!(local.counts(&url), counts(0, 0, 0));
    local.ok(&["sqs", "delete-queue", "--queue-url", &url]);
    let stderr = local.fails(&["sqs", "get-queue-url", "--queue-name", "orders"]);
    assert!(stderr.contains("(AWS.SimpleQueueService.NonExistentQueue)"), "{stderr}");
    assert_eq!(local.ok(&["sqs", "list-queues"]), Value::Null, "no queues, nothing printed");
}

#[test]
fn a_long_poll_returns_as_soon_as_another_process_sends() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());
    local.ok(&["sqs", "create-queue", "--queue-name", "jobs"]);
    let url = local.queue_url("jobs");

    let receive_args = ["sqs", "receive-message", "--queue-url", &url, "--wait-time-seconds", "20"];
    let started = Instant::now();
    let mut receiver =
        local.command(&receive_args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the aws CLI starts");
    // Give the first CLI time to start and reach the server.
    std::thread::sleep(Duration::from_secs(3));
    assert!(receiver.try_wait().expect("waitable").is_none(), "the receive is still waiting on the empty queue");

    local.ok(&["sqs", "send-message", "--queue-url", &url, "--message-body", "wake up"]);
    let sent_at = Instant::now();
    let output = receiver.wait_with_output().expect("the receive finishes");
    let after_send = sent_at.elapsed();
    let received = parse_output(&receive_args, output);
    assert_eq!(messages(&received)[0]["Body"], "wake up");
    assert!(after_send < Duration::from_secs(3), "the receive returned {after_send:?} after the send");
    assert!(started.elapsed() < Duration::from_secs(15), "long before its 20 s wait ran out");

    // An empty long poll waits its time and returns nothing.
    let started = Instant::now();
    let empty = local.ok(&["sqs", "receive-message", "--queue-url", &url, "--wait-time-seconds", "2"]);
    assert_eq!(messages(&empty).len(), 0, "{empty}");
    assert!(started.elapsed() >= Duration::from_secs(2), "it waited");
}

#[test]
fn errors_come_in_sqs_shape() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());

    let stderr = local.fails(&["sqs", "get-queue-url", "--queue-name", "nope"]);
    assert!(
        stderr.contains("(AWS.SimpleQueueService.NonExistentQueue)")
            && stderr.contains("The specified queue does not exist."),
        "{stderr}"
    );
    let missing = local.queue_url("nope");
    let stderr = local.fails(&["sqs", "send-message", "--queue-url", &missing, "--message-body", "x"]);
    assert!(stderr.contains("(AWS.SimpleQueueService.NonExistentQueue)"), "{stderr}");

    local.ok(&["sqs", "create-queue", "--queue-name", "q", "--attributes", "DelaySeconds=5"]);
    let url = local.queue_url("q");
    let stderr = local.fails(&["sqs", "create-queue", "--queue-name", "q", "--attributes", "DelaySeconds=6"]);
    assert!(
        stderr.contains("(QueueAlreadyExists)")
            && stderr
                .contains("A queue already exists with the same name and a different value for attribute DelaySeconds"),
        "{stderr}"
    );
    let stderr = local.fails(&["sqs", "create-queue", "--queue-name", "q2", "--attributes", "VisibilityTimeout=50000"]);
    assert!(
        stderr.contains("(InvalidAttributeValue)")
            && stderr.contains("Invalid value for the parameter VisibilityTimeout."),
        "{stderr}"
    );
    let stderr = local.fails(&["sqs", "create-queue", "--queue-name", "q.fifo", "--attributes", "FifoQueue=true"]);
    assert!(stderr.contains("(AWS.SimpleQueueService.UnsupportedOperation)"), "{stderr}");
    let stderr = local.fails(&["sqs", "receive-message", "--queue-url", &url, "--max-number-of-messages", "11"]);
    assert!(
        stderr.contains("(InvalidParameterValue)")
            && stderr.contains(
                "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
            ),
        "{stderr}"
    );
    let stderr = local.fails(&["sqs", "delete-message", "--queue-url", &url, "--receipt-handle", "garbage"]);
    assert!(stderr.contains("(ReceiptHandleIsInvalid)"), "{stderr}");
    let entries: Vec<Value> = (0..11).map(|i| json!({"Id": i.to_string(), "MessageBody": "x"})).collect();
    let entries = Value::Array(entries).to_string();
    let stderr = local.fails(&["sqs", "send-message-batch", "--queue-url", &url, "--entries", &entries]);
    assert!(
        stderr.contains("(AWS.SimpleQueueService.TooManyEntriesInBatchRequest)")
            && stderr.contains("Maximum number of entries per request are 10. You have sent 11."),
        "{stderr}"
    );
    local.ok(&["sqs", "purge-queue", "--queue-url", &url]);
    let stderr = local.fails(&["sqs", "purge-queue", "--queue-url", &url]);
    assert!(stderr.contains("(AWS.SimpleQueueService.PurgeQueueInProgress)"), "{stderr}");

    // What the SDKs read: the shape in `__type`, the Query code in a header.
    let response = reqwest::blocking::Client::new()
        .post(&local.endpoint)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "AmazonSQS.GetQueueUrl")
        .body(r#"{"QueueName": "nope"}"#)
        .send()
        .expect("the local system answers");
    assert_eq!(response.status().as_u16(), 400);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("application/x-amz-json-1.0"));
    assert_eq!(header("x-amzn-query-error").as_deref(), Some("AWS.SimpleQueueService.NonExistentQueue;Sender"));
    let body: Value = response.json().expect("errors are JSON");
    assert_eq!(
        body,
        json!({"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."})
    );
}
