//! PutEvents: validate the entries, build the events, and hand each to
//! [`ingest`](super::ingest).

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ingest::{self, BusRoutes, Matched, Origin, Serialized};
use super::names::bus_name;
use crate::clock::rfc3339_seconds;
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;
use crate::store::group_commit::GroupCommit;

/// EventBridge's limit on entries per request.
const MAX_ENTRIES: usize = 10;
/// EventBridge's limit on the size of a request's entries (256 KB).
const MAX_REQUEST_BYTES: usize = 256 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    source: Option<String>,
    detail_type: Option<String>,
    detail: Option<String>,
    event_bus_name: Option<String>,
    resources: Option<Vec<String>>,
    /// Epoch seconds, as the JSON protocol sends timestamps.
    time: Option<f64>,
}

impl Entry {
    /// The size EventBridge counts against the request limit ("Calculating
    /// PutEvents event entry size"): the UTF-8 bytes of Source, DetailType,
    /// Detail and each resource, plus 14 bytes for a Time when one is given.
    fn size(&self) -> usize {
        let text = |s: &Option<String>| s.as_deref().map_or(0, str::len);
        let resources = self.resources.iter().flatten().map(String::len).sum::<usize>();
        let time = if self.time.is_some() { 14 } else { 0 };
        text(&self.source) + text(&self.detail_type) + text(&self.detail) + resources + time
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Input {
    entries: Option<Vec<Entry>>,
}

/// Why one entry was not accepted: PutEvents reports it in its place.
struct EntryError {
    code: &'static str,
    message: String,
}

fn required_argument(name: &str) -> EntryError {
    EntryError {
        code: "InvalidArgument",
        message: format!("Parameter {name} is not valid. Reason: {name} is a required argument."),
    }
}

/// Builds the event as targets receive it, or says why the entry is refused.
fn to_event(shared: &Shared, entry: &Entry, now_ms: i64) -> Result<(Value, String), EntryError> {
    let source = entry.source.as_ref().ok_or_else(|| required_argument("Source"))?;
    let detail_type = entry.detail_type.as_ref().ok_or_else(|| required_argument("DetailType"))?;
    let detail = entry.detail.as_ref().ok_or_else(|| required_argument("Detail"))?;
    let detail: Value = serde_json::from_str(detail)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| EntryError { code: "MalformedDetail", message: "Detail is malformed.".to_owned() })?;
    let time_ms = entry.time.map_or(now_ms, |seconds| (seconds * 1000.0) as i64);
    let id = crate::ids::time_ordered();
    let event = json!({
        "version": "0",
        "id": id,
        "detail-type": detail_type,
        "source": source,
        "account": shared.account_id,
        "time": rfc3339_seconds(time_ms),
        "region": shared.region,
        "resources": entry.resources.clone().unwrap_or_default(),
        "detail": detail,
    });
    Ok((event, id))
}

/// The PutEvents requests waiting to be written: concurrent requests share
/// one transaction ([`GroupCommit`]).
pub type PutEventsQueue = GroupCommit<Pending, Value, AwsError>;

/// A PutEvents request waiting for the store: its entries, each built into
/// the event it becomes (or refused) before the wait.
pub struct Pending {
    entries: Vec<(Entry, Result<Built, EntryError>)>,
    now: i64,
    request_id: String,
}

pub(super) fn put(shared: &Shared, input: Input, request_id: &str) -> OpResult {
    required(&input.entries, "entries")?;
    let entries = input.entries.unwrap_or_default();
    if entries.is_empty() || entries.len() > MAX_ENTRIES {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '[{} entries]' at 'entries' failed to satisfy constraint: \
             Member must have length {}",
            entries.len(),
            if entries.is_empty() { "greater than or equal to 1" } else { "less than or equal to 10" }
        )));
    }
    if entries.iter().map(Entry::size).sum::<usize>() > MAX_REQUEST_BYTES {
        return Err(AwsError::validation("Total size of the entries in the request is over the limit."));
    }
    let now = shared.clock.now_ms();
    // Built, serialized and matched before taking the store: other
    // requests write meanwhile.
    let entries = entries
        .into_iter()
        .map(|entry| {
            let event = to_event(shared, &entry, now).map(|(event, id)| {
                let json = event.to_string();
                let md5 = crate::sqs::md5_of_body(&json);
                let matched = Matched::of(shared, bus_name(entry.event_bus_name.as_deref()), &event);
                Built { event, id, json, md5, matched }
            });
            (entry, event)
        })
        .collect();
    let pending = Pending { entries, now, request_id: request_id.to_owned() };
    // Answered once committed: an event the caller is told is accepted is
    // on disk.
    shared.put_events.write(&shared.store, pending, |conn, pending| write(shared, conn, pending))
}

