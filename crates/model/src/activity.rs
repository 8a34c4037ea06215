//! The live graph: what moved along its edges since the last push, and the
//! counters its nodes and edges show, read from the bus logs.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One push of live activity: the hops seen since the previous batch, and a
/// snapshot of every counter at `at_ms` (counters are exact even when hops
/// are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityBatch {
    /// When the snapshot was taken, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// New hops, oldest first.
    pub hops: Vec<ActivityHop>,
    /// Hops seen but left out of `hops` to keep the push small.
    pub hops_omitted: u32,
    /// Every edge with traffic in the rate window.
    pub edges: Vec<EdgeActivity>,
    /// Every node with something to show: errors, retries, a DLQ depth.
    pub nodes: Vec<NodeActivity>,
    /// The current state of every circuit seen.
    pub circuits: Vec<CircuitStatus>,
}

/// An event moving along a path of the graph: bus → rule → target for a
/// delivery, target → dead-letter queue for a dead letter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityHop {
    /// The event.
    pub event_id: String,
    /// The ARN of the bus that handled it.
    pub bus_arn: String,
    /// The rule that matched.
    pub rule_arn: String,
    /// The target it was delivered to.
    pub target_arn: String,
    /// What came of it, as far as this batch knows.
    pub outcome: HopOutcome,
    /// When the first record of the hop was logged.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The graph's edge ids along the path, in order.
    pub edges: Vec<String>,
}

/// What came of a hop, as far as its batch knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum HopOutcome {
    /// Under way: no result logged yet.
    Delivering,
    /// The target took the event.
    Delivered,
    /// An attempt failed or was throttled; retries are under way.
    Retrying,
    /// Given up; the event went to the dead-letter queue (a dead-letter hop).
    DeadLettered,
    /// Given up; the event was dropped, or is on its way to the DLQ.
    Failed,
}

/// The traffic on one edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EdgeActivity {
    /// The edge's id in the topology.
    pub id: String,
    /// Events per second over the rate window.
    pub per_second: f64,
    /// Events in the rate window.
    pub count: u32,
}

/// What a node shows beside its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NodeActivity {
    /// The node's id in the topology.
    pub id: String,
    /// Deliveries to it that failed (dropped or dead-lettered) in the last minute;
    /// for a bus, events it failed to ingest.
    pub errors: u32,
    /// Deliveries to it whose retries are under way.
    pub retries_in_flight: u32,
    /// Messages in it, for a dead-letter queue (SQS
    /// `ApproximateNumberOfMessages`).
    #[ts(type = "number | null")]
    pub dlq_depth: Option<u64>,
}

/// A circuit's current state, from its last `Circuit State Changed` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CircuitStatus {
    /// The circuit's name.
    pub name: String,
    /// `OPEN`, `HALF_OPEN` or `CLOSED`, as the event says.
    pub state: String,
    /// The state before.
    pub from: Option<String>,
    /// Why it changed.
    pub reason: Option<String>,
    /// Failures counted when it changed.
    #[ts(type = "number | null")]
    pub failures: Option<i64>,
    /// When it entered this state (the event's logging time), epoch ms.
    #[ts(type = "number")]
    pub since_ms: i64,
    /// When it opened, as the event says (RFC 3339).
    pub opened_at: Option<String>,
}
