//! PutEvents: accept events, match them against the bus's rules, keep them,
//! and log each step to the bus log.

use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

use super::bus_log::{self, Level, Record};
use super::matching::Pattern;
use super::names::bus_name;
use super::{buses, rules};
use crate::clock::rfc3339_seconds;
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

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
    /// The size EventBridge counts against the request limit.
    fn size(&self) -> usize {
        let text = |s: &Option<String>| s.as_deref().map_or(0, str::len);
        let resources = self.resources.iter().flatten().map(String::len).sum::<usize>();
        text(&self.source) + text(&self.detail_type) + text(&self.detail) + resources + 14
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
    let id = uuid::Uuid::new_v4().to_string();
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

pub(super) fn put(shared: &Shared, input: Input, request_id: &str) -> OpResult {
    let entries = required(&input.entries, "entries")?;
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
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(entries.len());
    let mut failed = 0;
    for entry in entries {
        match to_event(shared, entry, now) {
            Ok((event, id)) => {
                accept(shared, &tx, bus_name(entry.event_bus_name.as_deref()), &event, &id, now, request_id)?;
                results.push(json!({ "EventId": id }));
            }
            Err(error) => {
                failed += 1;
                results.push(json!({ "ErrorCode": error.code, "ErrorMessage": error.message }));
            }
        }
    }
    // Committed before the response: an event the caller was told is
    // accepted is on disk.
    tx.commit()?;
    Ok(json!({ "FailedEntryCount": failed, "Entries": results }))
}

/// Keeps one accepted event, matches it against the bus's enabled rules, and
/// logs receipt, ingestion and matching.
fn accept(
    shared: &Shared,
    conn: &rusqlite::Connection,
    bus_name: &str,
    event: &Value,
    id: &str,
    now: i64,
    request_id: &str,
) -> Result<(), AwsError> {
    // Like AWS, an event for a bus that does not exist is accepted and then
    // reaches no rule; it is still kept, so it can be found.
    let bus = buses::find(conn, bus_name)?;
    let matched: Vec<String> = match &bus {
        Some(_) => rules::on_bus(conn, bus_name)?
            .into_iter()
            .filter(|rule| rule.is_enabled())
            .filter(|rule| {
                // Stored patterns were validated by PutRule.
                rule.event_pattern.as_deref().and_then(|p| Pattern::parse(p).ok()).is_some_and(|p| p.matches(event))
            })
            .map(|rule| rule.name)
            .collect(),
        None => Vec::new(),
    };
    conn.execute(
        "INSERT INTO events (id, bus, received_ms, event_json, matched_rules) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, bus_name, now, event.to_string(), json!(matched).to_string()],
    )?;
    if let Some(bus) = bus {
        bus_log::write(shared, conn, &bus, request_id, log_records(shared, event, id, &bus.name, &matched))?;
    }
    Ok(())
}

fn log_records(shared: &Shared, event: &Value, id: &str, bus: &str, matched: &[String]) -> Vec<Record> {
    let ingest_details = json!({
        "caller_account_id": shared.account_id,
        "source_time_ms": shared.clock.now_ms(),
        "source": event["source"],
        "detail_type": event["detail-type"],
        "resources": event["resources"],
    });
    let full = json!({ "event_detail": event.to_string() });
    let record = |message_type, level, details: Value, full_details: Value| Record {
        message_type,
        level,
        event_id: id.to_owned(),
        details,
        full_details,
    };
    let mut records = vec![
        record("EVENT_RECEIPT", Level::Trace, ingest_details.clone(), full.clone()),
        record("EVENT_INGEST_SUCCESS", Level::Info, ingest_details, full),
        record("RULE_MATCH_START", Level::Trace, json!({}), json!({})),
    ];
    if matched.is_empty() {
        records.push(record("NO_STANDARD_RULES_MATCHED", Level::Info, json!({}), json!({})));
    }
    for rule in matched {
        let rule_arn = super::names::rule_arn(shared, bus, rule);
        records.push(record("RULE_MATCH", Level::Trace, json!({ "rule_arn": rule_arn }), json!({})));
    }
    records
}
