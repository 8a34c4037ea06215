//! Assembling an event's trace from bus-log records ("EventBridge event bus
//! log schema"): pure, so it reads the same from AWS's logs and the local
//! system's.

use choreoscope_model::{
    AttemptResult, AttemptTrace, EventTrace, InvocationOutcome, InvocationTrace, TraceError, TraceHop,
};
use serde_json::Value;

/// Builds the trace of `event_id` from bus-log records (the JSON messages),
/// in any order and from any number of buses; records of other events are
/// ignored.
pub fn assemble<'m>(event_id: &str, messages: impl IntoIterator<Item = &'m str>) -> EventTrace {
    let mut records: Vec<Value> = messages
        .into_iter()
        .filter_map(|message| serde_json::from_str::<Value>(message).ok())
        .filter(|record| record["event_id"] == event_id)
        .collect();
    // Stable, so records logged in the same millisecond keep the log's order.
    records.sort_by_key(timestamp);
    let mut hops: Vec<TraceHop> = Vec::new();
    for record in &records {
        let bus = record["resource_arn"].as_str().and_then(|arn| arn.rsplit_once("event-bus/")).map(|(_, b)| b);
        let Some(bus) = bus else { continue };
        let index = match hop_of(&hops, bus, record) {
            Some(index) => index,
            None => {
                hops.push(TraceHop {
                    bus_name: bus.to_owned(),
                    received_ms: None,
                    source: None,
                    detail_type: None,
                    matched_rules: Vec::new(),
                    no_rule_matched: false,
                    invocations: Vec::new(),
                    replay_name: None,
                });
                hops.len() - 1
            }
        };
        apply(&mut hops[index], record);
    }
    let complete = hops.iter().flat_map(|hop| &hop.invocations).all(|i| i.outcome != InvocationOutcome::InProgress);
    EventTrace { event_id: event_id.to_owned(), hops, complete }
}

/// The hop a record belongs to: an invocation's record goes to the hop that
/// started the invocation; the event arriving again on a bus starts a hop of
/// its own (a replay sends the event again with its id), and the other
/// records go to the bus's latest hop.
fn hop_of(hops: &[TraceHop], bus: &str, record: &Value) -> Option<usize> {
    if let Some(invocation_id) = record["invocation_id"].as_str()
        && let Some(index) = hops
            .iter()
            .position(|hop| hop.bus_name == bus && hop.invocations.iter().any(|i| i.invocation_id == invocation_id))
    {
        return Some(index);
    }
    let latest = hops.iter().rposition(|hop| hop.bus_name == bus)?;
    // The receipt and ingestion records of one arrival come before its rule
    // matching: one after the matching is the event arriving again.
    let arrival = matches!(record["message_type"].as_str(), Some("EVENT_RECEIPT" | "EVENT_INGEST_SUCCESS"));
    let hop = &hops[latest];
    let matched = !hop.matched_rules.is_empty() || hop.no_rule_matched || !hop.invocations.is_empty();
    (!(arrival && matched)).then_some(latest)
}

fn timestamp(record: &Value) -> i64 {
    record["message_timestamp_ms"].as_i64().unwrap_or_default()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn error_of(record: &Value) -> Option<TraceError> {
    let error = record.get("error")?;
    Some(TraceError {
        code: text(&error["error_code"]),
        message: text(&error["error_message"]).unwrap_or_default(),
        http_status_code: error["http_status_code"].as_u64().and_then(|code| u16::try_from(code).ok()),
    })
}

/// Applies one record to its bus's hop.
fn apply(hop: &mut TraceHop, record: &Value) {
    let at = timestamp(record);
    let details = &record["details"];
    match record["message_type"].as_str().unwrap_or_default() {
        "EVENT_RECEIPT" | "EVENT_INGEST_SUCCESS" => {
            hop.received_ms = hop.received_ms.or(Some(at));
            if hop.replay_name.is_none() {
                hop.replay_name = details["event_detail"]
                    .as_str()
                    .and_then(|detail| serde_json::from_str::<Value>(detail).ok())
                    .and_then(|event| event.get("replay-name")?.as_str().map(str::to_owned));
            }
            hop.source = hop.source.take().or_else(|| text(&details["source"]));
            hop.detail_type = hop.detail_type.take().or_else(|| text(&details["detail_type"]));
        }
        "RULE_MATCH" => {
            if let Some(rule) = text(&details["rule_arn"])
                && !hop.matched_rules.contains(&rule)
            {
                hop.matched_rules.push(rule);
            }
        }
        "NO_STANDARD_RULES_MATCHED" => hop.no_rule_matched = true,
        step if step.starts_with("INVOCATION_") => {
            let Some(invocation_id) = text(&record["invocation_id"]) else { return };
            let invocation = invocation(hop, &invocation_id, details);
            apply_invocation(invocation, step, record, at);
        }
        _ => {}
    }
}

fn invocation<'h>(hop: &'h mut TraceHop, invocation_id: &str, details: &Value) -> &'h mut InvocationTrace {
    if let Some(index) = hop.invocations.iter().position(|i| i.invocation_id == invocation_id) {
        return &mut hop.invocations[index];
    }
    let rule_arn = text(&details["rule_arn"]).unwrap_or_default();
    // A rule known only from its invocations still matched.
    if !rule_arn.is_empty() && !hop.matched_rules.contains(&rule_arn) {
        hop.matched_rules.push(rule_arn.clone());
    }
    hop.invocations.push(InvocationTrace {
        invocation_id: invocation_id.to_owned(),
        rule_arn,
        target_arn: text(&details["target_arn"]).unwrap_or_default(),
        target_type: text(&details["target_type"]).unwrap_or_default(),
        started_ms: None,
        finished_ms: None,
        attempts: Vec::new(),
        outcome: InvocationOutcome::InProgress,
        dead_letter_arn: None,
        throttled: false,
        error: None,
    });
    hop.invocations.last_mut().expect("just pushed")
}

