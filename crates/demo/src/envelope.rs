//! The envelope every demo event carries: `detail = {metadata, data}`, and
//! how events are put on a bus.
//!
//! `metadata` follows the split of metadata and data from the EventBridge
//! best-practice talk: the correlation id is the order's id, the causation
//! id is the id of the event that caused this one, and the idempotency key
//! lets a consumer recognise a repeated or replayed event.

use choreoscope_local::{Api, ApiError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The internal bus of the food-delivery system.
pub const INTERNAL_BUS: &str = "food-delivery";
/// The gatekeeper bus: the partner-facing events, reshaped on the way out.
pub const PARTNER_BUS: &str = "partners";
/// The `domain` of every demo event.
pub const DOMAIN: &str = "food-delivery";
/// The version of the envelope's schema.
pub const SCHEMA_VERSION: &str = "1";

/// Why a request could not go through: marks events a consumer should see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventStatus {
    /// A dependency was unavailable; the archive keeps the event and a
    /// replay retries it once the dependency is back.
    Retryable,
    /// Bad data or a 4xx: retrying cannot help; shown to the operator.
    HardError,
}

/// `detail.metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Always [`DOMAIN`].
    pub domain: String,
    /// The service that published the event, e.g. `orders`, `payments`.
    pub service: String,
    /// The event's type, the same as its `detail-type` (past tense: `OrderPlaced`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// The order's id: every event of one order shares it.
    pub correlation_id: String,
    /// The id of the event (or GraphQL request) that caused this one.
    pub causation_id: String,
    /// Unique per logical event; a consumer that saw it already skips it.
    pub idempotency_key: String,
    /// Set on events that report a request that could not go through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EventStatus>,
}

/// An event of the demo, before it is put on a bus.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoEvent {
    /// The publishing service, also the suffix of `source` (`food-delivery.<service>`).
    pub service: String,
    /// `detail-type` and `metadata.type`.
    pub event_type: String,
    /// `detail.metadata`.
    pub metadata: Metadata,
    /// `detail.data`.
    pub data: Value,
}

impl DemoEvent {
    /// A new event of `service` about order `correlation_id`, caused by
    /// `causation_id`. The idempotency key is `<correlation>:<type>`: one
    /// event of each type per order, which is what every consumer dedupes on.
    pub fn new(service: &str, event_type: &str, correlation_id: &str, causation_id: &str, data: Value) -> Self {
        let metadata = Metadata {
            domain: DOMAIN.to_owned(),
            service: service.to_owned(),
            event_type: event_type.to_owned(),
            schema_version: SCHEMA_VERSION.to_owned(),
            correlation_id: correlation_id.to_owned(),
            causation_id: causation_id.to_owned(),
            idempotency_key: format!("{correlation_id}:{event_type}"),
            status: None,
        };
        Self { service: service.to_owned(), event_type: event_type.to_owned(), metadata, data }
    }

    /// The same event with another idempotency key.
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.metadata.idempotency_key = key.into();
        self
    }

    /// The same event marked with `status`.
    pub fn with_status(mut self, status: EventStatus) -> Self {
        self.metadata.status = Some(status);
        self
    }

    /// `source` of the event: `food-delivery.<service>`.
    pub fn source(&self) -> String {
        format!("{DOMAIN}.{}", self.service)
    }

    /// The PutEvents entry that puts this event on `bus`.
    pub fn entry(&self, bus: &str) -> Value {
        json!({
            "EventBusName": bus,
            "Source": self.source(),
            "DetailType": self.event_type,
            "Detail": json!({"metadata": self.metadata, "data": self.data}).to_string(),
        })
    }
}

/// A demo event as a consumer receives it: the EventBridge event's `id`,
/// `detail-type` and `detail`, split into metadata and data.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEvent {
    /// The EventBridge event id (kept by a replay).
    pub id: String,
    /// `detail-type`.
    pub detail_type: String,
    /// `detail.metadata`.
    pub metadata: Metadata,
    /// `detail.data`.
    pub data: Value,
    /// `replay-name`, when a replay sent it.
    pub replay_name: Option<String>,
}

impl ReceivedEvent {
    /// Reads the event a rule delivered (the whole event, no input transformer).
    pub fn from_event(event: &Value) -> Result<Self, EnvelopeError> {
        let metadata = serde_json::from_value(event["detail"]["metadata"].clone())
            .map_err(|error| EnvelopeError(format!("detail.metadata is not a demo envelope: {error}")))?;
        Ok(Self {
            id: event["id"].as_str().unwrap_or_default().to_owned(),
            detail_type: event["detail-type"].as_str().unwrap_or_default().to_owned(),
            metadata,
            data: event["detail"]["data"].clone(),
            replay_name: event["replay-name"].as_str().map(str::to_owned),
        })
    }
}

#[cfg(test)]
impl ReceivedEvent {
    /// An event about order `order_id` as a consumer receives it, for tests.
    pub(crate) fn for_test(id: &str, event_type: &str, order_id: &str) -> Self {
        let event = DemoEvent::new("test", event_type, order_id, "c-1", json!({"orderId": order_id}));
        Self {
            id: id.into(),
            detail_type: event_type.into(),
            metadata: event.metadata,
            data: event.data,
            replay_name: None,
        }
    }
}

/// An event that is not in the demo's envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EnvelopeError(pub String);

/// Why events could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// PutEvents itself failed.
    #[error("PutEvents failed: {0}")]
    Api(#[from] ApiError),
    /// PutEvents answered, but refused some entries.
    #[error("PutEvents refused {failed} of {total} entries: {first_error}")]
    Refused {
        /// How many entries were refused.
        failed: u64,
        /// How many were sent.
        total: usize,
        /// The first refusal's code and message.
        first_error: String,
    },
}

/// Puts `events` on `bus` (at most 10, PutEvents' limit) and returns their
/// event ids, or an error if any entry was refused.
pub async fn publish(api: &Api, bus: &str, events: &[DemoEvent]) -> Result<Vec<String>, PublishError> {
    let entries: Vec<Value> = events.iter().map(|event| event.entry(bus)).collect();
    let output = api.call("AWSEvents.PutEvents", json!({ "Entries": entries })).await?;
    let failed = output["FailedEntryCount"].as_u64().unwrap_or(0);
    let results = output["Entries"].as_array().cloned().unwrap_or_default();
    if failed > 0 {
        let first_error = results
            .iter()
            .find(|entry| entry.get("ErrorCode").is_some())
            .map(|entry| format!("{}: {}", entry["ErrorCode"], entry["ErrorMessage"]))
            .unwrap_or_default();
        return Err(PublishError::Refused { failed, total: events.len(), first_error });
    }
    Ok(results.iter().map(|entry| entry["EventId"].as_str().unwrap_or_default().to_owned()).collect())
}
