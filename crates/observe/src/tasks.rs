//! Task tokens: the `.waitForTaskToken` tasks waiting in running executions,
//! read from their histories, so an operator can answer them ([`answers`])
//! and see where their executions are ([`execution`]).
//!
//! [`waiting_tasks`] reads every state machine's RUNNING executions and
//! their histories through the SDK; [`waiting_in_history`] is the pure part:
//!
//! - a task is waiting when its `TaskScheduled` event (with a
//!   `….waitForTaskToken` resource) has nothing after it in its branch but
//!   `TaskStarted` and `TaskSubmitted`: events are linked by
//!   `previousEventId`, so an answer, failure, timeout or abort
//!   (`TaskSucceeded`, `TaskFailed`, `TaskTimedOut`, `TaskStateAborted`…)
//!   closes the task it follows, and the tasks of Parallel branches and Map
//!   iterations are told apart; SendTaskHeartbeat adds no event;
//! - its state is the nearest `…StateEntered` before it in its branch;
//! - its token is not in the history as such: Step Functions puts it
//!   wherever the definition placed `$$.Task.Token` in the task's
//!   `Parameters` (or `{% $states.context.Task.Token %}` in `Arguments`),
//!   and the `TaskScheduled` event records those parameters rendered. So the
//!   token is, first, the string found in the rendered parameters at the
//!   place the state machine's definition put `$$.Task.Token` (the
//!   definition is the state machine's current one: after an
//!   UpdateStateMachine that moved it, this finds nothing); failing that,
//!   the first string under a key ending in `token` (any case: `TaskToken`,
//!   `taskToken`, `token`…), searching the parameters depth first and inside
//!   string values that are JSON themselves (a `MessageBody` written as
//!   text). A definition that hides the token in a longer string (with
//!   `States.Format`) leaves it unknown: `task_token` is `None`.

pub mod answers;
pub mod execution;

use std::collections::{HashMap, HashSet};

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEvent, StateMachineType};
use choreoscope_model::WaitingTask;
use serde_json::Value;

use crate::error::{ObserveError, Result};

/// The resource suffix of callback tasks.
const WAIT_FOR_TOKEN: &str = ".waitForTaskToken";
/// What the definition writes for the token, in JSONPath and in JSONata.
const TOKEN_PATH: &str = "$$.Task.Token";
const TOKEN_JSONATA: &str = "$states.context.Task.Token";

/// One history event, reduced to what finding waiting tasks needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryEntry {
    /// `id`.
    pub id: i64,
    /// `previousEventId`: the event before it in its branch.
    pub previous_id: i64,
    /// `type`, e.g. `TaskScheduled`.
    pub kind: String,
    /// `timestamp`, milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The state's name, for `…StateEntered` events.
    pub state_name: Option<String>,
    /// The details of a `TaskScheduled` event.
    pub scheduled: Option<Scheduled>,
}

/// `taskScheduledEventDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scheduled {
    /// `resourceType`, e.g. `sqs`.
    pub resource_type: String,
    /// `resource`, e.g. `sendMessage.waitForTaskToken`.
    pub resource: String,
    /// `parameters`: the rendered parameters, JSON text.
    pub parameters: String,
    /// `heartbeatInSeconds`.
    pub heartbeat_seconds: Option<i64>,
    /// `timeoutInSeconds`.
    pub timeout_seconds: Option<i64>,
}

impl HistoryEntry {
    /// The parts of an SDK history event that tell waiting tasks.
    pub fn from_sdk(event: &HistoryEvent) -> Self {
        Self {
            id: event.id(),
            previous_id: event.previous_event_id(),
            kind: event.r#type().as_str().to_owned(),
            timestamp_ms: event.timestamp().to_millis().unwrap_or_default(),
            state_name: event.state_entered_event_details().map(|details| details.name().to_owned()),
            scheduled: event.task_scheduled_event_details().map(|details| Scheduled {
                resource_type: details.resource_type().to_owned(),
                resource: details.resource().to_owned(),
                parameters: details.parameters().to_owned(),
                heartbeat_seconds: details.heartbeat_in_seconds(),
                timeout_seconds: details.timeout_in_seconds(),
            }),
        }
    }
}

