//! Task states: scheduling, starting, outcomes, timeouts and heartbeats;
//! and dispatching the caller's inputs.

use serde_json::{Map, Value, json};

use super::engine::{MAX_PAYLOAD_BYTES, seconds_to_ms};
use super::flow::{Outcome, PendingTask, Phase, TimerPurpose};
use super::history::{error_details, not_truncated};
use super::{Effect, Execution, Input, Status, TaskRequest};
use crate::dataflow::{DataError, Scope, render};
use crate::definition::{Dynamic, IntegrationPattern, Resource, State, StateMachine, TaskSpec};
use crate::entropy::Entropy;
use crate::error::{Failure, names};

/// Reads TimeoutSeconds/HeartbeatSeconds, fixed or from a path.
fn seconds(value: &Option<Dynamic<u64>>, input: &Value, field: &str) -> Result<Option<u64>, DataError> {
    match value {
        None => Ok(None),
        Some(Dynamic::Fixed(n)) => Ok(Some(*n)),
        Some(Dynamic::Path(path)) => match path.select(input).into_value().as_ref().and_then(Value::as_u64) {
            Some(n) if n > 0 => Ok(Some(n)),
            _ => Err(DataError::runtime(format!(
                "Invalid path '{path}': The {field}Path parameter does not reference a valid integer value."
            ))),
        },
        Some(Dynamic::Jsonata(_)) => Err(DataError::runtime("JSONata is not supported by this interpreter")),
    }
}

fn is_lambda(resource: &Resource) -> bool {
    matches!(resource, Resource::LambdaFunction { .. })
}

/// `resourceType` and `resource`, for task event details.
fn task_fields(resource: &Resource) -> Map<String, Value> {
    let (kind, name) = resource.history_names();
    let mut fields = Map::new();
    fields.insert("resourceType".into(), json!(kind));
    fields.insert("resource".into(), json!(name));
    fields
}

