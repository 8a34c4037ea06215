//! The run loop, and the simple states: entering, Pass, Choice, Wait,
//! Succeed, Fail, and finishing a state.

use serde_json::{Value, json};

use super::flow::{Flow, Outcome, Phase, TimerPurpose};
use super::history::{HistoryEvent, error_details, not_truncated};
use super::{Effect, Execution, Status};
use crate::dataflow::{ContextObject, DataError, Scope, evaluate_condition, place_result, render, select};
use crate::definition::{QueryLanguage, State, StateKind, StateMachine, Transition};
use crate::entropy::Entropy;
use crate::error::{Failure, names};
use crate::timestamp;

/// Step Functions' payload limit: 256 KiB.
pub(super) const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Step Functions' quota of events in one execution's history; an execution
/// that reaches it fails, so a definition that loops through Pass and Choice
/// states forever ends instead of spinning.
pub const MAX_HISTORY_EVENTS: usize = 25_000;

impl Execution {
    pub(super) fn begin(&mut self, machine: &StateMachine, now: i64) {
        let details = json!({
            "input": self.input.to_string(),
            "inputDetails": not_truncated(),
            "roleArn": self.context.role_arn,
        });
        self.record(0, "ExecutionStarted", Some(details), now);
        if let Some(seconds) = machine.timeout_seconds {
            self.set_timer(TimerPurpose::Execution, now.saturating_add(seconds_to_ms(seconds)));
        }
        let root = Flow {
            parent: None,
            state: machine.root.start_at.clone(),
            input: self.input.clone(),
            entered_ms: now,
            entered_event: 0,
            last_event: 0,
            in_state: false,
            retries: Vec::new(),
            retry_count: 0,
            phase: Phase::Enter,
        };
        self.spawn(root);
    }

