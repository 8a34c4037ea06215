//! The AWS recordings of callbacks, heartbeats, timeouts and error handling,
//! replayed against the interpreter (see `recorded/mod.rs` for how).

mod recorded;

use recorded::{Scenario, compare, recording, run, template};
use serde_json::{Value, json};

const LAMBDA_ARN: &str = "arn:aws:lambda:us-east-1:111111111111:function:lambda_function_name";

/// A template, with edits at JSON pointers (the tests that recorded these
/// filled in the same placeholders).
fn edited(path: &str, edits: &[(&str, Value)]) -> Value {
    let mut definition = template(path);
    for (pointer, value) in edits {
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
        let parent = definition.pointer_mut(parent).expect("the parent exists");
        if value.is_null() {
            parent.as_object_mut().map(|m| m.remove(key));
        } else if let Some(items) = parent.as_array_mut() {
            items[key.parse::<usize>().expect("an index")] = value.clone();
        } else {
            parent[key] = value.clone();
        }
    }
    definition
}

struct Case {
    snapshot: &'static str,
    test: &'static str,
    key: &'static str,
    definition: Value,
}

fn case(snapshot: &'static str, test: &'static str, definition: Value) -> Case {
    Case { snapshot, test, key: "get_execution_history", definition }
}

fn remove(pointer: &'static str) -> (&'static str, Value) {
    (pointer, Value::Null)
}

