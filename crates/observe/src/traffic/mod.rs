//! What traffic teaches the choreography graph: which function or workflow
//! emits which event types, and which event types no rule consumes. Learnt
//! from bus-log records ("EventBridge event bus log schema") alone, so it
//! reads the same from AWS's logs and the local system's; pure.
//!
//! An event names its cause in `detail.metadata.causationId` (the id of the
//! event that caused it). Its producer is, in this order:
//! - the state machine its `resources` name: Step Functions adds the
//!   execution's and the state machine's ARNs to the events a workflow puts;
//! - the targets the cause was delivered to whose delivery attempt was under
//!   way when the effect was received (a function puts its events before
//!   its invocation returns, and both records are EventBridge's own, so no
//!   slack is allowed: measured on the demo, a millisecond of slack already
//!   takes in a function that ended just before), and any state machine it
//!   was delivered to (the workflow runs on long after StartExecution
//!   returned, calling functions that put events);
//! - failing those, the cause's only target.
//!
//! Deliveries run concurrently, so a target can be under way by chance. The
//! producers of a type are the candidates of every one of its attributed
//! events; when no candidate was in all of them (a type with several
//! producers), those of at least half.

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use choreoscope_model::TargetKind;
use serde::Deserialize;
use serde_json::Value;

use crate::bus_log::LogRecord;

/// How many events are remembered for their causes and deliveries; older
/// ones are forgotten (the learned flows themselves are kept).
pub const REMEMBERED_EVENTS: usize = 10_000;
/// How long after an event was received its producer is decided even when a
/// delivery of its cause is still under way or unknown: records of one
/// moment may arrive in later polls.
pub const SETTLE_MS: i64 = 3_000;

/// One event type on one bus, as traffic showed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventTypeFlow {
    /// The bus's ARN.
    pub bus_arn: String,
    /// The events' `detail-type`.
    pub detail_type: String,
    /// Every `source` the type was put with.
    pub sources: BTreeSet<String>,
    /// How many events of the type the bus received.
    pub count: u64,
    /// How many of them some rule matched.
    pub matched: u64,
    /// How many of them no rule matched (`NO_STANDARD_RULES_MATCHED`).
    pub unmatched: u64,
    /// How many of them were attributed to a producer.
    pub attributed: u64,
    /// Each candidate producer's ARN, with how many attributed events it
    /// was a candidate for.
    pub candidates: BTreeMap<String, u64>,
}

impl EventTypeFlow {
    /// True when every event of the type that was seen matched no rule.
    pub fn unconsumed(&self) -> bool {
        self.unmatched > 0 && self.matched == 0
    }

    /// The ARNs of the targets that emit the type: the candidates for every
    /// one of its attributed events, else those for at least half of them
    /// (a target under way by chance falls away as traffic grows).
    pub fn producers(&self) -> Vec<&str> {
        let at_least = |times: u64| -> Vec<&str> {
            self.candidates.iter().filter(|(_, votes)| **votes >= times).map(|(arn, _)| arn.as_str()).collect()
        };
        let always = at_least(self.attributed);
        if always.is_empty() { at_least(self.attributed.div_ceil(2)) } else { always }
    }
}

/// The learner: fed every bus-log record once (as the live loop reads them),
/// it keeps the last [`REMEMBERED_EVENTS`] events and the flows learned.
#[derive(Debug, Default)]
pub struct Traffic {
    events: HashMap<String, Seen>,
    /// Event ids, oldest first, for forgetting.
    order: VecDeque<String>,
    /// Events whose producer is not decided yet, oldest first.
    pending: VecDeque<String>,
    flows: BTreeMap<(String, String), EventTypeFlow>,
    /// The newest record's timestamp: the logs' clock.
    now_ms: i64,
}

/// What is remembered of one event.
#[derive(Debug, Default)]
struct Seen {
    /// Each bus it arrived on (an event routed to another bus keeps its id).
    hops: Vec<Hop>,
    causation_id: Option<String>,
    /// The state machine whose execution put it, from its `resources`.
    workflow: Option<String>,
    /// The deliveries of it, by invocation id.
    invocations: Vec<Invocation>,
}

#[derive(Debug)]
struct Hop {
    bus_arn: String,
    detail_type: String,
    received_ms: i64,
    /// Whether a rule matched it, or no rule did; each counted once.
    matched: bool,
    unmatched: bool,
}

#[derive(Debug)]
struct Invocation {
    id: String,
    target_arn: String,
    /// Each attempt's start and end (`None` while under way).
    attempts: Vec<(i64, Option<i64>)>,
}

