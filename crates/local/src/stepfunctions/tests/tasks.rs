//! Wait states, Lambda tasks with Retry and Catch, `lambda:invoke`,
//! `events:putEvents`, child executions, and rules that start executions.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};

use super::System;
use crate::delivery::{DeliverySettings, Dispatcher};
use crate::functions::FunctionError;

const ACCOUNT: &str = "123456789012";

fn lambda_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

#[tokio::test]
async fn a_wait_state_waits_on_a_durable_timer() {
    let system = System::new();
    let machine = system.machine(
        "pause",
        json!({"StartAt": "Pause", "States": {
            "Pause": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
            "Done": {"Type": "Pass", "Result": "woke", "End": true}}}),
    );
    let execution = system.start(&machine, json!({}));
    system.advance(9_000).await;
    assert_eq!(system.status(&execution), "RUNNING");
    let system = system.restart();
    system.advance(1_000).await;
    assert_eq!(system.describe(&execution)["output"], r#""woke""#);
    let types = system.types(&execution);
    assert_eq!(types[1..3], ["WaitStateEntered", "WaitStateExited"]);
}

#[tokio::test]
async fn lambda_failures_are_retried_then_caught() {
    let system = System::new();
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    system.functions.register("flaky", move |call| {
        let attempt = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if attempt < 2 {
                return Err(FunctionError::retryable("PartnerUnavailable", "503 from the partner"));
            }
            Ok(json!({"charged": call.payload["total"]}))
        }
    });
    system.functions.register("broken", |_| async { Err(FunctionError::permanent("Boom", "bad card")) });
    let retry =
        json!([{"ErrorEquals": ["PartnerUnavailable"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1.0}]);
    let machine = system.machine(
        "pay",
        json!({"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": lambda_arn("flaky"), "Retry": retry, "Next": "Refund"},
            "Refund": {"Type": "Task", "Resource": lambda_arn("broken"),
                       "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered"}],
                       "End": true},
            "Recovered": {"Type": "Pass", "End": true}}}),
    );
    let execution = system.start(&machine, json!({"total": 12.5}));
    system.run().await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    system.advance(2_000).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2, "retried after IntervalSeconds");
    system.advance(2_000).await;
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let described = system.describe(&execution);
    assert_eq!(described["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(described["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(output["charged"], 12.5);
    assert_eq!(output["error"]["Error"], "Boom");
    let cause: Value = serde_json::from_str(output["error"]["Cause"].as_str().expect("cause")).expect("JSON cause");
    assert_eq!((cause["errorType"].as_str(), cause["errorMessage"].as_str()), (Some("Boom"), Some("bad card")));
    let types = system.types(&execution);
    assert_eq!(types.iter().filter(|t| *t == "LambdaFunctionFailed").count(), 3);
    assert!(types.contains(&"LambdaFunctionSucceeded".to_owned()));
}

#[tokio::test]
async fn lambda_invoke_answers_lambdas_response_and_a_missing_function_fails() {
    let system = System::new();
    system.functions.register("echo", |call| async move { Ok(json!({"got": call.payload})) });
    let machine = system.machine(
        "invoke",
        json!({"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "echo", "Payload.$": "$"}, "ResultSelector": {"p.$": "$.Payload", "s.$": "$.StatusCode"},
                     "Next": "Missing"},
            "Missing": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "nope"}, "End": true}}}),
    );
    let execution = system.start(&machine, json!({"n": 1}));
    system.run().await;
    let history = system.history(&execution);
    let succeeded = history.iter().find(|e| e["type"] == "TaskSucceeded").expect("the first call succeeded");
    let output: Value =
        serde_json::from_str(succeeded["taskSucceededEventDetails"]["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(output["Payload"], json!({"got": {"n": 1}}));
    assert_eq!((output["StatusCode"].as_i64(), output["ExecutedVersion"].as_str()), (Some(200), Some("$LATEST")));
    let described = system.describe(&execution);
    assert_eq!(described["error"], "Lambda.ResourceNotFoundException");
    let cause = described["cause"].as_str().expect("cause");
    assert!(cause.starts_with("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST (Service: AWSLambda; Status Code: 404;"), "{cause}");
}

#[tokio::test]
async fn put_events_reaches_the_bus_with_the_execution_in_resources() {
    let system = System::new();
    system.queue("seen");
    system.events("PutRule", json!({"Name": "from-sfn", "EventPattern": r#"{"source":["sfn.test"]}"#}));
    system.events(
        "PutTargets",
        json!({"Rule": "from-sfn", "Targets": [{"Id": "q", "Arn": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:seen")}]}),
    );
    let machine = system.machine(
        "emit",
        json!({"StartAt": "Emit", "States": {"Emit": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {"Entries": [{"Source": "sfn.test", "DetailType": "OrderReady", "Detail": {"order.$": "$.order"}}]},
            "End": true}}}),
    );
    let execution = system.start(&machine, json!({"order": 9}));
    system.run().await;
    let output: Value =
        serde_json::from_str(system.describe(&execution)["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(output["FailedEntryCount"], 0);
    let event_id = output["Entries"][0]["EventId"].as_str().expect("event id").to_owned();
    let settings = DeliverySettings { backoff_base_ms: 1_000, backoff_cap_ms: 60_000, concurrency: 4 };
    Dispatcher::new(system.shared.clone(), system.functions.clone(), settings).run_due().await.expect("delivered");
    let event: Value = serde_json::from_str(&system.messages("seen")[0]).expect("event");
    assert_eq!(event["id"], event_id.as_str());
    assert_eq!(event["detail"], json!({"order": 9}));
    assert_eq!(event["resources"], json!([execution, machine]));

    let failing = system.machine(
        "emit-bad",
        json!({"StartAt": "Emit", "States": {"Emit": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {"Entries": [{"DetailType": "NoSource", "Detail": {}}]}, "End": true}}}),
    );
    let execution = system.start(&failing, json!({}));
    system.run().await;
    assert_eq!(system.describe(&execution)["error"], "EventBridge.FailedEntry");
}

#[tokio::test]
async fn start_execution_sync_waits_for_the_child_and_fire_and_forget_does_not() {
    let system = System::new();
    let child = system.machine(
        "child",
        json!({"StartAt": "Work", "States": {"Work": {"Type": "Wait", "Seconds": 5, "Next": "Out"},
            "Out": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}}),
    );
    let parent = |resource: &str| {
        json!({"StartAt": "Start", "States": {"Start": {"Type": "Task", "Resource": resource,
            "Parameters": {"StateMachineArn": child, "Input": {"from": "parent"}}, "End": true}}})
    };
    let sync = system.machine("parent-sync", parent("arn:aws:states:::states:startExecution.sync"));
    let sync2 = system.machine("parent-sync2", parent("arn:aws:states:::states:startExecution.sync:2"));
    let forget = system.machine("parent-forget", parent("arn:aws:states:::states:startExecution"));
    let (a, b, c) = (system.start(&sync, json!({})), system.start(&sync2, json!({})), system.start(&forget, json!({})));
    system.run().await;
    assert_eq!(system.status(&a), "RUNNING");
    assert_eq!(system.status(&c), "SUCCEEDED", "fire and forget answers the StartExecution response");
    system.advance(5_000).await;
    let output = |execution: &str| -> Value {
        serde_json::from_str(system.describe(execution)["output"].as_str().expect("output")).expect("JSON")
    };
    assert_eq!(output(&a)["Output"], r#"{"Arg1":"argument1"}"#, ".sync gives the child's output as text");
    assert_eq!(output(&a)["Status"], "SUCCEEDED");
    assert_eq!(output(&b)["Output"], json!({"Arg1": "argument1"}), ".sync:2 gives it as JSON");
    assert_eq!(output(&b)["Input"], json!({"from": "parent"}));
    assert!(output(&c)["ExecutionArn"].as_str().is_some_and(|arn| arn.contains(":execution:child:")));
    let types = system.types(&a);
    assert_eq!(types[4..6], ["TaskSubmitted", "TaskSucceeded"]);

    let failing = system.machine(
        "fails",
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "no"}}}),
    );
    let parent = system.machine(
        "parent-of-failure",
        json!({"StartAt": "Start", "States": {"Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": failing}, "End": true}}}),
    );
    let execution = system.start(&parent, json!({}));
    system.run().await;
    let described = system.describe(&execution);
    assert_eq!(described["error"], "States.TaskFailed");
    let cause: Value = serde_json::from_str(described["cause"].as_str().expect("cause")).expect("JSON");
    assert_eq!((cause["Error"].as_str(), cause["Status"].as_str()), (Some("SomeFailure"), Some("FAILED")));
    let types = system.types(&execution);
    assert_eq!(types[4..6], ["TaskSubmitted", "TaskFailed"], "the child ended at once, after TaskSubmitted");
}

#[tokio::test]
async fn an_eventbridge_rule_starts_an_execution_with_the_event_as_input() {
    let system = System::new();
    let machine = system.machine("on-order", json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}));
    let missing = format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:nope");
    system.events("PutRule", json!({"Name": "orders", "EventPattern": r#"{"detail-type":["OrderPlaced"]}"#}));
    system.events(
        "PutTargets",
        json!({"Rule": "orders", "Targets": [{"Id": "sfn", "Arn": machine}, {"Id": "gone", "Arn": missing}]}),
    );
    system
        .events("UpdateEventBus", json!({"Name": "default", "LogConfig": {"Level": "ERROR", "IncludeDetail": "FULL"}}));
    let put = system.events(
        "PutEvents",
        json!({"Entries": [{"Source": "shop", "DetailType": "OrderPlaced", "Detail": r#"{"order": 5}"#}]}),
    );
    let settings = DeliverySettings { backoff_base_ms: 1_000, backoff_cap_ms: 60_000, concurrency: 4 };
    Dispatcher::new(system.shared.clone(), system.functions.clone(), settings).run_due().await.expect("delivered");
    let listed = system.call("ListExecutions", json!({"stateMachineArn": machine}));
    let executions = listed["executions"].as_array().expect("executions");
    assert_eq!(executions.len(), 1);
    let execution = executions[0]["executionArn"].as_str().expect("arn");
    let input: Value =
        serde_json::from_str(system.describe(execution)["input"].as_str().expect("input")).expect("JSON");
    assert_eq!(input["id"], put["Entries"][0]["EventId"]);
    assert_eq!(input["detail"], json!({"order": 5}));
    assert_eq!(system.status(execution), "SUCCEEDED");

    let conn = system.shared.store.conn();
    let logged: Vec<String> = conn
        .prepare("SELECT message FROM log_events ORDER BY seq")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("bus log");
    let failure =
        logged.iter().find(|m| m.contains("INVOCATION_ATTEMPT_PERMANENT_FAILURE")).expect("a permanent failure");
    assert!(failure.contains("StateMachineDoesNotExist"), "{failure}");
    let pending: i64 = conn.query_row("SELECT COUNT(*) FROM deliveries", [], |r| r.get(0)).expect("count");
    assert_eq!(pending, 0, "nothing is retried");
}
