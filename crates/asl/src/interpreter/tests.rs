use serde_json::{Value, json};

use super::*;
use crate::entropy::SeededEntropy;

fn machine(definition: Value) -> StateMachine {
    StateMachine::parse(&definition.to_string()).expect("a valid definition")
}

struct Run {
    machine: StateMachine,
    execution: Execution,
    effects: Vec<Effect>,
    entropy: SeededEntropy,
    now: i64,
}

impl Run {
    fn start(definition: Value, input: Value) -> Run {
        let machine = machine(definition);
        let mut entropy = SeededEntropy::new(3);
        let (execution, effects) = Execution::start(&machine, ExecutionContext::example(), input, 0, &mut entropy);
        Run { machine, execution, effects, entropy, now: 0 }
    }

    fn send(&mut self, input: Input) {
        self.effects = self.execution.handle(&self.machine, input, self.now, &mut self.entropy);
    }

    fn task(&self) -> TaskRequest {
        self.effects
            .iter()
            .find_map(|e| match e {
                Effect::InvokeTask(request) => Some((**request).clone()),
                _ => None,
            })
            .expect("a task to run")
    }

    fn timer(&self) -> (String, i64) {
        self.effects
            .iter()
            .filter_map(|e| match e {
                Effect::SetTimer { timer_id, at_ms } => Some((timer_id.clone(), *at_ms)),
                _ => None,
            })
            .min_by_key(|(_, at)| *at)
            .expect("a timer")
    }

    fn fire(&mut self) -> i64 {
        let (timer_id, at) = self.timer();
        self.now = at;
        self.send(Input::TimerFired { timer_id });
        at
    }

    fn types(&self) -> Vec<String> {
        self.execution.history().iter().map(|e| e.event_type.clone()).collect()
    }
}

#[test]
fn data_flow_through_pass_states() {
    let run = Run::start(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.x", "name.$": "$$.State.Name", "k": 1},
                  "ResultPath": "$.out", "Next": "B"},
            "B": {"Type": "Pass", "OutputPath": "$.out", "End": true}}}),
        json!({"in": {"x": 7}}),
    );
    assert_eq!(run.execution.status(), &Status::Succeeded { output: json!({"v": 7, "name": "A", "k": 1}) });
    assert_eq!(
        run.types(),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn choice_default_and_no_match() {
    let definition = |default: bool| {
        let mut d = json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}]},
            "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}});
        if default {
            d["States"]["C"]["Default"] = json!("Small");
        } else {
            d["States"].as_object_mut().map(|states| states.remove("Small"));
        }
        d
    };
    let run = Run::start(definition(true), json!({"n": 0}));
    assert!(run.types().contains(&"ChoiceStateExited".to_owned()));
    assert_eq!(run.execution.history()[3].detail("name"), Some(&json!("Small")));
    let run = Run::start(definition(false), json!({"n": 0}));
    assert_eq!(
        run.execution.status(),
        &Status::Failed { error: Some("States.NoChoiceMatched".into()), cause: Some("No Matches!".into()) }
    );
    let run = Run::start(definition(true), json!({}));
    let Status::Failed { error, cause } = run.execution.status() else { panic!("should fail") };
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert!(cause.as_deref().unwrap_or("").contains("Invalid path '$.n'"));
}

#[test]
fn wait_uses_a_timer() {
    let mut run = Run::start(
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}),
        json!({"s": 30}),
    );
    assert_eq!(run.timer().1, 30_000);
    assert_eq!(run.execution.status(), &Status::Running);
    run.fire();
    assert_eq!(run.types(), ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]);
}

#[test]
fn retries_with_backoff_then_catches() {
    let mut run = Run::start(
        json!({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3.0}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}], "End": true},
            "Done": {"Type": "Pass", "End": true}}}),
        json!({"a": 1}),
    );
    let fail = |run: &mut Run| {
        let task_id = run.task().task_id;
        run.send(Input::TaskFailed { task_id, error: Some("Boom".into()), cause: Some("bad".into()) });
    };
    fail(&mut run);
    assert_eq!(run.fire(), 2_000);
    fail(&mut run);
    assert_eq!(run.fire(), 2_000 + 6_000);
    fail(&mut run);
    assert_eq!(
        run.execution.status(),
        &Status::Succeeded { output: json!({"a": 1, "error": {"Error": "Boom", "Cause": "bad"}}) }
    );
    let scheduled = run.types().iter().filter(|t| *t == "TaskScheduled").count();
    assert_eq!(scheduled, 3);
}

