//! Events as the dashboard lists them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One event accepted by a bus, as read back from the bus logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BusEvent {
    /// The event id EventBridge assigned.
    pub id: String,
    /// Name of the bus that accepted the event.
    pub bus_name: String,
    /// The event's `source`.
    pub source: String,
    /// The event's `detail-type`.
    pub detail_type: String,
    /// The event's `time`, RFC 3339.
    pub time: String,
    /// When the bus received the event, milliseconds since the Unix epoch.
    /// Used to order and page the event list.
    #[ts(type = "number")]
    pub received_at_ms: i64,
    /// The event's `resources`.
    pub resources: Vec<String>,
    /// The event's `detail`, parsed; `null` if the logs carried no detail.
    pub detail: serde_json::Value,
    /// `replay-name`: the replay that sent this copy of the event (a
    /// replayed copy keeps the original's id), if one did.
    #[serde(default)]
    pub replay_name: Option<String>,
}

/// A page of events, newest first, and where to continue from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EventPage {
    /// Events, newest first.
    pub events: Vec<BusEvent>,
    /// Pass as `sinceMs` to the next call to read only newer events.
    #[ts(type = "number")]
    pub watermark_ms: i64,
}

/// The result of putting one event on a bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PutEventOutcome {
    /// The id EventBridge gave the event.
    pub event_id: String,
    /// The bus it was put on.
    pub bus_name: String,
}
