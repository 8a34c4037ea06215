//! Circuits over time: every circuit's transitions (from its `Circuit State
//! Changed` events), its state now, and the replays its closings started.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every circuit known from the bus logs, as of `at_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CircuitsReport {
    /// When it was read, epoch ms (the end of the window).
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The start of the window the transitions cover, epoch ms.
    #[ts(type = "number")]
    pub window_start_ms: i64,
    /// Each circuit, by name.
    pub circuits: Vec<CircuitHistory>,
    /// Why the replays closings started could not be read (ListReplays or
    /// DescribeReplay refused, e.g. no permission); the circuits are still told.
    pub replays_error: Option<String>,
}

/// One circuit: its state now and its transitions within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CircuitHistory {
    /// The circuit's name (`restaurant-partner`).
    pub name: String,
    /// `CLOSED`, `OPEN` or `HALF_OPEN`: the state its last transition led to.
    pub state: String,
    /// When it entered that state, epoch ms.
    #[ts(type = "number")]
    pub since_ms: i64,
    /// Failures counted at its last transition.
    #[ts(type = "number | null")]
    pub failures: Option<i64>,
    /// Why it last changed.
    pub reason: Option<String>,
    /// Its state when the window began, if known (a transition before the
    /// window, or the first one within it, says).
    pub state_at_window_start: Option<String>,
    /// Its transitions within the window, oldest first.
    pub transitions: Vec<CircuitTransition>,
    /// The replays its closings within the window started, oldest first.
    pub replays: Vec<CircuitReplay>,
}

/// One change of a circuit's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CircuitTransition {
    /// The state before, as the event says.
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// Why.
    pub reason: Option<String>,
    /// Failures counted when it happened.
    #[ts(type = "number | null")]
    pub failures: Option<i64>,
    /// When it was logged, epoch ms.
    #[ts(type = "number")]
    pub at_ms: i64,
}

/// A replay that a circuit's closing (HALF_OPEN → CLOSED) started: the
/// archived requests of the outage, sent again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CircuitReplay {
    /// The replay's name (`heal-<circuit>-<seconds>`).
    pub name: String,
    /// When the closing that started it was logged, epoch ms.
    #[ts(type = "number")]
    pub closed_at_ms: i64,
    /// `STARTING`, `RUNNING`, `CANCELLING`, `COMPLETED`, `CANCELLED` or `FAILED`.
    pub state: String,
    /// Why it is in that state (failures), as EventBridge says.
    pub state_reason: Option<String>,
    /// How far through its window it is, 0 to 1 (1 once COMPLETED).
    pub progress: f64,
    /// Its description (which names the transition it heals).
    pub description: Option<String>,
    /// The archive it replays (ARN).
    pub archive_arn: Option<String>,
    /// The start of the window of events it replays, epoch ms.
    #[ts(type = "number | null")]
    pub event_start_ms: Option<i64>,
    /// The end of that window, epoch ms.
    #[ts(type = "number | null")]
    pub event_end_ms: Option<i64>,
    /// The time of the last event replayed so far, epoch ms.
    #[ts(type = "number | null")]
    pub event_last_replayed_ms: Option<i64>,
    /// When it started, epoch ms.
    #[ts(type = "number | null")]
    pub replay_start_ms: Option<i64>,
    /// When it ended, epoch ms.
    #[ts(type = "number | null")]
    pub replay_end_ms: Option<i64>,
}
