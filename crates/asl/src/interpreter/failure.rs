//! Errors: Retry, Catch, and failing a flow (the execution, or a branch or
//! iteration, which fails its Parallel or Map state).

use serde_json::{Value, json};

use super::Execution;
use super::flow::{Phase, TimerPurpose};
use super::history::not_truncated;
use crate::dataflow::{Scope, place_result};
use crate::definition::{FailValue, Retrier, State, StateKind, StateMachine};
use crate::error::{Failure, names};
use crate::intrinsic::Resolver;

/// Whether `ErrorEquals` matches the error. `States.ALL` and
/// `States.TaskFailed` never match terminal errors (`States.Runtime`…), and
/// `States.TaskFailed` does not match `States.Timeout`.
pub(crate) fn error_matches(error_equals: &[String], failure: &Failure, terminal: bool) -> bool {
    let error = failure.error.as_deref();
    error_equals.iter().any(|name| match name.as_str() {
        _ if Some(name.as_str()) == error => true,
        names::ALL => !terminal,
        names::TASK_FAILED => !terminal && error != Some(names::TIMEOUT),
        _ => false,
    })
}

/// How long a retry waits: IntervalSeconds × BackoffRate^attempt, capped by
/// MaxDelaySeconds; FULL jitter picks uniformly below that, from `random`.
pub(crate) fn retry_delay_ms(retrier: &Retrier, attempt: u64, random: u64) -> i64 {
    let base = retrier.interval_seconds as f64 * 1000.0 * retrier.backoff_rate.powf(attempt as f64);
    let cap = retrier.max_delay_seconds.map_or(f64::MAX, |s| s as f64 * 1000.0);
    let delay = base.min(cap).min(1.0e15);
    let delay = if retrier.full_jitter { delay * (random as f64 / u64::MAX as f64) } else { delay };
    delay.round() as i64
}

/// `{"Error": …, "Cause": …}` as a Catch hands it on. A timeout has no cause
/// in its history event but an empty one here, as AWS writes it.
fn error_output(failure: &Failure) -> Value {
    let cause = match (&failure.error, &failure.cause) {
        (_, Some(cause)) => json!(cause),
        (Some(_), None) => json!(""),
        (None, None) => Value::Null,
    };
    json!({"Error": failure.error, "Cause": cause})
}

