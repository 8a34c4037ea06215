use serde_json::json;

use super::*;
use crate::error::DiagnosticCode;

fn refuse(definition: serde_json::Value) -> String {
    StateMachine::parse(&definition.to_string()).expect_err("should be refused").aws_message()
}

#[test]
fn reads_a_machine() {
    let machine = StateMachine::parse(
        &json!({"Comment": "c", "TimeoutSeconds": 60, "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 5,
                  "TimeoutSeconds": 30, "Retry": [{"ErrorEquals": ["States.Timeout"], "JitterStrategy": "FULL", "MaxDelaySeconds": 9}],
                  "Next": "W"},
            "W": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:00Z", "End": true}}})
        .to_string(),
    )
    .expect("valid");
    assert_eq!(machine.timeout_seconds, Some(60));
    let Some(State { kind: StateKind::Task(task), retry, .. }) = machine.state("T") else { panic!("a task") };
    assert_eq!(task.resource.pattern(), IntegrationPattern::WaitForTaskToken);
    assert_eq!(task.heartbeat_seconds, Some(Dynamic::Fixed(5)));
    assert!(retry[0].full_jitter);
    assert_eq!(retry[0].max_attempts, 3);
    assert!(!machine.uses_jsonata());
}

#[test]
fn names_problems_and_places() {
    assert!(refuse(json!({"StartAt": "A", "States": {"A": {"Type": "Nope", "End": true}}})).contains("/States/A/Type"));
    let message =
        refuse(json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true}}}));
    assert!(message.contains("States.ALL must appear alone"), "{message}");
    let message =
        refuse(json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "HeartbeatSeconds": 30, "TimeoutSeconds": 30, "End": true}}}));
    assert!(message.contains("HeartbeatSeconds must be smaller"), "{message}");
    let message = refuse(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}));
    assert_eq!(
        message,
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state'"
    );
    let error = StateMachine::parse("{not json").expect_err("not JSON");
    assert_eq!(error.diagnostics[0].code, DiagnosticCode::InvalidJsonDescription);
    assert!(
        refuse(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Catch": [], "End": true}}}))
            .contains("Field 'Catch' is not supported")
    );
}

#[test]
fn accepts_jsonata_without_running_it() {
    let machine = StateMachine::parse(
        &json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input.x %}", "End": true}}})
            .to_string(),
    )
    .expect("valid");
    assert!(machine.uses_jsonata());
}