/// An accepted entry's event, ready to be kept.
struct Built {
    event: Value,
    id: String,
    /// The event's text, as kept and delivered.
    json: String,
    /// The text's MD5 digest, for SQS targets.
    md5: String,
    /// The rules it matched, if the bus's rules were compiled and current.
    matched: Option<Matched>,
}

/// Keeps a request's accepted events and logs its refused entries, in the
/// transaction of its group.
fn write(shared: &Shared, conn: &Connection, pending: &Pending) -> OpResult {
    let Pending { entries, now, request_id } = pending;
    let now = *now;
    let mut results = Vec::with_capacity(entries.len());
    let mut failed = 0;
    let mut routes = BusRoutes::default();
    for (entry, event) in entries {
        let bus = routes.of(shared, conn, bus_name(entry.event_bus_name.as_deref()))?;
        match event {
            Ok(Built { event, id, json, md5, matched }) => {
                let serialized = Serialized::prepared(event, json, md5, matched.as_ref());
                ingest::accept_serialized(shared, conn, bus, serialized, now, request_id, Origin::default())?;
                results.push(json!({ "EventId": id }));
            }
            Err(error) => {
                failed += 1;
                ingest::refused(
                    shared,
                    conn,
                    bus,
                    entry.source.as_deref(),
                    entry.detail_type.as_deref(),
                    error.code,
                    &error.message,
                    request_id,
                )?;
                results.push(json!({ "ErrorCode": error.code, "ErrorMessage": error.message }));
            }
        }
    }
    Ok(json!({ "FailedEntryCount": failed, "Entries": results }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::eventbridge::handle;
    use crate::shared::Shared;
    use crate::store::Store;

    fn system(dir: &std::path::Path) -> Shared {
        let mut config = Config::new(dir);
        config.clock = ManualClock::at(1_795_000_000_000);
        let shared = Shared::new(&config, Arc::new(Store::open(dir).expect("store")));
        crate::eventbridge::buses::ensure_default(&shared).expect("default bus");
        shared
    }

    /// Every bus-log record written so far, in order.
    fn logged(shared: &Shared) -> Vec<serde_json::Value> {
        let conn = shared.store.conn();
        let mut statement = conn.prepare("SELECT message FROM log_events ORDER BY seq").expect("query");
        let messages = statement.query_map([], |r| r.get::<_, String>(0)).expect("rows");
        messages.map(|m| serde_json::from_str(&m.expect("row")).expect("JSON")).collect()
    }

    fn steps(records: &[serde_json::Value]) -> Vec<&str> {
        records.iter().map(|r| r["message_type"].as_str().expect("type")).collect()
    }

    fn call(shared: &Shared, operation: &str, input: serde_json::Value) -> serde_json::Value {
        handle(shared, operation, input.to_string().as_bytes(), "req-1").expect(operation)
    }

    #[test]
    fn accepted_events_are_matched_kept_and_logged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = system(dir.path());
        call(
            &shared,
            "UpdateEventBus",
            json!({"Name": "default", "LogConfig": {"Level": "TRACE", "IncludeDetail": "FULL"}}),
        );
        call(&shared, "PutRule", json!({"Name": "placed", "EventPattern": r#"{"detail-type":["OrderPlaced"]}"#}));
        call(&shared, "PutRule", json!({"Name": "off", "EventPattern": r#"{"source":["shop"]}"#, "State": "DISABLED"}));
        let result = call(
            &shared,
            "PutEvents",
            json!({"Entries": [
                {"Source": "shop", "DetailType": "OrderPlaced", "Detail": "{}"},
                {"Source": "shop", "DetailType": "OrderPaid", "Detail": "{}"},
                {"Source": "shop", "DetailType": "OrderPlaced", "Detail": "[1]"},
                {"DetailType": "OrderPlaced", "Detail": "{}"}
            ]}),
        );
        assert_eq!(result["FailedEntryCount"], 2);
        assert_eq!(
            result["Entries"][2],
            json!({"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."})
        );
        assert_eq!(
            result["Entries"][3]["ErrorMessage"],
            "Parameter Source is not valid. Reason: Source is a required argument."
        );

        let conn = shared.store.conn();
        let matched: Vec<(String, String, i64)> = conn
            .prepare("SELECT id, matched_rules, received_ms FROM events ORDER BY seq")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .expect("events");
        assert_eq!(matched.len(), 2);
        assert_eq!(
            (matched[0].0.as_str(), matched[0].1.as_str()),
            (result["Entries"][0]["EventId"].as_str().expect("id"), r#"["placed"]"#)
        );
        assert_eq!(matched[1].1, "[]", "a disabled rule matches nothing");
        assert_eq!(matched[0].2, 1_795_000_000_000, "time comes from the injected clock");

        drop(conn);
        let records = logged(&shared);
        assert_eq!(
            steps(&records),
            [
                "EVENT_RECEIPT",
                "EVENT_INGEST_SUCCESS",
                "RULE_MATCH_START",
                "RULE_MATCH",
                "EVENT_RECEIPT",
                "EVENT_INGEST_SUCCESS",
                "RULE_MATCH_START",
                "NO_STANDARD_RULES_MATCHED",
                "EVENT_INGEST_FAILURE",
                "EVENT_INGEST_FAILURE",
            ]
        );
        assert_eq!(records[8]["error"]["error_code"], "MalformedDetail");
    }

    #[test]
    fn events_matched_before_the_store_is_taken_follow_a_rule_change() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = system(dir.path());
        let put = |detail_type: &str| {
            let entry = json!({"Source": "shop", "DetailType": detail_type, "Detail": "{}"});
            call(&shared, "PutEvents", json!({"Entries": [entry]}));
        };
        call(&shared, "PutRule", json!({"Name": "placed", "EventPattern": r#"{"detail-type":["OrderPlaced"]}"#}));
        // The first compiles the bus's rules; the second is matched against
        // them before it takes the store.
        put("OrderPlaced");
        put("OrderPlaced");
        // A changed rule makes the compiled rules stale: they are not used
        // before the store is taken (and a request that matched against them
        // just before the change is matched again by the writer).
        call(&shared, "PutRule", json!({"Name": "placed", "EventPattern": r#"{"detail-type":["OrderPaid"]}"#}));
        put("OrderPlaced");
        put("OrderPaid");
        let conn = shared.store.conn();
        let matched: Vec<String> = conn
            .prepare("SELECT matched_rules FROM events ORDER BY seq")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("events");
        assert_eq!(matched, [r#"["placed"]"#, r#"["placed"]"#, "[]", r#"["placed"]"#]);
    }

    #[test]
    fn a_bus_logging_at_info_without_detail_logs_outcomes_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = system(dir.path());
        call(
            &shared,
            "UpdateEventBus",
            json!({"Name": "default", "LogConfig": {"Level": "INFO", "IncludeDetail": "NONE"}}),
        );
        call(&shared, "PutEvents", json!({"Entries": [{"Source": "shop", "DetailType": "X", "Detail": "{}"}]}));
        let messages = logged(&shared);
        assert_eq!(steps(&messages), ["EVENT_INGEST_SUCCESS", "NO_STANDARD_RULES_MATCHED"]);
        assert!(messages[0]["details"].get("event_detail").is_none(), "no detail without IncludeDetail FULL");
    }

    #[test]
    fn the_request_size_counts_as_aws_does() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = system(dir.path());
        // 256 KiB exactly, Source "s" and DetailType "d" included, no Time: accepted.
        let detail = format!("{{\"x\":\"{}\"}}", "a".repeat(256 * 1024 - 2 - 8));
        let entry = json!({"Source": "s", "DetailType": "d", "Detail": detail});
        let body = json!({"Entries": [entry]}).to_string();
        assert!(handle(&shared, "PutEvents", body.as_bytes(), "r").is_ok(), "at the limit");
        // The same with a Time: 14 bytes more, over the limit.
        let entry = json!({"Source": "s", "DetailType": "d", "Detail": detail, "Time": 1_795_000_000});
        let body = json!({"Entries": [entry]}).to_string();
        let error = handle(&shared, "PutEvents", body.as_bytes(), "r").expect_err("over");
        assert_eq!(error.message, "Total size of the entries in the request is over the limit.");
    }

    #[test]
    fn too_many_entries_is_a_validation_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = system(dir.path());
        let entry = json!({"Source": "s", "DetailType": "d", "Detail": "{}"});
        let body = json!({"Entries": vec![entry; 11]}).to_string();
        let error = handle(&shared, "PutEvents", body.as_bytes(), "r").expect_err("11 entries");
        assert_eq!(error.code, "ValidationException");
        assert!(error.message.ends_with("Member must have length less than or equal to 10"), "{}", error.message);
    }
}
