//! Step Functions end to end inside one local system, on a manual clock:
//! the API, callbacks through SQS, heartbeats and timeouts, Wait states,
//! Lambda tasks with Retry and Catch, child executions, a restart mid-wait,
//! and EventBridge rules that start executions.

mod api;
mod callbacks;
mod recorded;
mod tasks;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::clock::ManualClock;
use crate::functions::Functions;
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::test_support::{START_MS, open};

const ROLE: &str = "arn:aws:iam::123456789012:role/sfn";

struct System {
    shared: Arc<Shared>,
    clock: Arc<ManualClock>,
    functions: Functions,
    dir: tempfile::TempDir,
}

impl System {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::at(START_MS);
        let shared = open(dir.path(), &clock);
        Self { shared, clock, functions: Functions::default(), dir }
    }

    /// The same data folder opened anew, as after a crash: nothing of the
    /// old system survives but what it committed.
    fn restart(self) -> Self {
        let System { shared, clock, functions, dir } = self;
        drop(shared);
        let shared = open(dir.path(), &clock);
        Self { shared, clock, functions, dir }
    }

    fn call(&self, operation: &str, input: Value) -> Value {
        super::handle(&self.shared, operation, input.to_string().as_bytes())
            .unwrap_or_else(|error| panic!("{operation}: {error:?}"))
    }

    fn fails(&self, operation: &str, input: Value) -> AwsError {
        match super::handle(&self.shared, operation, input.to_string().as_bytes()) {
            Ok(output) => panic!("{operation} should have failed, answered {output}"),
            Err(error) => error,
        }
    }

    /// Lets the engine do everything due now.
    async fn run(&self) -> usize {
        super::run_due(&self.shared, &self.functions).await
    }

    /// Moves the clock and lets the engine catch up.
    async fn advance(&self, ms: i64) {
        self.clock.advance(ms);
        self.run().await;
    }

    fn machine(&self, name: &str, definition: Value) -> String {
        let created = self
            .call("CreateStateMachine", json!({"name": name, "definition": definition.to_string(), "roleArn": ROLE}));
        created["stateMachineArn"].as_str().expect("arn").to_owned()
    }

    fn start(&self, machine: &str, input: Value) -> String {
        let started = self.call("StartExecution", json!({"stateMachineArn": machine, "input": input.to_string()}));
        started["executionArn"].as_str().expect("execution arn").to_owned()
    }

    fn describe(&self, execution: &str) -> Value {
        self.call("DescribeExecution", json!({"executionArn": execution}))
    }

    fn status(&self, execution: &str) -> String {
        self.describe(execution)["status"].as_str().expect("status").to_owned()
    }

    fn history(&self, execution: &str) -> Vec<Value> {
        let history = self.call("GetExecutionHistory", json!({"executionArn": execution}));
        history["events"].as_array().expect("events").clone()
    }

    fn types(&self, execution: &str) -> Vec<String> {
        self.history(execution).iter().map(|e| e["type"].as_str().expect("type").to_owned()).collect()
    }

    fn queue(&self, name: &str) -> String {
        crate::sqs::call_local(&self.shared, "CreateQueue", json!({"QueueName": name})).expect("queue");
        format!("http://127.0.0.1/123456789012/{name}")
    }

    /// The bodies of the messages on a queue, oldest first.
    fn messages(&self, queue: &str) -> Vec<String> {
        let conn = self.shared.store.conn();
        let mut statement = conn
            .prepare(&format!("SELECT {} FROM sqs_messages WHERE queue = ?1 ORDER BY seq", crate::sqs::BODY_SQL))
            .expect("query");
        statement.query_map([queue], |row| row.get(0)).expect("rows").map(|row| row.expect("row")).collect()
    }

    fn events(&self, operation: &str, input: Value) -> Value {
        crate::eventbridge::handle(&self.shared, operation, input.to_string().as_bytes(), "req-1")
            .unwrap_or_else(|error| panic!("{operation}: {error:?}"))
    }
}

/// A task that sends its token through SQS and waits for it.
fn callback_machine(queue_url: &str, heartbeat: Option<u64>, timeout: Option<u64>) -> Value {
    let mut task = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": queue_url, "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}},
        "End": true
    });
    if let Some(seconds) = heartbeat {
        task["HeartbeatSeconds"] = json!(seconds);
    }
    if let Some(seconds) = timeout {
        task["TimeoutSeconds"] = json!(seconds);
    }
    json!({"StartAt": "Ask", "States": {"Ask": task}})
}

/// The task token in the latest message on `queue`.
fn token_from(system: &System, queue: &str) -> String {
    let body = system.messages(queue).pop().expect("a message with the token");
    let body: Value = serde_json::from_str(&body).expect("the body is JSON");
    body["token"].as_str().expect("token").to_owned()
}
