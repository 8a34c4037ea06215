//! Delivery end to end with the real `aws` CLI against `choreoscope-local`:
//! input transformers deliver to SQS exactly the bodies AWS delivered, a
//! failing HTTP target (API destination) ends in the DLQ with EventBridge's
//! six attributes, and an archive replay redelivers exactly its window.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use choreoscope_e2e::LocalCli;
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

fn read_case_file() -> Vec<Value> {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/eventbridge/input_transformer_aws_cases.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<Value>(&text).expect("JSON").as_array().cloned().expect("a list")
}

fn queue_url(local: &LocalCli, name: &str) -> String {
    format!("{}/{ACCOUNT}/{name}", local.endpoint)
}

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}")
}

/// Receives from a queue until `count` messages arrived or `timeout` passed.
fn receive(local: &LocalCli, queue: &str, count: usize, timeout: Duration) -> Vec<Value> {
    let url = queue_url(local, queue);
    let deadline = Instant::now() + timeout;
    let mut messages = Vec::new();
    while messages.len() < count && Instant::now() < deadline {
        let received = local.ok(&[
            "sqs",
            "receive-message",
            "--queue-url",
            &url,
            "--max-number-of-messages",
            "10",
            "--wait-time-seconds",
            "1",
            "--message-attribute-names",
            "All",
        ]);
        messages.extend(received["Messages"].as_array().cloned().unwrap_or_default());
    }
    messages
}

/// Writes JSON for a `file://` argument.
fn json_file(dir: &std::path::Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).expect("write");
    format!("file://{}", path.display())
}

#[test]
fn input_transformer_deliveries_equal_the_bodies_aws_delivered() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    // The recorded cases whose bodies need no unmasking (no ids, times or
    // ARNs in them); every case shares one event, so one PutEvents serves all.
    let cases: Vec<Value> = read_case_file()
        .into_iter()
        .filter(|case| {
            case.get("sqs_body_recorded_from_aws").is_some_and(|body| {
                let text = body.to_string();
                !text.contains('<') && !text.contains("date")
            })
        })
        .collect();
    assert_eq!(cases.len(), 14);
    let pattern = json!({"source": ["core.update-account-command"]}).to_string();
    for (group, chunk) in cases.chunks(5).enumerate() {
        let rule = format!("transform-{group}");
        local.ok(&["events", "put-rule", "--name", &rule, "--event-pattern", &pattern]);
        let targets: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let queue = format!("case-{}", group * 5 + i);
                local.ok(&["sqs", "create-queue", "--queue-name", &queue]);
                // The case file keeps pytest's escaping of newlines in the id.
                let template = case["InputTemplate"].as_str().expect("template");
                let template = if case["sqs_body_recorded_from_aws"].to_string().contains("\\n") {
                    template.replace("\\n", "\n")
                } else {
                    template.to_owned()
                };
                json!({"Id": format!("t{i}"), "Arn": queue_arn(&queue), "InputTransformer": {
                    "InputPathsMap": case["InputPathsMap"], "InputTemplate": template}})
            })
            .collect();
        let targets = json_file(data.path(), &format!("{rule}.json"), &json!(targets));
        local.ok(&["events", "put-targets", "--rule", &rule, "--targets", &targets]);
    }
    let detail = cases[0]["detail"].to_string();
    let entries = json!([{"Source": "core.update-account-command", "DetailType": "core.update-account-command",
                          "Detail": detail}]);
    let entries = json_file(data.path(), "entries.json", &entries);
    assert_eq!(local.ok(&["events", "put-events", "--entries", &entries])["FailedEntryCount"], 0);

    for (index, case) in cases.iter().enumerate() {
        let messages = receive(&local, &format!("case-{index}"), 1, Duration::from_secs(10));
        assert_eq!(messages.len(), 1, "case {index} ({}) got no message", case["test"]);
        let body = messages[0]["Body"].as_str().expect("body");
        let [expected] = case["sqs_body_recorded_from_aws"].as_array().expect("bodies").as_slice() else {
            panic!("one recorded body");
        };
        // The recording keeps a JSON body parsed and any other body as text.
        let delivered = match expected {
            Value::String(_) => Value::String(body.to_owned()),
            _ => serde_json::from_str(body).unwrap_or_else(|e| panic!("case {index}: {body:?} is not JSON: {e}")),
        };
        // As text, so key order counts too.
        assert_eq!(delivered.to_string(), expected.to_string(), "case {index}: {}", case["test"]);
    }
}

/// An HTTP server on loopback that answers every request with `status`, and
/// counts them.
fn failing_endpoint(status: u16) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            counted.fetch_add(1, Ordering::SeqCst);
            let reply = format!("HTTP/1.1 {status} Failing\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndown");
            let _ = reader.get_mut().write_all(reply.as_bytes());
        }
    });
    (url, count)
}