/// The fields of a record the learner reads.
#[derive(Debug, Deserialize)]
struct Record {
    resource_arn: String,
    #[serde(default)]
    event_id: String,
    invocation_id: Option<String>,
    message_type: String,
    #[serde(default)]
    details: Details,
}

#[derive(Debug, Default, Deserialize)]
struct Details {
    target_arn: Option<String>,
    event_detail: Option<String>,
}

impl Traffic {
    /// Learns from records, oldest first (a [`crate::bus_log::LogTail`]
    /// poll's order); records that are not the bus log's are skipped.
    pub fn ingest(&mut self, records: &[LogRecord]) {
        for log in records {
            let Ok(record) = serde_json::from_str::<Record>(&log.message) else { continue };
            if record.event_id.is_empty() {
                continue;
            }
            self.now_ms = self.now_ms.max(log.timestamp_ms);
            self.apply(record, log.timestamp_ms);
        }
        self.resolve(self.now_ms);
    }

    /// Every event type seen, by bus ARN and detail-type, its producers
    /// decided as of `now_ms` (events received more than [`SETTLE_MS`]
    /// before it are decided with what is known).
    pub fn flows(&mut self, now_ms: i64) -> Vec<EventTypeFlow> {
        self.resolve(now_ms.max(self.now_ms));
        self.flows.values().cloned().collect()
    }

    fn apply(&mut self, record: Record, at: i64) {
        let bus = record.resource_arn;
        match record.message_type.as_str() {
            "EVENT_INGEST_SUCCESS" => self.received(&record.event_id, bus, record.details.event_detail.as_deref(), at),
            "RULE_MATCH" => self.matched(&record.event_id, &bus, true),
            "NO_STANDARD_RULES_MATCHED" => self.matched(&record.event_id, &bus, false),
            step if step.starts_with("INVOCATION_") => {
                let Some(invocation) = record.invocation_id else { return };
                // Only some steps name the target; any of them shows a rule matched.
                if record.details.target_arn.is_some() {
                    self.matched(&record.event_id, &bus, true);
                }
                self.attempt_step(&record.event_id, &invocation, record.details.target_arn, step, at);
            }
            _ => {}
        }
    }

    fn received(&mut self, event_id: &str, bus_arn: String, event_detail: Option<&str>, at: i64) {
        let Some(event) = event_detail.and_then(|text| serde_json::from_str::<Value>(text).ok()) else { return };
        let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        let detail_type = text("detail-type");
        if !self.events.contains_key(event_id) {
            self.remember(event_id);
        }
        let seen = self.events.entry(event_id.to_owned()).or_default();
        if seen.hops.iter().any(|hop| hop.bus_arn == bus_arn) {
            // A replay of it: its type was counted already.
            return;
        }
        let first_hop = seen.hops.is_empty();
        let flow = self.flows.entry((bus_arn.clone(), detail_type.clone())).or_insert_with(|| EventTypeFlow {
            bus_arn: bus_arn.clone(),
            detail_type: detail_type.clone(),
            ..EventTypeFlow::default()
        });
        flow.count += 1;
        flow.sources.insert(text("source"));
        seen.hops.push(Hop { bus_arn, detail_type, received_ms: at, matched: false, unmatched: false });
        // An event routed on from another bus was produced by that bus's rule.
        if first_hop {
            seen.causation_id = event
                .pointer("/detail/metadata/causationId")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(ToOwned::to_owned);
            seen.workflow = event
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .find(|arn| arn.contains(":stateMachine:"))
                .map(ToOwned::to_owned);
            // An event routed on keeps its id, and may name itself.
            if seen.causation_id.as_deref() == Some(event_id) {
                seen.causation_id = None;
            }
            if seen.causation_id.is_some() || seen.workflow.is_some() {
                self.pending.push_back(event_id.to_owned());
            }
        }
    }

    fn remember(&mut self, event_id: &str) {
        self.order.push_back(event_id.to_owned());
        while self.order.len() > REMEMBERED_EVENTS {
            if let Some(old) = self.order.pop_front() {
                self.events.remove(&old);
            }
        }
        // Pending effects are events too: once forgotten they are dropped on resolving.
    }

    fn matched(&mut self, event_id: &str, bus_arn: &str, matched: bool) {
        let Some(hop) =
            self.events.get_mut(event_id).and_then(|seen| seen.hops.iter_mut().rev().find(|h| h.bus_arn == bus_arn))
        else {
            return;
        };
        let Some(flow) = self.flows.get_mut(&(hop.bus_arn.clone(), hop.detail_type.clone())) else { return };
        if matched && !hop.matched {
            hop.matched = true;
            flow.matched += 1;
        } else if !matched && !hop.unmatched {
            hop.unmatched = true;
            flow.unmatched += 1;
        }
    }

