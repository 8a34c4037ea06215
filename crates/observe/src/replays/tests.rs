use choreoscope_model::{ArchiveSummary, ReplayRequest};
use serde_json::json;

use super::control::{check_filter_arns, check_replay_name, progress, rule_bus_of};
use super::outages::{CircuitChange, change, outage_windows};
use super::preview::{BusRule, Circumstances, LoggedEvent, assess, event_time_ms, logged_event};

const T0: i64 = 1_795_000_000_000;
const DAY: i64 = 86_400_000;

fn archive(pattern: Option<serde_json::Value>) -> ArchiveSummary {
    ArchiveSummary {
        name: "orders-archive".into(),
        arn: Some("arn:aws:events:us-east-1:1:archive/orders-archive".into()),
        bus_name: "orders".into(),
        bus_arn: "arn:aws:events:us-east-1:1:event-bus/orders".into(),
        description: None,
        event_pattern: pattern,
        state: Some("ENABLED".into()),
        state_reason: None,
        retention_days: None,
        event_count: 0,
        size_bytes: 0,
        created_ms: Some(T0 - DAY),
    }
}

fn request(start: i64, end: i64) -> ReplayRequest {
    ReplayRequest {
        replay_name: "r1".into(),
        archive_name: "orders-archive".into(),
        event_start_ms: start,
        event_end_ms: end,
        filter_arns: Vec::new(),
        description: None,
    }
}

fn iso(ms: i64) -> String {
    use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};
    DateTime::from_millis(ms).fmt(DateTimeFormat::DateTime).expect("formats")
}

fn logged(id: &str, at: i64, source: &str, status: &str) -> LoggedEvent {
    LoggedEvent {
        id: id.into(),
        arrived_ms: at,
        event: Some(json!({
            "id": id, "source": source, "detail-type": "OrderPlaced", "time": iso(at),
            "detail": {"metadata": {"status": status}}
        })),
    }
}

fn rule(name: &str, pattern: Option<&str>) -> BusRule {
    BusRule {
        arn: format!("arn:aws:events:us-east-1:1:rule/orders/{name}"),
        name: name.into(),
        enabled: true,
        event_pattern: pattern.map(Into::into),
        target_arns: vec![format!("arn:aws:sqs:us-east-1:1:{name}-queue")],
    }
}

fn now() -> Circumstances {
    Circumstances { aws: false, now_ms: T0 + 3_600_000, log_created_ms: Some(T0 - DAY), log_retention_days: None }
}

