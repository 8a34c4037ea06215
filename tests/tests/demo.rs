//! The food-delivery demo run by the `choreoscope-local` binary (`--demo`):
//! an operator answers a waiting task with the real `aws` CLI, faults are
//! injected from the command line, and a SIGKILL during traffic loses and
//! strands no order.

use std::process::Command;
use std::time::{Duration, Instant};

use choreoscope_e2e::{LocalCli, workspace_bin};
use serde_json::{Value, json};

/// A GraphQL request against the demo; returns `data`.
fn graphql(endpoint: &str, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::blocking::Client::new()
        .post(format!("{endpoint}/graphql"))
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .expect("GraphQL answers")
        .json()
        .expect("JSON");
    assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
    body["data"].clone()
}

fn place(endpoint: &str, customer: &str) -> String {
    let input = json!({"customer": customer, "restaurantId": "r-sushi", "items": [{"menuItemId": "m-dragon-roll", "quantity": 2}]});
    let data = graphql(
        endpoint,
        "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }",
        json!({"input": input}),
    );
    data["placeOrder"]["id"].as_str().expect("an id").to_owned()
}

fn status(endpoint: &str, id: &str) -> String {
    let data = graphql(endpoint, "query($id: ID!) { order(id: $id) { status } }", json!({"id": id}));
    data["order"]["status"].as_str().unwrap_or_default().to_owned()
}

fn wait_until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "{what}: not after {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `choreoscope-local fault|traffic ...` against the running demo.
fn control(local: &LocalCli, args: &[&str]) -> std::process::Output {
    let port = local.endpoint.rsplit(':').next().expect("a port");
    Command::new(workspace_bin("choreoscope-local")).args(args).args(["--port", port]).output().expect("runs")
}

#[test]
fn an_operator_completes_a_waiting_order_with_send_task_success() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start_with(data.path(), &["--demo"]);
    let endpoint = local.endpoint.clone();

    // The partner accepts requests but never answers.
    let output = control(&local, &["fault", "partner", "silent"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("silent"));
    let refused = control(&local, &["fault", "partner", "sideways"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown partner fault"), "{refused:?}");

    let id = place(&endpoint, "Esra");
    wait_until(Duration::from_secs(30), "waiting for the restaurant", || {
        status(&endpoint, &id) == "AWAITING_RESTAURANT"
    });

    // The operator finds the token in the execution's history, as the dashboard does.
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment";
    let executions =
        local.ok(&["stepfunctions", "list-executions", "--state-machine-arn", machine, "--status-filter", "RUNNING"]);
    let execution = executions["executions"][0]["executionArn"].as_str().expect("a running execution").to_owned();
    let mut token = String::new();
    wait_until(Duration::from_secs(10), "the task token in the history", || {
        let history = local.ok(&["stepfunctions", "get-execution-history", "--execution-arn", &execution]);
        let scheduled =
            history["events"].as_array().into_iter().flatten().filter(|event| event["type"] == "TaskScheduled");
        for event in scheduled {
            let parameters = event["taskScheduledEventDetails"]["parameters"].as_str().unwrap_or_default();
            let parameters: Value = serde_json::from_str(parameters).unwrap_or_default();
            let detail = &parameters["Entries"][0]["Detail"];
            let detail: Value =
                detail.as_str().and_then(|text| serde_json::from_str(text).ok()).unwrap_or(detail.clone());
            if let Some(found) = detail["data"]["taskToken"].as_str() {
                token = found.to_owned();
            }
        }
        !token.is_empty()
    });
    local.ok(&[
        "stepfunctions",
        "send-task-success",
        "--task-token",
        &token,
        "--task-output",
        r#"{"approvedBy": "operator"}"#,
    ]);
    wait_until(Duration::from_secs(30), "the order delivered", || status(&endpoint, &id) == "DELIVERED");

    // Too late now: AWS's words come back.
    let again = local.fails(&["stepfunctions", "send-task-success", "--task-token", &token, "--task-output", "{}"]);
    assert!(again.contains("TaskTimedOut"), "{again}");
}

#[test]
fn a_crash_during_traffic_loses_no_order_and_strands_none() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = LocalCli::start_with(data.path(), &["--demo", "--orders-per-sec", "8"]);
    std::thread::sleep(Duration::from_secs(6));
    local.process.kill();

    // Restarted without traffic: everything placed before the crash goes through.
    let local = LocalCli::start_with(data.path(), &["--demo"]);
    let endpoint = local.endpoint.clone();
    let orders = |endpoint: &str| -> Vec<Value> {
        let data = graphql(endpoint, "{ orders(limit: 500) { id status history { status } } }", json!({}));
        data["orders"].as_array().cloned().unwrap_or_default()
    };
    let placed = orders(&endpoint).len();
    assert!(placed >= 20, "only {placed} orders were placed before the crash");
    wait_until(Duration::from_secs(120), "every order delivered", || {
        orders(&endpoint).iter().all(|order| order["status"] == "DELIVERED")
    });
    let orders = orders(&endpoint);
    assert_eq!(orders.len(), placed, "orders appeared or vanished");
    for order in &orders {
        let history = order["history"].as_array().expect("history");
        let delivered = history.iter().filter(|change| change["status"] == "DELIVERED").count();
        assert_eq!(delivered, 1, "{order}");
    }
}
