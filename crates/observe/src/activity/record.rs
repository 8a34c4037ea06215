//! The fields of a bus-log record that live activity needs ("EventBridge
//! event bus log schema"), read without building a full JSON tree.

use serde::Deserialize;

/// One bus-log record.
#[derive(Debug, Deserialize)]
pub(super) struct Record {
    /// The bus's ARN.
    pub resource_arn: String,
    #[serde(default)]
    pub event_id: String,
    pub invocation_id: Option<String>,
    pub message_type: String,
    #[serde(default)]
    pub details: Details,
}

/// The `details` a step may carry.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Details {
    pub rule_arn: Option<String>,
    pub target_arn: Option<String>,
    pub dead_letter_arn: Option<String>,
    #[serde(default)]
    pub dropped: bool,
    /// The event, as JSON text (`IncludeDetail: FULL`).
    pub event_detail: Option<String>,
}

impl Record {
    /// Parses a record; `None` for anything that is not one.
    pub(super) fn parse(message: &str) -> Option<Self> {
        serde_json::from_str(message).ok()
    }
}
