//! Stories: the events a search finds in the bus logs, how they caused one
//! another (`detail.metadata.causationId`), what each bus did with them, and
//! the workflow executions they started or resumed.
//!
//! Everything comes from the `EVENT_INGEST_SUCCESS` records of the buses'
//! logs (which carry the event with `IncludeDetail: FULL`), the other
//! bus-log records of the events found, and Step Functions' ListExecutions,
//! DescribeExecution and GetExecutionHistory.

use std::collections::{HashMap, HashSet};

use aws_sdk_sfn::primitives::DateTime;
use choreoscope_model::{BusEvent, EventStory, StoryEvent, StoryExecution, StoryQuery};
use serde_json::Value;

use crate::bus_log::{INGEST_STEP, event_from_record};
use crate::error::{ObserveError, Result};
use crate::tasks::{ExecutionRef, waiting_in_execution};
use crate::{Observer, events, trace};

pub mod resumptions;

/// The most events one story holds.
pub const MAX_EVENTS: usize = 200;
/// How many event ids one FilterLogEvents pattern names.
const IDS_PER_FILTER: usize = 20;
/// How long after an event an execution it started may begin.
const START_WINDOW_MS: i64 = 60_000;

/// An event found, with the fields of its envelope.
struct Found {
    event: BusEvent,
    raw: Value,
}

impl Found {
    fn metadata(&self, field: &str) -> Option<String> {
        self.event.detail.get("metadata")?.get(field)?.as_str().map(str::to_owned)
    }
}

/// Runs `query` against the buses' logs.
pub async fn find(observer: &Observer, query: StoryQuery) -> Result<EventStory> {
    let buses = observer.bus_names().await?;
    let mut found: Vec<Found> = Vec::new();
    let mut truncated = false;
    match &query {
        StoryQuery::EventId(id) => {
            check_id(id)?;
            let pattern = format!("{{ $.event_id = \"{id}\" && $.message_type = \"{INGEST_STEP}\" }}");
            // The filter should find only this event; an endpoint that ignores JSON filters returns more.
            found.extend(ingested(observer, &buses, &pattern).await?.into_iter().filter(|found| found.event.id == *id));
            if found.is_empty() {
                return Err(ObserveError::Invalid(format!(
                    "no bus logged event {id}: is logging on for its bus, at INFO with full detail?"
                )));
            }
            // The events it caused, generation by generation.
            let mut frontier = vec![id.clone()];
            while let Some(cause) = frontier.pop() {
                let pattern = text_pattern(&cause)?;
                for effect in ingested(observer, &buses, &pattern).await? {
                    if effect.metadata("causationId").as_deref() != Some(cause.as_str()) {
                        continue;
                    }
                    if found.len() >= MAX_EVENTS {
                        truncated = true;
                        break;
                    }
                    if !found.iter().any(|known| known.event.id == effect.event.id) {
                        frontier.push(effect.event.id.clone());
                        found.push(effect);
                    }
                }
            }
        }
        StoryQuery::CorrelationId(correlation) => {
            let all = ingested(observer, &buses, &text_pattern(correlation)?).await?;
            found.extend(all.into_iter().filter(|event| event.metadata("correlationId").as_ref() == Some(correlation)));
        }
        StoryQuery::Text(text) => found.extend(ingested(observer, &buses, &text_pattern(text)?).await?),
    }
    found.sort_by(|a, b| (a.event.received_at_ms, &a.event.id).cmp(&(b.event.received_at_ms, &b.event.id)));
    if found.len() > MAX_EVENTS {
        found.truncate(MAX_EVENTS);
        truncated = true;
    }
    let traces = traces(observer, &buses, &found).await?;
    let ids: HashSet<&str> = found.iter().map(|found| found.event.id.as_str()).collect();
    let events: Vec<StoryEvent> = found
        .iter()
        .map(|found| {
            let causation_id = found.metadata("causationId");
            StoryEvent {
                correlation_id: found.metadata("correlationId"),
                caused_by: causation_id.clone().filter(|cause| ids.contains(cause.as_str())),
                causation_id,
                status: found.metadata("status"),
                replay_name: found.raw.get("replay-name").and_then(Value::as_str).map(str::to_owned),
                trace: traces.get(&found.event.id).cloned().unwrap_or_else(|| trace::assemble(&found.event.id, [])),
                event: found.event.clone(),
            }
        })
        .collect();
    let executions = executions(observer, &events).await?;
    Ok(EventStory { query, events, executions, truncated })
}

/// The events of the `EVENT_INGEST_SUCCESS` records `pattern` finds on
/// every bus, each once (an event routed to another bus keeps its id; the
/// first bus's record is kept).
async fn ingested(observer: &Observer, buses: &[String], pattern: &str) -> Result<Vec<Found>> {
    let mut found: HashMap<String, Found> = HashMap::new();
    for bus in buses {
        for (timestamp, message) in events::bus_log_records(observer.logs(), bus, pattern, 0).await? {
            let Some(event) = event_from_record(&message, timestamp) else { continue };
            let raw = serde_json::from_str::<Value>(&message)
                .ok()
                .and_then(|record| serde_json::from_str(record["details"]["event_detail"].as_str()?).ok())
                .unwrap_or(Value::Null);
            match found.get(&event.id) {
                Some(known) if known.event.received_at_ms <= event.received_at_ms => {}
                _ => {
                    found.insert(event.id.clone(), Found { event, raw });
                }
            }
        }
    }
    Ok(found.into_values().collect())
}