    fn attempt_step(&mut self, event_id: &str, invocation_id: &str, target: Option<String>, step: &str, at: i64) {
        let Some(seen) = self.events.get_mut(event_id) else { return };
        let index = match seen.invocations.iter().position(|i| i.id == invocation_id) {
            Some(index) => index,
            None => {
                let Some(target_arn) = target else { return };
                seen.invocations.push(Invocation { id: invocation_id.to_owned(), target_arn, attempts: Vec::new() });
                seen.invocations.len() - 1
            }
        };
        let invocation = &mut seen.invocations[index];
        match step {
            "INVOCATION_ATTEMPT_START" => invocation.attempts.push((at, None)),
            "INVOCATION_ATTEMPT_SUCCESS"
            | "INVOCATION_ATTEMPT_RETRYABLE_FAILURE"
            | "INVOCATION_ATTEMPT_PERMANENT_FAILURE"
            | "INVOCATION_ATTEMPT_THROTTLE" => {
                if let Some(attempt) = invocation.attempts.iter_mut().rev().find(|(_, end)| end.is_none()) {
                    attempt.1 = Some(at);
                }
            }
            _ => {}
        }
    }

    /// Decides the producers of pending events as far as the records allow.
    fn resolve(&mut self, now_ms: i64) {
        let mut waiting = VecDeque::new();
        while let Some(event_id) = self.pending.pop_front() {
            match self.decide(&event_id, now_ms) {
                Decision::Wait => waiting.push_back(event_id),
                Decision::Forgotten => {}
                Decision::Producers(producers) => {
                    let Some(hop) = self.events.get(&event_id).and_then(|seen| seen.hops.first()) else { continue };
                    if !producers.is_empty()
                        && let Some(flow) = self.flows.get_mut(&(hop.bus_arn.clone(), hop.detail_type.clone()))
                    {
                        flow.attributed += 1;
                        for producer in producers {
                            *flow.candidates.entry(producer).or_default() += 1;
                        }
                    }
                }
            }
        }
        self.pending = waiting;
    }

    fn decide(&self, event_id: &str, now_ms: i64) -> Decision {
        let Some(effect) = self.events.get(event_id) else { return Decision::Forgotten };
        let Some(received) = effect.hops.first().map(|hop| hop.received_ms) else { return Decision::Forgotten };
        if let Some(workflow) = &effect.workflow {
            return Decision::Producers(vec![workflow.clone()]);
        }
        // A cause outside the logs read (a request, an event forgotten or
        // from before the tail began): a cause is logged before its effect.
        let Some(cause) = effect.causation_id.as_deref().and_then(|id| self.events.get(id)) else {
            return Decision::Producers(Vec::new());
        };
        let deliveries: Vec<&Invocation> =
            cause.invocations.iter().filter(|i| TargetKind::from_arn(&i.target_arn) != TargetKind::EventBus).collect();
        let settled = now_ms >= received + SETTLE_MS;
        let still_running = |i: &&Invocation| i.attempts.iter().any(|(_, end)| end.is_none());
        if !settled && (deliveries.is_empty() || deliveries.iter().any(still_running)) {
            return Decision::Wait;
        }
        let is_workflow = |i: &&&Invocation| TargetKind::from_arn(&i.target_arn) == TargetKind::StateMachine;
        let under_way = |i: &&&Invocation| {
            i.attempts.iter().any(|(start, end)| *start <= received && end.is_none_or(|end| received <= end))
        };
        let arns = |chosen: Vec<&&Invocation>| -> Vec<String> {
            let arns: BTreeSet<String> = chosen.into_iter().map(|i| i.target_arn.clone()).collect();
            arns.into_iter().collect()
        };
        // Functions under way, and workflows (which run on after
        // StartExecution returned): the intersection over a type's events
        // sorts out which of them emit it.
        let mut producers = arns(deliveries.iter().filter(|i| is_workflow(i) || under_way(i)).collect());
        if producers.is_empty() {
            let targets = arns(deliveries.iter().collect());
            if targets.len() == 1 {
                producers = targets;
            }
        }
        Decision::Producers(producers)
    }
}

enum Decision {
    /// Not yet: a delivery of the cause is under way, or not logged yet.
    Wait,
    /// The event was forgotten before it could be decided.
    Forgotten,
    /// Decided (possibly none).
    Producers(Vec<String>),
}
