//! `.waitForTaskToken` through SQS: answers, heartbeats, timeouts, bogus
//! tokens, stops, and a restart while waiting.

use choreoscope_asl::Entropy;
use serde_json::{Value, json};

use super::{System, callback_machine, token_from};
use crate::stepfunctions::entropy::UuidEntropy;

#[tokio::test]
async fn the_token_comes_through_sqs_and_send_task_success_completes_the_execution() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, None, None));
    let execution = system.start(&machine, json!({"order": 42}));
    assert!(system.messages("asks").is_empty(), "the message is sent by the engine, not the request");
    system.run().await;
    let token = token_from(&system, "asks");
    let body: Value = serde_json::from_str(&system.messages("asks")[0]).expect("JSON body");
    assert_eq!(body["order"], 42);
    assert_eq!(system.status(&execution), "RUNNING");

    system.call("SendTaskSuccess", json!({"taskToken": token, "output": r#"{"accepted": true}"#}));
    let described = system.describe(&execution);
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], r#"{"accepted":true}"#);
    assert!(described["stopDate"].is_number());
    assert_eq!(
        system.types(&execution),
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
    let submitted = &system.history(&execution)[4]["taskSubmittedEventDetails"];
    let response: Value = serde_json::from_str(submitted["output"].as_str().expect("output")).expect("JSON");
    assert!(response["MessageId"].is_string() && response["MD5OfMessageBody"].is_string(), "{response}");

    let again = system.fails("SendTaskSuccess", json!({"taskToken": token, "output": "{}"}));
    assert_eq!(again.code, "TaskTimedOut", "a closed task's token no longer works");
    assert_eq!(again.message, "Task Timed Out: 'Provided task does not exist anymore'");
}

#[tokio::test]
async fn heartbeats_keep_a_task_alive_until_one_is_missed() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, Some(60), Some(600)));
    let execution = system.start(&machine, json!({"order": 1}));
    system.run().await;
    let token = token_from(&system, "asks");
    let events = system.history(&execution).len();
    for _ in 0..3 {
        system.advance(50_000).await;
        system.call("SendTaskHeartbeat", json!({"taskToken": token}));
    }
    assert_eq!(system.status(&execution), "RUNNING", "150 s in, heartbeats every 50 s keep a 60 s heartbeat alive");
    assert_eq!(system.history(&execution).len(), events, "SendTaskHeartbeat adds no history event");

    system.advance(60_000).await;
    let described = system.describe(&execution);
    assert_eq!(described["status"], "FAILED");
    assert_eq!(described["error"], "States.Timeout");
    let types = system.types(&execution);
    assert_eq!(types[types.len() - 2..], ["TaskTimedOut", "ExecutionFailed"]);
    let timed_out = system.fails("SendTaskHeartbeat", json!({"taskToken": token}));
    assert_eq!(timed_out.code, "TaskTimedOut");
}

#[tokio::test]
async fn timeout_seconds_is_the_whole_limit_whatever_the_heartbeats() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, Some(20), Some(30)));
    let execution = system.start(&machine, json!({"order": 1}));
    system.run().await;
    let token = token_from(&system, "asks");
    system.advance(15_000).await;
    system.call("SendTaskHeartbeat", json!({"taskToken": token}));
    system.advance(14_000).await;
    system.call("SendTaskHeartbeat", json!({"taskToken": token}));
    assert_eq!(system.status(&execution), "RUNNING");
    system.advance(1_000).await;
    assert_eq!(system.describe(&execution)["error"], "States.Timeout");
}

#[tokio::test]
async fn a_late_answer_loses_to_a_timeout_the_engine_has_not_fired_yet() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, None, Some(30)));
    let execution = system.start(&machine, json!({"order": 1}));
    system.run().await;
    let token = token_from(&system, "asks");
    // The clock passes the deadline; the engine loop has not looked yet.
    system.clock.advance(31_000);
    let late = system.fails("SendTaskSuccess", json!({"taskToken": token, "output": "{}"}));
    assert_eq!(late.code, "TaskTimedOut");
    assert_eq!(system.describe(&execution)["error"], "States.Timeout");
}

#[tokio::test]
async fn bogus_tokens_and_outputs_get_aws_errors() {
    let system = System::new();
    let bogus = system.fails("SendTaskSuccess", json!({"taskToken": "bogus", "output": "{}"}));
    assert_eq!((bogus.code, bogus.message.as_str()), ("InvalidToken", "Invalid Token: 'Invalid token'"));
    let unknown = UuidEntropy.task_token();
    assert_eq!(system.fails("SendTaskHeartbeat", json!({"taskToken": unknown})).code, "TaskDoesNotExist");
    assert_eq!(system.fails("SendTaskFailure", json!({"taskToken": "x"})).code, "InvalidToken");
    assert_eq!(system.fails("SendTaskSuccess", json!({"output": "{}"})).code, "ValidationException");

    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, None, None));
    let execution = system.start(&machine, json!({"order": 1}));
    system.run().await;
    let token = token_from(&system, "asks");
    let invalid = system.fails("SendTaskSuccess", json!({"taskToken": token, "output": "{not json"}));
    assert_eq!(invalid.code, "InvalidOutput");
    assert_eq!(system.status(&execution), "RUNNING", "a refused answer changes nothing");

    system.call("SendTaskFailure", json!({"taskToken": token, "error": "Rejected", "cause": "closed today"}));
    let described = system.describe(&execution);
    assert_eq!((described["status"].as_str(), described["error"].as_str()), (Some("FAILED"), Some("Rejected")));
    assert_eq!(described["cause"], "closed today");
}

#[tokio::test]
async fn stop_execution_aborts_and_its_tokens_stop_working() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, Some(60), None));
    let execution = system.start(&machine, json!({"order": 1}));
    system.run().await;
    let token = token_from(&system, "asks");
    let stopped =
        system.call("StopExecution", json!({"executionArn": execution, "error": "Operator", "cause": "stuck order"}));
    assert!(stopped["stopDate"].is_number());
    let described = system.describe(&execution);
    assert_eq!(described["status"], "ABORTED");
    assert_eq!((described["error"].as_str(), described["cause"].as_str()), (Some("Operator"), Some("stuck order")));
    let history = system.history(&execution);
    let last = history.last().expect("events");
    assert_eq!(last["type"], "ExecutionAborted");
    assert_eq!(last["executionAbortedEventDetails"], json!({"error": "Operator", "cause": "stuck order"}));
    assert_eq!(system.fails("SendTaskSuccess", json!({"taskToken": token, "output": "{}"})).code, "TaskTimedOut");
    // Its heartbeat timer went with it.
    system.advance(120_000).await;
    assert_eq!(system.history(&execution).len(), history.len());
}

#[tokio::test]
async fn a_restart_mid_wait_keeps_the_wait_and_the_token() {
    let system = System::new();
    let url = system.queue("asks");
    let machine = system.machine("ask", callback_machine(&url, None, Some(3_600)));
    let execution = system.start(&machine, json!({"order": 7}));
    // Crash before the engine sent the message: the call is made after the restart.
    let system = system.restart();
    system.run().await;
    assert_eq!(system.messages("asks").len(), 1, "the call is made once");
    let token = token_from(&system, "asks");
    // And a crash while waiting.
    let system = system.restart();
    system.advance(60_000).await;
    assert_eq!(system.status(&execution), "RUNNING");
    system.call("SendTaskSuccess", json!({"taskToken": token, "output": r#""done""#}));
    assert_eq!(system.describe(&execution)["output"], r#""done""#);
    assert_eq!(system.messages("asks").len(), 1);
}
