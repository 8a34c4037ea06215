use serde_json::{Value, json};

use super::*;

const BUS: &str = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
const RULE: &str = "arn:aws:events:us-east-1:123456789012:rule/orders/placed";
const TARGET: &str = "arn:aws:lambda:us-east-1:123456789012:function:charge";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:charge-dlq";

/// A record as the local system (and EventBridge) logs it.
fn record(step: &str, event: &str, invocation: &str, at: i64, extra: Value) -> LogRecord {
    let mut record = json!({
        "resource_arn": BUS, "request_id": "r", "event_id": event, "message_timestamp_ms": at,
        "message_type": step, "log_level": "TRACE",
        "details": {"rule_arn": RULE, "target_arn": TARGET, "target_type": "Lambda"},
    });
    if step.starts_with("INVOCATION_") {
        record["invocation_id"] = json!(invocation);
    }
    if let Value::Object(extra) = extra {
        for (key, value) in extra {
            record[key.as_str()] = value;
        }
    }
    LogRecord {
        bus: "orders".into(),
        id: format!("{event}-{invocation}-{step}-{at}"),
        timestamp_ms: at,
        message: record.to_string(),
    }
}

fn delivered(event: &str, invocation: &str, at: i64) -> Vec<LogRecord> {
    vec![
        record("EVENT_RECEIPT", event, "", at, json!({})),
        record("EVENT_INGEST_SUCCESS", event, "", at, json!({})),
        record("RULE_MATCH_START", event, "", at, json!({})),
        record("RULE_MATCH", event, "", at, json!({"details": {"rule_arn": RULE}})),
        record("INVOCATION_START", event, invocation, at + 1, json!({})),
        record(
            "INVOCATION_ATTEMPT_START",
            event,
            invocation,
            at + 1,
            json!({"details": {"rule_arn": RULE, "target_arn": TARGET, "attempt_count": 1}}),
        ),
        record("INVOCATION_ATTEMPT_SUCCESS", event, invocation, at + 5, json!({})),
        record("INVOCATION_SUCCESS", event, invocation, at + 5, json!({})),
    ]
}

fn edge(source: &str, target: &str) -> String {
    edge_id(&node_id(source), &node_id(target))
}

#[test]
fn a_delivery_is_one_hop_along_the_topologys_edges_and_counts_on_both_edges() {
    let mut activity = Activity::default();
    activity.ingest(&delivered("e-1", "i-1", 1_000));
    let batch = activity.batch(2_000);
    let [hop] = batch.hops.as_slice() else { panic!("one hop: {batch:?}") };
    assert_eq!((hop.event_id.as_str(), hop.bus_arn.as_str(), hop.rule_arn.as_str()), ("e-1", BUS, RULE));
    assert_eq!(hop.target_arn, TARGET);
    assert_eq!(hop.outcome, HopOutcome::Delivered);
    assert_eq!(hop.at_ms, 1_001);
    assert_eq!(hop.edges, [edge(BUS, RULE), edge(RULE, TARGET)]);
    // The ids are the graph's: `source -> target` of ARNs.
    assert_eq!(hop.edges[1], format!("{RULE} -> {TARGET}"));
    let counts: Vec<(&str, u32)> = batch.edges.iter().map(|e| (e.id.as_str(), e.count)).collect();
    assert_eq!(counts, [(hop.edges[0].as_str(), 1), (hop.edges[1].as_str(), 1)]);
    assert!((batch.edges[0].per_second - 0.1).abs() < 1e-9, "1 event over 10 s");
    assert!(batch.nodes.is_empty(), "no errors, retries or DLQs");
    // The next batch has no new hops, and the counts stay until they leave the window.
    let later = activity.batch(5_000);
    assert!(later.hops.is_empty());
    assert_eq!(later.edges.len(), 2);
    assert!(activity.batch(12_000).edges.is_empty());
}

#[test]
fn retries_are_in_flight_until_the_dead_letter_which_counts_one_error_and_a_hop_to_the_dlq() {
    let mut activity = Activity::default();
    let error = json!({"error": {"error_code": "503", "error_message": "down", "http_status_code": 503}});
    activity.ingest(&[
        record("INVOCATION_START", "e-1", "i-1", 100, json!({})),
        record("INVOCATION_ATTEMPT_START", "e-1", "i-1", 100, json!({})),
        record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", "e-1", "i-1", 150, error.clone()),
    ]);
    let batch = activity.batch(1_000);
    assert_eq!(batch.hops[0].outcome, HopOutcome::Retrying);
    let [node] = batch.nodes.as_slice() else { panic!("the target: {batch:?}") };
    assert_eq!((node.id.as_str(), node.retries_in_flight, node.errors), (TARGET, 1, 0));
    // The bus → rule edge is known from the invocation (no RULE_MATCH at this level).
    assert_eq!(batch.edges.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), [edge(BUS, RULE), edge(RULE, TARGET)]);

    activity.ingest(&[
        record("INVOCATION_ATTEMPT_START", "e-1", "i-1", 1_150, json!({})),
        record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", "e-1", "i-1", 1_200, error.clone()),
        record("INVOCATION_FAILURE", "e-1", "i-1", 1_200, error),
        record(
            "INVOCATION_DLQ",
            "e-1",
            "i-1",
            1_201,
            json!({"details": {"rule_arn": RULE, "target_arn": TARGET, "dead_letter_arn": DLQ}}),
        ),
    ]);
    activity.set_dlq_depths([(DLQ.to_owned(), 3)]);
    let batch = activity.batch(2_000);
    let [hop] = batch.hops.as_slice() else { panic!("only the dead letter is a new hop: {batch:?}") };
    assert_eq!((hop.outcome, hop.edges.as_slice()), (HopOutcome::DeadLettered, [edge(TARGET, DLQ)].as_slice()));
    let nodes: Vec<(&str, u32, u32, Option<u64>)> =
        batch.nodes.iter().map(|n| (n.id.as_str(), n.errors, n.retries_in_flight, n.dlq_depth)).collect();
    assert_eq!(nodes, [(TARGET, 1, 0, None), (DLQ, 0, 0, Some(3))]);
    // Errors count for a minute.
    assert_eq!(activity.batch(62_000).nodes.iter().map(|n| n.errors).sum::<u32>(), 0);
}

