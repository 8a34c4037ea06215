//! PutLogEvents, with the batch rules of AWS's API reference.
//!
//! - At most 10,000 events and 1,048,576 bytes, counting each message's UTF-8
//!   bytes plus 26 per event.
//! - Events in chronological order (recorded: AWS still refuses a batch out
//!   of order with "Log events in a single PutLogEvents request must be in
//!   chronological order.").
//! - Events older than 14 days, older than the group's retention, or more
//!   than 2 hours in the future are left out and reported in
//!   `rejectedLogEventsInfo`; the rest are stored.
//! - The stored events of one batch may not span more than 24 hours.
//! - The sequence token is ignored, as AWS ignores it since 2023, but a
//!   `nextSequenceToken` is still returned, as AWS still returns one.

use rusqlite::OptionalExtension;
use serde::Deserialize;
use serde_json::{Value, json};

use super::retention::{DAY_MS, cutoff};
use super::{
    check_group_name, check_stream_name, constraint, invalid, missing, no_such_stream, object, required, retention,
};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

/// Most events in one batch.
const MAX_EVENTS: usize = 10_000;
/// Most bytes in one batch (and in one event), overhead included.
const MAX_BATCH_BYTES: usize = 1_048_576;
/// What AWS counts for each event on top of its message.
const EVENT_OVERHEAD_BYTES: usize = 26;
/// How far back an event may be.
const MAX_AGE_MS: i64 = 14 * DAY_MS;
/// How far ahead an event may be.
const MAX_AHEAD_MS: i64 = 2 * 60 * 60 * 1000;
/// The widest time span of one batch's stored events.
const MAX_SPAN_MS: i64 = DAY_MS;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Input {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
    log_events: Option<Vec<InputEvent>>,
    // `sequenceToken` and `entity` are accepted and ignored: serde skips
    // members it does not know, and AWS ignores the token since 2023.
}

#[derive(Deserialize)]
struct InputEvent {
    timestamp: Option<i64>,
    message: Option<String>,
}

/// An event that passed validation.
struct Event<'a> {
    timestamp_ms: i64,
    message: &'a str,
}

