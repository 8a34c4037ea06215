//! The transitions of a set of states: every target exists in the same
//! set, some state ends the workflow, and every state can be reached.

use std::collections::{BTreeSet, VecDeque};

use super::fields::{Diags, child, item};
use super::{Branch, StateKind, Transition};
use crate::error::DiagnosticCode;

/// Every state a state can go to, with the location of each transition.
fn targets(branch: &Branch, location: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (name, state) in &branch.states {
        let here = child(&child(location, "States"), name);
        if let Transition::Next(next) = &state.transition {
            out.push((name.clone(), next.clone(), child(&here, "Next")));
        }
        if let StateKind::Choice { choices, default } = &state.kind {
            for (i, rule) in choices.iter().enumerate() {
                out.push((name.clone(), rule.next.clone(), child(&item(&child(&here, "Choices"), i), "Next")));
            }
            if let Some(default) = default {
                out.push((name.clone(), default.clone(), child(&here, "Default")));
            }
        }
        for (i, catcher) in state.catch.iter().enumerate() {
            out.push((name.clone(), catcher.next.clone(), child(&item(&child(&here, "Catch"), i), "Next")));
        }
    }
    out
}

pub(super) fn check_branch(branch: &Branch, location: &str, d: &mut Diags) {
    let edges = targets(branch, location);
    let missing = |d: &mut Diags, target: &str, at: &str| {
        d.push(DiagnosticCode::MissingTransitionTarget, format!("Missing 'Next' target: {target}"), Some(at));
    };
    let starts = branch.states.contains_key(&branch.start_at);
    if !starts {
        missing(d, &branch.start_at, &child(location, "StartAt"));
    }
    for (_, target, at) in &edges {
        if !branch.states.contains_key(target) {
            missing(d, target, at);
        }
    }
    let terminal = branch
        .states
        .values()
        .any(|s| s.transition == Transition::End || matches!(s.kind, StateKind::Succeed | StateKind::Fail { .. }));
    if !terminal {
        let at = if location.is_empty() { None } else { Some(location) };
        d.push(DiagnosticCode::MissingEndState, "Workflow has no terminal state", at);
        return;
    }
    if !starts {
        // Reachability from a start that does not exist would only repeat the problem.
        return;
    }
    let mut reached = BTreeSet::new();
    let mut queue = VecDeque::from([branch.start_at.clone()]);
    while let Some(name) = queue.pop_front() {
        if !branch.states.contains_key(&name) || !reached.insert(name.clone()) {
            continue;
        }
        queue.extend(edges.iter().filter(|(from, _, _)| *from == name).map(|(_, to, _)| to.clone()));
    }
    for name in branch.states.keys().filter(|n| !reached.contains(*n)) {
        d.push(
            DiagnosticCode::MissingTransitionTarget,
            format!("State \"{name}\" is not reachable."),
            Some(&child(&child(location, "States"), name)),
        );
    }
}