/// Which execution a history belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRef {
    /// The state machine it runs.
    pub state_machine_arn: String,
    /// The execution.
    pub execution_arn: String,
    /// Its name.
    pub name: String,
}

/// The `.waitForTaskToken` tasks still waiting in one execution's history
/// (every event of it, in any order), oldest first. `definition` is the
/// state machine's definition, if known, to find the tokens by where it put
/// them (see the module's notes).
pub fn waiting_in_history(
    execution: &ExecutionRef,
    history: &[HistoryEntry],
    definition: Option<&Value>,
) -> Vec<WaitingTask> {
    let by_id: HashMap<i64, &HistoryEntry> = history.iter().map(|event| (event.id, event)).collect();
    let closed = closed_tasks(history, &by_id);
    // A task's TaskStarted follows its TaskScheduled in its branch.
    let started: HashMap<i64, i64> = history
        .iter()
        .filter(|event| event.kind == "TaskStarted")
        .map(|event| (event.previous_id, event.timestamp_ms))
        .collect();
    let mut waiting: Vec<&HistoryEntry> = history
        .iter()
        .filter(|event| event.kind == "TaskScheduled" && !closed.contains(&event.id))
        .filter(|event| event.scheduled.as_ref().is_some_and(|s| s.resource.ends_with(WAIT_FOR_TOKEN)))
        .collect();
    waiting.sort_by_key(|event| event.id);
    waiting
        .into_iter()
        .filter_map(|event| {
            let scheduled = event.scheduled.as_ref()?;
            let state_name = state_of(event, &by_id).unwrap_or_default();
            let parameters: Value = serde_json::from_str(&scheduled.parameters).unwrap_or(Value::Null);
            let task_token = definition
                .and_then(|definition| token_places(definition, &state_name))
                .and_then(|places| places.iter().find_map(|place| string_at(&parameters, place)))
                .or_else(|| token_by_key(&parameters));
            let started_ms = started.get(&event.id).copied();
            // Both clocks start with the task; before it has, they run from its scheduling.
            let deadline = |seconds: Option<i64>| {
                seconds.map(|seconds| {
                    started_ms.unwrap_or(event.timestamp_ms).saturating_add(seconds.saturating_mul(1000))
                })
            };
            Some(WaitingTask {
                state_machine_arn: execution.state_machine_arn.clone(),
                execution_arn: execution.execution_arn.clone(),
                execution_name: execution.name.clone(),
                state_name,
                resource: resource_arn(&execution.execution_arn, scheduled),
                scheduled_ms: event.timestamp_ms,
                heartbeat_seconds: scheduled.heartbeat_seconds,
                timeout_seconds: scheduled.timeout_seconds,
                started_ms,
                heartbeat_deadline_ms: deadline(scheduled.heartbeat_seconds),
                timeout_deadline_ms: deadline(scheduled.timeout_seconds),
                task_token,
                parameters,
            })
        })
        .collect()
}

/// The `TaskScheduled` events something other than `TaskStarted` or
/// `TaskSubmitted` followed in their branch.
fn closed_tasks(history: &[HistoryEntry], by_id: &HashMap<i64, &HistoryEntry>) -> HashSet<i64> {
    let mut closed = HashSet::new();
    for event in history {
        if matches!(event.kind.as_str(), "TaskScheduled" | "TaskStarted" | "TaskSubmitted") {
            continue;
        }
        let mut previous = by_id.get(&event.previous_id);
        // Bounded by the history's length, whatever loops a broken history holds.
        for _ in 0..history.len() {
            match previous {
                Some(before) if matches!(before.kind.as_str(), "TaskStarted" | "TaskSubmitted") => {
                    previous = by_id.get(&before.previous_id);
                }
                Some(before) if before.kind == "TaskScheduled" => {
                    closed.insert(before.id);
                    break;
                }
                _ => break,
            }
        }
    }
    closed
}

