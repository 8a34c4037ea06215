//! The events that resumed an execution: which `.waitForTaskToken` tasks of
//! a story's executions stopped waiting, and which event of the story
//! answered each.
//!
//! An answer (SendTaskSuccess, SendTaskFailure) leaves `TaskSucceeded` or
//! `TaskFailed` in the execution's history, but not who sent it. The event
//! is found, first, by its id in the answer's output, error or cause (the
//! demo's callback handler puts it there, as many handlers do); failing that,
//! by timing: the story event whose delivery to a target was under way when
//! the answer came, since the target that got it is what answered.

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::HistoryEvent;
use choreoscope_model::{ResumedBy, Resumption, StoryEvent};

use crate::error::Result;

/// The resource suffix of callback tasks.
const WAIT_FOR_TOKEN: &str = ".waitForTaskToken";
/// How far a delivery's end may lie from the answer it led to: the answer is
/// sent while the target runs, and clocks of the log and the history differ a little.
const TIMING_SLACK_MS: i64 = 1_000;

/// One history event, reduced to what telling resumptions needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// `id`.
    pub id: i64,
    /// `previousEventId`.
    pub previous_id: i64,
    /// `type`, e.g. `TaskSucceeded`.
    pub kind: String,
    /// `timestamp`, milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The state's name, for `…StateEntered` events.
    pub state_name: Option<String>,
    /// The resource, for `TaskScheduled` events.
    pub resource: Option<String>,
    /// The error, for failures and timeouts.
    pub error: Option<String>,
    /// The output of a success, or the cause of a failure or timeout.
    pub text: Option<String>,
}

impl Entry {
    /// The parts of an SDK history event that tell resumptions.
    pub fn from_sdk(event: &HistoryEvent) -> Self {
        let kind = event.r#type().as_str().to_owned();
        let mut entry = Self {
            id: event.id(),
            previous_id: event.previous_event_id(),
            timestamp_ms: event.timestamp().to_millis().unwrap_or_default(),
            state_name: event.state_entered_event_details().map(|d| d.name().to_owned()),
            resource: event.task_scheduled_event_details().map(|d| d.resource().to_owned()),
            ..Self::default()
        };
        if let Some(d) = event.task_succeeded_event_details() {
            entry.text = d.output().map(str::to_owned);
        } else if let Some(d) = event.task_failed_event_details() {
            entry.error = d.error().map(str::to_owned);
            entry.text = d.cause().map(str::to_owned);
        } else if let Some(d) = event.task_timed_out_event_details() {
            entry.error = d.error().map(str::to_owned);
            entry.text = d.cause().map(str::to_owned);
        }
        entry.kind = kind;
        entry
    }
}

/// The callback tasks of one history that stopped waiting, oldest first,
/// each with the event of `events` that answered it when one can be told.
pub fn resumptions_in(history: &[Entry], events: &[StoryEvent]) -> Vec<Resumption> {
    use std::collections::HashMap;
    // Each event's task (the TaskScheduled it follows), and each state's name.
    let mut task_of: HashMap<i64, i64> = HashMap::new();
    let mut state_of: HashMap<i64, String> = HashMap::new();
    let mut resumptions = Vec::new();
    for entry in history {
        if let Some(name) = &entry.state_name {
            state_of.insert(entry.id, name.clone());
            continue;
        }
        match entry.kind.as_str() {
            "TaskScheduled" if entry.resource.as_deref().is_some_and(|r| r.ends_with(WAIT_FOR_TOKEN)) => {
                task_of.insert(entry.id, entry.id);
                if let Some(name) = state_of.get(&entry.previous_id).cloned() {
                    state_of.insert(entry.id, name);
                }
            }
            "TaskStarted" | "TaskSubmitted" => {
                if let Some(&task) = task_of.get(&entry.previous_id) {
                    task_of.insert(entry.id, task);
                }
            }
            "TaskSucceeded" | "TaskFailed" | "TaskTimedOut" => {
                let Some(&task) = task_of.get(&entry.previous_id) else { continue };
                let Some(scheduled) = history.iter().find(|e| e.id == task) else { continue };
                let (answered_by, resumed_by) = answering_event(entry, scheduled.timestamp_ms, events);
                resumptions.push(Resumption {
                    state_name: state_of.get(&task).cloned().unwrap_or_default(),
                    outcome: entry.kind.clone(),
                    scheduled_ms: scheduled.timestamp_ms,
                    answered_ms: entry.timestamp_ms,
                    error: entry.error.clone(),
                    answered_by,
                    resumed_by,
                });
            }
            _ => {}
        }
    }
    resumptions
}

