//! Reading the fields of a definition object, collecting diagnostics with
//! their location instead of stopping at the first.

use serde_json::{Map, Value};

use super::jsonata::{self, Surround};
use super::{Dynamic, QueryLanguage};
use crate::error::{Diagnostic, DiagnosticCode};
use crate::path::{Path, Root};

/// The diagnostics found so far.
#[derive(Default)]
pub(crate) struct Diags {
    pub(crate) list: Vec<Diagnostic>,
    /// Every state name met so far: names are unique in the whole machine.
    pub(crate) names: std::collections::BTreeSet<String>,
}

impl Diags {
    pub(crate) fn push(&mut self, code: DiagnosticCode, message: impl Into<String>, location: Option<&str>) {
        self.list.push(Diagnostic { code, message: message.into(), location: location.map(str::to_owned) });
    }

    pub(crate) fn schema(&mut self, location: &str, message: impl Into<String>) {
        self.push(DiagnosticCode::SchemaValidationFailed, message, Some(location));
    }
}

/// The location of a field inside an object's location.
pub(crate) fn child(location: &str, key: &str) -> String {
    format!("{}/{key}", location.trim_end_matches('/'))
}

/// The location of an array item (`/States/A/Catch[0]`).
pub(crate) fn item(location: &str, index: usize) -> String {
    format!("{location}[{index}]")
}

