//! The real `aws` CLI against `choreoscope-local`: what a user of the local
//! system does by hand, including a restart that must lose nothing.

use std::path::Path;

use choreoscope_e2e::LocalCli;
use serde_json::Value;

fn start(data_dir: &Path) -> LocalCli {
    LocalCli::start(data_dir)
}

fn names(list: &Value, key: &str) -> Vec<String> {
    let mut names: Vec<String> =
        list[key].as_array().expect("a list").iter().filter_map(|item| item["Name"].as_str().map(Into::into)).collect();
    names.sort();
    names
}

fn logged_event_ids(local: &LocalCli) -> Vec<String> {
    let logs = local.ok(&[
        "logs",
        "filter-log-events",
        "--log-group-name",
        "/aws/vendedlogs/events/event-bus/orders",
        "--filter-pattern",
        "EVENT_INGEST_SUCCESS",
    ]);
    let mut ids: Vec<String> = logs["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| serde_json::from_str::<Value>(e["message"].as_str().expect("message")).expect("record is JSON"))
        .map(|record| record["event_id"].as_str().expect("event id").to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn buses_rules_targets_and_events_survive_a_restart() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());

    let buses = local.ok(&["events", "list-event-buses"]);
    assert_eq!(names(&buses, "EventBuses"), ["default"]);

    let created = local.ok(&["events", "create-event-bus", "--name", "orders"]);
    assert_eq!(created["EventBusArn"], "arn:aws:events:us-east-1:123456789012:event-bus/orders");
    local.ok(&["events", "update-event-bus", "--name", "orders", "--log-config", "IncludeDetail=FULL,Level=INFO"]);
    let rule = local.ok(&[
        "events",
        "put-rule",
        "--name",
        "order-placed",
        "--event-bus-name",
        "orders",
        "--event-pattern",
        r#"{"source":["shop.orders"],"detail-type":["OrderPlaced"]}"#,
    ]);
    assert_eq!(rule["RuleArn"], "arn:aws:events:us-east-1:123456789012:rule/orders/order-placed");
    let put = local.ok(&[
        "events",
        "put-targets",
        "--rule",
        "order-placed",
        "--event-bus-name",
        "orders",
        "--targets",
        "Id=payment,Arn=arn:aws:lambda:us-east-1:123456789012:function:charge-payment",
    ]);
    assert_eq!(put["FailedEntryCount"], 0);

    let entries = r#"[
        {"Source":"shop.orders","DetailType":"OrderPlaced","Detail":"{\"orderId\":\"1\"}","EventBusName":"orders"},
        {"Source":"shop.orders","DetailType":"OrderPlaced","Detail":"{\"orderId\":\"2\"}","EventBusName":"orders"}
    ]"#;
    let accepted = local.ok(&["events", "put-events", "--entries", entries]);
    assert_eq!(accepted["FailedEntryCount"], 0);
    let mut ids: Vec<String> = accepted["Entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["EventId"].as_str().expect("an event id").to_owned())
        .collect();
    ids.sort();
    assert_eq!(logged_event_ids(&local), ids, "the bus log lists the accepted events");

    let status = local.process.terminate();
    assert!(status.success(), "choreoscope-local exits cleanly on SIGTERM: {status}");
    let local = start(data.path());

    assert_eq!(names(&local.ok(&["events", "list-event-buses"]), "EventBuses"), ["default", "orders"]);
    let rules = local.ok(&["events", "list-rules", "--event-bus-name", "orders"]);
    assert_eq!(names(&rules, "Rules"), ["order-placed"]);
    assert_eq!(rules["Rules"][0]["EventPattern"], r#"{"source":["shop.orders"],"detail-type":["OrderPlaced"]}"#);
    let targets = local.ok(&["events", "list-targets-by-rule", "--rule", "order-placed", "--event-bus-name", "orders"]);
    assert_eq!(targets["Targets"][0]["Id"], "payment");
    assert_eq!(logged_event_ids(&local), ids, "accepted events survive the restart");

    // Disable, enable, remove, delete: the full life of a rule.
    local.ok(&["events", "disable-rule", "--name", "order-placed", "--event-bus-name", "orders"]);
    let described = local.ok(&["events", "describe-rule", "--name", "order-placed", "--event-bus-name", "orders"]);
    assert_eq!(described["State"], "DISABLED");
    local.ok(&["events", "enable-rule", "--name", "order-placed", "--event-bus-name", "orders"]);
    let stderr = local.fails(&["events", "delete-rule", "--name", "order-placed", "--event-bus-name", "orders"]);
    assert!(
        stderr.contains("ValidationException") && stderr.contains("Rule can't be deleted since it has targets."),
        "{stderr}"
    );
    local.ok(&["events", "remove-targets", "--rule", "order-placed", "--event-bus-name", "orders", "--ids", "payment"]);
    local.ok(&["events", "delete-rule", "--name", "order-placed", "--event-bus-name", "orders"]);
    local.ok(&["events", "delete-event-bus", "--name", "orders"]);
    assert_eq!(names(&local.ok(&["events", "list-event-buses"]), "EventBuses"), ["default"]);
}

#[test]
fn bad_requests_get_aws_shaped_errors() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());

    let stderr = local.fails(&["events", "describe-event-bus", "--name", "no-such-bus"]);
    assert!(stderr.contains("(ResourceNotFoundException)"), "{stderr}");
    assert!(stderr.contains("Event bus no-such-bus does not exist."), "{stderr}");
    let stderr = local.fails(&[
        "events",
        "put-rule",
        "--name",
        "r",
        "--event-bus-name",
        "no-such-bus",
        "--event-pattern",
        r#"{"source":["a"]}"#,
    ]);
    assert!(stderr.contains("Event bus no-such-bus does not exist."), "{stderr}");
    let stderr = local.fails(&["events", "describe-rule", "--name", "nope"]);
    assert!(stderr.contains("Rule nope does not exist on EventBus default."), "{stderr}");
    let stderr = local.fails(&["events", "delete-event-bus", "--name", "default"]);
    assert!(
        stderr.contains("(ValidationException)") && stderr.contains("Cannot delete event bus default."),
        "{stderr}"
    );
    let stderr = local.fails(&["events", "put-rule", "--name", "r", "--event-pattern", r#"{"source":"shop"}"#]);
    assert!(stderr.contains("(InvalidEventPatternException)"), "{stderr}");
    local.ok(&["events", "create-event-bus", "--name", "twice"]);
    let stderr = local.fails(&["events", "create-event-bus", "--name", "twice"]);
    assert!(
        stderr.contains("(ResourceAlreadyExistsException)") && stderr.contains("Event bus twice already exists."),
        "{stderr}"
    );

    // What the CLI cannot send: raw requests.
    let http = reqwest::blocking::Client::new();
    let send = |target: &str, body: &str| {
        let response = http
            .post(&local.endpoint)
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", target)
            .body(body.to_owned())
            .send()
            .expect("the local system answers");
        let status = response.status().as_u16();
        let json: Value = response.json().expect("errors are JSON");
        (status, json)
    };
    let (status, json) = send("AWSEvents.NoSuchOperation", "{}");
    assert_eq!(status, 400);
    assert_eq!(json["__type"], "UnknownOperationException");
    assert!(json["message"].as_str().is_some_and(|m| m.contains("AWSEvents.NoSuchOperation")), "{json}");
    let (status, json) = send("AWSEvents.ListEventBuses", "{not json");
    assert_eq!(status, 400);
    assert_eq!(json["__type"], "SerializationException");
    let (status, json) = send("AWSEvents.PutEvents", r#"{"Entries": []}"#);
    assert_eq!(status, 400);
    assert_eq!(json["__type"], "ValidationException");

    let health: Value =
        http.get(format!("{}/_choreoscope/health", local.endpoint)).send().and_then(|r| r.json()).expect("health");
    assert_eq!(health["status"], "ok");
}

#[test]
fn test_event_pattern_and_rich_rules_work_through_the_cli() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());
    let event = r#"{"id": "1", "account": "123456789012", "source": "shop.orders", "time": "2026-11-22T10:00:00Z",
        "region": "us-east-1", "resources": [], "detail-type": "OrderPlaced",
        "detail": {"total": 120, "items": [{"sku": "pizza", "qty": 2}, {"sku": "cola", "qty": 1}]}}"#;
    let result = |pattern: &str| {
        local.ok(&["events", "test-event-pattern", "--event-pattern", pattern, "--event", event])["Result"].clone()
    };
    assert_eq!(result(r#"{"source": [{"prefix": "shop."}], "detail": {"total": [{"numeric": [">=", 100]}]}}"#), true);
    assert_eq!(
        result(r#"{"detail": {"items": {"sku": ["pizza"], "qty": [1]}}}"#),
        false,
        "array elements never combine"
    );
    assert_eq!(result(r#"{"detail-type": [{"anything-but": {"prefix": "Order"}}]}"#), false);
    let stderr =
        local.fails(&["events", "test-event-pattern", "--event-pattern", r#"{"source": ["a"]}"#, "--event", "{}"]);
    assert!(stderr.contains("(ValidationException)") && stderr.contains("Parameter Event is not valid."), "{stderr}");
    let stderr = local.fails(&[
        "events",
        "test-event-pattern",
        "--event-pattern",
        r#"{"a": [{"wildcard": "x**"}]}"#,
        "--event",
        event,
    ]);
    assert!(stderr.contains("Consecutive wildcard characters at pos 2"), "{stderr}");

    // A rule with operators routes PutEvents by them; the bus log says which rule matched.
    local.ok(&["events", "update-event-bus", "--name", "default", "--log-config", "IncludeDetail=NONE,Level=TRACE"]);
    let pattern = r#"{"source": [{"prefix": "shop."}], "detail": {"total": [{"numeric": [">", 100]}]}}"#;
    local.ok(&["events", "put-rule", "--name", "big-orders", "--event-pattern", pattern]);
    let entries = r#"[{"Source":"shop.orders","DetailType":"OrderPlaced","Detail":"{\"total\": 120}"},
                      {"Source":"shop.orders","DetailType":"OrderPlaced","Detail":"{\"total\": 80}"}]"#;
    let accepted = local.ok(&["events", "put-events", "--entries", entries]);
    let logs = local.ok(&[
        "logs",
        "filter-log-events",
        "--log-group-name",
        "/aws/vendedlogs/events/event-bus/default",
        "--filter-pattern",
        "RULE_MATCH",
    ]);
    let matched: Vec<(String, String)> = logs["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| serde_json::from_str::<Value>(e["message"].as_str().expect("message")).expect("JSON"))
        .filter(|record| record["message_type"] == "RULE_MATCH")
        .map(|record| {
            (
                record["event_id"].as_str().expect("id").into(),
                record["details"]["rule_arn"].as_str().expect("arn").into(),
            )
        })
        .collect();
    assert_eq!(
        matched,
        [(
            accepted["Entries"][0]["EventId"].as_str().expect("id").to_owned(),
            "arn:aws:events:us-east-1:123456789012:rule/big-orders".to_owned()
        )]
    );
}