/// How AWS (a Java service) prints the list in a constraint message.
fn java_list(events: &[InputEvent]) -> String {
    let items: Vec<String> = events
        .iter()
        .map(|e| {
            let timestamp = e.timestamp.map_or("null".to_owned(), |t| t.to_string());
            format!("InputLogEvent(timestamp={timestamp}, message={})", e.message.as_deref().unwrap_or("null"))
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Checks every model constraint on the events and returns them.
fn validate(events: &[InputEvent]) -> Result<Vec<Event<'_>>, AwsError> {
    if events.is_empty() || events.len() > MAX_EVENTS {
        let rule = if events.is_empty() {
            "Member must have length greater than or equal to 1".to_owned()
        } else {
            format!("Member must have length less than or equal to {MAX_EVENTS}")
        };
        return Err(constraint(&java_list(events), "logEvents", &rule));
    }
    let mut valid = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let field = |member: &str| format!("logEvents.{}.member.{member}", index + 1);
        let timestamp_ms = event.timestamp.ok_or_else(|| missing(&field("timestamp")))?;
        if timestamp_ms < 0 {
            let rule = "Member must have value greater than or equal to 0";
            return Err(constraint(&timestamp_ms.to_string(), &field("timestamp"), rule));
        }
        let message = event.message.as_deref().ok_or_else(|| missing(&field("message")))?;
        if message.is_empty() {
            return Err(constraint(message, &field("message"), "Member must have length greater than or equal to 1"));
        }
        valid.push(Event { timestamp_ms, message });
    }
    Ok(valid)
}

/// The size limits, in AWS's words (seen in AWS's answers: "Upload too
/// large: 1049882 bytes exceeds limit of 1048576", and for one event "Log
/// event too large: 262145 bytes exceeds limit of 262144" when events were
/// limited to 256 KB; both count 26 bytes per event).
fn check_sizes(events: &[Event<'_>]) -> Result<(), AwsError> {
    let mut total = 0;
    for event in events {
        let size = event.message.len() + EVENT_OVERHEAD_BYTES;
        if size > MAX_BATCH_BYTES {
            return Err(invalid(format!("Log event too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")));
        }
        total += size;
    }
    if total > MAX_BATCH_BYTES {
        return Err(invalid(format!("Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")));
    }
    Ok(())
}

/// Which events of a chronological batch are stored: `[start, end)`, with
/// the indexes `rejectedLogEventsInfo` reports for the rest.
#[derive(Debug, Default, PartialEq, Eq)]
struct Accepted {
    start: usize,
    end: usize,
    /// One past the last event older than 14 days (exclusive, as documented).
    too_old_end: Option<usize>,
    /// One past the last event older than the retention (taken as exclusive
    /// like `tooOldLogEventEndIndex`; the reference does not say).
    expired_end: Option<usize>,
    /// The first event more than 2 hours ahead (inclusive, as documented).
    too_new_start: Option<usize>,
}

fn classify(events: &[Event<'_>], now_ms: i64, retention_days: Option<i64>) -> Accepted {
    let oldest = now_ms - MAX_AGE_MS;
    let newest = now_ms + MAX_AHEAD_MS;
    let retained_from = retention_days.map(|days| cutoff(now_ms, days));
    let too_old = events.iter().take_while(|e| e.timestamp_ms < oldest).count();
    let expired = too_old
        + events[too_old..].iter().take_while(|e| retained_from.is_some_and(|from| e.timestamp_ms < from)).count();
    let too_new_start = events.iter().position(|e| e.timestamp_ms > newest).unwrap_or(events.len()).max(expired);
    Accepted {
        start: expired,
        end: too_new_start,
        too_old_end: (too_old > 0).then_some(too_old),
        expired_end: (expired > too_old).then_some(expired),
        too_new_start: (too_new_start < events.len()).then_some(too_new_start),
    }
}

pub(super) fn put_log_events(shared: &Shared, input: Input) -> OpResult {
    let group = required(&input.log_group_name, "logGroupName")?;
    let stream = required(&input.log_stream_name, "logStreamName")?;
    let events = required(&input.log_events, "logEvents")?;
    check_group_name(group, "logGroupName")?;
    check_stream_name(stream, "logStreamName")?;
    let events = validate(events)?;

    let now = shared.clock.now_ms();
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let retention_days = retention::open_group(&tx, group, now)?;
    let stream_exists: bool = tx.query_row(
        "SELECT count(*) > 0 FROM log_streams WHERE log_group = ?1 AND name = ?2",
        [group, stream],
        |row| row.get(0),
    )?;
    if !stream_exists {
        return Err(no_such_stream());
    }
    check_sizes(&events)?;
    if events.windows(2).any(|pair| pair[1].timestamp_ms < pair[0].timestamp_ms) {
        return Err(invalid("Log events in a single PutLogEvents request must be in chronological order."));
    }
    let accepted = classify(&events, now, retention_days);
    let stored = &events[accepted.start..accepted.end];
    if let (Some(first), Some(last)) = (stored.first(), stored.last())
        && last.timestamp_ms - first.timestamp_ms > MAX_SPAN_MS
    {
        // The reference's rule; this wording is the one AWS's SDK docs and
        // log shippers quote.
        return Err(invalid(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
        ));
    }
    super::insert_events(&tx, group, stream, now, stored.iter().map(|e| (e.timestamp_ms, e.message)))?;
    let last_seq: Option<i64> = tx
        .query_row("SELECT max(seq) FROM log_events WHERE log_group = ?1 AND log_stream = ?2", [group, stream], |row| {
            row.get(0)
        })
        .optional()?
        .flatten();
    tx.commit()?;
    tracing::debug!(group, stream, stored = stored.len(), "log events put");

    let index = |i: Option<usize>| i.map(|i| Value::from(i as u64));
    let rejected = object([
        ("tooNewLogEventStartIndex", index(accepted.too_new_start)),
        ("tooOldLogEventEndIndex", index(accepted.too_old_end)),
        ("expiredLogEventEndIndex", index(accepted.expired_end)),
    ]);
    let mut output = json!({ "nextSequenceToken": format!("{:056}", last_seq.unwrap_or(0)) });
    if rejected.as_object().is_some_and(|o| !o.is_empty()) {
        output["rejectedLogEventsInfo"] = rejected;
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{NOW, System};
    use super::*;

    fn put(system: &System, events: Value) -> Result<Value, AwsError> {
        super::super::handle(
            &system.shared,
            "PutLogEvents",
            json!({"logGroupName": "g", "logStreamName": "s", "logEvents": events}).to_string().as_bytes(),
        )
    }

    fn stored(system: &System) -> Vec<String> {
        let page = system.ok("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "startFromHead": true}));
        page["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["message"].as_str().expect("m").to_owned())
            .collect()
    }

    #[test]
    fn stores_events_and_returns_a_sequence_token() {
        let system = System::new();
        system.stream("g", "s");
        let output = system.put("g", "s", &[(NOW - 1, "a"), (NOW, "b")]);
        assert_eq!(output["nextSequenceToken"].as_str().map(str::len), Some(56));
        assert_eq!(output.get("rejectedLogEventsInfo"), None);
        // The sequence token is ignored: a stale one is accepted.
        let again = json!({"logGroupName": "g", "logStreamName": "s", "sequenceToken": "1",
                           "logEvents": [{"timestamp": NOW, "message": "c"}]});
        system.ok("PutLogEvents", again);
        assert_eq!(stored(&system), ["a", "b", "c"]);
        let page = system.ok("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s"}));
        assert_eq!(page["events"][0]["ingestionTime"], NOW);
    }

    #[test]
    fn missing_group_or_stream() {
        let system = System::new();
        let error = put(&system, json!([{"timestamp": NOW, "message": "x"}])).expect_err("no group");
        assert_eq!(error.message, "The specified log group does not exist.");
        system.ok("CreateLogGroup", json!({"logGroupName": "g"}));
        let error = put(&system, json!([{"timestamp": NOW, "message": "x"}])).expect_err("no stream");
        assert_eq!(
            (error.code, error.message.as_str()),
            ("ResourceNotFoundException", "The specified log stream does not exist.")
        );
    }

    #[test]
    fn out_of_order_batches_are_refused() {
        let system = System::new();
        system.stream("g", "s");
        let error = put(&system, json!([{"timestamp": NOW, "message": "a"}, {"timestamp": NOW - 1, "message": "b"}]))
            .expect_err("order");
        assert_eq!(error.code, "InvalidParameterException");
        assert_eq!(error.message, "Log events in a single PutLogEvents request must be in chronological order.");
        assert_eq!(system.stored_events("g"), 0);
    }

    #[test]
    fn too_old_and_too_new_events_are_reported_not_stored() {
        let system = System::new();
        system.stream("g", "s");
        let old = json!([
            {"timestamp": NOW - 15 * DAY_MS, "message": "too old"},
            {"timestamp": NOW - 14 * DAY_MS - 1, "message": "too old too"},
            {"timestamp": NOW - 14 * DAY_MS, "message": "just in"},
        ]);
        let output = put(&system, old).expect("accepted");
        assert_eq!(output["rejectedLogEventsInfo"], json!({"tooOldLogEventEndIndex": 2}));
        let new = json!([
            {"timestamp": NOW + 2 * 3_600_000, "message": "just ahead"},
            {"timestamp": NOW + 2 * 3_600_000 + 1, "message": "too new"},
        ]);
        let output = put(&system, new).expect("accepted");
        assert_eq!(output["rejectedLogEventsInfo"], json!({"tooNewLogEventStartIndex": 1}));
        let both = json!([
            {"timestamp": NOW - 20 * DAY_MS, "message": "ancient"},
            {"timestamp": NOW, "message": "now"},
            {"timestamp": NOW + DAY_MS, "message": "tomorrow"},
        ]);
        let output = put(&system, both).expect("accepted");
        assert_eq!(
            output["rejectedLogEventsInfo"],
            json!({"tooNewLogEventStartIndex": 2, "tooOldLogEventEndIndex": 1})
        );
        assert_eq!(stored(&system), ["just in", "now", "just ahead"]);
    }

    #[test]
    fn events_before_the_retention_are_expired() {
        let system = System::new();
        system.stream("g", "s");
        system.ok("PutRetentionPolicy", json!({"logGroupName": "g", "retentionInDays": 1}));
        let events = json!([
            {"timestamp": NOW - 20 * DAY_MS, "message": "too old"},
            {"timestamp": NOW - 2 * DAY_MS, "message": "expired"},
            {"timestamp": NOW - DAY_MS - 1, "message": "expired too"},
            {"timestamp": NOW - 1, "message": "kept"},
        ]);
        let output = put(&system, events).expect("accepted");
        assert_eq!(output["rejectedLogEventsInfo"], json!({"tooOldLogEventEndIndex": 1, "expiredLogEventEndIndex": 3}));
        assert_eq!(stored(&system), ["kept"]);
    }

    #[test]
    fn a_batch_may_not_span_more_than_a_day() {
        let system = System::new();
        system.stream("g", "s");
        let error =
            put(&system, json!([{"timestamp": NOW - DAY_MS - 1, "message": "a"}, {"timestamp": NOW, "message": "b"}]))
                .expect_err("span");
        assert_eq!(
            error.message,
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
        );
        // Exactly a day is allowed, and rejected events do not count.
        put(&system, json!([{"timestamp": NOW - DAY_MS, "message": "a"}, {"timestamp": NOW, "message": "b"}]))
            .expect("a day");
        put(&system, json!([{"timestamp": NOW - 20 * DAY_MS, "message": "old"}, {"timestamp": NOW, "message": "c"}]))
            .expect("the old one is rejected, not counted");
    }

    #[test]
    fn batch_limits() {
        let system = System::new();
        system.stream("g", "s");
        let error = put(&system, json!([])).expect_err("empty");
        assert_eq!(
            error.message,
            "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: \
             Member must have length greater than or equal to 1"
        );
        let many: Vec<Value> = (0..=MAX_EVENTS).map(|_| json!({"timestamp": NOW, "message": "x"})).collect();
        let error = put(&system, Value::Array(many)).expect_err("too many");
        assert!(
            error.message.starts_with("1 validation error detected: Value '[InputLogEvent(timestamp="),
            "{}",
            &error.message[..80]
        );
        assert!(error.message.ends_with(
            "at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000"
        ));
        let exactly: Vec<Value> = (0..MAX_EVENTS).map(|_| json!({"timestamp": NOW, "message": "x"})).collect();
        put(&system, Value::Array(exactly)).expect("10,000 events fit");

        // 1,048,576 bytes in all, 26 of them per event.
        let fits = "x".repeat(MAX_BATCH_BYTES / 2 - EVENT_OVERHEAD_BYTES);
        put(&system, json!([{"timestamp": NOW, "message": fits}, {"timestamp": NOW, "message": fits}])).expect("fits");
        let over = format!("{fits}y");
        let error = put(&system, json!([{"timestamp": NOW, "message": fits}, {"timestamp": NOW, "message": over}]))
            .expect_err("too big");
        assert_eq!(error.message, "Upload too large: 1048577 bytes exceeds limit of 1048576");
        let huge = "z".repeat(MAX_BATCH_BYTES);
        let error = put(&system, json!([{"timestamp": NOW, "message": huge}])).expect_err("event too big");
        assert_eq!(error.message, "Log event too large: 1048602 bytes exceeds limit of 1048576");
        // Bytes, not characters: "é" is two.
        let accents = "é".repeat(MAX_BATCH_BYTES / 2);
        let error = put(&system, json!([{"timestamp": NOW, "message": accents}])).expect_err("UTF-8 bytes");
        assert!(error.message.starts_with("Log event too large: 1048602"), "{}", error.message);
    }

    #[test]
    fn event_members_are_validated() {
        let system = System::new();
        system.stream("g", "s");
        let error =
            put(&system, json!([{"timestamp": NOW, "message": "ok"}, {"message": "no time"}])).expect_err("null");
        assert_eq!(
            error.message,
            "1 validation error detected: Value null at 'logEvents.2.member.timestamp' failed to satisfy constraint: \
             Member must not be null"
        );
        let error = put(&system, json!([{"timestamp": NOW, "message": ""}])).expect_err("empty");
        assert!(error.message.contains("at 'logEvents.1.member.message'"), "{}", error.message);
        let error = put(&system, json!([{"timestamp": -1, "message": "x"}])).expect_err("negative");
        assert!(error.message.contains("Value '-1' at 'logEvents.1.member.timestamp'"), "{}", error.message);
        let error = system.err("PutLogEvents", json!({"logGroupName": "g", "logStreamName": "s"}));
        assert!(error.message.contains("Value null at 'logEvents'"), "{}", error.message);
    }

    #[test]
    fn classify_reports_each_kind_once() {
        let events: Vec<Event<'_>> =
            [NOW - 20 * DAY_MS, NOW, NOW + DAY_MS].iter().map(|&t| Event { timestamp_ms: t, message: "m" }).collect();
        assert_eq!(
            classify(&events, NOW, None),
            Accepted { start: 1, end: 2, too_old_end: Some(1), expired_end: None, too_new_start: Some(2) }
        );
        let all_old: Vec<Event<'_>> =
            [NOW - 20 * DAY_MS].iter().map(|&t| Event { timestamp_ms: t, message: "m" }).collect();
        assert_eq!(
            classify(&all_old, NOW, Some(1)),
            Accepted { start: 1, end: 1, too_old_end: Some(1), ..Accepted::default() }
        );
    }
}
