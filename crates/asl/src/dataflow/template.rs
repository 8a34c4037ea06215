//! Rendering payload templates against a scope.

use serde_json::{Map, Value};

use super::{DataError, Scope};
use crate::definition::Template;
use crate::error::names;
use crate::intrinsic::IntrinsicError;

/// Renders a template: literals as written, `.$` keys from their path or
/// intrinsic call. A path that selects nothing is `States.Runtime`.
pub fn render(template: &Template, scope: &mut Scope<'_>) -> Result<Value, DataError> {
    render_field(template, scope, None)
}

fn render_field(template: &Template, scope: &mut Scope<'_>, key: Option<&str>) -> Result<Value, DataError> {
    match template {
        Template::Literal(value) => Ok(value.clone()),
        Template::Array(items) => {
            items.iter().map(|t| render_field(t, scope, None)).collect::<Result<_, _>>().map(Value::Array)
        }
        Template::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for (name, field) in fields {
                out.insert(name.clone(), render_field(field, scope, Some(name))?);
            }
            Ok(Value::Object(out))
        }
        Template::Path(path) => scope.lookup(path)?.ok_or_else(|| {
            DataError::runtime(format!(
                "The JSONPath '{path}' specified for the field '{}.$' could not be found in the input '{}'",
                key.unwrap_or(""),
                scope.input
            ))
        }),
        Template::Intrinsic(call) => call.evaluate(scope).map_err(|e| match e {
            IntrinsicError::PathNotFound(path) => DataError::runtime(format!(
                "The JSONPath '{path}' specified for the field '{}.$' could not be found in the input '{}'",
                key.unwrap_or(""),
                scope.input
            )),
            IntrinsicError::Invalid(detail) => DataError { error: names::INTRINSIC_FAILURE, detail },
        }),
    }
}
