//! Live activity: new bus-log records (every step, from a shared
//! [`LogTail`](crate::bus_log::LogTail)) turned into the hops the graph
//! animates and the counters its nodes and edges show ([`ActivityBatch`]).
//!
//! Hops and counters use the topology's node and edge ids
//! ([`node_id`], [`edge_id`]), so the UI applies them without mapping.
//! A delivery is one hop bus → rule → target, made when its invocation's
//! first record is read (`INVOCATION_START` at `TRACE` level, its outcome at
//! `INFO`); a dead letter is a hop target → DLQ.

mod circuits;
mod queues;
mod record;
#[cfg(test)]
mod tests;
mod window;

use std::collections::{BTreeMap, HashMap, VecDeque};

use choreoscope_model::{ActivityBatch, ActivityHop, CircuitStatus, EdgeActivity, HopOutcome, NodeActivity};

pub use circuits::{CIRCUIT_FILTER, CIRCUIT_STATE_CHANGED, circuit_change};
pub use queues::{QueueDepths, dead_letter_queues};

use crate::bus_log::LogRecord;
use crate::graph::{edge_id, node_id};
use record::Record;
use window::{Recent, Window};

/// Edge rates are events per second over this long.
pub const RATE_WINDOW_MS: i64 = 10_000;
/// Node errors count failed deliveries over this long.
pub const ERROR_WINDOW_MS: i64 = 60_000;
/// At most this many hops per batch (the newest); the counters still count
/// every one. The UI animates far fewer at a time anyway.
pub const MAX_HOPS_PER_BATCH: usize = 1_000;
/// How many invocations and rule matches are remembered, to count each once.
const REMEMBERED: usize = 100_000;
/// An invocation with no record for this long is forgotten: EventBridge
/// retries for 24 hours at most.
const OPEN_FOR_MS: i64 = 25 * 60 * 60 * 1000;

/// A delivery under way.
#[derive(Debug)]
struct Open {
    target: String,
    retrying: bool,
    last_ms: i64,
}

/// Turns bus-log records into [`ActivityBatch`]es. Feed it each poll's new
/// records with [`Activity::ingest`], then take a batch with
/// [`Activity::batch`].
#[derive(Debug)]
pub struct Activity {
    /// Hops since the last batch, with the invocation each belongs to.
    hops: VecDeque<(String, ActivityHop)>,
    omitted: u32,
    /// Outcomes learnt since the last batch, for its delivery hops.
    outcomes: HashMap<String, HopOutcome>,
    edges: Window,
    errors: Window,
    matches: Recent,
    invocations: Recent,
    failures: Recent,
    open: HashMap<String, Open>,
    circuits: BTreeMap<String, CircuitStatus>,
    dlq_depths: BTreeMap<String, u64>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            hops: VecDeque::new(),
            omitted: 0,
            outcomes: HashMap::new(),
            edges: Window::new(RATE_WINDOW_MS, 250),
            errors: Window::new(ERROR_WINDOW_MS, 1_000),
            matches: Recent::new(REMEMBERED),
            invocations: Recent::new(REMEMBERED),
            failures: Recent::new(REMEMBERED),
            open: HashMap::new(),
            circuits: BTreeMap::new(),
            dlq_depths: BTreeMap::new(),
        }
    }
}

impl Activity {
    /// Applies new records (each given once, in any order of buses).
    pub fn ingest(&mut self, records: &[LogRecord]) {
        for log in records {
            if let Some(record) = Record::parse(&log.message) {
                self.apply(&record, log.timestamp_ms);
            }
        }
    }

    /// Applies only the circuits' changes among `records`: for reading the
    /// circuits' state from further back than the live tail starts.
    pub fn prime_circuits(&mut self, records: &[LogRecord]) {
        for log in records {
            if let Some(record) = Record::parse(&log.message)
                && record.message_type == "EVENT_INGEST_SUCCESS"
            {
                self.circuit(&record, log.timestamp_ms);
            }
        }
    }

    /// Replaces the dead-letter queues' depths (by queue ARN).
    pub fn set_dlq_depths(&mut self, depths: impl IntoIterator<Item = (String, u64)>) {
        self.dlq_depths = depths.into_iter().map(|(arn, depth)| (node_id(&arn), depth)).collect();
    }

    /// The hops since the last batch and every counter as of `now_ms`.
    pub fn batch(&mut self, now_ms: i64) -> ActivityBatch {
        self.open.retain(|_, open| open.last_ms > now_ms - OPEN_FOR_MS);
        let outcomes = std::mem::take(&mut self.outcomes);
        let hops = self
            .hops
            .drain(..)
            .map(|(invocation, mut hop)| {
                if hop.outcome == HopOutcome::Delivering
                    && let Some(outcome) = outcomes.get(&invocation)
                {
                    hop.outcome = *outcome;
                }
                hop
            })
            .collect();
        let span = self.edges.span_secs();
        let edges = self
            .edges
            .totals(now_ms)
            .into_iter()
            .map(|(id, count)| EdgeActivity { id, per_second: f64::from(count) / span, count })
            .collect();
        ActivityBatch {
            at_ms: now_ms,
            hops,
            hops_omitted: std::mem::take(&mut self.omitted),
            edges,
            nodes: self.nodes(now_ms),
            circuits: self.circuits.values().cloned().collect(),
        }
    }

