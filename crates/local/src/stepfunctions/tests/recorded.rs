//! The AWS recordings of callbacks and heartbeats
//! (`../shared/conformance/stepfunctions/aws-recorded`), run through the
//! whole local system (its SQS, the API, the engine loop, a manual clock):
//! the history has the event types AWS recorded, in the same order.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::System;

fn recordings() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/stepfunctions/aws-recorded")
}

/// A template; the ones used here are JSON but for trailing commas.
fn template(name: &str) -> Value {
    let text = std::fs::read_to_string(recordings().join("templates").join(name)).expect("the template is there");
    let chars: Vec<char> = text.chars().collect();
    let kept: String = chars
        .iter()
        .enumerate()
        .filter(|(at, c)| **c != ',' || !matches!(chars[at + 1..].iter().find(|c| !c.is_whitespace()), Some('}' | ']')))
        .map(|(_, c)| c)
        .collect();
    serde_json::from_str(&kept).expect("the template parses")
}

/// The event types of a recorded history.
fn recorded_types(snapshot: &str, test: &str) -> Vec<String> {
    let path = recordings().join("v2").join(snapshot);
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("snapshot")).expect("JSON");
    let (_, case) = recorded
        .as_object()
        .and_then(|cases| cases.iter().find(|(key, _)| key.ends_with(&format!("::{test}"))))
        .expect("the recorded test");
    let events = case["recorded-content"]["get_execution_history"]["events"].as_array().expect("events");
    events.iter().map(|e| e["type"].as_str().expect("type").to_owned()).collect()
}

/// Starts `template` with a queue for its messages and returns the execution
/// and the token of the first message.
async fn waiting(system: &System, template_name: &str) -> (String, String) {
    let url = system.queue("recorded");
    let machine = system.machine("recorded", template(template_name));
    let execution = system.start(&machine, json!({"QueueUrl": url, "Message": "test_message_txt"}));
    system.run().await;
    let body: Value = serde_json::from_str(&system.messages("recorded")[0]).expect("JSON body");
    (execution, body["TaskToken"].as_str().expect("the token").to_owned())
}

#[tokio::test]
async fn callbacks_answered_and_failed_as_recorded() {
    let callback = "callback/test_callback.snapshot.json";
    let system = System::new();
    let (execution, token) = waiting(&system, "callbacks/statemachines/sqs_wait_for_task_token.json5").await;
    system.call("SendTaskSuccess", json!({"taskToken": token, "output": r#""test_message_txt""#}));
    assert_eq!(system.types(&execution), recorded_types(callback, "test_sqs_wait_for_task_token"));

    let system = System::new();
    let (execution, token) = waiting(&system, "callbacks/statemachines/sqs_wait_for_task_token.json5").await;
    system.call("SendTaskFailure", json!({"taskToken": token, "error": "Failure error", "cause": "Failure cause"}));
    assert_eq!(system.types(&execution), recorded_types(callback, "test_sqs_failure_in_wait_for_task_token"));
    assert_eq!(system.describe(&execution)["error"], "Failure error");

    for (template, test) in [
        (
            "callbacks/statemachines/sqs_wait_for_task_token_catch.json5",
            "test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_WAIT_FOR_TASK_TOKEN_CATCH]",
        ),
        (
            "callbacks/statemachines/sqs_parallel_wait_for_task_token.json5",
            "test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_PARALLEL_WAIT_FOR_TASK_TOKEN]",
        ),
    ] {
        let system = System::new();
        let (execution, token) = waiting(&system, template).await;
        system.call("SendTaskFailure", json!({"taskToken": token}));
        assert_eq!(system.types(&execution), recorded_types(callback, test), "{test}");
    }
}

#[tokio::test]
async fn a_missed_heartbeat_times_out_as_recorded() {
    let system = System::new();
    let template = "timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat.json5";
    let (execution, _token) = waiting(&system, template).await;
    system.advance(5_000).await;
    let expected = recorded_types("timeouts/test_heartbeats.snapshot.json", "test_heartbeat_timeout");
    assert_eq!(system.types(&execution), expected);
    let last = system.history(&execution).pop().expect("events");
    assert_eq!(last["executionFailedEventDetails"]["error"], "States.Timeout", "not States.HeartbeatTimeout");
}

#[tokio::test]
async fn start_execution_sync_as_recorded() {
    let system = System::new();
    let child = system.machine(
        "TestStartTarget-machine",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}}),
    );
    for (name, path, test) in [
        ("sync", "callbacks/statemachines/sfn_start_execution_sync.json5", "test_start_execution_sync"),
        ("sync2", "callbacks/statemachines/sfn_start_execution_sync2.json5", "test_start_execution_sync2"),
    ] {
        let machine = system.machine(name, template(path));
        let input = json!({"StateMachineArn": child, "Input": null, "Name": format!("TestStartTarget-{name}")});
        let execution = system.start(&machine, input);
        system.run().await;
        assert_eq!(system.types(&execution), recorded_types("callback/test_callback.snapshot.json", test), "{test}");
    }
}
