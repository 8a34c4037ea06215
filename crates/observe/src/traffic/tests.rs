use serde_json::{Value, json};

use super::*;

const BUS: &str = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
const PARTNERS: &str = "arn:aws:events:us-east-1:123456789012:event-bus/partners";
const RULE: &str = "arn:aws:events:us-east-1:123456789012:rule/orders/r";
const PAYMENT: &str = "arn:aws:lambda:us-east-1:123456789012:function:payment";
const PROJECTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:projection";
const COURIER: &str = "arn:aws:lambda:us-east-1:123456789012:function:courier";
const WORKFLOW: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:fulfilment";

/// A record as the local system (and EventBridge) logs it.
fn record(bus: &str, step: &str, event: &str, at: i64, details: Value, invocation: Option<&str>) -> LogRecord {
    let mut record = json!({
        "resource_arn": bus, "request_id": "r", "event_id": event, "message_timestamp_ms": at,
        "message_type": step, "log_level": "TRACE", "details": details,
    });
    if let Some(invocation) = invocation {
        record["invocation_id"] = json!(invocation);
    }
    LogRecord {
        bus: bus.rsplit_once('/').map(|(_, b)| b.to_owned()).unwrap_or_default(),
        id: format!("{event}-{step}-{at}-{invocation:?}"),
        timestamp_ms: at,
        message: record.to_string(),
    }
}

/// An event received at `at`: ingested, then matched by a rule or by none.
fn received(bus: &str, event: &str, detail_type: &str, cause: Option<&str>, at: i64, matched: bool) -> Vec<LogRecord> {
    put_with(bus, event, detail_type, cause, at, matched, &[])
}

/// An event a workflow put: Step Functions names the execution and the state
/// machine in its `resources`.
fn put_by_workflow(event: &str, detail_type: &str, cause: &str, at: i64) -> Vec<LogRecord> {
    let execution = "arn:aws:states:us-east-1:123456789012:execution:fulfilment:run-1";
    put_with(BUS, event, detail_type, Some(cause), at, true, &[execution, WORKFLOW])
}

fn put_with(
    bus: &str,
    event: &str,
    detail_type: &str,
    cause: Option<&str>,
    at: i64,
    matched: bool,
    resources: &[&str],
) -> Vec<LogRecord> {
    let metadata = cause.map_or(json!({}), |cause| json!({"causationId": cause}));
    let detail = json!({
        "id": event, "source": "shop", "detail-type": detail_type, "resources": resources,
        "detail": {"metadata": metadata, "data": {}},
    });
    let ingest = record(bus, "EVENT_INGEST_SUCCESS", event, at, json!({"event_detail": detail.to_string()}), None);
    let matching = if matched {
        record(bus, "RULE_MATCH", event, at, json!({"rule_arn": RULE}), None)
    } else {
        record(bus, "NO_STANDARD_RULES_MATCHED", event, at, json!({}), None)
    };
    vec![record(bus, "EVENT_RECEIPT", event, at, json!({}), None), ingest, matching]
}

/// One delivery of `event` to `target`: one attempt from `start` to `end`.
fn delivery(event: &str, target: &str, start: i64, end: i64) -> Vec<LogRecord> {
    let invocation = format!("{event}->{target}");
    let details = json!({"rule_arn": RULE, "target_arn": target});
    let step = |step: &str, at: i64| record(BUS, step, event, at, details.clone(), Some(&invocation));
    vec![
        step("INVOCATION_START", start),
        step("INVOCATION_ATTEMPT_START", start),
        step("INVOCATION_ATTEMPT_SUCCESS", end),
        step("INVOCATION_SUCCESS", end),
    ]
}

fn learn(batches: Vec<Vec<LogRecord>>) -> Traffic {
    let mut records: Vec<LogRecord> = batches.into_iter().flatten().collect();
    records.sort_by_key(|r| r.timestamp_ms);
    let mut traffic = Traffic::default();
    traffic.ingest(&records);
    traffic
}

fn flow<'f>(flows: &'f [EventTypeFlow], detail_type: &str) -> &'f EventTypeFlow {
    flows.iter().find(|f| f.detail_type == detail_type).unwrap_or_else(|| panic!("no {detail_type}: {flows:?}"))
}

#[test]
fn the_target_whose_attempt_was_under_way_emits_the_effect() {
    let mut traffic = learn(vec![
        received(BUS, "e-1", "OrderReady", None, 1_000, true),
        delivery("e-1", COURIER, 1_005, 1_060),
        delivery("e-1", PROJECTION, 1_005, 1_010),
        received(BUS, "e-2", "CourierAssigned", Some("e-1"), 1_050, true),
    ]);
    let flows = traffic.flows(1_100);
    let assigned = flow(&flows, "CourierAssigned");
    assert_eq!(assigned.producers(), [COURIER]);
    assert_eq!((assigned.count, assigned.attributed, assigned.bus_arn.as_str()), (1, 1, BUS));
    assert_eq!(assigned.sources.iter().collect::<Vec<_>>(), ["shop"]);
    // The cause came from outside the logs: a type without producers.
    assert!(flow(&flows, "OrderReady").producers().is_empty());
}

