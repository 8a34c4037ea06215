//! Task tokens end to end, through the real `aws-sdk-sfn` client against a
//! local system: callback tasks that send their token through SQS are
//! listed with their tokens, kept alive by heartbeats, answered with
//! success or failure, refused a bogus token, and time out without
//! heartbeats.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use aws_sdk_sfn::operation::send_task_success::SendTaskSuccessError;
use aws_sdk_sfn::types::ExecutionStatus;
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::WaitingTask;
use choreoscope_observe::{Connection, ObserveError, Observer};
use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/sfn";
const RESOURCE: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

async fn started() -> (LocalSystem, Observer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system starts");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    (system, observer, dir)
}

/// One SQS call (AWS JSON 1.0) over a bare HTTP/1.1 connection: this crate
/// has no SQS client, and the test only needs to make and read a queue.
async fn sqs(system: &LocalSystem, operation: &str, input: Value) -> Value {
    let addr = system.addr();
    let body = input.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AmazonSQS.{operation}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connects");
        stream.write_all(request.as_bytes()).expect("request sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response read");
        response
    })
    .await
    .expect("the call ran");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(head.starts_with("HTTP/1.1 200"), "{operation}: {response}");
    serde_json::from_str(body).expect("a JSON body")
}

/// A state machine whose one task sends its token through SQS and waits.
async fn machine(observer: &Observer, name: &str, queue_url: &str, heartbeat: i64, timeout: i64) -> String {
    let definition = json!({
        "StartAt": "AskRestaurant",
        "States": {"AskRestaurant": {
            "Type": "Task",
            "Resource": RESOURCE,
            "Parameters": {
                "QueueUrl": queue_url,
                "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}
            },
            "HeartbeatSeconds": heartbeat,
            "TimeoutSeconds": timeout,
            "End": true
        }}
    });
    let created = observer
        .stepfunctions()
        .create_state_machine()
        .name(name)
        .definition(definition.to_string())
        .role_arn(ROLE)
        .send()
        .await
        .expect("CreateStateMachine");
    created.state_machine_arn().to_owned()
}

async fn start(observer: &Observer, machine: &str, name: &str, order: u32) -> String {
    let started = observer
        .stepfunctions()
        .start_execution()
        .state_machine_arn(machine)
        .name(name)
        .input(json!({"order": order}).to_string())
        .send()
        .await
        .expect("StartExecution");
    started.execution_arn().to_owned()
}

async fn status(
    observer: &Observer,
    execution: &str,
) -> aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput {
    observer.stepfunctions().describe_execution().execution_arn(execution).send().await.expect("DescribeExecution")
}

