//! The real `aws` CLI against `choreoscope-local`'s Step Functions: a
//! workflow that sends its task token through SQS and waits for
//! send-task-success, errors in Step Functions' shape, and a server killed
//! with SIGKILL while the workflow waits, restarted, then answered.

use std::time::{Duration, Instant};

use choreoscope_e2e::LocalCli;
use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/sfn";

/// A state machine whose one task sends `{order, token}` to `queue_url` and
/// waits for the token to be answered.
fn callback_definition(queue_url: &str) -> String {
    json!({
        "Comment": "waitForTaskToken over SQS",
        "StartAt": "AskRestaurant",
        "States": {
            "AskRestaurant": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "HeartbeatSeconds": 600,
                "TimeoutSeconds": 3600,
                "Parameters": {"QueueUrl": queue_url, "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}},
                "ResultPath": "$.answer",
                "End": true
            }
        }
    })
    .to_string()
}

/// Creates the queue and the state machine; returns the machine's ARN.
fn setup(local: &LocalCli) -> String {
    let queue_url =
        local.ok(&["sqs", "create-queue", "--queue-name", "asks"])["QueueUrl"].as_str().expect("queue url").to_owned();
    let created = local.ok(&[
        "stepfunctions",
        "create-state-machine",
        "--name",
        "order-fulfilment",
        "--definition",
        &callback_definition(&queue_url),
        "--role-arn",
        ROLE,
    ]);
    created["stateMachineArn"].as_str().expect("state machine arn").to_owned()
}

fn start(local: &LocalCli, machine: &str, input: &str) -> String {
    let started = local.ok(&[
        "stepfunctions",
        "start-execution",
        "--state-machine-arn",
        machine,
        "--name",
        "order-42",
        "--input",
        input,
    ]);
    started["executionArn"].as_str().expect("execution arn").to_owned()
}

/// Receives the message the task sent (waiting for it) and returns its body.
fn receive_body(local: &LocalCli) -> Value {
    let url = format!("{}/123456789012/asks", local.endpoint);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let received = local.ok(&["sqs", "receive-message", "--queue-url", &url, "--wait-time-seconds", "5"]);
        if let Some(message) = received["Messages"].as_array().and_then(|m| m.first()) {
            let body = message["Body"].as_str().expect("body");
            return serde_json::from_str(body).expect("the body is JSON");
        }
        assert!(Instant::now() < deadline, "the task's message never arrived");
    }
}

fn describe(local: &LocalCli, execution: &str) -> Value {
    local.ok(&["stepfunctions", "describe-execution", "--execution-arn", execution])
}

fn history_types(local: &LocalCli, execution: &str) -> Vec<String> {
    let history = local.ok(&["stepfunctions", "get-execution-history", "--execution-arn", execution]);
    history["events"].as_array().expect("events").iter().map(|e| e["type"].as_str().expect("type").to_owned()).collect()
}

#[test]
fn a_token_sent_through_sqs_is_answered_with_send_task_success() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    let machine = setup(&local);
    let described = local.ok(&["stepfunctions", "describe-state-machine", "--state-machine-arn", &machine]);
    assert_eq!((described["status"].as_str(), described["type"].as_str()), (Some("ACTIVE"), Some("STANDARD")));
    let listed = local.ok(&["stepfunctions", "list-state-machines"]);
    assert_eq!(listed["stateMachines"][0]["name"], "order-fulfilment");

    let execution = start(&local, &machine, r#"{"order": 42}"#);
    let body = receive_body(&local);
    assert_eq!(body["order"], 42);
    let token = body["token"].as_str().expect("the token is in the message");
    assert_eq!(describe(&local, &execution)["status"], "RUNNING");
    local.ok(&["stepfunctions", "send-task-heartbeat", "--task-token", token]);

    local.ok(&["stepfunctions", "send-task-success", "--task-token", token, "--task-output", r#"{"accepted": true}"#]);
    let described = describe(&local, &execution);
    assert_eq!(described["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(described["output"].as_str().expect("output")).expect("JSON output");
    assert_eq!(output, json!({"order": 42, "answer": {"accepted": true}}));
    assert_eq!(
        history_types(&local, &execution),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let history = local.ok(&["stepfunctions", "get-execution-history", "--execution-arn", &execution]);
    assert_eq!(history["events"][2]["taskScheduledEventDetails"]["heartbeatInSeconds"], 600);
    let listed = local.ok(&[
        "stepfunctions",
        "list-executions",
        "--state-machine-arn",
        &machine,
        "--status-filter",
        "SUCCEEDED",
    ]);
    assert_eq!(listed["executions"][0]["executionArn"], execution.as_str());

    // The answered token no longer works.
    let stderr = local.fails(&["stepfunctions", "send-task-success", "--task-token", token, "--task-output", "{}"]);
    assert!(stderr.contains("(TaskTimedOut)"), "{stderr}");
}

#[test]
fn errors_come_in_step_functions_shape() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    let stderr = local.fails(&["stepfunctions", "send-task-success", "--task-token", "bogus", "--task-output", "{}"]);
    assert!(stderr.contains("(InvalidToken)") && stderr.contains("Invalid Token: 'Invalid token'"), "{stderr}");
    let stderr = local.fails(&[
        "stepfunctions",
        "create-state-machine",
        "--name",
        "broken",
        "--definition",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#,
        "--role-arn",
        ROLE,
    ]);
    assert!(stderr.contains("(InvalidDefinition)") && stderr.contains("MISSING_TRANSITION_TARGET"), "{stderr}");
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:nope";
    let stderr = local.fails(&["stepfunctions", "start-execution", "--state-machine-arn", machine]);
    assert!(stderr.contains("(StateMachineDoesNotExist)"), "{stderr}");
    let machine = setup(&local);
    let execution = start(&local, &machine, r#"{"order": 1}"#);
    let stderr = local.fails(&[
        "stepfunctions",
        "start-execution",
        "--state-machine-arn",
        &machine,
        "--name",
        "order-42",
        "--input",
        r#"{"order": 2}"#,
    ]);
    assert!(stderr.contains("(ExecutionAlreadyExists)") && stderr.contains(&execution), "{stderr}");
}

#[test]
fn a_server_killed_mid_wait_resumes_and_the_token_still_answers() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start(data.path());
    let machine = setup(&local);
    let execution = start(&local, &machine, r#"{"order": 42}"#);
    let body = receive_body(&local);
    let token = body["token"].as_str().expect("token").to_owned();

    local.process.kill();
    let local = LocalCli::start(data.path());
    assert_eq!(describe(&local, &execution)["status"], "RUNNING", "the wait survived SIGKILL");
    local.ok(&["stepfunctions", "send-task-success", "--task-token", &token, "--task-output", r#""confirmed""#]);
    let described = describe(&local, &execution);
    assert_eq!(described["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(described["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(output["answer"], "confirmed");
    let types = history_types(&local, &execution);
    assert_eq!(types.iter().filter(|t| *t == "TaskSubmitted").count(), 1, "the message was sent once: {types:?}");
}