impl Execution {
    pub(super) fn schedule_task(
        &mut self,
        fid: u64,
        state: &State,
        spec: &TaskSpec,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        // Callbacks get a token, and so do `.sync` tasks (AWS fills `$$.Task.Token` for them too).
        let token = (spec.resource.pattern() != IntegrationPattern::RequestResponse).then(|| entropy.task_token());
        let context = self.context_object(fid, token.clone(), None);
        let prepared = self.effective_input(fid, state, &context, true, entropy).and_then(|(selected, parameters)| {
            let timeout = seconds(&spec.timeout_seconds, &selected, "TimeoutSeconds")?;
            let heartbeat = seconds(&spec.heartbeat_seconds, &selected, "HeartbeatSeconds")?;
            let credentials = match &spec.credentials {
                Some(template) => {
                    Some(render(template, &mut Scope { input: &selected, context: &context, entropy: &mut *entropy })?)
                }
                None => None,
            };
            Ok((parameters, timeout, heartbeat, credentials))
        });
        let (parameters, timeout_seconds, heartbeat_seconds, credentials) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => {
                let outcome = self.data_error(fid, state, e);
                return self.set_outcome(fid, outcome);
            }
        };
        let task_id = self.fresh_id("task");
        let request = TaskRequest {
            task_id: task_id.clone(),
            state_name: state.name.clone(),
            resource: spec.resource.clone(),
            parameters: parameters.clone(),
            token: token.clone(),
            timeout_seconds,
            heartbeat_seconds,
            credentials,
        };
        let (event, mut details) = if is_lambda(&spec.resource) {
            let mut details = Map::new();
            details.insert("resource".into(), json!(spec.resource.arn()));
            details.insert("input".into(), json!(parameters.to_string()));
            details.insert("inputDetails".into(), not_truncated());
            ("LambdaFunctionScheduled", details)
        } else {
            let mut details = task_fields(&spec.resource);
            details.insert("region".into(), json!(self.context.region));
            details.insert("parameters".into(), json!(parameters.to_string()));
            if let Some(heartbeat) = heartbeat_seconds {
                details.insert("heartbeatInSeconds".into(), json!(heartbeat));
            }
            ("TaskScheduled", details)
        };
        if let Some(timeout) = timeout_seconds {
            details.insert("timeoutInSeconds".into(), json!(timeout));
        }
        self.record_in(fid, event, Some(Value::Object(details)), now);
        let pending = PendingTask {
            flow: fid,
            resource: spec.resource.clone(),
            token,
            timeout_timer: None,
            heartbeat_timer: None,
            heartbeat_seconds,
            request,
        };
        self.tasks.insert(task_id.clone(), pending);
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.phase = Phase::TaskStarting(task_id);
        }
        // TaskStarted comes in a later round, as AWS interleaves concurrent branches.
        self.ready.push_back(fid);
    }

    pub(super) fn start_task(&mut self, fid: u64, task_id: &str, now: i64) {
        let Some(task) = self.tasks.get(task_id) else { return };
        let (resource, request) = (task.resource.clone(), task.request.clone());
        if is_lambda(&resource) {
            self.record_in(fid, "LambdaFunctionStarted", None, now);
        } else {
            self.record_in(fid, "TaskStarted", Some(Value::Object(task_fields(&resource))), now);
        }
        let timeout_timer = request.timeout_seconds.map(|s| {
            self.set_timer(TimerPurpose::TaskTimeout(task_id.to_owned()), now.saturating_add(seconds_to_ms(s)))
        });
        let heartbeat_timer = request.heartbeat_seconds.map(|s| {
            self.set_timer(TimerPurpose::TaskHeartbeat(task_id.to_owned()), now.saturating_add(seconds_to_ms(s)))
        });
        if let Some(task) = self.tasks.get_mut(task_id) {
            task.timeout_timer = timeout_timer;
            task.heartbeat_timer = heartbeat_timer;
        }
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.phase = Phase::Task(task_id.to_owned());
        }
        self.effects.push(Effect::InvokeTask(Box::new(request)));
    }

    /// Sets a flow's outcome and queues it.
    pub(super) fn set_outcome(&mut self, fid: u64, outcome: Outcome) {
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.phase = Phase::Resolved(outcome);
            self.ready.push_back(fid);
        }
    }

    /// Forgets a task: its timers go, and the caller is told to drop it.
    pub(super) fn drop_task(&mut self, task_id: &str) -> Option<PendingTask> {
        let task = self.tasks.remove(task_id)?;
        for timer in [&task.timeout_timer, &task.heartbeat_timer].into_iter().flatten() {
            self.cancel_timer(timer);
        }
        Some(task)
    }

    fn task_failed(&mut self, task: &PendingTask, failure: Failure, timed_out: bool, now: i64) {
        let lambda = is_lambda(&task.resource);
        let event = match (lambda, timed_out) {
            (true, true) => "LambdaFunctionTimedOut",
            (true, false) => "LambdaFunctionFailed",
            (false, true) => "TaskTimedOut",
            (false, false) => "TaskFailed",
        };
        let base = if lambda { Map::new() } else { task_fields(&task.resource) };
        let details = error_details(failure.error.as_deref(), failure.cause.as_deref(), base);
        self.record_in(task.flow, event, Some(details), now);
        self.set_outcome(task.flow, Outcome::Error { failure, terminal: false });
    }

    fn task_succeeded(&mut self, task: &PendingTask, output: Value, now: i64) {
        let text = output.to_string();
        if text.len() > MAX_PAYLOAD_BYTES {
            let name = match &task.resource {
                Resource::Service { service, .. } => service.clone(),
                other => other.arn().to_owned(),
            };
            let cause = format!(
                "The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."
            );
            return self.task_failed(task, Failure::new(names::DATA_LIMIT_EXCEEDED, cause), false, now);
        }
        let (event, mut details) = if is_lambda(&task.resource) {
            ("LambdaFunctionSucceeded", Map::new())
        } else {
            ("TaskSucceeded", task_fields(&task.resource))
        };
        details.insert("output".into(), json!(text));
        details.insert("outputDetails".into(), not_truncated());
        self.record_in(task.flow, event, Some(Value::Object(details)), now);
        self.set_outcome(task.flow, Outcome::Result(output));
    }

    /// Applies an input: records what happened and queues the flows it wakes.
    pub(super) fn apply(&mut self, machine: &StateMachine, input: Input, now: i64) {
        match input {
            Input::TaskSucceeded { task_id, output } => {
                if let Some(task) = self.drop_task(&task_id) {
                    self.task_succeeded(&task, output, now);
                }
            }
            Input::TaskFailed { task_id, error, cause } => {
                if let Some(task) = self.drop_task(&task_id) {
                    self.task_failed(&task, Failure { error, cause }, false, now);
                }
            }
            Input::TaskSubmitted { task_id, output } => {
                let Some(task) = self.tasks.get(&task_id) else { return };
                if is_lambda(&task.resource) {
                    return;
                }
                let (flow, mut details) = (task.flow, task_fields(&task.resource));
                details.insert("output".into(), json!(output.to_string()));
                details.insert("outputDetails".into(), not_truncated());
                self.record_in(flow, "TaskSubmitted", Some(Value::Object(details)), now);
            }
            Input::TaskHeartbeat { task_id } => {
                let Some(task) = self.tasks.get(&task_id) else { return };
                let (Some(old), Some(seconds)) = (task.heartbeat_timer.clone(), task.heartbeat_seconds) else { return };
                self.cancel_timer(&old);
                let timer = self.set_timer(
                    TimerPurpose::TaskHeartbeat(task_id.clone()),
                    now.saturating_add(seconds_to_ms(seconds)),
                );
                if let Some(task) = self.tasks.get_mut(&task_id) {
                    task.heartbeat_timer = Some(timer);
                }
            }
            Input::TimerFired { timer_id } => self.timers_due(machine, &timer_id, now),
            Input::Stop { error, cause } => {
                let previous = self.history.len() as u64;
                let details = error_details(error.as_deref(), cause.as_deref(), Map::new());
                self.record(previous, "ExecutionAborted", Some(details), now);
                self.finish(Status::Aborted { error, cause });
            }
        }
    }

    /// Fires `timer_id` and every other timer due by `now`, in time order:
    /// timeouts that fall together are all recorded before their consequences,
    /// as Step Functions does.
    fn timers_due(&mut self, _machine: &StateMachine, timer_id: &str, now: i64) {
        let mut due: Vec<(i64, String)> = self
            .timers
            .iter()
            .filter(|(id, timer)| timer.at_ms <= now || id.as_str() == timer_id)
            .map(|(id, timer)| (timer.at_ms, id.clone()))
            .collect();
        due.sort();
        for (_, id) in due {
            let Some(timer) = self.timers.remove(&id) else { continue };
            match timer.purpose {
                TimerPurpose::Flow(fid) => {
                    let Some(flow) = self.flows.get_mut(&fid) else { continue };
                    match std::mem::replace(&mut flow.phase, Phase::Work) {
                        Phase::Waiting { result, .. } => flow.phase = Phase::Resolved(Outcome::Result(result)),
                        Phase::RetryDelay(_) => {}
                        other => {
                            flow.phase = other;
                            continue;
                        }
                    }
                    self.ready.push_back(fid);
                }
                TimerPurpose::TaskTimeout(task_id) | TimerPurpose::TaskHeartbeat(task_id) => {
                    if let Some(task) = self.drop_task(&task_id) {
                        self.effects.push(Effect::CancelTask { task_id, token: task.token.clone() });
                        let failure = Failure { error: Some(names::TIMEOUT.to_owned()), cause: None };
                        self.task_failed(&task, failure, true, now);
                    }
                }
                TimerPurpose::Execution => {
                    let previous = self.history.len() as u64;
                    let details =
                        json!({"error": names::TIMEOUT, "cause": "The execution ran longer than its TimeoutSeconds."});
                    self.record(previous, "ExecutionTimedOut", Some(details), now);
                    self.finish(Status::TimedOut);
                    return;
                }
            }
        }
    }
}