/// The waiting tasks of `machine`, once `count` are listed with their tokens.
async fn waiting(observer: &Observer, machine: &str, count: usize) -> Vec<WaitingTask> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let tasks: Vec<WaitingTask> = observer
            .waiting_tasks()
            .await
            .expect("waiting tasks")
            .into_iter()
            .filter(|task| task.state_machine_arn == machine)
            .collect();
        if (tasks.len() == count && tasks.iter().all(|task| task.task_token.is_some())) || Instant::now() > deadline {
            return tasks;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn waiting_tasks_are_listed_with_their_tokens_kept_alive_and_answered() {
    let (system, observer, _dir) = started().await;
    let sfn = observer.stepfunctions();
    let url = sqs(&system, "CreateQueue", json!({"QueueName": "restaurant-asks"})).await["QueueUrl"]
        .as_str()
        .expect("a queue URL")
        .to_owned();
    let machine = machine(&observer, "order-confirmation", &url, 2, 60).await;
    let before_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis();
    let first = start(&observer, &machine, "order-1", 1).await;
    let second = start(&observer, &machine, "order-2", 2).await;

    let tasks = waiting(&observer, &machine, 2).await;
    assert_eq!(tasks.len(), 2, "{tasks:#?}");
    let task_of = |execution: &str| tasks.iter().find(|task| task.execution_arn == execution).expect("listed");
    let (one, two) = (task_of(&first), task_of(&second));
    assert_eq!((one.execution_name.as_str(), one.state_name.as_str()), ("order-1", "AskRestaurant"));
    assert_eq!(one.resource, RESOURCE);
    assert_eq!((one.heartbeat_seconds, one.timeout_seconds), (Some(2), Some(60)));
    assert!(i128::from(one.scheduled_ms) >= before_ms as i128 - 1_000, "{} vs {before_ms}", one.scheduled_ms);
    assert_eq!(one.parameters["MessageBody"]["order"], 1);
    // The tokens are the ones the restaurant received.
    let mut sent = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while sent.len() < 2 && Instant::now() < deadline {
        let receive = json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1});
        let received = sqs(&system, "ReceiveMessage", receive).await;
        for message in received["Messages"].as_array().into_iter().flatten() {
            let body: Value = serde_json::from_str(message["Body"].as_str().expect("a body")).expect("JSON");
            sent.push((body["order"].as_u64().expect("order"), body["token"].as_str().expect("token").to_owned()));
        }
    }
    sent.sort();
    let (token_one, token_two) = (one.task_token.clone().expect("token"), two.task_token.clone().expect("token"));
    assert_eq!(sent, [(1, token_one.clone()), (2, token_two.clone())]);

    // Heartbeats every 0.4 s keep 2 s heartbeats alive well past 2 s.
    let until = Instant::now() + Duration::from_millis(3_000);
    while Instant::now() < until {
        for token in [&token_one, &token_two] {
            sfn.send_task_heartbeat().task_token(token).send().await.expect("SendTaskHeartbeat");
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert_eq!(status(&observer, &first).await.status(), &ExecutionStatus::Running);
    assert_eq!(waiting(&observer, &machine, 2).await.len(), 2, "both still wait");

    sfn.send_task_success()
        .task_token(&token_one)
        .output(r#"{"accepted": true, "minutes": 20}"#)
        .send()
        .await
        .expect("SendTaskSuccess");
    let done = status(&observer, &first).await;
    assert_eq!(done.status(), &ExecutionStatus::Succeeded);
    let output: Value = serde_json::from_str(done.output().expect("output")).expect("JSON output");
    assert_eq!(output, json!({"accepted": true, "minutes": 20}));

    sfn.send_task_failure()
        .task_token(&token_two)
        .error("RestaurantRejected")
        .cause("The kitchen is closed")
        .send()
        .await
        .expect("SendTaskFailure");
    let failed = status(&observer, &second).await;
    assert_eq!(failed.status(), &ExecutionStatus::Failed);
    assert_eq!((failed.error(), failed.cause()), (Some("RestaurantRejected"), Some("The kitchen is closed")));
    assert!(waiting(&observer, &machine, 0).await.is_empty(), "nothing waits any more");

    let bogus = sfn.send_task_success().task_token("bogus").output("{}").send().await.expect_err("a bogus token");
    assert!(
        matches!(bogus.as_service_error(), Some(SendTaskSuccessError::InvalidToken(_))),
        "{:?}",
        bogus.as_service_error()
    );
    assert_eq!(ObserveError::from_sdk("SendTaskSuccess", bogus).code(), Some("InvalidToken"));
    let again = sfn.send_task_success().task_token(&token_one).output("{}").send().await.expect_err("answered");
    assert!(matches!(again.as_service_error(), Some(SendTaskSuccessError::TaskTimedOut(_))), "{again:?}");
    system.shutdown().await;
}

#[tokio::test]
async fn a_task_without_heartbeats_times_out() {
    let (system, observer, _dir) = started().await;
    let url = sqs(&system, "CreateQueue", json!({"QueueName": "quiet"})).await["QueueUrl"]
        .as_str()
        .expect("a queue URL")
        .to_owned();
    let machine = machine(&observer, "quiet-restaurant", &url, 1, 60).await;
    let execution = start(&observer, &machine, "order-3", 3).await;
    let deadline = Instant::now() + Duration::from_secs(8);
    let described = loop {
        let described = status(&observer, &execution).await;
        if described.status() != &ExecutionStatus::Running || Instant::now() > deadline {
            break described;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(described.status(), &ExecutionStatus::Failed);
    assert_eq!(described.error(), Some("States.Timeout"));
    let history = observer
        .stepfunctions()
        .get_execution_history()
        .execution_arn(&execution)
        .send()
        .await
        .expect("GetExecutionHistory");
    let types: Vec<&str> = history.events().iter().map(|event| event.r#type().as_str()).collect();
    assert_eq!(types[types.len() - 2..], ["TaskTimedOut", "ExecutionFailed"]);
    assert!(observer.waiting_tasks().await.expect("waiting tasks").is_empty());
    system.shutdown().await;
}
