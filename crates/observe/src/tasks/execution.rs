//! One execution as the task-token drawer draws it: the definition it runs
//! (DescribeStateMachineForExecution, or DescribeExecution and
//! DescribeStateMachine where that operation is missing), its history
//! (GetExecutionHistory, every page) reduced to [`ExecutionStep`]s, and the
//! states it is in now.

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::HistoryEvent;
use choreoscope_model::{ExecutionStep, ExecutionView};
use serde_json::Value;

use crate::Observer;
use crate::error::{ObserveError, Result};

/// The longest output or cause a step's summary keeps, in characters.
const SUMMARY_CHARS: usize = 240;

impl Observer {
    /// An execution with the definition it runs, its history and its
    /// current states.
    pub async fn execution_view(&self, execution_arn: &str) -> Result<ExecutionView> {
        let client = self.stepfunctions();
        let described = client
            .describe_execution()
            .execution_arn(execution_arn)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("DescribeExecution", e))?;
        let definition = definition_for(client, execution_arn, described.state_machine_arn()).await?;
        let history = history(client, execution_arn).await?;
        let current_states = current_states(&history);
        Ok(ExecutionView {
            execution_arn: described.execution_arn().to_owned(),
            name: described.name().unwrap_or_default().to_owned(),
            state_machine_arn: described.state_machine_arn().to_owned(),
            status: described.status().as_str().to_owned(),
            started_ms: described.start_date().to_millis().unwrap_or_default(),
            stopped_ms: described.stop_date().and_then(|date| date.to_millis().ok()),
            definition: serde_json::from_str(&definition).unwrap_or(Value::Null),
            history,
            current_states,
        })
    }
}

/// The definition the execution runs: the one it started with (after an
/// UpdateStateMachine the machine's current one may differ), or the
/// machine's current one where DescribeStateMachineForExecution is missing.
async fn definition_for(client: &Client, execution_arn: &str, machine_arn: &str) -> Result<String> {
    let for_execution = client
        .describe_state_machine_for_execution()
        .execution_arn(execution_arn)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("DescribeStateMachineForExecution", e));
    match for_execution {
        Ok(described) => Ok(described.definition().to_owned()),
        Err(error) if error.code() == Some("UnknownOperationException") => {
            let described = client
                .describe_state_machine()
                .state_machine_arn(machine_arn)
                .send()
                .await
                .map_err(|e| ObserveError::from_sdk("DescribeStateMachine", e))?;
            Ok(described.definition().to_owned())
        }
        Err(error) => Err(error),
    }
}

/// Every event of an execution's history, oldest first.
async fn history(client: &Client, execution_arn: &str) -> Result<Vec<ExecutionStep>> {
    let mut steps = crate::history::execution_history(client, execution_arn, step).await?;
    steps.sort_by_key(|step| step.id);
    Ok(steps)
}

/// One SDK history event, reduced.
pub fn step(event: &HistoryEvent) -> ExecutionStep {
    let state_name = event
        .state_entered_event_details()
        .map(|details| details.name())
        .or_else(|| event.state_exited_event_details().map(|details| details.name()))
        .map(str::to_owned);
    ExecutionStep {
        id: event.id(),
        previous_id: event.previous_event_id(),
        kind: event.r#type().as_str().to_owned(),
        timestamp_ms: event.timestamp().to_millis().unwrap_or_default(),
        state_name,
        summary: summary(event),
    }
}

