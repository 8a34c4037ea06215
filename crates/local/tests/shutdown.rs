//! Stopping the local system does not wait for open SQS long polls.

use std::time::Duration;

use choreoscope_local::{Config, LocalSystem};
use serde_json::{Value, json};

async fn sqs(http: &reqwest::Client, endpoint: &str, operation: &str, body: Value) -> reqwest::Result<Value> {
    http.post(endpoint)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", format!("AmazonSQS.{operation}"))
        .body(body.to_string())
        .send()
        .await?
        .json()
        .await
}

#[tokio::test]
async fn shutdown_answers_open_long_polls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("starts");
    let endpoint = system.endpoint_url();
    let http = reqwest::Client::new();
    let queue = sqs(&http, &endpoint, "CreateQueue", json!({"QueueName": "waiting"})).await.expect("queue");
    let url = queue["QueueUrl"].as_str().expect("url").to_owned();
    let poll = tokio::spawn({
        let (http, endpoint) = (http.clone(), endpoint.clone());
        async move { sqs(&http, &endpoint, "ReceiveMessage", json!({"QueueUrl": url, "WaitTimeSeconds": 20})).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Generous bound: this checks for a hang (the 20 s poll), not for speed.
    tokio::time::timeout(Duration::from_secs(10), system.shutdown())
        .await
        .expect("shutdown does not wait for the poll");
    let answer = poll.await.expect("poll task").expect("the poll is answered");
    assert!(answer.get("Messages").is_none(), "an empty answer: {answer}");
}
