//! Reading events back from EventBridge bus logs (records in CloudWatch Logs,
//! "EventBridge event bus log schema").

use choreoscope_model::BusEvent;
use serde_json::Value;

/// The log group the EventBridge console (and the local system) sends a
/// bus's logs to.
pub fn log_group_name(bus: &str) -> String {
    format!("/aws/vendedlogs/events/event-bus/{bus}")
}

/// The step whose record carries the accepted event (at `INFO` level and
/// above, with `IncludeDetail: FULL`).
pub const INGEST_STEP: &str = "EVENT_INGEST_SUCCESS";

/// Reads the event out of an `EVENT_INGEST_SUCCESS` record; `None` for other
/// steps and for records without the event detail.
pub fn event_from_record(message: &str, timestamp_ms: i64) -> Option<BusEvent> {
    let record: Value = serde_json::from_str(message).ok()?;
    if record.get("message_type")?.as_str()? != INGEST_STEP {
        return None;
    }
    let bus_name = record.get("resource_arn")?.as_str()?.rsplit_once("event-bus/")?.1.to_owned();
    let details = record.get("details")?;
    let event: Value = serde_json::from_str(details.get("event_detail")?.as_str()?).ok()?;
    let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    Some(BusEvent {
        id: record.get("event_id").and_then(Value::as_str).map_or_else(|| text("id"), ToOwned::to_owned),
        bus_name,
        source: text("source"),
        detail_type: text("detail-type"),
        time: text("time"),
        received_at_ms: timestamp_ms,
        resources: event
            .get("resources")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(ToOwned::to_owned).collect())
            .unwrap_or_default(),
        detail: event.get("detail").cloned().unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(step: &str) -> String {
        serde_json::json!({
            "resource_arn": "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            "event_id": "e-1",
            "message_type": step,
            "log_level": "INFO",
            "details": {
                "source": "shop",
                "event_detail": serde_json::json!({
                    "version": "0", "id": "e-1", "detail-type": "OrderPlaced", "source": "shop",
                    "time": "2026-11-22T13:00:00Z", "resources": ["arn:x"], "detail": {"orderId": "42"}
                }).to_string()
            }
        })
        .to_string()
    }

    #[test]
    fn reads_the_event_of_an_ingest_record() {
        let event = event_from_record(&record(INGEST_STEP), 7).expect("an event");
        assert_eq!(event.id, "e-1");
        assert_eq!(event.bus_name, "orders");
        assert_eq!(event.detail_type, "OrderPlaced");
        assert_eq!(event.resources, vec!["arn:x".to_owned()]);
        assert_eq!(event.detail["orderId"], "42");
        assert_eq!(event.received_at_ms, 7);
    }

    #[test]
    fn other_steps_and_garbage_are_skipped() {
        assert!(event_from_record(&record("RULE_MATCH"), 7).is_none());
        assert!(event_from_record("not json", 7).is_none());
    }
}