    /// Adds a flow and queues it.
    pub(super) fn spawn(&mut self, flow: Flow) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.flows.insert(id, flow);
        self.ready.push_back(id);
        id
    }

    /// Appends an event and answers its id.
    pub(super) fn record(&mut self, previous: u64, event_type: &str, details: Option<Value>, now: i64) -> u64 {
        let id = self.history.len() as u64 + 1;
        self.history.push(HistoryEvent {
            id,
            previous_event_id: previous,
            timestamp_ms: now,
            event_type: event_type.to_owned(),
            details,
        });
        id
    }

    /// Records an event that follows the flow's last one.
    pub(super) fn record_in(&mut self, fid: u64, event_type: &str, details: Option<Value>, now: i64) -> u64 {
        let previous = self.flows.get(&fid).map_or(0, |f| f.last_event);
        let id = self.record(previous, event_type, details, now);
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.last_event = id;
        }
        id
    }

    pub(super) fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }

    pub(super) fn set_timer(&mut self, purpose: TimerPurpose, at_ms: i64) -> String {
        let timer_id = self.fresh_id("timer");
        self.timers.insert(timer_id.clone(), super::flow::Timer { at_ms, purpose });
        self.effects.push(Effect::SetTimer { timer_id: timer_id.clone(), at_ms });
        timer_id
    }

    pub(super) fn cancel_timer(&mut self, timer_id: &str) {
        if self.timers.remove(timer_id).is_some() {
            self.effects.push(Effect::CancelTimer { timer_id: timer_id.to_owned() });
        }
    }

    /// Runs queued flows until every one waits on a task, a timer or children.
    pub(super) fn run(&mut self, machine: &StateMachine, now: i64, entropy: &mut dyn Entropy) {
        while let Some(fid) = self.ready.pop_front() {
            if self.status != Status::Running {
                self.ready.clear();
                return;
            }
            if self.history.len() >= MAX_HISTORY_EVENTS {
                let last = self.history.len() as u64;
                let cause = format!(
                    "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS}) a Step Functions execution can have."
                );
                self.execution_failed(last, Failure::new(names::RUNTIME, cause), now);
                return;
            }
            let Some(flow) = self.flows.get(&fid) else { continue };
            let Some(state) = machine.state(&flow.state) else {
                let failure =
                    Failure::new(names::RUNTIME, format!("The state '{}' is not in the definition", flow.state));
                self.flow_failed(machine, fid, failure, true, now);
                continue;
            };
            match flow.phase.clone() {
                Phase::Enter => {
                    self.enter(fid, state, now);
                    self.work(machine, fid, state, now, entropy);
                }
                Phase::Work => self.work(machine, fid, state, now, entropy),
                Phase::TaskStarting(task_id) => self.start_task(fid, &task_id, now),
                Phase::Resolved(outcome) => self.resolve(machine, fid, state, outcome, now, entropy),
                Phase::Task(_) | Phase::Waiting { .. } | Phase::RetryDelay(_) | Phase::Children(_) => {}
            }
        }
    }

    fn enter(&mut self, fid: u64, state: &State, now: i64) {
        let Some(input) = self.flows.get(&fid).map(|f| f.input.to_string()) else { return };
        let details = json!({"name": state.name, "input": input, "inputDetails": not_truncated()});
        let id = self.record_in(fid, &format!("{}StateEntered", state.type_name()), Some(details), now);
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.entered_event = id;
            flow.entered_ms = now;
            flow.in_state = true;
            flow.retries = vec![0; state.retry.len()];
            flow.retry_count = 0;
            flow.phase = Phase::Work;
        }
    }

    /// The context object of the flow's current state.
    pub(super) fn context_object(&self, fid: u64, token: Option<String>, map_item: Option<(usize, Value)>) -> Value {
        let flow = self.flows.get(&fid);
        ContextObject {
            execution_id: self.context.execution_arn.clone(),
            execution_input: self.input.clone(),
            execution_name: self.context.name.clone(),
            role_arn: self.context.role_arn.clone(),
            start_time: timestamp::format(self.context.start_time_ms),
            state_name: flow.map(|f| f.state.clone()).unwrap_or_default(),
            entered_time: timestamp::format(flow.map_or(0, |f| f.entered_ms)),
            retry_count: flow.map_or(0, |f| f.retry_count),
            state_machine_id: self.context.state_machine_arn.clone(),
            state_machine_name: self.context.state_machine_name.clone(),
            task_token: token,
            map_item,
        }
        .to_value()
    }

    /// A data-flow error as the state's outcome; `States.Runtime` causes name
    /// the state and the event it was entered at, as AWS writes them.
    pub(super) fn data_error(&self, fid: u64, state: &State, error: DataError) -> Outcome {
        let entered = self.flows.get(&fid).map_or(0, |f| f.entered_event);
        let cause = if error.error == names::RUNTIME {
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{entered}). {}",
                state.name, error.detail
            )
        } else {
            error.detail
        };
        Outcome::Error { failure: Failure::new(error.error, cause), terminal: error.error == names::RUNTIME }
    }

    /// InputPath, then Parameters (when `with_parameters`), for the flow's state.
    pub(super) fn effective_input(
        &self,
        fid: u64,
        state: &State,
        context: &Value,
        with_parameters: bool,
        entropy: &mut dyn Entropy,
    ) -> Result<(Value, Value), DataError> {
        let input = self.flows.get(&fid).map(|f| f.input.clone()).unwrap_or(Value::Null);
        let selected = select(&state.input_path, &input, context, entropy)?;
        let effective = match (&state.parameters, with_parameters) {
            (Some(template), true) => render(template, &mut Scope { input: &selected, context, entropy })?,
            _ => selected.clone(),
        };
        Ok((selected, effective))
    }

    fn work(&mut self, machine: &StateMachine, fid: u64, state: &State, now: i64, entropy: &mut dyn Entropy) {
        if state.query_language == QueryLanguage::Jsonata {
            let error = DataError::runtime("JSONata is not supported by this interpreter");
            let outcome = self.data_error(fid, state, error);
            return self.resolve(machine, fid, state, outcome, now, entropy);
        }
        let context = self.context_object(fid, None, None);
        let outcome = match &state.kind {
            StateKind::Task(spec) => return self.schedule_task(fid, state, spec, now, entropy),
            StateKind::Parallel { branches } => {
                return self.start_parallel(machine, fid, state, branches, now, entropy);
            }
            StateKind::Map(spec) => return self.start_map(machine, fid, state, spec, now, entropy),
            StateKind::Pass { result } => match self.effective_input(fid, state, &context, true, entropy) {
                Ok((_, effective)) => Outcome::Result(result.clone().unwrap_or(effective)),
                Err(e) => self.data_error(fid, state, e),
            },
            StateKind::Choice { choices, default } => {
                let chosen = self.effective_input(fid, state, &context, false, entropy).and_then(|(_, effective)| {
                    let scope = Scope { input: &effective, context: &context, entropy: &mut *entropy };
                    for rule in choices {
                        if evaluate_condition(&rule.condition, &scope)? {
                            return Ok((effective.clone(), Some(rule.next.clone())));
                        }
                    }
                    Ok((effective.clone(), default.clone()))
                });
                match chosen {
                    Ok((effective, Some(next))) => {
                        return self.finish_state(machine, fid, state, effective, Some(next), now, entropy);
                    }
                    Ok((_, None)) => Outcome::Error {
                        failure: Failure::new(names::NO_CHOICE_MATCHED, "No Matches!"),
                        terminal: false,
                    },
                    Err(e) => self.data_error(fid, state, e),
                }
            }
            StateKind::Succeed => match self.effective_input(fid, state, &context, false, entropy) {
                Ok((_, effective)) => Outcome::Result(effective),
                Err(e) => self.data_error(fid, state, e),
            },
            StateKind::Wait(wait) => match self.effective_input(fid, state, &context, false, entropy) {
                Ok((_, effective)) => match super::wait::wait_until(wait, &effective, now) {
                    Ok(at_ms) => {
                        let timer_id = self.set_timer(TimerPurpose::Flow(fid), at_ms);
                        if let Some(flow) = self.flows.get_mut(&fid) {
                            flow.phase = Phase::Waiting { timer_id, result: effective };
                        }
                        return;
                    }
                    Err(e) => self.data_error(fid, state, e),
                },
                Err(e) => self.data_error(fid, state, e),
            },
            StateKind::Fail { error, cause } => {
                let input = self.flows.get(&fid).map(|f| f.input.clone()).unwrap_or(Value::Null);
                let mut scope = Scope { input: &input, context: &context, entropy };
                let failure = Failure {
                    error: error.as_ref().and_then(|v| super::failure::fail_value(v, &mut scope)),
                    cause: cause.as_ref().and_then(|v| super::failure::fail_value(v, &mut scope)),
                };
                return self.flow_failed(machine, fid, failure, true, now);
            }
        };
        self.resolve(machine, fid, state, outcome, now, entropy);
    }

    /// A state's work ended: apply ResultSelector, ResultPath and OutputPath,
    /// or handle the error.
    pub(super) fn resolve(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        outcome: Outcome,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let result = match outcome {
            Outcome::Error { failure, terminal } => {
                return self.state_error(machine, fid, state, failure, terminal, now);
            }
            Outcome::Result(result) => result,
        };
        let context = self.context_object(fid, None, None);
        let input = self.flows.get(&fid).map(|f| f.input.clone()).unwrap_or(Value::Null);
        let placed = match &state.kind {
            StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_) | StateKind::Pass { .. } => {
                let selected = match (&state.result_selector, &state.kind) {
                    (Some(selector), StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)) => {
                        render(selector, &mut Scope { input: &result, context: &context, entropy: &mut *entropy })
                    }
                    _ => Ok(result),
                };
                selected.and_then(|selected| place_result(&state.result_path, &input, selected))
            }
            _ => Ok(result),
        };
        match placed {
            Ok(value) => {
                let next = match (&state.transition, &state.kind) {
                    (Transition::Next(next), _) => Some(next.clone()),
                    _ => None,
                };
                self.finish_state(machine, fid, state, value, next, now, entropy);
            }
            Err(e) => {
                let outcome = self.data_error(fid, state, e);
                self.resolve(machine, fid, state, outcome, now, entropy);
            }
        }
    }

    /// Applies OutputPath, records `…StateExited` and moves on: to `next`, or
    /// to the end of the flow.
    #[allow(clippy::too_many_arguments)]
    fn finish_state(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        value: Value,
        next: Option<String>,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let context = self.context_object(fid, None, None);
        let output = select(&state.output_path, &value, &context, entropy).and_then(|output| {
            if output.to_string().len() > MAX_PAYLOAD_BYTES {
                return Err(DataError { error: names::DATA_LIMIT_EXCEEDED, detail: too_large(&state.name) });
            }
            Ok(output)
        });
        let output = match output {
            Ok(output) => output,
            Err(e) => {
                if let Outcome::Error { failure, terminal } = self.data_error(fid, state, e) {
                    self.state_error(machine, fid, state, failure, terminal, now);
                }
                return;
            }
        };
        let details = json!({"name": state.name, "output": output.to_string(), "outputDetails": not_truncated()});
        self.record_in(fid, &format!("{}StateExited", state.type_name()), Some(details), now);
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.in_state = false;
        }
        match next {
            Some(next) => self.goto(fid, next, output),
            None => self.flow_finished(machine, fid, output, now, entropy),
        }
    }

    /// Moves a flow to the state `next` with `input`.
    pub(super) fn goto(&mut self, fid: u64, next: String, input: Value) {
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.state = next;
            flow.input = input;
            flow.phase = Phase::Enter;
            self.ready.push_back(fid);
        }
    }

    /// Ends the execution: cancels what is pending and reports the status.
    pub(super) fn finish(&mut self, status: Status) {
        for timer_id in std::mem::take(&mut self.timers).into_keys() {
            self.effects.push(Effect::CancelTimer { timer_id });
        }
        for (task_id, task) in std::mem::take(&mut self.tasks) {
            self.effects.push(Effect::CancelTask { task_id, token: task.token });
        }
        self.flows.clear();
        self.ready.clear();
        self.status = status.clone();
        self.effects.push(Effect::Finished(status));
    }

    /// A root flow reached its end; a branch or iteration hands its output up.
    fn flow_finished(&mut self, machine: &StateMachine, fid: u64, output: Value, now: i64, entropy: &mut dyn Entropy) {
        let Some(flow) = self.flows.get(&fid) else { return };
        match flow.parent {
            None => {
                let details = json!({"output": output.to_string(), "outputDetails": not_truncated()});
                self.record_in(fid, "ExecutionSucceeded", Some(details), now);
                self.finish(Status::Succeeded { output });
            }
            Some((parent, slot)) => self.child_finished(machine, parent, slot, fid, output, now, entropy),
        }
    }

    /// Records the end of a failed root flow.
    pub(super) fn execution_failed(&mut self, previous: u64, failure: Failure, now: i64) {
        let details = error_details(failure.error.as_deref(), failure.cause.as_deref(), Default::default());
        self.record(previous, "ExecutionFailed", Some(details), now);
        self.finish(Status::Failed { error: failure.error, cause: failure.cause });
    }
}

fn too_large(name: &str) -> String {
    format!(
        "The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."
    )
}

pub(super) fn seconds_to_ms(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX / 1000).saturating_mul(1000)
}