/// The event that sent the answer `closing`, and how it was told.
fn answering_event(closing: &Entry, scheduled_ms: i64, events: &[StoryEvent]) -> (Option<String>, Option<ResumedBy>) {
    // A timeout is Step Functions' own doing.
    if closing.kind == "TaskTimedOut" {
        return (None, None);
    }
    let said = [closing.text.as_deref(), closing.error.as_deref()];
    if let Some(event) =
        events.iter().find(|e| said.iter().flatten().any(|text| !e.event.id.is_empty() && text.contains(&e.event.id)))
    {
        return (Some(event.event.id.clone()), Some(ResumedBy::EventId));
    }
    let at = closing.timestamp_ms;
    let mut best: Option<(i64, &str)> = None;
    for event in events.iter().filter(|e| e.event.received_at_ms >= scheduled_ms - TIMING_SLACK_MS) {
        let deliveries = event.trace.hops.iter().flat_map(|hop| &hop.invocations);
        for invocation in deliveries.filter(|i| !i.target_arn.contains(":stateMachine:")) {
            for attempt in &invocation.attempts {
                let end = attempt.ended_ms.unwrap_or(attempt.started_ms);
                if attempt.started_ms - TIMING_SLACK_MS <= at && at <= end + TIMING_SLACK_MS {
                    let distance = (end - at).abs();
                    if best.is_none_or(|(d, _)| distance < d) {
                        best = Some((distance, event.event.id.as_str()));
                    }
                }
            }
        }
    }
    match best {
        Some((_, id)) => (Some(id.to_owned()), Some(ResumedBy::Timing)),
        None => (None, None),
    }
}

