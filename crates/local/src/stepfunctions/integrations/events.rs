//! `arn:aws:states:::events:putEvents[.waitForTaskToken]`: events onto the
//! local buses, accepted in the caller's transaction. As on AWS, the
//! execution and state machine ARNs are added to each entry's `Resources`,
//! and an entry that fails makes the task fail with `EventBridge.FailedEntry`.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::{CallResult, service_cause, with_metadata};
use crate::clock::rfc3339_seconds;
use crate::eventbridge::ingest::{self, BusRoutes, Origin};
use crate::eventbridge::names::bus_name;
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::stepfunctions::store;

/// PutEvents' limit on entries.
const MAX_ENTRIES: usize = 10;

/// Puts `Entries` on their buses.
pub fn put(
    conn: &Connection,
    shared: &Shared,
    execution_arn: &str,
    parameters: &Value,
) -> Result<CallResult, AwsError> {
    let entries = match parameters.get("Entries").and_then(Value::as_array) {
        Some(entries) if (1..=MAX_ENTRIES).contains(&entries.len()) => entries,
        _ => {
            let message = "1 validation error detected: Value at 'entries' failed to satisfy constraint: \
                           Member must have length between 1 and 10";
            let cause = service_cause(message, "AmazonEventBridge", 400, "ValidationException");
            return Ok(Err(("EventBridge.AmazonEventBridgeException".to_owned(), cause)));
        }
    };
    let machine_arn = store::execution(conn, execution_arn)?.map(|row| row.state_machine_arn).unwrap_or_default();
    let now = shared.clock.now_ms();
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut routes = BusRoutes::default();
    let (mut results, mut failed) = (Vec::with_capacity(entries.len()), 0);
    for entry in entries {
        match to_event(shared, entry, now, &[execution_arn, &machine_arn]) {
            Ok(event) => {
                let bus = bus_name(entry.get("EventBusName").and_then(Value::as_str));
                let route = routes.of(shared, conn, bus)?;
                ingest::accept(shared, conn, route, &event, now, &request_id, Origin::default())?;
                results.push(json!({"EventId": event["id"]}));
            }
            Err((code, message)) => {
                failed += 1;
                results.push(json!({"ErrorCode": code, "ErrorMessage": message}));
            }
        }
    }
    let mut output = Map::new();
    output.insert("Entries".into(), Value::Array(results));
    output.insert("FailedEntryCount".into(), json!(failed));
    let output = with_metadata(output, "application/x-amz-json-1.1");
    if failed > 0 {
        return Ok(Err(("EventBridge.FailedEntry".to_owned(), output.to_string())));
    }
    Ok(Ok(output))
}

/// The event an entry makes, or PutEvents' error code and message for it.
/// `Detail` may be an object (as Step Functions takes it) or JSON text.
fn to_event(shared: &Shared, entry: &Value, now: i64, resources: &[&str]) -> Result<Value, (&'static str, String)> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str);
    let required = |name: &str| {
        ("InvalidArgument", format!("Parameter {name} is not valid. Reason: {name} is a required argument."))
    };
    let source = text("Source").ok_or_else(|| required("Source"))?;
    let detail_type = text("DetailType").ok_or_else(|| required("DetailType"))?;
    let detail = match entry.get("Detail") {
        Some(Value::String(raw)) => serde_json::from_str::<Value>(raw).ok(),
        Some(value) => Some(value.clone()),
        None => return Err(required("Detail")),
    };
    let detail = detail.filter(Value::is_object).ok_or(("MalformedDetail", "Detail is malformed.".to_owned()))?;
    let mut all_resources: Vec<Value> = match entry.get("Resources") {
        Some(Value::Array(given)) => given.clone(),
        _ => Vec::new(),
    };
    all_resources.extend(resources.iter().filter(|arn| !arn.is_empty()).map(|arn| json!(arn)));
    let time_ms = match entry.get("Time") {
        Some(Value::Number(seconds)) => seconds.as_f64().map_or(now, |s| (s * 1000.0) as i64),
        _ => now,
    };
    Ok(json!({
        "version": "0",
        "id": crate::ids::time_ordered(),
        "detail-type": detail_type,
        "source": source,
        "account": shared.account_id,
        "time": rfc3339_seconds(time_ms),
        "region": shared.region,
        "resources": all_resources,
        "detail": detail,
    }))
}