/// The name of the state `event` belongs to: the nearest `…StateEntered`
/// before it in its branch.
fn state_of(event: &HistoryEntry, by_id: &HashMap<i64, &HistoryEntry>) -> Option<String> {
    let mut current = by_id.get(&event.previous_id);
    for _ in 0..by_id.len() {
        let before = current?;
        if let Some(name) = &before.state_name {
            return Some(name.clone());
        }
        current = by_id.get(&before.previous_id);
    }
    None
}

/// The task's resource ARN, in the execution's partition:
/// `arn:aws:states:::sqs:sendMessage.waitForTaskToken`.
fn resource_arn(execution_arn: &str, scheduled: &Scheduled) -> String {
    let partition = execution_arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws");
    format!("arn:{partition}:states:::{}:{}", scheduled.resource_type, scheduled.resource)
}

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Where the state `state_name` of `definition` puts the task token in its
/// parameters, as paths into the rendered parameters; `None` when the
/// state is not found.
fn token_places(definition: &Value, state_name: &str) -> Option<Vec<Vec<Step>>> {
    let state = find_state(definition, state_name)?;
    let template = state.get("Parameters").or_else(|| state.get("Arguments"))?;
    let mut places = Vec::new();
    collect_token_places(template, &mut Vec::new(), &mut places);
    Some(places)
}

/// The state called `name`, in the machine or any Parallel branch or Map
/// item processor (state names are unique across a machine).
fn find_state<'a>(machine: &'a Value, name: &str) -> Option<&'a Value> {
    let states = machine.get("States")?.as_object()?;
    if let Some(state) = states.get(name) {
        return Some(state);
    }
    states.values().find_map(|state| {
        let branches = state.get("Branches").and_then(Value::as_array).into_iter().flatten();
        let processors = ["ItemProcessor", "Iterator"].into_iter().filter_map(|key| state.get(key));
        branches.chain(processors).find_map(|inner| find_state(inner, name))
    })
}