impl Execution {
    /// A state's work failed: retry it, catch the error, or fail the flow.
    pub(super) fn state_error(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        failure: Failure,
        terminal: bool,
        now: i64,
    ) {
        if matches!(state.kind, StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)) {
            if let Some(index) = state.retry.iter().position(|r| error_matches(&r.error_equals, &failure, terminal)) {
                let retrier = &state.retry[index];
                let used = self.flows.get(&fid).and_then(|f| f.retries.get(index).copied()).unwrap_or(0);
                if used < retrier.max_attempts {
                    let random = self.next_random();
                    let at = now.saturating_add(retry_delay_ms(retrier, used, random));
                    let timer_id = self.set_timer(TimerPurpose::Flow(fid), at);
                    if let Some(flow) = self.flows.get_mut(&fid) {
                        if let Some(count) = flow.retries.get_mut(index) {
                            *count += 1;
                        }
                        flow.retry_count += 1;
                        flow.phase = Phase::RetryDelay(timer_id);
                    }
                    return;
                }
            }
            if let Some(catcher) = state.catch.iter().find(|c| error_matches(&c.error_equals, &failure, terminal)) {
                let input = self.flows.get(&fid).map(|f| f.input.clone()).unwrap_or(Value::Null);
                match place_result(&catcher.result_path, &input, error_output(&failure)) {
                    Ok(output) => {
                        let details =
                            json!({"name": state.name, "output": output.to_string(), "outputDetails": not_truncated()});
                        self.record_in(fid, &format!("{}StateExited", state.type_name()), Some(details), now);
                        if let Some(flow) = self.flows.get_mut(&fid) {
                            flow.in_state = false;
                        }
                        return self.goto(fid, catcher.next.clone(), output);
                    }
                    Err(e) => {
                        let failure = Failure::new(e.error, e.detail);
                        return self.flow_failed(machine, fid, failure, false, now);
                    }
                }
            }
        }
        self.flow_failed(machine, fid, failure, terminal, now);
    }

    /// A number for retry jitter, derived from the caller's entropy of this call.
    fn next_random(&mut self) -> u64 {
        self.next_id += 1;
        crate::intrinsic::splitmix64(self.random_seed ^ self.next_id)
    }

    /// The flow failed: the execution fails, or the branch's parent state does.
    pub(super) fn flow_failed(&mut self, machine: &StateMachine, fid: u64, failure: Failure, terminal: bool, now: i64) {
        let Some(flow) = self.flows.get(&fid) else { return };
        match flow.parent {
            None => {
                let previous = flow.last_event;
                self.execution_failed(previous, failure, now);
            }
            Some((parent, slot)) => self.child_failed(machine, parent, slot, fid, failure, terminal, now),
        }
    }

    /// Aborts a flow and everything under it, recording `…StateAborted` (and
    /// `MapIterationAborted` for the iterations of a Map it was running).
    pub(super) fn abort_flow(&mut self, machine: &StateMachine, fid: u64, previous: u64, now: i64) {
        let Some(flow) = self.flows.remove(&fid) else { return };
        match &flow.phase {
            Phase::TaskStarting(task_id) | Phase::Task(task_id) => {
                if let Some(task) = self.drop_task(task_id) {
                    self.effects.push(super::Effect::CancelTask { task_id: task_id.clone(), token: task.token });
                }
            }
            Phase::Waiting { timer_id, .. } | Phase::RetryDelay(timer_id) => self.cancel_timer(timer_id),
            Phase::Children(children) => {
                for (slot, child) in children.running.clone() {
                    self.abort_flow(machine, child, previous, now);
                    if children.is_map {
                        let details = json!({"name": flow.state, "index": slot});
                        self.record(previous, "MapIterationAborted", Some(details), now);
                    }
                }
            }
            Phase::Enter | Phase::Work | Phase::Resolved(_) => {}
        }
        if flow.in_state
            && let Some(state) = machine.state(&flow.state)
        {
            self.record(previous, &format!("{}StateAborted", state.type_name()), None, now);
        }
    }
}

/// The text of a Fail state's Error or Cause: literal, from a path, or computed.
pub(super) fn fail_value(value: &FailValue, scope: &mut Scope<'_>) -> Option<String> {
    let found = match value {
        FailValue::Literal(text) => return Some(text.clone()),
        FailValue::Jsonata(_) => return None,
        FailValue::Path(path) => scope.lookup(path).ok().flatten(),
        FailValue::Intrinsic(call) => call.evaluate(scope as &mut dyn Resolver).ok(),
    };
    match found? {
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retrier(interval: u64, rate: f64, max_delay: Option<u64>, jitter: bool) -> Retrier {
        Retrier {
            error_equals: vec![names::ALL.into()],
            interval_seconds: interval,
            max_attempts: 3,
            backoff_rate: rate,
            max_delay_seconds: max_delay,
            full_jitter: jitter,
        }
    }

    #[test]
    fn backoff() {
        assert_eq!(retry_delay_ms(&retrier(1, 2.0, None, false), 0, 0), 1000);
        assert_eq!(retry_delay_ms(&retrier(1, 2.0, None, false), 3, 0), 8000);
        assert_eq!(retry_delay_ms(&retrier(3, 2.0, Some(5), false), 2, 0), 5000);
        assert_eq!(retry_delay_ms(&retrier(4, 1.0, None, true), 0, u64::MAX / 2), 2000);
    }

    #[test]
    fn matching() {
        let failure = |e: &str| Failure::new(e, "");
        let list = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(error_matches(&list(&["States.ALL"]), &failure("Custom"), false));
        assert!(!error_matches(&list(&["States.ALL"]), &failure("States.Runtime"), true));
        assert!(error_matches(&list(&["States.Runtime"]), &failure("States.Runtime"), true));
        assert!(!error_matches(&list(&["States.TaskFailed"]), &failure("States.Timeout"), false));
        assert!(error_matches(&list(&["States.TaskFailed"]), &failure("Lambda.Unknown"), false));
        assert!(error_matches(&list(&["States.ALL"]), &Failure { error: None, cause: None }, false));
    }
}