fn apply_invocation(invocation: &mut InvocationTrace, step: &str, record: &Value, at: i64) {
    let details = &record["details"];
    let result = match step {
        "INVOCATION_START" => {
            invocation.started_ms = invocation.started_ms.or(Some(at));
            return;
        }
        "INVOCATION_ATTEMPT_START" => {
            let number = details["attempt_count"].as_u64().map_or(invocation.attempts.len() as u32 + 1, |n| n as u32);
            invocation.started_ms = invocation.started_ms.or(Some(at));
            invocation.attempts.push(AttemptTrace {
                number,
                started_ms: at,
                ended_ms: None,
                result: AttemptResult::InFlight,
                error: None,
            });
            return;
        }
        "INVOCATION_ATTEMPT_SUCCESS" => AttemptResult::Succeeded,
        "INVOCATION_ATTEMPT_RETRYABLE_FAILURE" => AttemptResult::RetryableFailure,
        "INVOCATION_ATTEMPT_PERMANENT_FAILURE" => AttemptResult::PermanentFailure,
        "INVOCATION_ATTEMPT_THROTTLE" => AttemptResult::Throttled,
        "INVOCATION_THROTTLE_START" => {
            invocation.throttled = true;
            return;
        }
        "INVOCATION_SUCCESS" => {
            invocation.outcome = InvocationOutcome::Succeeded;
            invocation.finished_ms = Some(at);
            return;
        }
        "INVOCATION_FAILURE" => {
            invocation.outcome = InvocationOutcome::Dropped;
            invocation.finished_ms = Some(at);
            invocation.error = error_of(record).or(invocation.error.take());
            return;
        }
        "INVOCATION_DLQ" => {
            let dropped = details["dropped"].as_bool().unwrap_or(false);
            invocation.dead_letter_arn = if dropped { None } else { text(&details["dead_letter_arn"]) };
            invocation.outcome = if dropped { InvocationOutcome::Dropped } else { InvocationOutcome::DeadLettered };
            invocation.finished_ms = invocation.finished_ms.or(Some(at));
            return;
        }
        _ => return,
    };
    let error = error_of(record);
    if result == AttemptResult::Throttled {
        invocation.throttled = true;
    }
    if error.is_some() {
        invocation.error = error.clone();
    }
    match invocation.attempts.iter_mut().rev().find(|a| a.result == AttemptResult::InFlight) {
        Some(attempt) => {
            attempt.ended_ms = Some(at);
            attempt.result = result;
            attempt.error = error;
        }
        // The start was not logged (a level above TRACE): the end stands for both.
        None => invocation.attempts.push(AttemptTrace {
            number: invocation.attempts.len() as u32 + 1,
            started_ms: at,
            ended_ms: Some(at),
            result,
            error,
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const BUS: &str = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
    const RULE: &str = "arn:aws:events:us-east-1:123456789012:rule/orders/placed";
    const TARGET: &str = "arn:aws:lambda:us-east-1:123456789012:function:charge";

    fn record(step: &str, at: i64, extra: Value) -> String {
        let mut record = json!({
            "resource_arn": BUS, "request_id": "r", "event_id": "e-1", "message_timestamp_ms": at,
            "message_type": step, "log_level": "TRACE",
            "details": {"rule_arn": RULE, "target_arn": TARGET, "target_type": "Lambda"},
        });
        if step.starts_with("INVOCATION_") {
            record["invocation_id"] = json!("i-1");
        }
        if let Value::Object(extra) = extra {
            for (key, value) in extra {
                record[key.as_str()] = value;
            }
        }
        record.to_string()
    }

    #[test]
    fn retries_then_a_dead_letter_read_as_one_invocation_with_its_attempts() {
        let error = json!({"error": {"error_code": "503", "error_message": "down", "http_status_code": 503}});
        let messages = [
            record("EVENT_INGEST_SUCCESS", 100, json!({"details": {"source": "shop", "detail_type": "OrderPlaced"}})),
            record("RULE_MATCH", 101, json!({"details": {"rule_arn": RULE}})),
            record("INVOCATION_START", 102, json!({})),
            record("INVOCATION_ATTEMPT_START", 102, json!({})),
            record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", 150, error.clone()),
            record("INVOCATION_ATTEMPT_START", 1_150, json!({})),
            record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", 1_200, error.clone()),
            record("INVOCATION_FAILURE", 1_200, error),
            record("INVOCATION_DLQ", 1_201, json!({"details": {"dead_letter_arn": "arn:aws:sqs:us-east-1:1:dlq"}})),
            // Another event's record is not part of this trace.
            record("EVENT_INGEST_SUCCESS", 100, json!({"event_id": "e-2"})),
        ];
        let trace = assemble("e-1", messages.iter().map(String::as_str));
        assert!(trace.complete);
        let [hop] = trace.hops.as_slice() else { panic!("one hop: {trace:?}") };
        assert_eq!(hop.bus_name, "orders");
        assert_eq!((hop.received_ms, hop.detail_type.as_deref()), (Some(100), Some("OrderPlaced")));
        assert_eq!(hop.matched_rules, [RULE]);
        let [invocation] = hop.invocations.as_slice() else { panic!("one invocation") };
        assert_eq!(invocation.outcome, InvocationOutcome::DeadLettered);
        assert_eq!(invocation.dead_letter_arn.as_deref(), Some("arn:aws:sqs:us-east-1:1:dlq"));
        assert_eq!(invocation.attempts.len(), 2);
        assert_eq!(invocation.attempts[1].started_ms, 1_150);
        assert_eq!(invocation.attempts[1].ended_ms, Some(1_200));
        assert_eq!(invocation.attempts[1].result, AttemptResult::RetryableFailure);
        assert_eq!(invocation.error.as_ref().and_then(|e| e.http_status_code), Some(503));
    }

    #[test]
    fn an_invocation_under_way_leaves_the_trace_incomplete_and_info_level_logs_suffice() {
        let messages = [
            record("EVENT_INGEST_SUCCESS", 100, json!({})),
            record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", 120, json!({"error": {"error_message": "timeout"}})),
        ];
        let trace = assemble("e-1", messages.iter().map(String::as_str));
        assert!(!trace.complete);
        let invocation = &trace.hops[0].invocations[0];
        assert_eq!(invocation.attempts.len(), 1, "the failure stands for its attempt");
        assert_eq!(trace.hops[0].matched_rules, [RULE], "the rule is known from its invocation");
    }

    #[test]
    fn an_event_routed_to_another_bus_has_a_hop_per_bus() {
        let mut second = record("EVENT_INGEST_SUCCESS", 300, json!({}));
        second = second.replace("event-bus/orders", "event-bus/partners");
        let messages = [record("EVENT_INGEST_SUCCESS", 100, json!({})), second];
        let trace = assemble("e-1", messages.iter().map(String::as_str));
        let buses: Vec<&str> = trace.hops.iter().map(|hop| hop.bus_name.as_str()).collect();
        assert_eq!(buses, ["orders", "partners"]);
    }

    #[test]
    fn a_replayed_copy_is_a_hop_of_its_own_and_late_retries_stay_with_the_original() {
        let replayed = json!({"replay-name": "heal-1", "id": "e-1"}).to_string();
        let second = |step: &str, at: i64, extra: Value| record(step, at, extra).replace("\"i-1\"", "\"i-2\"");
        let messages = [
            record("EVENT_INGEST_SUCCESS", 100, json!({})),
            record("RULE_MATCH", 101, json!({})),
            record("INVOCATION_ATTEMPT_START", 102, json!({})),
            record("INVOCATION_ATTEMPT_RETRYABLE_FAILURE", 150, json!({"error": {"error_message": "down"}})),
            // The replay sends the event again while the original still retries.
            record("EVENT_RECEIPT", 5_000, json!({})),
            record("EVENT_INGEST_SUCCESS", 5_001, json!({"details": {"event_detail": replayed}})),
            record("RULE_MATCH", 5_002, json!({})),
            second("INVOCATION_ATTEMPT_START", 5_003, json!({})),
            second("INVOCATION_ATTEMPT_SUCCESS", 5_010, json!({})),
            record("INVOCATION_ATTEMPT_START", 6_000, json!({})),
            record("INVOCATION_ATTEMPT_SUCCESS", 6_010, json!({})),
        ];
        let trace = assemble("e-1", messages.iter().map(String::as_str));
        let [original, replay] = trace.hops.as_slice() else { panic!("two hops: {trace:?}") };
        assert_eq!((original.received_ms, original.replay_name.as_deref()), (Some(100), None));
        assert_eq!((replay.received_ms, replay.replay_name.as_deref()), (Some(5_000), Some("heal-1")));
        assert_eq!(original.invocations[0].attempts.len(), 2, "the late retry is the original's");
        assert_eq!(original.invocations[0].attempts[1].result, AttemptResult::Succeeded);
        assert_eq!(replay.invocations[0].invocation_id, "i-2");
        assert_eq!(replay.invocations[0].attempts.len(), 1);
    }
}