fn cases() -> Vec<Case> {
    let cb = "callback/test_callback.snapshot.json";
    let sdk = "error_handling/test_aws_sdk.snapshot.json";
    let states = "error_handling/test_states_errors.snapshot.json";
    let lambda = "error_handling/test_task_lambda.snapshot.json";
    let ddb = "error_handling/test_task_service_dynamodb.snapshot.json";
    let svc = "error_handling/test_task_service_lambda.snapshot.json";
    let sfn = "error_handling/test_task_service_sfn.snapshot.json";
    let sqs = "error_handling/test_task_service_sqs.snapshot.json";
    let hb = "timeouts/test_heartbeats.snapshot.json";
    let to = "timeouts/test_timeouts.snapshot.json";
    let t = |p: &str| template(p);
    let lambda_resource = |p: &str| edited(p, &[("/States/InvokeLambda/Resource", json!(LAMBDA_ARN))]);
    let lambda_start = |p: &str| edited(p, &[("/States/Start/Resource", json!(LAMBDA_ARN))]);
    let custom_catch = json!(["CustomException"]);
    let mut cases = vec![
        case(cb, "test_sqs_wait_for_task_token", t("callbacks/statemachines/sqs_wait_for_task_token.json5")),
        case(
            cb,
            "test_sqs_wait_for_task_token_timeout",
            t("callbacks/statemachines/sqs_wait_for_task_token_with_timeout.json5"),
        ),
        case(cb, "test_sqs_failure_in_wait_for_task_token", t("callbacks/statemachines/sqs_wait_for_task_token.json5")),
        case(
            cb,
            "test_sqs_wait_for_task_tok_with_heartbeat",
            edited(
                "timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat.json5",
                &[("/States/SendMessageWithWait/HeartbeatSeconds", json!(60))],
            ),
        ),
        case(cb, "test_start_execution_sync", t("callbacks/statemachines/sfn_start_execution_sync.json5")),
        case(
            cb,
            "test_start_execution_sync_delegate_failure",
            t("callbacks/statemachines/sfn_start_execution_sync.json5"),
        ),
        case(
            cb,
            "test_start_execution_sync_delegate_timeout",
            t("callbacks/statemachines/sfn_start_execution_sync.json5"),
        ),
        case(cb, "test_start_execution_sync2", t("callbacks/statemachines/sfn_start_execution_sync2.json5")),
        case(
            cb,
            "test_sns_publish_wait_for_task_token",
            t("callbacks/statemachines/sns_publish_wait_for_task_token.json5"),
        ),
        case(
            cb,
            "test_multiple_heartbeat_notifications",
            t("timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat_path.json5"),
        ),
        case(
            cb,
            "test_sqs_wait_for_task_token_call_chain",
            t("callbacks/statemachines/sqs_wait_for_task_token_call_chain.json5"),
        ),
        case(
            cb,
            "test_sqs_wait_for_task_token_no_token_parameter",
            t("callbacks/statemachines/sqs_wait_for_task_token_no_token_parameter.json5"),
        ),
        case(
            cb,
            "test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_PARALLEL_WAIT_FOR_TASK_TOKEN]",
            t("callbacks/statemachines/sqs_parallel_wait_for_task_token.json5"),
        ),
        case(
            cb,
            "test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_WAIT_FOR_TASK_TOKEN_CATCH]",
            t("callbacks/statemachines/sqs_wait_for_task_token_catch.json5"),
        ),
        case(
            cb,
            "test_sync_with_task_token",
            t("callbacks/statemachines/sfn_start_execution_sync_with_task_token.json5"),
        ),
        case(
            sdk,
            "test_invalid_secret_name",
            t("errorhandling/statemachines/aws_sdk_task_error_secretsmanager_crate_secret.json5"),
        ),
        case(sdk, "test_no_such_bucket", t("errorhandling/statemachines/aws_sdk_task_error_s3_list_objects.json5")),
        case(
            sdk,
            "test_dynamodb_invalid_param",
            t("errorhandling/statemachines/task_service_aws_sdk_dynamodb_put_item.json5"),
        ),
        case(
            sdk,
            "test_dynamodb_put_item_no_such_table",
            t("errorhandling/statemachines/task_service_aws_sdk_dynamodb_put_item.json5"),
        ),
        case(
            states,
            "test_service_task_lambada_data_limit_exceeded_on_large_utf8_response",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_data_limit_exceeded.json5"),
        ),
        case(
            states,
            "test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_all.json5"),
        ),
        case(
            states,
            "test_task_lambda_data_limit_exceeded_on_large_utf8_response",
            lambda_resource("errorhandling/statemachines/task_lambda_invoke_catch_data_limit_exceeded.json5"),
        ),
        case(
            states,
            "test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response",
            lambda_resource("errorhandling/statemachines/task_lambda_invoke_catch_all.json5"),
        ),
        case(
            lambda,
            "test_raise_exception",
            lambda_start("errorhandling/statemachines/task_lambda_invoke_catch_unknown.json5"),
        ),
        case(
            lambda,
            "test_raise_custom_exception",
            edited(
                "errorhandling/statemachines/task_lambda_invoke_catch_tbd.json5",
                &[
                    ("/States/InvokeLambda/Resource", json!(LAMBDA_ARN)),
                    ("/States/InvokeLambda/Catch/0/ErrorEquals", custom_catch.clone()),
                ],
            ),
        ),
        case(
            lambda,
            "test_raise_exception_catch",
            lambda_start("errorhandling/statemachines/task_lambda_invoke_catch_relevant.json5"),
        ),
        case(
            lambda,
            "test_no_such_function",
            lambda_start("errorhandling/statemachines/task_lambda_invoke_catch_unknown.json5"),
        ),
        case(
            lambda,
            "test_no_such_function_catch",
            lambda_start("errorhandling/statemachines/task_lambda_invoke_catch_relevant.json5"),
        ),
        case(ddb, "test_put_item_no_such_table", t("errorhandling/statemachines/task_service_dynamodb_put_item.json5")),
        case(
            ddb,
            "test_put_item_invalid_table_name",
            t("errorhandling/statemachines/task_service_dynamodb_put_item.json5"),
        ),
        case(ddb, "test_invalid_param", t("errorhandling/statemachines/task_service_dynamodb_put_item.json5")),
        case(
            svc,
            "test_raise_exception",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_unknown.json5"),
        ),
        case(
            svc,
            "test_raise_custom_exception",
            edited(
                "errorhandling/statemachines/task_service_lambda_invoke_catch_tbd.json5",
                &[("/States/InvokeLambda/Catch/0/ErrorEquals", custom_catch)],
            ),
        ),
        case(
            svc,
            "test_raise_exception_catch",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_relevant.json5"),
        ),
        case(
            svc,
            "test_raise_exception_catch_output_path[None]",
            edited(
                "errorhandling/statemachines/task_service_lambda_invoke_catch_all_output_path.json5",
                &[remove("/States/InvokeLambda/OutputPath")],
            ),
        ),
        case(
            svc,
            "test_raise_exception_catch_output_path[$.Payload]",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_all_output_path.json5"),
        ),
        case(
            svc,
            "test_raise_exception_catch_output_path[$.no.such.path]",
            edited(
                "errorhandling/statemachines/task_service_lambda_invoke_catch_all_output_path.json5",
                &[("/States/InvokeLambda/OutputPath", json!("$.no.such.path"))],
            ),
        ),
        case(
            svc,
            "test_no_such_function",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_unknown.json5"),
        ),
        case(
            svc,
            "test_no_such_function_catch",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_relevant.json5"),
        ),
        case(
            svc,
            "test_invoke_timeout",
            t("errorhandling/statemachines/task_service_lambda_invoke_catch_timeout.json5"),
        ),
        case(
            sfn,
            "test_start_execution_no_such_arn",
            edited(
                "callbacks/statemachines/sfn_start_execution_sync.json5",
                &[("/States/StartExecution/Resource", json!("arn:aws:states:::states:startExecution"))],
            ),
        ),
        case(
            sqs,
            "test_send_message_no_such_queue",
            t("errorhandling/statemachines/task_service_sqs_send_msg_catch.json5"),
        ),
        case(
            sqs,
            "test_send_message_empty_body",
            t("errorhandling/statemachines/task_service_sqs_send_msg_catch.json5"),
        ),
        case(
            sqs,
            "test_send_message_no_such_queue_no_catch",
            // Recorded with an inline definition that is not in the templates: one SendSQS task.
            json!({"StartAt": "SendSQS", "States": {"SendSQS": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl.$": "$.QueueUrl", "MessageBody.$": "$.MessageBody"}, "End": true}}}),
        ),
        case(
            sqs,
            "test_sqs_failure_in_wait_for_task_tok",
            edited(
                "errorhandling/statemachines/aws_service_sqs_send_msg_catch_token_failure.json5",
                &[("/States/SendMessageWithWait/Catch/0/ErrorEquals", json!(["Failure error"]))],
            ),
        ),
        case(
            hb,
            "test_heartbeat_timeout",
            t("timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat.json5"),
        ),
        case(
            hb,
            "test_heartbeat_path_timeout",
            t("timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat_path.json5"),
        ),
        case(
            hb,
            "test_heartbeat_no_timeout",
            edited(
                "timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat.json5",
                &[remove("/States/SendMessageWithWait/TimeoutSeconds")],
            ),
        ),
        case(
            to,
            "test_fixed_timeout_lambda",
            lambda_start("timeouts/statemachines/lambda_wait_with_timeout_seconds.json5"),
        ),
        case(
            to,
            "test_fixed_timeout_service_lambda",
            t("timeouts/statemachines/service_lambda_wait_with_timeout_seconds.json5"),
        ),
        case(
            to,
            "test_service_lambda_map_timeout",
            t("timeouts/statemachines/service_lambda_map_function_invoke_with_timeout_seconds.json5"),
        ),
        case(
            to,
            "test_fixed_timeout_service_lambda_with_path",
            t("timeouts/statemachines/service_lambda_wait_with_timeout_seconds_path.json5"),
        ),
    ];
    for i in 0..6 {
        let key: &'static str = [
            "execution_history_0",
            "execution_history_1",
            "execution_history_2",
            "execution_history_3",
            "execution_history_4",
            "execution_history_5",
        ][i];
        let mut c = case(
            cb,
            "test_multiple_executions_and_heartbeat_notifications",
            t("timeouts/statemachines/service_sqs_send_and_wait_for_task_token_with_heartbeat_path.json5"),
        );
        c.key = key;
        cases.push(c);
    }
    cases
}

#[test]
fn recorded_histories_replay_identically() {
    let mut failures = Vec::new();
    let cases = cases();
    for c in &cases {
        let recorded = recording(c.snapshot, c.test, c.key);
        let scenario = Scenario { definition: c.definition.clone(), recorded: recorded.clone() };
        let (ours, _) = run(&scenario);
        let problems = compare(&recorded, &ours);
        let label = format!("{}::{}[{}]", c.snapshot, c.test, c.key);
        if problems.is_empty() {
            println!("PASS {label}");
        } else {
            println!("FAIL {label}\n  {}", problems.join("\n  "));
            failures.push(label);
        }
    }
    println!("recorded scenarios: {} of {} replay identically", cases.len() - failures.len(), cases.len());
    assert!(failures.is_empty(), "{} scenarios differ: {failures:#?}", failures.len());
}

/// `test_start_large_input` was recorded with an inline definition: a Pass
/// state whose result is over 256 KiB (rebuilt here from what the history shows).
#[test]
fn large_state_output_fails_the_execution_as_recorded() {
    let recorded =
        recording("error_handling/test_states_errors.snapshot.json", "test_start_large_input", "get_execution_history");
    let definition = json!({"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "Result": "x".repeat(300_000), "End": true}}});
    let (ours, _) = run(&Scenario { definition, recorded: recorded.clone() });
    let problems = compare(&recorded, &ours);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// `test_global_timeout` recorded only DescribeExecution: TIMED_OUT when the
/// machine's own TimeoutSeconds passes (rebuilt: a 5 s limit around a 10 s wait).
#[test]
fn execution_timeout_ends_timed_out_as_recorded() {
    let text =
        std::fs::read_to_string(recorded::root().join("v2/timeouts/test_timeouts.snapshot.json")).expect("snapshot");
    let all: Value = serde_json::from_str(&text).expect("JSON");
    let recorded_status = all
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.ends_with("::test_global_timeout")))
        .map(|(_, v)| v["recorded-content"]["describe_execution"]["status"].clone())
        .expect("the recording");
    let definition =
        json!({"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    let recorded = vec![json!({"type": "ExecutionStarted", "executionStartedEventDetails": {"input": "{}"}})];
    let (ours, status) = run(&Scenario { definition, recorded });
    assert_eq!(json!(status.aws_name()), recorded_status);
    let types: Vec<&str> = ours.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(types, ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]);
}
