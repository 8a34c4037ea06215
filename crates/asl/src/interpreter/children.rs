//! Parallel and Map states: starting branches and iterations, collecting
//! their results, and failing the state when one fails.

use serde_json::{Value, json};

use super::Execution;
use super::flow::{Children, Flow, Outcome, Phase};
use crate::dataflow::{DataError, Scope, render, select};
use crate::definition::{Branch, Dynamic, MapSpec, State, StateKind, StateMachine};
use crate::entropy::Entropy;
use crate::error::Failure;

fn child_flow(parent: u64, slot: usize, start_at: &str, input: Value, previous: u64, now: i64) -> Flow {
    Flow {
        parent: Some((parent, slot)),
        state: start_at.to_owned(),
        input,
        entered_ms: now,
        entered_event: 0,
        last_event: previous,
        in_state: false,
        retries: Vec::new(),
        retry_count: 0,
        phase: Phase::Enter,
    }
}

impl Execution {
    pub(super) fn start_parallel(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        branches: &[Branch],
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let context = self.context_object(fid, None, None);
        let effective = match self.effective_input(fid, state, &context, true, entropy) {
            Ok((_, effective)) => effective,
            Err(e) => {
                let outcome = self.data_error(fid, state, e);
                return self.resolve(machine, fid, state, outcome, now, entropy);
            }
        };
        let started = self.record_in(fid, "ParallelStateStarted", None, now);
        let mut running = Vec::new();
        for (slot, branch) in branches.iter().enumerate() {
            let child = self.spawn(child_flow(fid, slot, &branch.start_at, effective.clone(), started, now));
            running.push((slot, child));
        }
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.phase = Phase::Children(Children {
                is_map: false,
                results: vec![None; branches.len()],
                running,
                waiting: Default::default(),
                items: Vec::new(),
                effective_input: effective,
                max_concurrency: 0,
            });
        }
    }

    pub(super) fn start_map(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        spec: &MapSpec,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let context = self.context_object(fid, None, None);
        let prepared = self.effective_input(fid, state, &context, false, entropy).and_then(|(_, effective)| {
            if spec.uses_distributed_features {
                return Err(DataError::runtime(
                    "Distributed Map features (ItemReader, ItemBatcher, ResultWriter) are not supported by this interpreter",
                ));
            }
            let items = match select(&spec.items_path, &effective, &context, entropy)? {
                Value::Array(items) => items,
                _ => {
                    return Err(DataError::runtime(
                        "Invalid path in ItemsPath: the Map state's items must be a JSON array".to_owned(),
                    ));
                }
            };
            let max_concurrency = match &spec.max_concurrency {
                Dynamic::Fixed(n) => *n,
                Dynamic::Path(path) => path.select(&effective).into_value().and_then(|v| v.as_u64()).ok_or_else(|| {
                    DataError::runtime(format!(
                        "Invalid path '{path}': The MaxConcurrencyPath parameter does not reference a valid integer value."
                    ))
                })?,
                Dynamic::Jsonata(_) => 0,
            };
            Ok((effective, items, usize::try_from(max_concurrency).unwrap_or(0)))
        });
        let (effective, items, max_concurrency) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => {
                let outcome = self.data_error(fid, state, e);
                return self.resolve(machine, fid, state, outcome, now, entropy);
            }
        };
        let count = items.len();
        let started = self.record_in(fid, "MapStateStarted", Some(json!({"length": count})), now);
        if let Some(flow) = self.flows.get_mut(&fid) {
            flow.phase = Phase::Children(Children {
                is_map: true,
                results: vec![None; count],
                running: Vec::new(),
                waiting: (0..count).collect(),
                items,
                effective_input: effective,
                max_concurrency,
            });
        }
        self.launch_iterations(machine, fid, state, started, now, entropy);
    }

    /// Starts waiting Map iterations up to MaxConcurrency; ends the Map when
    /// nothing is left.
    fn launch_iterations(
        &mut self,
        machine: &StateMachine,
        fid: u64,
        state: &State,
        previous: u64,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let StateKind::Map(spec) = &state.kind else { return };
        loop {
            let Some(Phase::Children(children)) = self.flows.get(&fid).map(|f| &f.phase) else { return };
            let room = children.max_concurrency == 0 || children.running.len() < children.max_concurrency;
            let Some(&index) = children.waiting.front().filter(|_| room) else { break };
            let item = children.items.get(index).cloned().unwrap_or(Value::Null);
            let input = match &state.parameters {
                None => Ok(item.clone()),
                Some(selector) => {
                    let effective = children.effective_input.clone();
                    let context = self.context_object(fid, None, Some((index, item.clone())));
                    render(selector, &mut Scope { input: &effective, context: &context, entropy: &mut *entropy })
                }
            };
            let input = match input {
                Ok(input) => input,
                Err(e) => {
                    let Outcome::Error { failure, terminal } = self.data_error(fid, state, e) else { return };
                    return self.fail_children(machine, fid, None, failure, terminal, now);
                }
            };
            let details = json!({"name": state.name, "index": index});
            let iteration = self.record(previous, "MapIterationStarted", Some(details), now);
            let child = self.spawn(child_flow(fid, index, &spec.processor.start_at, input, iteration, now));
            if let Some(Phase::Children(children)) = self.flows.get_mut(&fid).map(|f| &mut f.phase) {
                children.waiting.pop_front();
                children.running.push((index, child));
            }
        }
        self.complete_children(fid, now);
    }

    /// When every branch or iteration is done: `…StateSucceeded`, and the
    /// results become the state's result.
    fn complete_children(&mut self, fid: u64, now: i64) {
        let Some(flow) = self.flows.get(&fid) else { return };
        let Phase::Children(children) = &flow.phase else { return };
        if !children.running.is_empty() || !children.waiting.is_empty() {
            return;
        }
        let results: Vec<Value> = children.results.iter().map(|r| r.clone().unwrap_or(Value::Null)).collect();
        let event = if children.is_map { "MapStateSucceeded" } else { "ParallelStateSucceeded" };
        self.record_in(fid, event, None, now);
        self.set_outcome(fid, Outcome::Result(Value::Array(results)));
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn child_finished(
        &mut self,
        machine: &StateMachine,
        parent: u64,
        slot: usize,
        child: u64,
        output: Value,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let last = self.flows.remove(&child).map_or(0, |f| f.last_event);
        let Some(flow) = self.flows.get_mut(&parent) else { return };
        let name = flow.state.clone();
        let Phase::Children(children) = &mut flow.phase else { return };
        if let Some(result) = children.results.get_mut(slot) {
            *result = Some(output);
        }
        children.running.retain(|(_, id)| *id != child);
        let is_map = children.is_map;
        let previous = if is_map {
            let id = self.record(last, "MapIterationSucceeded", Some(json!({"name": name, "index": slot})), now);
            if let Some(flow) = self.flows.get_mut(&parent) {
                flow.last_event = id;
            }
            id
        } else {
            if let Some(flow) = self.flows.get_mut(&parent) {
                flow.last_event = last;
            }
            last
        };
        match self.flows.get(&parent).and_then(|f| machine.state(&f.state)) {
            Some(state) if is_map => self.launch_iterations(machine, parent, state, previous, now, entropy),
            _ => self.complete_children(parent, now),
        }
    }

    /// A branch or iteration failed: record it, abort the others, fail the state.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn child_failed(
        &mut self,
        machine: &StateMachine,
        parent: u64,
        slot: usize,
        child: u64,
        failure: Failure,
        terminal: bool,
        now: i64,
    ) {
        let Some(failed) = self.flows.remove(&child) else { return };
        let previous = failed.last_event;
        let is_map = matches!(self.flows.get(&parent).map(|f| &f.phase), Some(Phase::Children(c)) if c.is_map);
        if is_map {
            let name = self.flows.get(&parent).map(|f| f.state.clone()).unwrap_or_default();
            self.record(previous, "MapIterationFailed", Some(json!({"name": name, "index": slot})), now);
        }
        if let Some(Phase::Children(children)) = self.flows.get_mut(&parent).map(|f| &mut f.phase) {
            children.running.retain(|(_, id)| *id != child);
        }
        self.fail_children(machine, parent, Some((failed, previous)), failure, terminal, now);
    }

    /// Aborts the running children, records the failed child's abort and
    /// `…StateFailed`, then handles the error in the parent state.
    fn fail_children(
        &mut self,
        machine: &StateMachine,
        parent: u64,
        failed: Option<(Flow, u64)>,
        failure: Failure,
        terminal: bool,
        now: i64,
    ) {
        let Some(flow) = self.flows.get_mut(&parent) else { return };
        let previous = failed.as_ref().map_or(flow.last_event, |(_, p)| *p);
        let name = flow.state.clone();
        let Phase::Children(children) = std::mem::replace(&mut flow.phase, Phase::Work) else { return };
        for (slot, other) in children.running {
            self.abort_flow(machine, other, previous, now);
            if children.is_map {
                self.record(previous, "MapIterationAborted", Some(json!({"name": name, "index": slot})), now);
            }
        }
        if let Some((flow, _)) = failed
            && flow.in_state
            && let Some(state) = machine.state(&flow.state)
            && !matches!(state.kind, StateKind::Fail { .. })
        {
            self.record(previous, &format!("{}StateAborted", state.type_name()), None, now);
        }
        let event = if children.is_map { "MapStateFailed" } else { "ParallelStateFailed" };
        let id = self.record(previous, event, None, now);
        if let Some(flow) = self.flows.get_mut(&parent) {
            flow.last_event = id;
        }
        if let Some(state) = machine.state(&name) {
            self.state_error(machine, parent, state, failure, terminal, now);
        }
    }
}