fn collect_token_places(template: &Value, path: &mut Vec<Step>, places: &mut Vec<Vec<Step>>) {
    match template {
        Value::Object(map) => {
            for (key, value) in map {
                let is_token = |text: &str| text == TOKEN_PATH;
                match (key.strip_suffix(".$"), value) {
                    (Some(rendered), Value::String(text)) if is_token(text) => {
                        places.push([path.as_slice(), &[Step::Key(rendered.to_owned())]].concat());
                    }
                    (None, Value::String(text)) if is_jsonata_token(text) => {
                        places.push([path.as_slice(), &[Step::Key(key.clone())]].concat());
                    }
                    _ => {
                        path.push(Step::Key(key.clone()));
                        collect_token_places(value, path, places);
                        path.pop();
                    }
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if let Value::String(text) = item
                    && is_jsonata_token(text)
                {
                    places.push([path.as_slice(), &[Step::Index(index)]].concat());
                    continue;
                }
                path.push(Step::Index(index));
                collect_token_places(item, path, places);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `{% $states.context.Task.Token %}`, spaces aside.
fn is_jsonata_token(text: &str) -> bool {
    text.strip_prefix("{%").and_then(|rest| rest.strip_suffix("%}")).is_some_and(|inner| inner.trim() == TOKEN_JSONATA)
}

/// The string at `path` in `value`, looking into strings that hold JSON on the way.
fn string_at(value: &Value, path: &[Step]) -> Option<String> {
    let Some((step, rest)) = path.split_first() else {
        return value.as_str().filter(|text| !text.is_empty()).map(str::to_owned);
    };
    let next = match (value, step) {
        (Value::String(text), _) => return string_at(&serde_json::from_str(text).ok()?, path),
        (Value::Object(map), Step::Key(key)) => map.get(key)?,
        (Value::Array(items), Step::Index(index)) => items.get(*index)?,
        _ => return None,
    };
    string_at(next, rest)
}

/// The first non-empty string under a key ending in `token` (any case),
/// depth first, looking into strings that hold JSON objects or arrays.
fn token_by_key(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, value)| match value {
            Value::String(text) if key.to_ascii_lowercase().ends_with("token") && !text.is_empty() => {
                Some(text.clone())
            }
            _ => token_by_key(value),
        }),
        Value::Array(items) => items.iter().find_map(token_by_key),
        Value::String(text) if text.trim_start().starts_with(['{', '[']) => {
            token_by_key(&serde_json::from_str(text).ok()?)
        }
        _ => None,
    }
}

/// Every `.waitForTaskToken` task waiting across the RUNNING executions of
/// every standard state machine, oldest first. A machine or execution
/// deleted while it is read is left out.
pub async fn waiting_tasks(client: &Client) -> Result<Vec<WaitingTask>> {
    let mut waiting = Vec::new();
    for (machine_arn, kind) in state_machines(client).await? {
        // Express workflows keep no history to read, and ListExecutions refuses them.
        if kind == StateMachineType::Express {
            continue;
        }
        let executions = match skip_gone(running_executions(client, &machine_arn).await)? {
            Some(executions) => executions,
            None => continue,
        };
        let mut definition: Option<Option<Value>> = None;
        for execution in executions {
            let Some(history) = skip_gone(history(client, &execution.execution_arn).await)? else { continue };
            let may_wait = history.iter().any(|event| {
                event.scheduled.as_ref().is_some_and(|scheduled| scheduled.resource.ends_with(WAIT_FOR_TOKEN))
            });
            if !may_wait {
                continue;
            }
            // Read once per machine, and only for one that has callback tasks.
            if definition.is_none() {
                definition = Some(skip_gone(current_definition(client, &machine_arn).await)?.flatten());
            }
            waiting.extend(waiting_in_history(&execution, &history, definition.as_ref().and_then(Option::as_ref)));
        }
    }
    waiting.sort_by(|a, b| (a.scheduled_ms, &a.execution_arn).cmp(&(b.scheduled_ms, &b.execution_arn)));
    Ok(waiting)
}

/// The `.waitForTaskToken` tasks waiting in one execution, oldest first.
pub async fn waiting_in_execution(client: &Client, execution: &ExecutionRef) -> Result<Vec<WaitingTask>> {
    let history = history(client, &execution.execution_arn).await?;
    let definition = current_definition(client, &execution.state_machine_arn).await?;
    Ok(waiting_in_history(execution, &history, definition.as_ref()))
}

/// `None` for the errors of something deleted meanwhile.
fn skip_gone<T>(result: Result<T>) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if matches!(error.code(), Some("StateMachineDoesNotExist" | "ExecutionDoesNotExist")) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Every state machine's ARN and type.
async fn state_machines(client: &Client) -> Result<Vec<(String, StateMachineType)>> {
    let listed = crate::inventory::state_machine_items(client).await?;
    Ok(listed.iter().map(|m| (m.state_machine_arn().to_owned(), m.r#type().clone())).collect())
}

/// The RUNNING executions of a state machine.
async fn running_executions(client: &Client, machine_arn: &str) -> Result<Vec<ExecutionRef>> {
    let mut executions = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_executions()
            .state_machine_arn(machine_arn)
            .status_filter(ExecutionStatus::Running)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListExecutions", e))?;
        executions.extend(page.executions().iter().map(|e| ExecutionRef {
            state_machine_arn: e.state_machine_arn().to_owned(),
            execution_arn: e.execution_arn().to_owned(),
            name: e.name().to_owned(),
        }));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(executions);
        }
    }
}

/// Every event of an execution's history.
async fn history(client: &Client, execution_arn: &str) -> Result<Vec<HistoryEntry>> {
    crate::history::execution_history(client, execution_arn, HistoryEntry::from_sdk).await
}

/// A state machine's current definition, parsed; `None` if it is not JSON.
async fn current_definition(client: &Client, machine_arn: &str) -> Result<Option<Value>> {
    let described = client
        .describe_state_machine()
        .state_machine_arn(machine_arn)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("DescribeStateMachine", e))?;
    Ok(serde_json::from_str(described.definition()).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:ask";
    const EXECUTION: &str = "arn:aws:states:us-east-1:123456789012:execution:ask:run-1";

    fn execution() -> ExecutionRef {
        ExecutionRef { state_machine_arn: MACHINE.into(), execution_arn: EXECUTION.into(), name: "run-1".into() }
    }

    fn event(id: i64, previous_id: i64, kind: &str) -> HistoryEntry {
        HistoryEntry { id, previous_id, kind: kind.into(), timestamp_ms: 1_000 * id, ..HistoryEntry::default() }
    }

    fn entered(id: i64, previous_id: i64, name: &str) -> HistoryEntry {
        HistoryEntry { state_name: Some(name.into()), ..event(id, previous_id, "TaskStateEntered") }
    }

    fn scheduled(id: i64, previous_id: i64, resource: &str, parameters: Value) -> HistoryEntry {
        let (resource_type, resource) = resource.split_once(':').expect("type:resource");
        HistoryEntry {
            scheduled: Some(Scheduled {
                resource_type: resource_type.into(),
                resource: resource.into(),
                parameters: parameters.to_string(),
                heartbeat_seconds: Some(60),
                timeout_seconds: None,
            }),
            ..event(id, previous_id, "TaskScheduled")
        }
    }

    /// The history AWS records for an SQS callback task, up to `last`.
    fn sqs_callback(last: i64) -> Vec<HistoryEntry> {
        let parameters = json!({"QueueUrl": "https://q", "MessageBody": {"Message": "hi", "TaskToken": "tok-1"}});
        let mut history = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 0, "Ask"),
            scheduled(3, 2, "sqs:sendMessage.waitForTaskToken", parameters),
            event(4, 3, "TaskStarted"),
            event(5, 4, "TaskSubmitted"),
            event(6, 5, "TaskSucceeded"),
            event(7, 6, "TaskStateExited"),
            event(8, 7, "ExecutionSucceeded"),
        ];
        history.truncate(last as usize);
        history
    }

    #[test]
    fn a_submitted_callback_task_waits_with_its_token() {
        let waiting = waiting_in_history(&execution(), &sqs_callback(5), None);
        assert_eq!(waiting.len(), 1);
        let task = &waiting[0];
        assert_eq!(
            (task.state_name.as_str(), task.resource.as_str()),
            ("Ask", "arn:aws:states:::sqs:sendMessage.waitForTaskToken")
        );
        assert_eq!((task.scheduled_ms, task.heartbeat_seconds, task.timeout_seconds), (3_000, Some(60), None));
        assert_eq!(task.task_token.as_deref(), Some("tok-1"));
        assert_eq!((task.execution_arn.as_str(), task.execution_name.as_str()), (EXECUTION, "run-1"));
        assert_eq!(task.parameters["QueueUrl"], "https://q");
        // The heartbeat clock runs from TaskStarted (4 s); there is no timeout.
        assert_eq!(
            (task.started_ms, task.heartbeat_deadline_ms, task.timeout_deadline_ms),
            (Some(4_000), Some(64_000), None)
        );
        // Scheduled but not yet started waits too: the token is out once the call is made.
        let unstarted = waiting_in_history(&execution(), &sqs_callback(3), None);
        assert_eq!(unstarted.len(), 1);
        assert_eq!((unstarted[0].started_ms, unstarted[0].heartbeat_deadline_ms), (None, Some(63_000)));
    }

    #[test]
    fn an_answered_failed_or_timed_out_task_no_longer_waits() {
        assert!(waiting_in_history(&execution(), &sqs_callback(6), None).is_empty());
        for end in ["TaskFailed", "TaskTimedOut", "TaskStateAborted"] {
            let mut history = sqs_callback(5);
            history.push(event(6, 5, end));
            assert!(waiting_in_history(&execution(), &history, None).is_empty(), "{end}");
        }
    }

    #[test]
    fn only_callback_tasks_wait() {
        let history = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 0, "Send"),
            scheduled(3, 2, "sqs:sendMessage", json!({"MessageBody": {"token": "not a callback"}})),
            event(4, 3, "TaskStarted"),
        ];
        assert!(waiting_in_history(&execution(), &history, None).is_empty());
    }

    #[test]
    fn parallel_branches_are_told_apart_by_their_previous_events() {
        let ask = |token: &str| json!({"Payload": {"token": token}});
        let history = vec![
            event(1, 0, "ExecutionStarted"),
            event(2, 0, "ParallelStateEntered"),
            event(3, 2, "ParallelStateStarted"),
            entered(4, 3, "Left"),
            entered(5, 3, "Right"),
            scheduled(6, 4, "lambda:invoke.waitForTaskToken", ask("left-token")),
            scheduled(7, 5, "lambda:invoke.waitForTaskToken", ask("right-token")),
            event(8, 6, "TaskStarted"),
            event(9, 7, "TaskStarted"),
            event(10, 8, "TaskSubmitted"),
            event(11, 9, "TaskSubmitted"),
            event(12, 11, "TaskSucceeded"),
            event(13, 12, "TaskStateExited"),
        ];
        let waiting = waiting_in_history(&execution(), &history, None);
        assert_eq!(waiting.len(), 1);
        assert_eq!((waiting[0].state_name.as_str(), waiting[0].task_token.as_deref()), ("Left", Some("left-token")));
        assert_eq!(waiting[0].resource, "arn:aws:states:::lambda:invoke.waitForTaskToken");
    }

    #[test]
    fn a_retried_task_waits_once_under_its_state() {
        let parameters = json!({"Entries": [{"Detail": {"callback": {"taskToken": "second"}}}]});
        let history = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 0, "Ask"),
            scheduled(3, 2, "events:putEvents.waitForTaskToken", json!({"Entries": []})),
            event(4, 3, "TaskStarted"),
            event(5, 4, "TaskFailed"),
            scheduled(6, 5, "events:putEvents.waitForTaskToken", parameters),
            event(7, 6, "TaskStarted"),
        ];
        let waiting = waiting_in_history(&execution(), &history, None);
        assert_eq!(waiting.len(), 1);
        assert_eq!((waiting[0].state_name.as_str(), waiting[0].task_token.as_deref()), ("Ask", Some("second")));
    }

    #[test]
    fn the_definition_says_where_the_token_is() {
        // Two keys end in "token"; the definition tells which one holds the task token.
        let parameters = json!({
            "QueueUrl": "https://q",
            "MessageBody": {"pageToken": "not this", "reply": {"to": "the-token"}}
        });
        let mut history = sqs_callback(2);
        history.push(scheduled(3, 2, "sqs:sendMessage.waitForTaskToken", parameters));
        let definition = json!({
            "StartAt": "Ask",
            "States": {"Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://q", "MessageBody": {"pageToken": "not this", "reply": {"to.$": "$$.Task.Token"}}},
                "End": true
            }}
        });
        let found = |definition| waiting_in_history(&execution(), &history, definition)[0].task_token.clone();
        assert_eq!(found(Some(&definition)).as_deref(), Some("the-token"));
        assert_eq!(found(None).as_deref(), Some("not this"), "without the definition, the key heuristic");
    }

    #[test]
    fn token_places_are_found_in_branches_in_text_bodies_and_in_jsonata() {
        let definition = json!({
            "StartAt": "Fan",
            "States": {"Fan": {"Type": "Parallel", "End": true, "Branches": [{
                "StartAt": "Inner",
                "States": {"Inner": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Arguments": {"Payload": ["x", "{% $states.context.Task.Token %}"]},
                    "End": true
                }}
            }]}}
        });
        let places = token_places(&definition, "Inner").expect("the state is found");
        assert_eq!(places, [vec![Step::Key("Payload".into()), Step::Index(1)]]);
        assert_eq!(string_at(&json!({"Payload": "[\"x\", \"tok\"]"}), &places[0]).as_deref(), Some("tok"));
        assert_eq!(token_places(&definition, "Missing"), None);
        assert_eq!(token_by_key(&json!({"MessageBody": "{\"TaskToken\": \"in text\"}"})).as_deref(), Some("in text"));
        assert_eq!(token_by_key(&json!({"MessageBody": "plain text", "Token": ""})), None);
    }
}