#[test]
fn callback_token_heartbeats_and_timeouts() {
    let definition = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 10, "TimeoutSeconds": 25,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let mut run = Run::start(definition, json!({}));
    let request = run.task();
    let token = request.token.clone().expect("a token");
    assert_eq!(request.parameters["MessageBody"]["token"], json!(token));
    assert_eq!(run.execution.task_for_token(&token), Some(request.task_id.as_str()));
    let history_length = run.execution.history().len();
    for at in [8_000, 16_000, 24_000] {
        run.now = at;
        run.send(Input::TaskHeartbeat { task_id: request.task_id.clone() });
    }
    assert_eq!(run.execution.history().len(), history_length, "heartbeats add no history event");
    // The whole TimeoutSeconds applies whatever the heartbeats.
    let timeout = run.execution.pending_timers().map(|(_, at)| at).min().expect("timers");
    assert_eq!(timeout, 25_000);
    let timer = run.execution.pending_timers().find(|(_, at)| *at == 25_000).map(|(id, _)| id.to_owned());
    run.now = 25_000;
    run.send(Input::TimerFired { timer_id: timer.expect("the timeout timer") });
    assert_eq!(run.types().last().map(String::as_str), Some("ExecutionFailed"));
    assert!(run.types().contains(&"TaskTimedOut".to_owned()));
    assert_eq!(run.execution.status(), &Status::Failed { error: Some("States.Timeout".into()), cause: None });
}

#[test]
fn missed_heartbeat_times_out() {
    let definition = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken", "HeartbeatSeconds": 5,
        "Parameters": {"Entries": [{"Detail": {"token.$": "$$.Task.Token"}}]}, "End": true}}});
    let mut run = Run::start(definition, json!({}));
    let task_id = run.task().task_id;
    run.send(Input::TaskSubmitted { task_id, output: json!({"FailedEntryCount": 0}) });
    run.effects = Vec::new();
    let (timer_id, _) =
        run.execution.pending_timers().map(|(id, at)| (id.to_owned(), at)).next().expect("heartbeat timer");
    run.now = 5_000;
    run.send(Input::TimerFired { timer_id });
    assert_eq!(
        run.types(),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskTimedOut",
            "ExecutionFailed"
        ]
    );
    assert!(run.effects.iter().any(|e| matches!(e, Effect::CancelTask { token: Some(_), .. })));
}

#[test]
fn parallel_and_map_collect_results() {
    let run = Run::start(
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": true}}}], "Next": "M"},
            "M": {"Type": "Map", "MaxConcurrency": 1, "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                  "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}}),
        json!({}),
    );
    assert_eq!(run.execution.status(), &Status::Succeeded { output: json!([{"i": 0, "v": 1}, {"i": 1, "v": 2}]) });
    let types = run.types();
    assert!(types.contains(&"ParallelStateSucceeded".to_owned()));
    assert_eq!(types.iter().filter(|t| *t == "MapIterationSucceeded").count(), 2);
}

#[test]
fn fail_state_and_stop() {
    let run = Run::start(
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('at {}', $.w)"}}}),
        json!({"e": "Bad", "w": "home"}),
    );
    assert_eq!(run.execution.status(), &Status::Failed { error: Some("Bad".into()), cause: Some("at home".into()) });
    let mut run =
        Run::start(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}), json!({}));
    run.send(Input::Stop { error: Some("Halt".into()), cause: None });
    assert_eq!(run.execution.status(), &Status::Aborted { error: Some("Halt".into()), cause: None });
    assert!(run.effects.iter().any(|e| matches!(e, Effect::CancelTimer { .. })));
}

#[test]
fn resumes_from_json() {
    let mut run = Run::start(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}}),
        json!({"x": 1}),
    );
    let task_id = run.task().task_id;
    let stored = serde_json::to_string(&run.execution).expect("serializes");
    run.execution = serde_json::from_str(&stored).expect("deserializes");
    run.send(Input::TaskSucceeded { task_id, output: json!("ok") });
    assert_eq!(run.execution.status(), &Status::Succeeded { output: json!("ok") });
}

#[test]
fn parameters_path_failure_is_a_runtime_error() {
    let run = Run::start(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"JobName.$": "$.JobName"}, "End": true}}}),
        json!({}),
    );
    let Status::Failed { error, cause } = run.execution.status() else { panic!("should fail") };
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        cause.as_deref(),
        Some(
            "An error occurred while executing the state 'T' (entered at the event id #2). The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'"
        )
    );
    assert_eq!(run.types(), ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
}

#[test]
fn an_endless_loop_fails_at_the_history_quota_instead_of_spinning() {
    let machine = crate::StateMachine::parse(
        r#"{"StartAt": "Again", "States": {
            "Again": {"Type": "Pass", "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Again"},
            "Done": {"Type": "Succeed"}
        }}"#,
    )
    .expect("valid");
    let mut entropy = crate::SeededEntropy::new(1);
    let (execution, _) =
        crate::Execution::start(&machine, crate::ExecutionContext::example(), serde_json::json!({}), 0, &mut entropy);
    match execution.status() {
        crate::Status::Failed { error, .. } => assert_eq!(error.as_deref(), Some("States.Runtime")),
        other => panic!("should have failed: {other:?}"),
    }
    let events = execution.history().len();
    assert!((super::engine::MAX_HISTORY_EVENTS..super::engine::MAX_HISTORY_EVENTS + 8).contains(&events), "{events}");
}
