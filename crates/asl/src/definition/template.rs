//! Payload templates: `Parameters`, `ResultSelector`, `ItemSelector`,
//! `Credentials`, where a key ending in `.$` takes its value from a path or
//! an intrinsic function call.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fields::{Diags, child, item};
use crate::intrinsic::Intrinsic;
use crate::path::{Path, Root};

/// A compiled payload template.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A value copied as written.
    Literal(Value),
    /// An object: its keys (without `.$`) and their templates.
    Object(Vec<(String, Template)>),
    /// An array of templates.
    Array(Vec<Template>),
    /// The value of a `.$` key that is a path.
    Path(Path),
    /// The value of a `.$` key that is an intrinsic function call.
    Intrinsic(Intrinsic),
}

impl Template {
    /// Compiles a template, reporting bad `.$` values and keys that clash
    /// once `.$` is removed.
    pub(crate) fn parse(value: &Value, location: &str, d: &mut Diags) -> Template {
        match value {
            Value::Object(map) => {
                let mut seen = BTreeSet::new();
                let mut fields = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let here = child(location, key);
                    let (name, template) = match key.strip_suffix(".$") {
                        Some(name) => (name, dynamic(key, value, location, d)),
                        None => (key.as_str(), Template::parse(value, &here, d)),
                    };
                    if !seen.insert(name.to_owned()) {
                        d.schema(location, format!("The field '{name}' is defined twice (once with the '.$' suffix)"));
                    }
                    fields.push((name.to_owned(), template));
                }
                Template::Object(fields)
            }
            Value::Array(items) => Template::Array(
                items.iter().enumerate().map(|(i, v)| Template::parse(v, &item(location, i), d)).collect(),
            ),
            other => Template::Literal(other.clone()),
        }
    }

    /// Whether the template reads nothing from its input.
    pub fn is_constant(&self) -> bool {
        match self {
            Template::Literal(_) => true,
            Template::Object(fields) => fields.iter().all(|(_, t)| t.is_constant()),
            Template::Array(items) => items.iter().all(Template::is_constant),
            Template::Path(_) | Template::Intrinsic(_) => false,
        }
    }
}

fn dynamic(key: &str, value: &Value, location: &str, d: &mut Diags) -> Template {
    let complaint =
        format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call");
    let Value::String(text) = value else {
        d.schema(location, complaint);
        return Template::Literal(Value::Null);
    };
    if Intrinsic::looks_like(text) {
        return match Intrinsic::parse(text) {
            Ok(call) => Template::Intrinsic(call),
            Err(why) => {
                d.schema(location, format!("{complaint}: {why}"));
                Template::Literal(Value::Null)
            }
        };
    }
    match Path::parse(text) {
        Ok(path) if *path.root() != Root::Current => Template::Path(path),
        Ok(_) => {
            d.schema(location, complaint);
            Template::Literal(Value::Null)
        }
        Err(e) => {
            d.schema(location, format!("{complaint}: {}", e.reason));
            Template::Literal(Value::Null)
        }
    }
}
