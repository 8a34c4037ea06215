//! The state machine and execution operations, and their errors.

use serde_json::{Value, json};

use super::{ROLE, System};

fn pass() -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
}

fn waiting() -> Value {
    json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}})
}

#[test]
fn state_machines_are_created_idempotently_described_listed_updated_and_deleted() {
    let system = System::new();
    let arn = system.machine("orders", pass());
    assert_eq!(arn, "arn:aws:states:us-east-1:123456789012:stateMachine:orders");
    let again = system.call(
        "CreateStateMachine",
        json!({"name": "orders", "definition": pass().to_string(), "roleArn": "arn:aws:iam::123456789012:role/other"}),
    );
    assert_eq!(again["stateMachineArn"], arn.as_str(), "the same definition again is the same machine");
    let clash = system
        .fails("CreateStateMachine", json!({"name": "orders", "definition": waiting().to_string(), "roleArn": ROLE}));
    assert_eq!(clash.code, "StateMachineAlreadyExists");
    assert_eq!(clash.message, format!("State Machine Already Exists: '{arn}'"));

    let described = system.call("DescribeStateMachine", json!({"stateMachineArn": arn}));
    assert_eq!(described["definition"], pass().to_string());
    assert_eq!((described["status"].as_str(), described["type"].as_str()), (Some("ACTIVE"), Some("STANDARD")));
    assert_eq!(described["roleArn"], ROLE);

    for name in ["a", "b", "c"] {
        system.machine(name, pass());
    }
    let first = system.call("ListStateMachines", json!({"maxResults": 3}));
    let names = |page: &Value| -> Vec<String> {
        page["stateMachines"]
            .as_array()
            .expect("list")
            .iter()
            .map(|m| m["name"].as_str().expect("n").to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["a", "b", "c"]);
    let second = system.call("ListStateMachines", json!({"maxResults": 3, "nextToken": first["nextToken"]}));
    assert_eq!(names(&second), ["orders"]);
    assert!(second.get("nextToken").is_none());
    assert_eq!(system.fails("ListStateMachines", json!({"nextToken": "nope"})).code, "InvalidToken");

    let updated =
        system.call("UpdateStateMachine", json!({"stateMachineArn": arn, "definition": waiting().to_string()}));
    assert!(updated["revisionId"].is_string() && updated["updateDate"].is_number());
    let nothing = system.fails("UpdateStateMachine", json!({"stateMachineArn": arn}));
    assert_eq!(nothing.code, "MissingRequiredParameter");

    system.call("DeleteStateMachine", json!({"stateMachineArn": arn}));
    let gone = system.fails("DescribeStateMachine", json!({"stateMachineArn": arn}));
    assert_eq!(
        (gone.code, gone.message),
        ("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'"))
    );
    system.call("DeleteStateMachine", json!({"stateMachineArn": arn}));
}