#[test]
fn info_level_logs_make_the_hop_from_the_outcome_alone() {
    let mut activity = Activity::default();
    let failure = json!({"error": {"error_message": "no such function"}});
    activity.ingest(&[
        record("EVENT_INGEST_SUCCESS", "e-1", "", 10, json!({})),
        record("INVOCATION_SUCCESS", "e-1", "i-1", 20, json!({})),
        record("INVOCATION_FAILURE", "e-2", "i-2", 30, failure),
        record(
            "INVOCATION_DLQ",
            "e-2",
            "i-2",
            31,
            json!({"details": {"rule_arn": RULE, "target_arn": TARGET, "dropped": true}}),
        ),
    ]);
    let batch = activity.batch(1_000);
    let outcomes: Vec<HopOutcome> = batch.hops.iter().map(|h| h.outcome).collect();
    assert_eq!(outcomes, [HopOutcome::Delivered, HopOutcome::Failed], "a dropped event has no DLQ hop");
    assert_eq!(batch.nodes[0].errors, 1, "one error, though two records tell of it");
    assert_eq!(batch.edges.iter().find(|e| e.id == edge(BUS, RULE)).map(|e| e.count), Some(2));
}

#[test]
fn hops_beyond_the_cap_are_left_out_but_counted() {
    let mut activity = Activity::default();
    let records: Vec<LogRecord> = (0..MAX_HOPS_PER_BATCH + 5)
        .flat_map(|i| delivered(&format!("e-{i}"), &format!("i-{i}"), 1_000 + i as i64))
        .collect();
    activity.ingest(&records);
    let batch = activity.batch(3_000);
    assert_eq!(batch.hops.len(), MAX_HOPS_PER_BATCH);
    assert_eq!(batch.hops_omitted, 5);
    assert_eq!(batch.hops[0].event_id, "e-5", "the newest are kept");
    let to_target = batch.edges.iter().find(|e| e.id == edge(RULE, TARGET)).expect("edge");
    assert_eq!(to_target.count as usize, MAX_HOPS_PER_BATCH + 5, "counters are exact");
}

fn circuit_event(to: &str, at: i64) -> LogRecord {
    let event = json!({
        "version": "0", "id": format!("c-{at}"), "detail-type": CIRCUIT_STATE_CHANGED, "source": "demo.circuits",
        "time": "2026-11-22T13:00:00Z", "resources": [],
        "detail": {"metadata": {"type": CIRCUIT_STATE_CHANGED}, "data": {
            "circuit": "restaurant-partner", "from": "CLOSED", "to": to, "reason": "5 failures",
            "failures": 5, "openedAt": "2026-11-22T13:00:00Z"
        }}
    });
    record(
        "EVENT_INGEST_SUCCESS",
        &format!("c-{at}"),
        "",
        at,
        json!({"details": {"source": "demo.circuits", "event_detail": event.to_string()}}),
    )
}

#[test]
fn circuits_keep_their_latest_state_and_when_they_entered_it() {
    let mut activity = Activity::default();
    activity.prime_circuits(&[circuit_event("OPEN", 100), record("INVOCATION_SUCCESS", "e", "i", 100, json!({}))]);
    let batch = activity.batch(1_000);
    assert!(batch.hops.is_empty(), "priming reads circuits only");
    let [circuit] = batch.circuits.as_slice() else { panic!("one circuit") };
    assert_eq!((circuit.name.as_str(), circuit.state.as_str(), circuit.since_ms), ("restaurant-partner", "OPEN", 100));
    assert_eq!((circuit.failures, circuit.reason.as_deref()), (Some(5), Some("5 failures")));
    // An older change read late does not win over a newer one.
    activity.ingest(&[circuit_event("HALF_OPEN", 300), circuit_event("CLOSED", 200)]);
    assert_eq!(activity.batch(1_000).circuits[0].state, "HALF_OPEN");
}
