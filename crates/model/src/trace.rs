//! The trace of one event: what each bus did with it, hop by hop, as the bus
//! logs tell it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What happened to one event, read from the bus logs of every bus it
/// reached (an event routed to another bus keeps its id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EventTrace {
    /// The event's id.
    pub event_id: String,
    /// One hop per bus that received it, in the order they did.
    pub hops: Vec<TraceHop>,
    /// Whether every invocation has ended (delivered, dead-lettered or
    /// dropped); `false` while retries are under way.
    pub complete: bool,
}

/// One bus's handling of the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TraceHop {
    /// The bus.
    pub bus_name: String,
    /// When the bus logged the event's ingestion, if it logged it.
    #[ts(type = "number | null")]
    pub received_ms: Option<i64>,
    /// The event's `source`, from the ingestion record.
    pub source: Option<String>,
    /// The event's `detail-type`, from the ingestion record.
    pub detail_type: Option<String>,
    /// The ARNs of the rules it matched.
    pub matched_rules: Vec<String>,
    /// The bus logged that no rule matched.
    pub no_rule_matched: bool,
    /// One per (rule, target) the event was sent to.
    pub invocations: Vec<InvocationTrace>,
    /// The replay that sent the event onto the bus this time (a replayed
    /// copy keeps the original's id, so its hop is a hop of the same trace).
    #[serde(default)]
    pub replay_name: Option<String>,
}

/// The delivery of the event to one target of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvocationTrace {
    /// EventBridge's id of the invocation.
    pub invocation_id: String,
    /// The rule that matched.
    pub rule_arn: String,
    /// The target.
    pub target_arn: String,
    /// The target's kind as the log names it (`Lambda`, `SQS`, …).
    pub target_type: String,
    /// When the first attempt started.
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    /// When it ended, if it has.
    #[ts(type = "number | null")]
    pub finished_ms: Option<i64>,
    /// Every attempt, in order.
    pub attempts: Vec<AttemptTrace>,
    /// How it ended, or that it has not yet.
    pub outcome: InvocationOutcome,
    /// The dead-letter queue the event went to.
    pub dead_letter_arn: Option<String>,
    /// Whether the target's rate limit held it back at some point.
    pub throttled: bool,
    /// The last error, if any attempt failed.
    pub error: Option<TraceError>,
}

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum InvocationOutcome {
    /// Attempts or retries are still under way.
    InProgress,
    /// The target took the event.
    Succeeded,
    /// Given up, and the event is on the dead-letter queue.
    DeadLettered,
    /// Given up, and the event was dropped (no dead-letter queue, or it failed).
    Dropped,
}

/// One attempt of an invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttemptTrace {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it started.
    #[ts(type = "number")]
    pub started_ms: i64,
    /// When its result was logged.
    #[ts(type = "number | null")]
    pub ended_ms: Option<i64>,
    /// What came of it.
    pub result: AttemptResult,
    /// Why it failed.
    pub error: Option<TraceError>,
}

/// What came of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AttemptResult {
    /// No result logged yet.
    InFlight,
    /// The target took the event.
    Succeeded,
    /// It failed and will be retried.
    RetryableFailure,
    /// It failed and will not be retried.
    PermanentFailure,
    /// The target (or its rate limit) throttled it.
    Throttled,
}

/// An error as the bus log reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TraceError {
    /// The error code (`ResourceNotFoundException`, `500`, …), if given.
    pub code: Option<String>,
    /// What happened.
    pub message: String,
    /// The HTTP status, for HTTP targets.
    pub http_status_code: Option<u16>,
}