/// What an event says beyond its type, in a line.
fn summary(event: &HistoryEvent) -> Option<String> {
    if let Some(details) = event.task_scheduled_event_details() {
        return Some(format!("{}:{}", details.resource_type(), details.resource()));
    }
    if let Some(details) = event.lambda_function_scheduled_event_details() {
        return Some(details.resource().to_owned());
    }
    let failures = [
        event.task_failed_event_details().map(|d| (d.error(), d.cause())),
        event.task_timed_out_event_details().map(|d| (d.error(), d.cause())),
        event.task_start_failed_event_details().map(|d| (d.error(), d.cause())),
        event.task_submit_failed_event_details().map(|d| (d.error(), d.cause())),
        event.lambda_function_failed_event_details().map(|d| (d.error(), d.cause())),
        event.lambda_function_timed_out_event_details().map(|d| (d.error(), d.cause())),
        event.lambda_function_start_failed_event_details().map(|d| (d.error(), d.cause())),
        event.lambda_function_schedule_failed_event_details().map(|d| (d.error(), d.cause())),
        event.activity_failed_event_details().map(|d| (d.error(), d.cause())),
        event.activity_timed_out_event_details().map(|d| (d.error(), d.cause())),
        event.execution_failed_event_details().map(|d| (d.error(), d.cause())),
        event.execution_aborted_event_details().map(|d| (d.error(), d.cause())),
        event.execution_timed_out_event_details().map(|d| (d.error(), d.cause())),
        event.evaluation_failed_event_details().map(|d| (d.error(), d.cause())),
    ];
    if let Some((error, cause)) = failures.into_iter().flatten().next() {
        return error_summary(error, cause);
    }
    let output = event
        .task_succeeded_event_details()
        .and_then(|d| d.output())
        .or_else(|| event.lambda_function_succeeded_event_details().and_then(|d| d.output()))
        .or_else(|| event.execution_succeeded_event_details().and_then(|d| d.output()))
        .or_else(|| event.state_exited_event_details().and_then(|d| d.output()));
    output.map(shorten)
}

/// `error: cause`, either part alone, or nothing.
fn error_summary(error: Option<&str>, cause: Option<&str>) -> Option<String> {
    match (error.filter(|e| !e.is_empty()), cause.filter(|c| !c.is_empty())) {
        (Some(error), Some(cause)) => Some(format!("{error}: {}", shorten(cause))),
        (Some(error), None) => Some(error.to_owned()),
        (None, Some(cause)) => Some(shorten(cause)),
        (None, None) => None,
    }
}

/// At most [`SUMMARY_CHARS`] characters, with an ellipsis when cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The states entered and not yet left, in the order they were entered. A
/// `…StateExited` closes the latest open entry of its state, so a state
/// entered again (a loop, Map iterations) is open as often as it is in.
pub fn current_states(history: &[ExecutionStep]) -> Vec<String> {
    let mut open: Vec<&str> = Vec::new();
    for step in history {
        let Some(name) = step.state_name.as_deref() else { continue };
        if step.kind.ends_with("StateEntered") {
            open.push(name);
        } else if step.kind.ends_with("StateExited")
            && let Some(at) = open.iter().rposition(|entered| *entered == name)
        {
            open.remove(at);
        }
    }
    let mut current: Vec<String> = Vec::new();
    for name in open {
        if !current.iter().any(|known| known == name) {
            current.push(name.to_owned());
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: i64, kind: &str, state: Option<&str>) -> ExecutionStep {
        ExecutionStep {
            id,
            previous_id: id - 1,
            kind: kind.into(),
            timestamp_ms: id * 1_000,
            state_name: state.map(str::to_owned),
            summary: None,
        }
    }

    #[test]
    fn the_current_states_are_those_entered_and_not_left() {
        let history = [
            at(1, "ExecutionStarted", None),
            at(2, "TaskStateEntered", Some("ChargePayment")),
            at(3, "TaskStateExited", Some("ChargePayment")),
            at(4, "ParallelStateEntered", Some("Rewards")),
            at(5, "TaskStateEntered", Some("AwardLoyaltyPoints")),
            at(6, "TaskStateEntered", Some("IssueDiscountCode")),
            at(7, "TaskStateExited", Some("AwardLoyaltyPoints")),
        ];
        assert_eq!(current_states(&history), ["Rewards", "IssueDiscountCode"]);
        assert!(current_states(&history[..3]).is_empty());
    }

    #[test]
    fn a_state_entered_again_is_current_once() {
        let history = [
            at(1, "MapStateEntered", Some("Each")),
            at(2, "TaskStateEntered", Some("Ship")),
            at(3, "TaskStateEntered", Some("Ship")),
            at(4, "TaskStateExited", Some("Ship")),
        ];
        assert_eq!(current_states(&history), ["Each", "Ship"]);
    }

    #[test]
    fn summaries_are_short() {
        assert_eq!(error_summary(Some("States.Timeout"), None).as_deref(), Some("States.Timeout"));
        assert_eq!(error_summary(Some("E"), Some("why")).as_deref(), Some("E: why"));
        assert_eq!(error_summary(Some(""), None), None);
        let long = shorten(&"é".repeat(SUMMARY_CHARS + 5));
        assert_eq!(long.chars().count(), SUMMARY_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