#[test]
fn a_producer_is_decided_only_once_the_causes_deliveries_have_ended() {
    let mut traffic = Traffic::default();
    let mut first = received(BUS, "e-1", "OrderReady", None, 1_000, true);
    first.extend(received(BUS, "e-2", "CourierAssigned", Some("e-1"), 1_050, true));
    let mut started = delivery("e-1", COURIER, 1_005, 1_060);
    let ended = started.split_off(2);
    first.extend(started);
    first.sort_by_key(|r| r.timestamp_ms);
    traffic.ingest(&first);
    assert_eq!(flow(&traffic.flows(1_055), "CourierAssigned").attributed, 0, "the courier is still running");
    traffic.ingest(&ended);
    assert_eq!(flow(&traffic.flows(1_100), "CourierAssigned").producers(), [COURIER]);
}

#[test]
fn a_workflow_emits_what_follows_its_start_and_what_names_it_in_its_resources() {
    let mut traffic = learn(vec![
        received(BUS, "placed", "OrderPlaced", Some("graphql-request"), 1_000, true),
        delivery("placed", WORKFLOW, 1_002, 1_004),
        delivery("placed", PROJECTION, 1_002, 1_006),
        // Put by a function the workflow invoked, after StartExecution returned.
        received(BUS, "charged", "PaymentCharged", Some("placed"), 1_100, true),
        delivery("charged", PROJECTION, 1_101, 1_103),
        delivery("charged", COURIER, 1_150, 1_250),
        // Put by the workflow itself while a target of its cause was under way.
        put_by_workflow("requested", "ConfirmationRequested", "charged", 1_200),
    ]);
    let flows = traffic.flows(5_000);
    assert_eq!(flow(&flows, "PaymentCharged").producers(), [WORKFLOW]);
    assert_eq!(flow(&flows, "ConfirmationRequested").producers(), [WORKFLOW]);
    assert!(flow(&flows, "OrderPlaced").producers().is_empty(), "caused by a request, not an event");
}

#[test]
fn the_producer_is_the_target_under_way_every_time() {
    let mut traffic = learn(vec![
        received(BUS, "c-1", "Confirmed", None, 1_000, true),
        delivery("c-1", PROJECTION, 1_001, 1_020),
        delivery("c-1", COURIER, 1_001, 1_030),
        received(BUS, "e-1", "NotificationRequested", Some("c-1"), 1_010, true),
    ]);
    let flows = traffic.flows(2_000);
    assert_eq!(flow(&flows, "NotificationRequested").producers(), [COURIER, PROJECTION], "either may have put it");
    traffic.ingest(
        &[
            received(BUS, "c-2", "Assigned", None, 3_000, true),
            delivery("c-2", PAYMENT, 3_001, 3_200),
            delivery("c-2", COURIER, 3_001, 3_030),
            received(BUS, "e-2", "NotificationRequested", Some("c-2"), 3_010, true),
        ]
        .concat(),
    );
    let flows = traffic.flows(4_000);
    let requested = flow(&flows, "NotificationRequested");
    assert_eq!(requested.producers(), [COURIER], "{requested:?}");
    assert_eq!(requested.attributed, 2);
}

#[test]
fn a_target_under_way_by_chance_falls_away_as_traffic_grows() {
    let mut batches = Vec::new();
    for n in 0..4 {
        let (cause, effect, t) = (format!("c-{n}"), format!("e-{n}"), 10_000 * (n + 1));
        batches.push(received(BUS, &cause, "OrderReady", None, t, true));
        batches.push(delivery(&cause, COURIER, t + 5, t + 80));
        // The projection overlaps the effect only the first time.
        let projection_end = if n == 0 { t + 70 } else { t + 10 };
        batches.push(delivery(&cause, PROJECTION, t + 5, projection_end));
        batches.push(received(BUS, &effect, "CourierAssigned", Some(&cause), t + 50, true));
    }
    let mut traffic = learn(batches);
    let flows = traffic.flows(100_000);
    let assigned = flow(&flows, "CourierAssigned");
    assert_eq!(assigned.candidates.get(PROJECTION), Some(&1));
    assert_eq!(assigned.producers(), [COURIER]);
}