#[test]
fn the_archive_pattern_and_each_rule_count_the_events_of_the_window() {
    let events = [
        logged("a", T0 + 1_000, "shop", "RETRYABLE"),
        logged("b", T0 + 2_000, "shop", "OK"),
        logged("c", T0 + 3_000, "payments", "RETRYABLE"),
        // Outside the window.
        logged("d", T0 + 20_000, "shop", "RETRYABLE"),
    ];
    let rules = [
        rule("shop-rule", Some(r#"{"source": ["shop"]}"#)),
        rule("no-replays", Some(r#"{"replay-name": [{"exists": false}]}"#)),
        rule("nightly", None),
    ];
    let archive = archive(Some(json!({"detail": {"metadata": {"status": ["RETRYABLE"]}}})));
    let preview = assess(&archive, &request(T0, T0 + 10_000), &events, &rules, "r1", &now()).expect("assessed");
    assert_eq!((preview.events_in_window, preview.events_to_replay), (3, 2));
    let counts: Vec<_> = preview.rules.iter().map(|r| (r.rule_name.as_str(), r.matched)).collect();
    assert_eq!(counts, [("shop-rule", 1), ("no-replays", 0), ("nightly", 0)]);
    assert!(preview.rules[2].note.as_deref().is_some_and(|n| n.contains("scheduled")));
    assert_eq!(preview.rules[0].target_arns, ["arn:aws:sqs:us-east-1:1:shop-rule-queue"]);
    assert!(!preview.estimate, "{:?}", preview.notes);
}

#[test]
fn what_the_archive_cannot_hold_is_left_out_and_said() {
    let mut archive = archive(None);
    archive.created_ms = Some(T0 + 1_500);
    archive.retention_days = Some(1);
    let at = Circumstances {
        aws: true,
        now_ms: T0 + DAY + 2_500,
        log_created_ms: Some(T0 + 1_800),
        log_retention_days: Some(1),
    };
    let events = [
        logged("before-archive", T0 + 1_000, "shop", "OK"),
        logged("expired", T0 + 2_000, "shop", "OK"),
        logged("kept", T0 + DAY + 2_000, "shop", "OK"),
        LoggedEvent { id: "no-detail".into(), arrived_ms: T0 + 3_000, event: None },
    ];
    let preview = assess(&archive, &request(T0, T0 + DAY + 2_400), &events, &[], "r1", &at).expect("assessed");
    assert_eq!((preview.events_in_window, preview.events_to_replay), (3, 1));
    assert!(preview.estimate);
    let notes = preview.notes.join("\n");
    for words in [
        "without their detail",
        "before the archive was created",
        "retention of 1 days",
        "log group was created after",
        "log keeps 1 days",
        "AWS archives events some minutes",
    ] {
        assert!(notes.contains(words), "{words:?} not in {notes}");
    }
}

#[test]
fn a_broken_archive_pattern_is_an_error_in_words() {
    let archive = archive(Some(json!({"source": "not-an-array"})));
    let error = assess(&archive, &request(T0, T0 + 1), &[], &[], "r1", &now()).expect_err("refused");
    assert!(error.to_string().contains("pattern of archive orders-archive"), "{error}");
}

#[test]
fn ingest_records_become_events_and_replays_are_left_out() {
    let record = |event: serde_json::Value| {
        json!({"event_id": "e1", "message_type": "EVENT_INGEST_SUCCESS",
               "details": {"event_detail": event.to_string()}})
        .to_string()
    };
    let event = json!({"id": "e1", "time": "2026-11-22T13:00:00Z", "source": "shop"});
    let read = logged_event(&record(event.clone()), 7).expect("an event");
    assert_eq!((read.id.as_str(), read.arrived_ms), ("e1", 7));
    assert_eq!(event_time_ms(read.event.as_ref().expect("detail")), Some(1_795_352_400_000));
    let mut replayed = event;
    replayed["replay-name"] = json!("r1");
    assert!(logged_event(&record(replayed), 7).is_none());
    assert!(logged_event(r#"{"message_type": "RULE_MATCH"}"#, 7).is_none());
}

#[test]
fn progress_is_the_last_replayed_time_within_the_window() {
    assert_eq!(progress("RUNNING", 1_000, 3_000, Some(2_000)), 0.5);
    assert_eq!(progress("STARTING", 1_000, 3_000, None), 0.0);
    assert_eq!(progress("COMPLETED", 1_000, 3_000, Some(1_500)), 1.0);
    assert_eq!(progress("CANCELLED", 1_000, 3_000, Some(9_000)), 1.0);
    assert_eq!(progress("RUNNING", 3_000, 3_000, Some(3_000)), 0.0);
}

#[test]
fn replay_names_and_filter_rules_are_checked_in_words() {
    assert!(check_replay_name("heal-restaurant_1.2").is_ok());
    assert!(check_replay_name("").expect_err("refused").to_string().contains("name"));
    assert!(check_replay_name("a b").expect_err("refused").to_string().contains("' '"));
    assert!(check_replay_name(&"x".repeat(65)).expect_err("refused").to_string().contains("at most 64"));
    assert_eq!(rule_bus_of("arn:aws:events:us-east-1:1:rule/orders/r"), Some("orders"));
    assert_eq!(rule_bus_of("arn:aws:events:us-east-1:1:rule/r"), Some("default"));
    let archive = archive(None);
    assert!(check_filter_arns(&archive, &["arn:aws:events:us-east-1:1:rule/orders/r".into()]).is_ok());
    let error = check_filter_arns(&archive, &["arn:aws:events:us-east-1:1:rule/other/r".into()]).expect_err("refused");
    assert!(error.to_string().contains("is not a rule of bus orders"), "{error}");
}

fn circuit_change(id: &str, circuit: &str, to: &str, at: i64) -> CircuitChange {
    CircuitChange { event_id: id.into(), circuit: circuit.into(), to: to.into(), at_ms: at }
}

#[test]
fn an_outage_runs_from_open_to_the_next_closed() {
    let windows = outage_windows(vec![
        circuit_change("1", "partner", "OPEN", 100),
        circuit_change("2", "partner", "HALF_OPEN", 200),
        circuit_change("3", "partner", "OPEN", 250),
        circuit_change("4", "partner", "HALF_OPEN", 300),
        circuit_change("5", "partner", "CLOSED", 400),
        // The same event logged by a second bus.
        circuit_change("5", "partner", "CLOSED", 401),
        circuit_change("6", "partner", "OPEN", 900),
        circuit_change("7", "payments", "CLOSED", 50),
        circuit_change("8", "payments", "OPEN", 500),
        circuit_change("9", "payments", "CLOSED", 600),
    ]);
    let got: Vec<_> = windows.iter().map(|w| (w.circuit.as_str(), w.opened_ms, w.closed_ms)).collect();
    assert_eq!(got, [("partner", 900, None), ("payments", 500, Some(600)), ("partner", 100, Some(400))]);
}

#[test]
fn a_circuit_change_is_read_from_the_demo_envelope() {
    let event = json!({"id": "e9", "detail-type": "Circuit State Changed",
        "detail": {"metadata": {}, "data": {"circuit": "restaurant-partner", "from": "CLOSED", "to": "OPEN"}}});
    let record = json!({"details": {"event_detail": event.to_string()}}).to_string();
    assert_eq!(change(&record, 42), Some(circuit_change("e9", "restaurant-partner", "OPEN", 42)));
    let other = json!({"details": {"event_detail": json!({"detail-type": "OrderPlaced"}).to_string()}}).to_string();
    assert_eq!(change(&other, 42), None);
}
