//! The event explorer's pattern tester: whether an event matches an event
//! pattern, why, and which rules of the system would match it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The outcome of testing one event pattern against one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatternTest {
    /// Whether the event matches the whole pattern.
    pub matches: bool,
    /// Each field the pattern tests (and each `$or` group), tested alone,
    /// in the pattern's order: the ones that fail say why the whole fails.
    pub checks: Vec<PatternCheck>,
}

/// One field of a pattern tested alone against the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatternCheck {
    /// Dotted path of the field (`detail.data.total`), or of the object
    /// holding an `$or` group (`detail.$or`).
    pub field: String,
    /// What the pattern asks of it, as JSON text.
    pub condition: String,
    /// The event's value at that path, as JSON text; `None` when absent.
    pub actual: Option<String>,
    /// Whether the event passes this field's test; `None` when the field
    /// cannot be tested on its own (EventBridge rejects it as a pattern).
    pub matches: Option<bool>,
}

/// A rule of the system whose event pattern matches an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RuleMatch {
    /// The bus the rule is on.
    pub bus_name: String,
    /// The rule's name.
    pub rule_name: String,
    /// The rule's node id in the topology.
    pub node_id: String,
    /// `false` when the rule is disabled (it would match, but gets nothing).
    pub enabled: bool,
    /// The rule's event pattern, as JSON text.
    pub event_pattern: String,
}