/// Every bus-log record of the events found, assembled into their traces.
async fn traces(
    observer: &Observer,
    buses: &[String],
    found: &[Found],
) -> Result<HashMap<String, choreoscope_model::EventTrace>> {
    let mut messages = Vec::new();
    for chunk in found.chunks(IDS_PER_FILTER) {
        let terms: Vec<String> = chunk.iter().map(|found| format!("$.event_id = \"{}\"", found.event.id)).collect();
        let pattern = format!("{{ {} }}", terms.join(" || "));
        for bus in buses {
            messages.extend(events::bus_log_records(observer.logs(), bus, &pattern, 0).await?);
        }
    }
    Ok(found
        .iter()
        .map(|found| {
            let id = found.event.id.clone();
            let trace = trace::assemble(&id, messages.iter().map(|(_, message)| message.as_str()));
            (id, trace)
        })
        .collect())
}

/// The executions started by the events' state machine targets: those of
/// the machine that began within a minute of the event and whose input
/// carries the event's id (EventBridge passes the event, or a transformer
/// that names it).
async fn executions(observer: &Observer, events: &[StoryEvent]) -> Result<Vec<StoryExecution>> {
    let client = observer.stepfunctions();
    let mut started: Vec<StoryExecution> = Vec::new();
    let mut listed: HashMap<String, Vec<aws_sdk_sfn::types::ExecutionListItem>> = HashMap::new();
    for story_event in events {
        let machines: HashSet<&str> = story_event
            .trace
            .hops
            .iter()
            .flat_map(|hop| &hop.invocations)
            .map(|invocation| invocation.target_arn.as_str())
            .filter(|arn| arn.contains(":stateMachine:"))
            .collect();
        let at = story_event.event.received_at_ms;
        for machine in machines {
            if !listed.contains_key(machine) {
                let page = client
                    .list_executions()
                    .state_machine_arn(machine)
                    .max_results(100)
                    .send()
                    .await
                    .map_err(|e| ObserveError::from_sdk("ListExecutions", e))?;
                listed.insert(machine.to_owned(), page.executions().to_vec());
            }
            let candidates = listed.get(machine).into_iter().flatten().filter(|execution| {
                let start = millis(execution.start_date());
                start >= at - 2_000 && start <= at + START_WINDOW_MS
            });
            for execution in candidates {
                if started.iter().any(|known| known.execution_arn == execution.execution_arn()) {
                    continue;
                }
                let described = client
                    .describe_execution()
                    .execution_arn(execution.execution_arn())
                    .send()
                    .await
                    .map_err(|e| ObserveError::from_sdk("DescribeExecution", e))?;
                if !described.input().unwrap_or_default().contains(&story_event.event.id) {
                    continue;
                }
                let status = described.status().as_str().to_owned();
                let reference = ExecutionRef {
                    state_machine_arn: machine.to_owned(),
                    execution_arn: execution.execution_arn().to_owned(),
                    name: execution.name().to_owned(),
                };
                let waiting =
                    if status == "RUNNING" { waiting_in_execution(client, &reference).await? } else { Vec::new() };
                let history = resumptions::history(client, &reference.execution_arn).await?;
                let resumptions = resumptions::resumptions_in(&history, events);
                started.push(StoryExecution {
                    execution_arn: reference.execution_arn,
                    state_machine_arn: reference.state_machine_arn,
                    name: reference.name,
                    status,
                    started_ms: millis(execution.start_date()),
                    stopped_ms: execution.stop_date().map(millis),
                    started_by: story_event.event.id.clone(),
                    waiting,
                    resumptions,
                });
            }
        }
    }
    Ok(started)
}

fn millis(time: &DateTime) -> i64 {
    time.to_millis().unwrap_or_default()
}

/// Event ids are UUIDs (or the local system's); anything else could break out of a filter pattern.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ObserveError::Invalid(format!("{id:?} is not an event id")));
    }
    Ok(())
}

/// A text filter for ingest records containing `value`.
fn text_pattern(value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ObserveError::Invalid("type something to search for".into()));
    }
    if value.len() > 256 || value.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(ObserveError::Invalid(
            "search for a value without quotes or backslashes, of 256 characters at most".into(),
        ));
    }
    Ok(format!("\"{INGEST_STEP}\" \"{value}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_values_that_could_break_the_filter_are_refused_in_words() {
        assert_eq!(text_pattern(" o-42 ").expect("ok"), "\"EVENT_INGEST_SUCCESS\" \"o-42\"");
        assert!(text_pattern("").is_err());
        let error = text_pattern("a\" || x").expect_err("quote").to_string();
        assert!(error.contains("without quotes"), "{error}");
        assert!(check_id("0b7e-42").is_ok());
        assert!(check_id("x\" || $.a = \"").is_err());
    }
}
