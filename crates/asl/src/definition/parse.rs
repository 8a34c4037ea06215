//! Reading a whole definition and its branches.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fields::{Diags, Fields, child};
use super::graph::check_branch;
use super::states::{MAX_SECONDS, parse_state};
use super::{Branch, QueryLanguage, StateMachine};
use crate::error::{DiagnosticCode, ValidationError};

pub(super) fn parse(definition: &str) -> Result<StateMachine, ValidationError> {
    let mut d = Diags::default();
    let value: Value = match serde_json::from_str(definition) {
        Ok(value) => value,
        Err(e) => {
            d.push(DiagnosticCode::InvalidJsonDescription, format!("The definition is not valid JSON: {e}"), None);
            return Err(ValidationError { diagnostics: d.list });
        }
    };
    let Value::Object(map) = &value else {
        d.push(DiagnosticCode::SchemaValidationFailed, "Expected value of type: Object", Some("/"));
        return Err(ValidationError { diagnostics: d.list });
    };
    let f = Fields::new(map, "");
    f.only(&mut d, &["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"]);
    let query_language = match f.string(&mut d, "QueryLanguage") {
        None | Some("JSONPath") => QueryLanguage::JsonPath,
        Some("JSONata") => QueryLanguage::Jsonata,
        Some(other) => {
            d.schema("/QueryLanguage", format!("Value '{other}' is not one of [JSONPath, JSONata]"));
            QueryLanguage::JsonPath
        }
    };
    let comment = f.string(&mut d, "Comment").map(str::to_owned);
    let version = f.string(&mut d, "Version").map(str::to_owned);
    let timeout_seconds = f.count(&mut d, "TimeoutSeconds", MAX_SECONDS);
    let root = parse_branch(&f, query_language, &mut d);
    match root {
        Some(root) if d.list.is_empty() => Ok(StateMachine { comment, version, timeout_seconds, query_language, root }),
        _ => {
            if d.list.is_empty() {
                d.schema("/", "The definition has no states");
            }
            for diagnostic in &mut d.list {
                if diagnostic.location.as_deref() == Some("") {
                    diagnostic.location = Some("/".to_owned());
                }
            }
            Err(ValidationError { diagnostics: d.list })
        }
    }
}

/// Reads `StartAt` and `States` of the object `f`, then checks its graph.
pub(super) fn parse_branch(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<Branch> {
    f.require(d, &["StartAt", "States"]);
    let start_at = f.string(d, "StartAt");
    let map = f.object(d, "States")?;
    if map.is_empty() {
        d.schema(&f.at("States"), "The object must have at least one state");
    }
    let states_location = f.at("States");
    let mut states = BTreeMap::new();
    for (name, value) in map {
        let location = child(&states_location, name);
        if !d.names.insert(name.clone()) {
            d.push(DiagnosticCode::DuplicateStateName, format!("Duplicate State name: {name}"), Some(&location));
        }
        if let Some(state) = parse_state(name, value, &location, language, d) {
            states.insert(name.clone(), state);
        }
    }
    let branch = Branch { start_at: start_at?.to_owned(), states };
    if branch.states.len() == map.len() {
        check_branch(&branch, &f.location, d);
    }
    Some(branch)
}
