//! Archives and replays: what an archive keeps, the replays of its events,
//! the preview of a replay before it starts, and the outages of circuits a
//! replay window can be set to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An archive of a bus's events, as DescribeArchive tells of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ArchiveSummary {
    /// Its name.
    pub name: String,
    /// Its ARN (a replay's `EventSourceArn`).
    pub arn: Option<String>,
    /// The name of the bus it archives (and a replay sends to).
    pub bus_name: String,
    /// The ARN of that bus.
    pub bus_arn: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// The events it keeps, parsed; `None` keeps every event of the bus.
    pub event_pattern: Option<serde_json::Value>,
    /// `ENABLED`, `DISABLED`, `CREATING`, `UPDATING`, `CREATE_FAILED`, `UPDATE_FAILED`.
    pub state: Option<String>,
    /// Why it is in that state, when AWS says.
    pub state_reason: Option<String>,
    /// Days its events are kept; `None` (or 0) keeps them forever.
    pub retention_days: Option<i32>,
    /// Events it holds.
    #[ts(type = "number")]
    pub event_count: i64,
    /// Bytes it holds.
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// When it was created, ms since the Unix epoch.
    #[ts(type = "number | null")]
    pub created_ms: Option<i64>,
}

/// A replay, from ListReplays and DescribeReplay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplaySummary {
    /// Its name: replayed events carry it as `replay-name`.
    pub name: String,
    /// Its ARN, when DescribeReplay gave it.
    pub arn: Option<String>,
    /// The name of the archive it reads.
    pub archive_name: String,
    /// `STARTING`, `RUNNING`, `CANCELLING`, `COMPLETED`, `CANCELLED` or `FAILED`.
    pub state: String,
    /// Why it is in that state (a failure's reason), when AWS says.
    pub state_reason: Option<String>,
    /// Its description, if any.
    pub description: Option<String>,
    /// Start of the window of event times, ms since the Unix epoch.
    #[ts(type = "number")]
    pub event_start_ms: i64,
    /// End of the window of event times, ms since the Unix epoch.
    #[ts(type = "number")]
    pub event_end_ms: i64,
    /// `EventLastReplayedTime`: the time of the last event replayed so far.
    #[ts(type = "number | null")]
    pub event_last_replayed_ms: Option<i64>,
    /// When it was started.
    #[ts(type = "number | null")]
    pub replay_start_ms: Option<i64>,
    /// When it completed, was cancelled or failed.
    #[ts(type = "number | null")]
    pub replay_end_ms: Option<i64>,
    /// How far through its window it is, 0 to 1: `EventLastReplayedTime`
    /// within the window, and 1 once COMPLETED.
    pub progress: f64,
    /// The bus it sends to; `None` when it was not described.
    pub destination_arn: Option<String>,
    /// The rules that see its events (`Destination.FilterArns`); empty for
    /// every rule of the bus.
    pub filter_arns: Vec<String>,
}

impl ReplaySummary {
    /// Whether it can still be cancelled (AWS cancels only these).
    pub fn is_active(&self) -> bool {
        matches!(self.state.as_str(), "STARTING" | "RUNNING")
    }
}

/// What to replay: an archive's events of a window, to some of its bus's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplayRequest {
    /// The replay's name (letters, digits, `.`, `-`, `_`; at most 64).
    pub replay_name: String,
    /// The archive to read.
    pub archive_name: String,
    /// Start of the window of event times (inclusive), ms since the Unix epoch.
    #[ts(type = "number")]
    pub event_start_ms: i64,
    /// End of the window of event times, ms since the Unix epoch.
    #[ts(type = "number")]
    pub event_end_ms: i64,
    /// The ARNs of the rules to send to (`Destination.FilterArns`); empty for
    /// every rule of the bus.
    pub filter_arns: Vec<String>,
    /// A description, if any.
    pub description: Option<String>,
}

/// What a replay would do, worked out from the bus logs before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplayPreview {
    /// The archive.
    pub archive_name: String,
    /// The bus the replay sends to.
    pub bus_name: String,
    /// Events the bus logged in the window (by their `time`), replays' own left out.
    #[ts(type = "number")]
    pub events_in_window: u64,
    /// Of those, the events the archive's pattern keeps: what would be replayed.
    #[ts(type = "number")]
    pub events_to_replay: u64,
    /// The rules of the bus the replay sends to (all, or the FilterArns'),
    /// with how many of the events each would match.
    pub rules: Vec<PreviewRule>,
    /// Whether the counts are an estimate rather than what the archive holds.
    pub estimate: bool,
    /// Why the counts are an estimate (or what else to know), in words.
    pub notes: Vec<String>,
}

/// A rule a replay sends to, and what of the replay it would match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewRule {
    /// Its ARN.
    pub rule_arn: String,
    /// Its name.
    pub rule_name: String,
    /// Whether it is enabled (a disabled rule delivers nothing).
    pub enabled: bool,
    /// How many of the replayed events its pattern matches.
    #[ts(type = "number")]
    pub matched: u64,
    /// The ARNs of its targets: where the matched events would go.
    pub target_arns: Vec<String>,
    /// Why it would match nothing or cannot be judged (a schedule, a pattern
    /// that does not parse), in words.
    pub note: Option<String>,
}

/// One outage of a circuit: from its opening to the close that followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutageWindow {
    /// The circuit's name.
    pub circuit: String,
    /// When it opened, ms since the Unix epoch.
    #[ts(type = "number")]
    pub opened_ms: i64,
    /// When it closed again; `None` while it is still not closed.
    #[ts(type = "number | null")]
    pub closed_ms: Option<i64>,
}
