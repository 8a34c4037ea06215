//! Nothing accepted is lost: `choreoscope-local` is killed with SIGKILL at
//! random moments while clients put events, restarted, and in the end every
//! event PutEvents accepted has reached the rule's SQS target. Duplicates
//! (an attempt cut short and made again) are counted and reported; none may
//! be missing.

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use choreoscope_e2e::{Running, free_port, wait_for_port, workspace_bin};
use serde_json::{Value, json};

const ROUNDS: usize = 6;
const CLIENTS: usize = 3;

fn start(port: u16, data_dir: &std::path::Path) -> Running {
    let mut command = Command::new(workspace_bin("choreoscope-local"));
    command.args(["--port", &port.to_string(), "--data-dir"]).arg(data_dir).env("RUST_LOG", "warn");
    let running = Running::until_first_line(command);
    wait_for_port(port, Duration::from_secs(10));
    running
}

/// One AWS JSON call; `None` when the server is gone (killed mid-request).
fn call(client: &reqwest::blocking::Client, port: u16, target: &str, body: &Value) -> Option<Value> {
    let json_version = if target.starts_with("AmazonSQS") { "1.0" } else { "1.1" };
    let response = client
        .post(format!("http://127.0.0.1:{port}/"))
        .header("X-Amz-Target", target)
        .header("Content-Type", format!("application/x-amz-json-{json_version}"))
        .body(body.to_string())
        .send()
        .ok()?;
    let status = response.status();
    let text = response.text().ok()?;
    assert!(status.is_success(), "{target} failed: {status} {text}");
    serde_json::from_str(&text).ok()
}

/// A pseudo-random number of milliseconds in `range` (no RNG dependency
/// needed: the clock's nanoseconds are random enough for kill timing).
fn random_ms(range: std::ops::Range<u64>) -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    range.start + u64::from(nanos) % (range.end - range.start)
}

#[test]
fn every_accepted_event_is_delivered_across_sigkill_restarts() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");

    let mut server = start(port, data_dir.path());
    let queue = call(&client, port, "AmazonSQS.CreateQueue", &json!({"QueueName": "sink"})).expect("queue");
    let queue_url = queue["QueueUrl"].as_str().expect("url").to_owned();
    call(&client, port, "AWSEvents.PutRule", &json!({"Name": "all", "EventPattern": r#"{"source":["crash-test"]}"#}))
        .expect("rule");
    call(
        &client,
        port,
        "AWSEvents.PutTargets",
        &json!({"Rule": "all", "Targets": [{"Id": "sink", "Arn": "arn:aws:sqs:us-east-1:123456789012:sink"}]}),
    )
    .expect("target");

    let accepted = Arc::new(Mutex::new(HashSet::<String>::new()));
    for round in 0..ROUNDS {
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (accepted, stop, client) = (accepted.clone(), stop.clone(), client.clone());
                std::thread::spawn(move || {
                    let mut sequence = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let entries: Vec<Value> = (0..10)
                            .map(|i| {
                                let detail = json!({"round": round, "client": n, "n": sequence * 10 + i});
                                json!({"Source": "crash-test", "DetailType": "Tick", "Detail": detail.to_string()})
                            })
                            .collect();
                        sequence += 1;
                        let Some(result) = call(&client, port, "AWSEvents.PutEvents", &json!({"Entries": entries}))
                        else {
                            return; // the server died under this request: its outcome is unknown, not accepted
                        };
                        let ids = result["Entries"].as_array().into_iter().flatten();
                        let ids: Vec<String> =
                            ids.filter_map(|entry| entry["EventId"].as_str().map(str::to_owned)).collect();
                        accepted.lock().expect("lock").extend(ids);
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(random_ms(150..900)));
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            client.join().expect("client thread");
        }
        server = start(port, data_dir.path());
    }

    // Drain the target queue until every accepted event arrived.
    let accepted = accepted.lock().expect("lock").clone();
    assert!(accepted.len() > 100, "the clients put too few events ({}) to test anything", accepted.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while accepted.iter().any(|id| !seen.contains_key(id)) && Instant::now() < deadline {
        let received = call(
            &client,
            port,
            "AmazonSQS.ReceiveMessage",
            &json!({"QueueUrl": queue_url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1}),
        )
        .expect("receive");
        for message in received["Messages"].as_array().into_iter().flatten() {
            let event: Value = serde_json::from_str(message["Body"].as_str().expect("body")).expect("an event");
            *seen.entry(event["id"].as_str().expect("id").to_owned()).or_default() += 1;
            let handle = message["ReceiptHandle"].clone();
            call(&client, port, "AmazonSQS.DeleteMessage", &json!({"QueueUrl": queue_url, "ReceiptHandle": handle}))
                .expect("delete");
        }
    }
    let missing: Vec<&String> = accepted.iter().filter(|id| !seen.contains_key(*id)).collect();
    let duplicates: usize = seen.values().map(|count| count - 1).sum();
    println!(
        "crash test: {} rounds of SIGKILL, {} events accepted, {} delivered, {} duplicates, {} missing",
        ROUNDS,
        accepted.len(),
        seen.len(),
        duplicates,
        missing.len()
    );
    assert!(missing.is_empty(), "{} accepted events were never delivered, e.g. {:?}", missing.len(), &missing[..1]);
    server.terminate();
}