/// Every event of an execution's history.
pub async fn history(client: &Client, execution_arn: &str) -> Result<Vec<Entry>> {
    crate::history::execution_history(client, execution_arn, Entry::from_sdk).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use choreoscope_model::{
        AttemptResult, AttemptTrace, BusEvent, EventTrace, InvocationOutcome, InvocationTrace, TraceHop,
    };
    use serde_json::json;

    fn entry(id: i64, previous_id: i64, kind: &str, at: i64) -> Entry {
        Entry { id, previous_id, kind: kind.into(), timestamp_ms: at, ..Entry::default() }
    }

    fn waiting_history() -> Vec<Entry> {
        vec![
            entry(1, 0, "ExecutionStarted", 1_000),
            Entry { state_name: Some("AskRestaurant".into()), ..entry(2, 1, "TaskStateEntered", 1_010) },
            Entry { resource: Some("putEvents.waitForTaskToken".into()), ..entry(3, 2, "TaskScheduled", 1_020) },
            entry(4, 3, "TaskStarted", 1_030),
            entry(5, 4, "TaskSubmitted", 1_040),
        ]
    }

    /// An event delivered to a function between `start` and `end`.
    fn delivered(id: &str, received: i64, start: i64, end: i64) -> StoryEvent {
        let invocation = InvocationTrace {
            invocation_id: format!("i-{id}"),
            rule_arn: "arn:aws:events:us-east-1:000000000000:rule/b/r".into(),
            target_arn: "arn:aws:lambda:us-east-1:000000000000:function:handler".into(),
            target_type: "Lambda".into(),
            started_ms: Some(start),
            finished_ms: Some(end),
            attempts: vec![AttemptTrace {
                number: 1,
                started_ms: start,
                ended_ms: Some(end),
                result: AttemptResult::Succeeded,
                error: None,
            }],
            outcome: InvocationOutcome::Succeeded,
            dead_letter_arn: None,
            throttled: false,
            error: None,
        };
        let hop = TraceHop {
            bus_name: "b".into(),
            received_ms: Some(received),
            source: None,
            detail_type: None,
            matched_rules: vec!["r".into()],
            no_rule_matched: false,
            invocations: vec![invocation],
            replay_name: None,
        };
        StoryEvent {
            event: BusEvent {
                id: id.into(),
                bus_name: "b".into(),
                source: "s".into(),
                detail_type: "RestaurantConfirmed".into(),
                time: String::new(),
                received_at_ms: received,
                detail: json!({}),
                resources: vec![],
                replay_name: None,
            },
            correlation_id: None,
            causation_id: None,
            caused_by: None,
            status: None,
            replay_name: None,
            trace: EventTrace { event_id: id.into(), hops: vec![hop], complete: true },
        }
    }

    #[test]
    fn a_success_naming_the_event_is_resumed_by_that_event() {
        let mut history = waiting_history();
        history.push(Entry {
            text: Some(r#"{"eventId":"e-2","answeredBy":"restaurant"}"#.into()),
            ..entry(6, 5, "TaskSucceeded", 5_000)
        });
        let events = [delivered("e-1", 1_100, 1_200, 1_300), delivered("e-2", 4_000, 4_100, 4_900)];
        let found = resumptions_in(&history, &events);
        assert_eq!(found.len(), 1);
        let r = &found[0];
        assert_eq!((r.state_name.as_str(), r.outcome.as_str()), ("AskRestaurant", "TaskSucceeded"));
        assert_eq!((r.scheduled_ms, r.answered_ms), (1_020, 5_000));
        assert_eq!((r.answered_by.as_deref(), r.resumed_by), (Some("e-2"), Some(ResumedBy::EventId)));
    }

    #[test]
    fn a_failure_is_told_by_the_delivery_under_way_when_it_came() {
        let mut history = waiting_history();
        history.push(Entry {
            error: Some("RestaurantRejected".into()),
            text: Some("too many items".into()),
            ..entry(6, 5, "TaskFailed", 4_500)
        });
        // e-1 was delivered long before; e-2's delivery was running at 4,500.
        let events = [delivered("e-1", 1_100, 1_200, 1_300), delivered("e-2", 4_000, 4_100, 4_520)];
        let found = resumptions_in(&history, &events);
        assert_eq!(found[0].error.as_deref(), Some("RestaurantRejected"));
        assert_eq!((found[0].answered_by.as_deref(), found[0].resumed_by), (Some("e-2"), Some(ResumedBy::Timing)));
    }

    #[test]
    fn timeouts_and_tasks_still_waiting_name_no_event() {
        let mut history = waiting_history();
        assert!(resumptions_in(&history, &[]).is_empty(), "still waiting");
        history.push(Entry { error: Some("States.Timeout".into()), ..entry(6, 5, "TaskTimedOut", 9_000) });
        let events = [delivered("e-2", 8_000, 8_500, 9_000)];
        let found = resumptions_in(&history, &events);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].outcome.as_str(), found[0].answered_by.as_ref()), ("TaskTimedOut", None));
    }

    #[test]
    fn plain_tasks_are_not_resumptions() {
        let history = vec![
            Entry { state_name: Some("Charge".into()), ..entry(2, 1, "TaskStateEntered", 10) },
            Entry { resource: Some("invoke".into()), ..entry(3, 2, "TaskScheduled", 20) },
            entry(4, 3, "TaskStarted", 30),
            entry(5, 4, "TaskSucceeded", 40),
        ];
        assert!(resumptions_in(&history, &[]).is_empty());
    }
}