#[test]
fn bad_definitions_names_and_arns_are_refused_as_aws_refuses_them() {
    let system = System::new();
    let broken = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}).to_string();
    let refused = system.fails("CreateStateMachine", json!({"name": "m", "definition": broken, "roleArn": ROLE}));
    assert_eq!(refused.code, "InvalidDefinition");
    assert!(
        refused.message.starts_with("Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET"),
        "{}",
        refused.message
    );
    let validated = system.call("ValidateStateMachineDefinition", json!({"definition": broken}));
    assert_eq!(validated["result"], "FAIL");
    assert_eq!(validated["diagnostics"][0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(validated["diagnostics"][0]["severity"], "ERROR");
    assert_eq!(validated["diagnostics"][0]["location"], "/States/A/Next");
    let ok = system.call("ValidateStateMachineDefinition", json!({"definition": pass().to_string()}));
    assert_eq!(ok, json!({"result": "OK", "diagnostics": [], "truncated": false}));

    let bad_name =
        system.fails("CreateStateMachine", json!({"name": "a b", "definition": pass().to_string(), "roleArn": ROLE}));
    assert_eq!((bad_name.code, bad_name.message.as_str()), ("InvalidName", "Invalid Name: 'a b'"));
    let no_role = system.fails("CreateStateMachine", json!({"name": "m", "definition": pass().to_string()}));
    assert_eq!(no_role.code, "ValidationException");
    let bad_arn = system.fails("DescribeStateMachine", json!({"stateMachineArn": "orders"}));
    assert_eq!(bad_arn.code, "InvalidArn");
    let express = system.call(
        "CreateStateMachine",
        json!({"name": "fast", "definition": pass().to_string(), "roleArn": ROLE, "type": "EXPRESS"}),
    );
    let execution = system.start(express["stateMachineArn"].as_str().expect("arn"), json!({}));
    assert_eq!(system.status(&execution), "SUCCEEDED", "EXPRESS runs as a standard workflow");
}

#[test]
fn start_execution_is_idempotent_on_name_and_input_while_running() {
    let system = System::new();
    let machine = system.machine("slow", waiting());
    let start = |name: &str, input: &str| {
        super::super::handle(
            &system.shared,
            "StartExecution",
            json!({"stateMachineArn": machine, "name": name, "input": input}).to_string().as_bytes(),
        )
    };
    let first = start("run-1", r#"{"a": 1}"#).expect("started");
    let again = start("run-1", r#"{ "a" : 1 }"#).expect("idempotent");
    assert_eq!(first, again, "same name and input while running: the same execution");
    let other = start("run-1", r#"{"a": 2}"#).expect_err("other input");
    let arn = first["executionArn"].as_str().expect("arn");
    assert_eq!((other.code, other.message), ("ExecutionAlreadyExists", format!("Execution Already Exists: '{arn}'")));
    assert_eq!(start("run-2", "{not json").expect_err("bad input").code, "InvalidExecutionInput");
    assert_eq!(start("bad name", "{}").expect_err("bad name").code, "InvalidName");
    let unnamed = system.start(&machine, json!({}));
    assert_eq!(unnamed.rsplit(':').next().map(str::len), Some(36), "a UUID name");

    system.call("StopExecution", json!({"executionArn": arn}));
    assert_eq!(start("run-1", r#"{"a": 1}"#).expect_err("closed").code, "ExecutionAlreadyExists");
    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:nope";
    let error = system.fails("StartExecution", json!({"stateMachineArn": missing}));
    assert_eq!(error.code, "StateMachineDoesNotExist");
    let error = system.fails("DescribeExecution", json!({"executionArn": format!("{arn}x")}));
    assert_eq!(error.code, "ExecutionDoesNotExist");
}

#[test]
fn executions_are_listed_newest_first_by_status_and_page() {
    let system = System::new();
    let machine = system.machine("slow", waiting());
    let mut started = Vec::new();
    for n in 0..5 {
        started.push(system.start(&machine, json!({"n": n})));
        system.clock.advance(1_000);
    }
    system.call("StopExecution", json!({"executionArn": started[0]}));
    let arns = |page: &Value| -> Vec<String> {
        page["executions"]
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["executionArn"].as_str().expect("a").to_owned())
            .collect()
    };
    let first = system.call("ListExecutions", json!({"stateMachineArn": machine, "maxResults": 2}));
    assert_eq!(arns(&first), [started[4].clone(), started[3].clone()]);
    let second = system
        .call("ListExecutions", json!({"stateMachineArn": machine, "maxResults": 2, "nextToken": first["nextToken"]}));
    assert_eq!(arns(&second), [started[2].clone(), started[1].clone()]);
    let aborted = system.call("ListExecutions", json!({"stateMachineArn": machine, "statusFilter": "ABORTED"}));
    assert_eq!(arns(&aborted), [started[0].clone()]);
    assert!(aborted["executions"][0]["stopDate"].is_number());
    let bad = system.fails("ListExecutions", json!({"stateMachineArn": machine, "statusFilter": "DONE"}));
    assert_eq!(bad.code, "ValidationException");
}

#[test]
fn history_pages_reverses_and_leaves_data_out_on_request() {
    let system = System::new();
    let machine = system.machine(
        "steps",
        json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}}),
    );
    let execution = system.start(&machine, json!({"secret": 1}));
    let all = system.history(&execution);
    assert_eq!(all.len(), 8);
    let page =
        system.call("GetExecutionHistory", json!({"executionArn": execution, "maxResults": 5, "reverseOrder": true}));
    assert_eq!(page["events"][0]["type"], "ExecutionSucceeded");
    let rest = system.call(
        "GetExecutionHistory",
        json!({"executionArn": execution, "maxResults": 5, "reverseOrder": true, "nextToken": page["nextToken"]}),
    );
    assert_eq!(rest["events"].as_array().map(Vec::len), Some(3));
    assert_eq!(rest["events"][2]["type"], "ExecutionStarted");
    let bare = system.call("GetExecutionHistory", json!({"executionArn": execution, "includeExecutionData": false}));
    assert!(bare["events"][0]["executionStartedEventDetails"].get("input").is_none());
    assert_eq!(bare["events"][0]["executionStartedEventDetails"]["roleArn"], ROLE);
}