    fn nodes(&mut self, now_ms: i64) -> Vec<NodeActivity> {
        let mut nodes: BTreeMap<String, NodeActivity> = BTreeMap::new();
        for (id, errors) in self.errors.totals(now_ms) {
            entry(&mut nodes, &id).errors = errors;
        }
        for open in self.open.values().filter(|open| open.retrying) {
            entry(&mut nodes, &open.target).retries_in_flight += 1;
        }
        for (id, depth) in &self.dlq_depths {
            entry(&mut nodes, id).dlq_depth = Some(*depth);
        }
        nodes.into_values().collect()
    }

    fn apply(&mut self, record: &Record, at: i64) {
        let step = record.message_type.as_str();
        match step {
            "EVENT_INGEST_SUCCESS" => self.circuit(record, at),
            "EVENT_INGEST_FAILURE" => self.errors.add(&node_id(&record.resource_arn), at),
            "RULE_MATCH" => {
                if let Some(rule) = &record.details.rule_arn {
                    self.rule_matched(record, rule, at);
                }
            }
            _ if step.starts_with("INVOCATION_") => self.invocation(record, step, at),
            _ => {}
        }
    }

    /// Counts the bus → rule edge once per event and rule, whether the
    /// match was logged (`TRACE`) or is known from its invocations.
    fn rule_matched(&mut self, record: &Record, rule: &str, at: i64) {
        if self.matches.insert(&format!("{} {rule}", record.event_id)) {
            self.edges.add(&edge_id(&node_id(&record.resource_arn), &node_id(rule)), at);
        }
    }

    fn invocation(&mut self, record: &Record, step: &str, at: i64) {
        let details = &record.details;
        let (Some(invocation), Some(rule), Some(target)) =
            (&record.invocation_id, &details.rule_arn, &details.target_arn)
        else {
            return;
        };
        let (bus, rule_id, target_id) = (node_id(&record.resource_arn), node_id(rule), node_id(target));
        if self.invocations.insert(invocation) {
            self.rule_matched(record, rule, at);
            let to_target = edge_id(&rule_id, &target_id);
            self.edges.add(&to_target, at);
            self.open.insert(invocation.clone(), Open { target: target_id.clone(), retrying: false, last_ms: at });
            let edges = vec![edge_id(&bus, &rule_id), to_target];
            self.push_hop(invocation, record, HopOutcome::Delivering, at, edges);
        }
        if let Some(open) = self.open.get_mut(invocation) {
            open.last_ms = at;
        }
        match step {
            "INVOCATION_ATTEMPT_RETRYABLE_FAILURE" | "INVOCATION_ATTEMPT_THROTTLE" | "INVOCATION_THROTTLE_START" => {
                if let Some(open) = self.open.get_mut(invocation) {
                    open.retrying = true;
                }
                self.outcomes.insert(invocation.clone(), HopOutcome::Retrying);
            }
            "INVOCATION_SUCCESS" => {
                self.open.remove(invocation);
                self.outcomes.insert(invocation.clone(), HopOutcome::Delivered);
            }
            "INVOCATION_FAILURE" => self.failed(invocation, &target_id, at),
            "INVOCATION_DLQ" => {
                self.failed(invocation, &target_id, at);
                if let (Some(dlq), false) = (&details.dead_letter_arn, details.dropped) {
                    let to_dlq = edge_id(&target_id, &node_id(dlq));
                    self.edges.add(&to_dlq, at);
                    self.push_hop(invocation, record, HopOutcome::DeadLettered, at, vec![to_dlq]);
                }
            }
            _ => {}
        }
    }

    /// A delivery given up: one error on its target, however many records say so.
    fn failed(&mut self, invocation: &str, target: &str, at: i64) {
        self.open.remove(invocation);
        self.outcomes.insert(invocation.to_owned(), HopOutcome::Failed);
        if self.failures.insert(invocation) {
            self.errors.add(target, at);
        }
    }

    fn push_hop(&mut self, invocation: &str, record: &Record, outcome: HopOutcome, at: i64, edges: Vec<String>) {
        if self.hops.len() == MAX_HOPS_PER_BATCH {
            self.hops.pop_front();
            self.omitted += 1;
        }
        let details = &record.details;
        let hop = ActivityHop {
            event_id: record.event_id.clone(),
            bus_arn: record.resource_arn.clone(),
            rule_arn: details.rule_arn.clone().unwrap_or_default(),
            target_arn: details.target_arn.clone().unwrap_or_default(),
            outcome,
            at_ms: at,
            edges,
        };
        self.hops.push_back((invocation.to_owned(), hop));
    }

    fn circuit(&mut self, record: &Record, at: i64) {
        let Some(change) = record.details.event_detail.as_deref().and_then(|event| circuits::change(event, at)) else {
            return;
        };
        match self.circuits.get(&change.name) {
            Some(known) if known.since_ms > change.since_ms => {}
            _ => {
                self.circuits.insert(change.name.clone(), change);
            }
        }
    }
}

fn entry<'n>(nodes: &'n mut BTreeMap<String, NodeActivity>, id: &str) -> &'n mut NodeActivity {
    nodes.entry(id.to_owned()).or_insert_with(|| NodeActivity {
        id: id.to_owned(),
        errors: 0,
        retries_in_flight: 0,
        dlq_depth: None,
    })
}
