//! Circuits, from the `Circuit State Changed` events a circuit manager
//! publishes (`detail.data = {circuit, from, to, reason, failures, openedAt}`).

use choreoscope_model::CircuitStatus;
use serde_json::Value;

use super::record::Record;
use crate::bus_log::LogRecord;

/// The detail type of a circuit's change.
pub const CIRCUIT_STATE_CHANGED: &str = "Circuit State Changed";

/// A FilterLogEvents pattern that finds the records of circuits' changes.
pub const CIRCUIT_FILTER: &str = "\"Circuit State Changed\"";

/// The circuit's new state, if `log` is the `EVENT_INGEST_SUCCESS` record of
/// a `Circuit State Changed` event: for readers of circuits' history (the
/// `circuits` module) besides [`Activity`](super::Activity).
pub fn circuit_change(log: &LogRecord) -> Option<CircuitStatus> {
    let record = Record::parse(&log.message)?;
    if record.message_type != crate::bus_log::INGEST_STEP {
        return None;
    }
    change(record.details.event_detail.as_deref()?, log.timestamp_ms)
}

/// The circuit's new state, if `event` (the event's JSON text, as the bus
/// log's `event_detail` carries it) announces one; `at_ms` is when it was logged.
pub(super) fn change(event: &str, at_ms: i64) -> Option<CircuitStatus> {
    if !event.contains(CIRCUIT_STATE_CHANGED) {
        return None;
    }
    let event: Value = serde_json::from_str(event).ok()?;
    if event.get("detail-type")?.as_str()? != CIRCUIT_STATE_CHANGED {
        return None;
    }
    let data = event.pointer("/detail/data")?;
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(ToOwned::to_owned);
    Some(CircuitStatus {
        name: text("circuit")?,
        state: text("to")?,
        from: text("from"),
        reason: text("reason"),
        failures: data.get("failures").and_then(Value::as_i64),
        since_ms: at_ms,
        opened_at: text("openedAt"),
    })
}
