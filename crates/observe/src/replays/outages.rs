//! The outages of circuits, for the replay form's presets: from each OPEN
//! of a circuit to the CLOSED that follows it, read from the
//! `Circuit State Changed` events in the bus logs.

use std::collections::{BTreeMap, HashSet};

use choreoscope_model::OutageWindow;
use serde_json::Value;

use crate::activity::{CIRCUIT_FILTER, CIRCUIT_STATE_CHANGED};

/// One change of a circuit's state, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CircuitChange {
    /// The event's id: an event routed to a second bus is logged twice.
    pub event_id: String,
    /// The circuit.
    pub circuit: String,
    /// The state it went to.
    pub to: String,
    /// When the bus logged it, epoch ms.
    pub at_ms: i64,
}

/// The filter pattern that finds the changes in a bus's log.
pub(super) const FILTER: &str = CIRCUIT_FILTER;

/// A circuit's change out of an `EVENT_INGEST_SUCCESS` record, if it is
/// one. The demo's envelope puts the facts in `detail.data`; a bare
/// `detail` is read too.
pub(super) fn change(message: &str, at_ms: i64) -> Option<CircuitChange> {
    let record: Value = serde_json::from_str(message).ok()?;
    let event: Value = serde_json::from_str(record.pointer("/details/event_detail")?.as_str()?).ok()?;
    if event.get("detail-type")?.as_str()? != CIRCUIT_STATE_CHANGED || event.get("replay-name").is_some() {
        return None;
    }
    let detail = event.get("detail")?;
    let data = detail.get("data").filter(|data| data.is_object()).unwrap_or(detail);
    Some(CircuitChange {
        event_id: event.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
        circuit: data.get("circuit")?.as_str()?.to_owned(),
        to: data.get("to")?.as_str()?.to_owned(),
        at_ms,
    })
}

/// Each circuit's outages, newest first: an outage begins when the circuit
/// opens and ends at the next CLOSED; a failed probe (HALF_OPEN → OPEN)
/// continues it. A circuit not closed again has an outage without an end.
pub(super) fn outage_windows(mut changes: Vec<CircuitChange>) -> Vec<OutageWindow> {
    let mut seen = HashSet::new();
    changes.retain(|change| change.event_id.is_empty() || seen.insert(change.event_id.clone()));
    changes.sort_by_key(|change| change.at_ms);
    let mut open: BTreeMap<String, i64> = BTreeMap::new();
    let mut windows = Vec::new();
    for change in changes {
        match change.to.as_str() {
            "OPEN" => {
                open.entry(change.circuit).or_insert(change.at_ms);
            }
            "CLOSED" => {
                if let Some(opened_ms) = open.remove(&change.circuit) {
                    windows.push(OutageWindow { circuit: change.circuit, opened_ms, closed_ms: Some(change.at_ms) });
                }
            }
            _ => {}
        }
    }
    windows.extend(open.into_iter().map(|(circuit, opened_ms)| OutageWindow { circuit, opened_ms, closed_ms: None }));
    windows.sort_by(|a, b| b.opened_ms.cmp(&a.opened_ms).then_with(|| a.circuit.cmp(&b.circuit)));
    windows
}
