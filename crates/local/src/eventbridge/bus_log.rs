//! Bus logs: the records EventBridge writes for each step of an event's
//! processing ("EventBridge event bus log schema"), delivered to a
//! CloudWatch Logs log group of the local system.

use serde_json::{Value, json};

use super::buses::Bus;
use super::names::bus_arn;
use crate::logs;
use crate::shared::Shared;

/// The log group a bus's records go to; the name the EventBridge console
/// gives it when logging is switched on.
pub fn log_group_name(bus: &str) -> String {
    format!("/aws/vendedlogs/events/event-bus/{bus}")
}

/// The log stream records are written to.
pub const LOG_STREAM: &str = "eventbridge-event-bus-logs";

/// How much a record needs to be logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Failures only.
    Error,
    /// Outcomes.
    Info,
    /// Every step.
    Trace,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Self::Error => "ERROR",
            Self::Info => "INFO",
            Self::Trace => "TRACE",
        }
    }

    /// The threshold a bus's `LogConfig.Level` sets; `None` for `OFF`.
    fn threshold(config: &str) -> Option<Self> {
        match config {
            "ERROR" => Some(Self::Error),
            "INFO" => Some(Self::Info),
            "TRACE" => Some(Self::Trace),
            _ => None,
        }
    }
}

/// One step of an event's processing.
#[derive(Debug, Clone)]
pub struct Record {
    /// `EVENT_RECEIPT`, `RULE_MATCH`, …
    pub message_type: &'static str,
    /// The level the step is logged at.
    pub level: Level,
    /// The event's id.
    pub event_id: String,
    /// The invocation (one delivery to one target) the step belongs to.
    pub invocation_id: Option<String>,
    /// The step's details; detail-only fields are dropped unless the bus
    /// logs with `IncludeDetail: FULL`.
    pub details: Value,
    /// Fields of `details` shown only with `IncludeDetail: FULL`.
    pub full_details: Value,
    /// What went wrong, for failure steps: `http_status_code`,
    /// `error_message`, `aws_service`, `request_id`.
    pub error: Option<Value>,
}

/// Whether the bus logs records of `level` (false when its log is `OFF`):
/// lets a caller skip building records nobody will read.
pub fn logs(bus: &Bus, level: Level) -> bool {
    Level::threshold(&bus.log_level).is_some_and(|threshold| level <= threshold)
}

/// Writes the records the bus's log configuration asks for.
pub fn write(
    shared: &Shared,
    conn: &rusqlite::Connection,
    bus: &Bus,
    request_id: &str,
    records: Vec<Record>,
) -> rusqlite::Result<()> {
    let Some(threshold) = Level::threshold(&bus.log_level) else {
        return Ok(());
    };
    let full = bus.log_include_detail == "FULL";
    let now = shared.clock.now_ms();
    let messages: Vec<(i64, String)> = records
        .into_iter()
        .filter(|record| record.level <= threshold)
        .map(|record| {
            let mut details = record.details;
            if full && let (Some(details), Value::Object(extra)) = (details.as_object_mut(), record.full_details) {
                details.extend(extra);
            }
            let mut message = json!({
                "resource_arn": bus_arn(shared, &bus.name),
                "request_id": request_id,
                "event_id": record.event_id,
            });
            if let Some(invocation_id) = record.invocation_id {
                message["invocation_id"] = invocation_id.into();
            }
            message["message_timestamp_ms"] = now.into();
            message["message_type"] = record.message_type.into();
            message["log_level"] = record.level.name().into();
            message["details"] = details;
            if let Some(error) = record.error {
                message["error"] = error;
            }
            (now, message.to_string())
        })
        .collect();
    if messages.is_empty() {
        return Ok(());
    }
    logs::append(conn, &log_group_name(&bus.name), LOG_STREAM, now, &messages)
}