/// An object being read, with its location.
pub(crate) struct Fields<'a> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) location: String,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>, location: impl Into<String>) -> Self {
        Fields { map, location: location.into() }
    }

    pub(crate) fn at(&self, key: &str) -> String {
        child(&self.location, key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// Reports every field not in `allowed`.
    pub(crate) fn only(&self, d: &mut Diags, allowed: &[&str]) {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) {
                d.schema(&self.location, format!("Field '{key}' is not supported"));
            }
        }
    }

    /// Reports the fields of `required` that are missing.
    pub(crate) fn require(&self, d: &mut Diags, required: &[&str]) {
        let missing: Vec<&str> = required.iter().copied().filter(|k| !self.has(k)).collect();
        if !missing.is_empty() {
            d.schema(&self.location, format!("These fields are required: [{}]", missing.join(", ")));
        }
    }

    /// Reports when more than one of `keys` is present.
    pub(crate) fn at_most_one(&self, d: &mut Diags, keys: &[&str]) {
        if keys.iter().filter(|k| self.has(k)).count() > 1 {
            d.schema(
                &self.location,
                format!("There should only be one of the following fields: [{}]", keys.join(", ")),
            );
        }
    }

    pub(crate) fn string(&self, d: &mut Diags, key: &str) -> Option<&'a str> {
        match self.get(key)? {
            Value::String(s) => Some(s),
            _ => {
                d.schema(&self.at(key), "Expected value of type: String");
                None
            }
        }
    }

    pub(crate) fn boolean(&self, d: &mut Diags, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                d.schema(&self.at(key), "Expected value of type: Boolean");
                None
            }
        }
    }

    pub(crate) fn object(&self, d: &mut Diags, key: &str) -> Option<&'a Map<String, Value>> {
        match self.get(key)? {
            Value::Object(map) => Some(map),
            _ => {
                d.schema(&self.at(key), "Expected value of type: Object");
                None
            }
        }
    }

    pub(crate) fn array(&self, d: &mut Diags, key: &str) -> Option<&'a Vec<Value>> {
        match self.get(key)? {
            Value::Array(items) => Some(items),
            _ => {
                d.schema(&self.at(key), "Expected value of type: Array");
                None
            }
        }
    }

    /// A non-negative integer, at most `max`.
    pub(crate) fn count(&self, d: &mut Diags, key: &str, max: u64) -> Option<u64> {
        let value = self.get(key)?;
        match value.as_u64() {
            Some(n) if n <= max => Some(n),
            Some(_) => {
                d.schema(&self.at(key), format!("Maximum value is {max}"));
                None
            }
            None if value.as_i64().is_some_and(|n| n < 0) => {
                d.schema(&self.at(key), "Minimum value is 0");
                None
            }
            None => {
                d.schema(&self.at(key), "Expected value of type: Integer");
                None
            }
        }
    }

    pub(crate) fn number(&self, d: &mut Diags, key: &str) -> Option<f64> {
        let value = self.get(key)?;
        let number = value.as_f64();
        if number.is_none() {
            d.schema(&self.at(key), "Expected value of type: Number");
        }
        number
    }

    /// A path field that must be a reference path into the input (`$…`).
    pub(crate) fn reference_path(&self, d: &mut Diags, key: &str, context_allowed: bool) -> Option<Path> {
        let text = self.string(d, key)?;
        match Path::parse(text) {
            Ok(path)
                if path.is_reference()
                    && (*path.root() == Root::Input || (context_allowed && *path.root() == Root::Context)) =>
            {
                Some(path)
            }
            _ => {
                d.schema(&self.at(key), "Value is not a Reference Path");
                None
            }
        }
    }

    /// A path field that may be any JSONPath (input, context or variable).
    pub(crate) fn any_path(&self, d: &mut Diags, key: &str) -> Option<Path> {
        let text = self.string(d, key)?;
        match Path::parse(text) {
            Ok(path) => Some(path),
            Err(e) => {
                d.schema(&self.at(key), format!("Value is not a valid JSONPath: {}", e.reason));
                None
            }
        }
    }

    /// A JSONata string field: checks the surround and the expression syntax.
    pub(crate) fn jsonata(&self, d: &mut Diags, location: &str, text: &str) -> Option<String> {
        match jsonata::surround(text) {
            Ok(Surround::Literal) => None,
            Ok(Surround::Expression(expression)) => match jsonata::check(expression) {
                Ok(()) => Some(expression.to_owned()),
                Err(why) => {
                    d.schema(location, format!("The JSONata expression '{expression}' is invalid: {why}"));
                    None
                }
            },
            Err(why) => {
                d.schema(location, why);
                None
            }
        }
    }

    /// A number field with its `…Path` twin (`Seconds`/`SecondsPath`), or a
    /// JSONata expression in the number field.
    pub(crate) fn dynamic_count(
        &self,
        d: &mut Diags,
        key: &str,
        path_key: &str,
        language: QueryLanguage,
        max: u64,
    ) -> Option<Dynamic<u64>> {
        self.at_most_one(d, &[key, path_key]);
        if let Some(Value::String(text)) = self.get(key)
            && language == QueryLanguage::Jsonata
        {
            return self.jsonata(d, &self.at(key), text).map(Dynamic::Jsonata);
        }
        if self.has(key) {
            return self.count(d, key, max).map(Dynamic::Fixed);
        }
        if self.has(path_key) {
            return self.reference_path(d, path_key, true).map(Dynamic::Path);
        }
        None
    }

    /// `ErrorEquals` of a Retry or Catch entry.
    pub(crate) fn error_equals(&self, d: &mut Diags) -> Vec<String> {
        let Some(items) = self.array(d, "ErrorEquals") else { return Vec::new() };
        let mut out = Vec::new();
        for (i, value) in items.iter().enumerate() {
            match value {
                Value::String(s) => out.push(s.clone()),
                _ => d.schema(&item(&self.at("ErrorEquals"), i), "Expected value of type: String"),
            }
        }
        out
    }
}

/// Walks every string of a value, e.g. to check JSONata strings of `Output`.
pub(crate) fn each_string<'v>(value: &'v Value, location: &str, visit: &mut dyn FnMut(&str, &'v str)) {
    match value {
        Value::String(s) => visit(location, s),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                each_string(v, &item(location, i), visit);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                each_string(v, &child(location, k), visit);
            }
        }
        _ => {}
    }
}