#[test]
fn a_failing_http_target_ends_in_the_dlq_with_the_six_attributes() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    let (url, calls) = failing_endpoint(500);
    let auth = json!({"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k"}}).to_string();
    let connection = local.ok(&[
        "events",
        "create-connection",
        "--name",
        "partner",
        "--authorization-type",
        "API_KEY",
        "--auth-parameters",
        &auth,
    ]);
    let destination = local.ok(&[
        "events",
        "create-api-destination",
        "--name",
        "partner-api",
        "--connection-arn",
        connection["ConnectionArn"].as_str().expect("arn"),
        "--invocation-endpoint",
        &url,
        "--http-method",
        "POST",
    ]);
    let destination_arn = destination["ApiDestinationArn"].as_str().expect("arn").to_owned();
    local.ok(&["sqs", "create-queue", "--queue-name", "partner-dlq"]);
    local.ok(&["events", "put-rule", "--name", "to-partner", "--event-pattern", r#"{"source":["shop"]}"#]);
    let targets = json!([{"Id": "partner", "Arn": destination_arn,
        "RetryPolicy": {"MaximumRetryAttempts": 1}, "DeadLetterConfig": {"Arn": queue_arn("partner-dlq")}}]);
    let targets = json_file(data.path(), "targets.json", &targets);
    local.ok(&["events", "put-targets", "--rule", "to-partner", "--targets", &targets]);
    let entries = json_file(
        data.path(),
        "entries.json",
        &json!([{"Source": "shop", "DetailType": "OrderPlaced", "Detail": "{}"}]),
    );
    let put = local.ok(&["events", "put-events", "--entries", &entries]);
    let event_id = put["Entries"][0]["EventId"].as_str().expect("id").to_owned();

    let messages = receive(&local, "partner-dlq", 1, Duration::from_secs(20));
    assert_eq!(messages.len(), 1, "the event reached the DLQ");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one attempt and one retry");
    let event: Value = serde_json::from_str(messages[0]["Body"].as_str().expect("body")).expect("the event");
    assert_eq!(event["id"], event_id.as_str());
    let attributes = &messages[0]["MessageAttributes"];
    let value = |name: &str| attributes[name]["StringValue"].as_str().unwrap_or_else(|| panic!("{name}")).to_owned();
    assert_eq!(value("RULE_ARN"), format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/to-partner"));
    assert_eq!(value("TARGET_ARN"), destination_arn);
    assert_eq!(value("ERROR_CODE"), "500");
    assert!(!value("ERROR_MESSAGE").is_empty());
    assert_eq!(value("EXHAUSTED_RETRY_CONDITION"), "MaximumRetryAttempts");
    assert_eq!(value("RETRY_ATTEMPTS"), "1");
    assert_eq!(attributes["RETRY_ATTEMPTS"]["DataType"], "Number");
}

#[test]
fn an_archive_replay_redelivers_exactly_its_window() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    let bus_arn = format!("arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default");
    local.ok(&["events", "create-archive", "--archive-name", "orders", "--event-source-arn", &bus_arn]);
    local.ok(&["sqs", "create-queue", "--queue-name", "orders"]);
    local.ok(&["events", "put-rule", "--name", "orders", "--event-pattern", r#"{"source":["shop"]}"#]);
    local.ok(&["events", "put-targets", "--rule", "orders", "--targets", &format!("Id=q,Arn={}", queue_arn("orders"))]);
    let entries: Vec<Value> = ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]
        .iter()
        .enumerate()
        .map(|(n, time)| json!({"Source": "shop", "DetailType": "OrderPlaced", "Detail": json!({"n": n}).to_string(), "Time": time}))
        .collect();
    let entries = json_file(data.path(), "entries.json", &json!(entries));
    local.ok(&["events", "put-events", "--entries", &entries]);
    assert_eq!(receive(&local, "orders", 3, Duration::from_secs(10)).len(), 3, "delivered once at first");
    local.ok(&["sqs", "purge-queue", "--queue-url", &queue_url(&local, "orders")]);

    let archive_arn = format!("arn:aws:events:us-east-1:{ACCOUNT}:archive/orders");
    let destination = json!({"Arn": bus_arn}).to_string();
    local.ok(&[
        "events",
        "start-replay",
        "--replay-name",
        "hour-one",
        "--event-source-arn",
        &archive_arn,
        "--event-start-time",
        "2026-01-01T00:30:00Z",
        "--event-end-time",
        "2026-01-01T01:30:00Z",
        "--destination",
        &destination,
    ]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let replay = loop {
        let replay = local.ok(&["events", "describe-replay", "--replay-name", "hour-one"]);
        if replay["State"] == "COMPLETED" || Instant::now() > deadline {
            break replay;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(replay["State"], "COMPLETED", "{replay}");
    let messages = receive(&local, "orders", 2, Duration::from_secs(3));
    assert_eq!(messages.len(), 1, "only the event inside the window");
    let event: Value = serde_json::from_str(messages[0]["Body"].as_str().expect("body")).expect("event");
    assert_eq!(event["detail"], json!({"n": 1}));
    assert_eq!(event["replay-name"], "hour-one");
}