#[test]
fn an_effect_after_every_delivery_ended_is_the_only_targets_else_nobodys() {
    let mut traffic = learn(vec![
        received(BUS, "a", "Charge", None, 1_000, true),
        delivery("a", PAYMENT, 1_001, 1_002),
        received(BUS, "b", "Charged", Some("a"), 1_500, true),
        received(BUS, "c", "Shipped", None, 2_000, true),
        delivery("c", PAYMENT, 2_001, 2_002),
        delivery("c", PROJECTION, 2_001, 2_002),
        received(BUS, "d", "Late", Some("c"), 2_500, true),
    ]);
    let flows = traffic.flows(10_000);
    assert_eq!(flow(&flows, "Charged").producers(), [PAYMENT]);
    assert!(flow(&flows, "Late").producers().is_empty(), "two targets, neither under way");
    assert_eq!(flow(&flows, "Late").attributed, 0);
}

#[test]
fn a_type_no_rule_matched_is_unconsumed_until_a_rule_matches_one() {
    let mut traffic = learn(vec![
        received(BUS, "x-1", "Orphan", None, 1_000, false),
        received(BUS, "x-2", "Orphan", None, 1_001, false),
        received(BUS, "y-1", "Sometimes", None, 1_002, false),
        received(BUS, "y-2", "Sometimes", None, 1_003, true),
    ]);
    let flows = traffic.flows(2_000);
    let orphan = flow(&flows, "Orphan");
    assert!(orphan.unconsumed());
    assert_eq!((orphan.count, orphan.unmatched, orphan.matched), (2, 2, 0));
    let sometimes = flow(&flows, "Sometimes");
    assert!(!sometimes.unconsumed());
    assert_eq!((sometimes.matched, sometimes.unmatched), (1, 1));
    // An event only delivered (its RULE_MATCH not logged) counts as consumed.
    let mut traffic = learn(vec![
        vec![received(BUS, "z", "Delivered", None, 1_000, false).remove(1)],
        delivery("z", PAYMENT, 1_001, 1_002),
    ]);
    assert!(!flow(&traffic.flows(2_000), "Delivered").unconsumed());
}

#[test]
fn an_event_routed_to_another_bus_is_a_type_there_without_a_producer() {
    let mut traffic = learn(vec![
        received(BUS, "a", "Notify", Some("outside"), 1_000, true),
        delivery("a", PARTNERS, 1_001, 1_010),
        // The same event on the bus it was routed to, reshaped on the way.
        received(PARTNERS, "a", "PartnerNotification", Some("outside"), 1_005, true),
        // Caused by it while only the routing was under way.
        received(BUS, "b", "Echo", Some("a"), 1_006, true),
    ]);
    let flows = traffic.flows(10_000);
    let on = |bus: &str| flows.iter().filter(|f| f.bus_arn == bus).map(|f| f.detail_type.as_str()).collect::<Vec<_>>();
    assert_eq!(on(PARTNERS), ["PartnerNotification"]);
    assert_eq!(on(BUS), ["Echo", "Notify"]);
    // A bus target is routing, not a producer.
    assert!(flows.iter().all(|f| f.producers().is_empty()), "{flows:?}");
}

#[test]
fn old_events_are_forgotten_but_what_they_taught_is_kept() {
    let mut records = received(BUS, "first", "Old", None, 1, true);
    records.extend(delivery("first", PAYMENT, 2, 4));
    records.extend(received(BUS, "taught", "Learned", Some("first"), 3, true));
    records.sort_by_key(|r| r.timestamp_ms);
    let mut traffic = Traffic::default();
    // One poll, then a flood in the next.
    traffic.ingest(&records);
    let mut records = Vec::new();
    for n in 0..REMEMBERED_EVENTS {
        records.extend(received(BUS, &format!("e-{n}"), "Filler", None, 10 + n as i64, true));
    }
    records.extend(received(BUS, "late", "Orphaned", Some("first"), 20_000, true));
    traffic.ingest(&records);
    assert!(traffic.events.len() <= REMEMBERED_EVENTS);
    assert!(!traffic.events.contains_key("first"));
    let flows = traffic.flows(100_000);
    assert_eq!(flow(&flows, "Learned").producers(), [PAYMENT]);
    assert_eq!(flow(&flows, "Filler").count, REMEMBERED_EVENTS as u64);
    assert!(flow(&flows, "Orphaned").producers().is_empty(), "its cause was forgotten");
    assert!(traffic.pending.is_empty());
}

#[test]
fn records_that_are_not_the_bus_logs_are_skipped() {
    let mut traffic = Traffic::default();
    let junk = LogRecord { bus: "orders".into(), id: "1".into(), timestamp_ms: 1, message: "not json".into() };
    let no_detail = record(BUS, "EVENT_INGEST_SUCCESS", "e", 2, json!({}), None);
    traffic.ingest(&[junk, no_detail]);
    assert!(traffic.flows(10).is_empty());
}
