//! Event patterns, for now with exact values only: a field matches when the
//! event's value (or any element of it, for arrays) equals one of the listed
//! values. The full pattern language comes with `crates/pattern`, which will
//! replace this module.

use serde_json::{Map, Value};

use crate::protocol::AwsError;

/// A parsed event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    root: Map<String, Value>,
}

fn invalid(reason: impl std::fmt::Display) -> AwsError {
    AwsError::client("InvalidEventPatternException", format!("Event pattern is not valid. Reason: {reason}"))
}

impl Pattern {
    /// Parses and validates a pattern, with EventBridge's error for one it rejects.
    pub fn parse(text: &str) -> Result<Self, AwsError> {
        let value: Value = serde_json::from_str(text).map_err(invalid)?;
        let Value::Object(root) = value else {
            return Err(invalid("Filter is not an object"));
        };
        validate_object(&root)?;
        Ok(Self { root })
    }

    /// Whether the event (as targets receive it) matches.
    pub fn matches(&self, event: &Value) -> bool {
        matches_object(&self.root, event)
    }
}

fn validate_object(object: &Map<String, Value>) -> Result<(), AwsError> {
    for (key, value) in object {
        match value {
            Value::Object(nested) => validate_object(nested)?,
            Value::Array(values) if values.is_empty() => {
                return Err(invalid("Empty arrays are not allowed"));
            }
            Value::Array(values) => {
                if let Some(Value::Object(operator)) = values.iter().find(|v| v.is_object()) {
                    let name = operator.keys().next().map_or("{}", String::as_str);
                    return Err(invalid(format_args!(
                        "the match type \"{name}\" is not supported by choreoscope-local yet (exact values only)"
                    )));
                }
                if values.iter().any(Value::is_array) {
                    return Err(invalid(format_args!("\"{key}\" must be an object or an array")));
                }
            }
            _ => {
                return Err(invalid(format_args!("\"{key}\" must be an object or an array")));
            }
        }
    }
    Ok(())
}

fn matches_object(pattern: &Map<String, Value>, event: &Value) -> bool {
    pattern.iter().all(|(key, expected)| {
        let actual = event.get(key);
        match expected {
            Value::Object(nested) => actual.is_some_and(|actual| match actual {
                Value::Array(items) => items.iter().any(|item| matches_object(nested, item)),
                _ => matches_object(nested, actual),
            }),
            Value::Array(allowed) => match actual {
                None => false,
                Some(Value::Array(items)) => items.iter().any(|item| allowed.iter().any(|a| same(a, item))),
                Some(value) => allowed.iter().any(|a| same(a, value)),
            },
            _ => false,
        }
    })
}

/// Exact equality, with numbers compared as numbers (5 = 5.0).
fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({
            "source": "shop.orders",
            "detail-type": "OrderPlaced",
            "detail": {"total": 5, "items": [{"sku": "a"}, {"sku": "b"}], "tags": ["x", "y"], "note": null}
        })
    }

    #[test]
    fn exact_values_match() {
        let pattern = Pattern::parse(r#"{"source":["shop.orders"],"detail":{"total":[5.0]}}"#).expect("valid");
        assert!(pattern.matches(&event()));
        let pattern = Pattern::parse(r#"{"source":["shop.payments"]}"#).expect("valid");
        assert!(!pattern.matches(&event()));
    }

    #[test]
    fn arrays_match_when_any_element_does() {
        assert!(Pattern::parse(r#"{"detail":{"tags":["y"]}}"#).expect("valid").matches(&event()));
        assert!(Pattern::parse(r#"{"detail":{"items":{"sku":["b"]}}}"#).expect("valid").matches(&event()));
    }

    #[test]
    fn null_matches_null_not_missing() {
        assert!(Pattern::parse(r#"{"detail":{"note":[null]}}"#).expect("valid").matches(&event()));
        assert!(!Pattern::parse(r#"{"detail":{"absent":[null]}}"#).expect("valid").matches(&event()));
    }

    #[test]
    fn strings_are_not_numbers() {
        assert!(!Pattern::parse(r#"{"detail":{"total":["5"]}}"#).expect("valid").matches(&event()));
    }

    #[test]
    fn invalid_patterns_are_rejected_in_eventbridge_words() {
        let error = Pattern::parse(r#"{"source":"shop"}"#).expect_err("string");
        assert_eq!(error.code, "InvalidEventPatternException");
        assert_eq!(error.message, r#"Event pattern is not valid. Reason: "source" must be an object or an array"#);
        let error = Pattern::parse(r#"{"source":[]}"#).expect_err("empty");
        assert_eq!(error.message, "Event pattern is not valid. Reason: Empty arrays are not allowed");
        let error = Pattern::parse(r#"["a"]"#).expect_err("array");
        assert_eq!(error.message, "Event pattern is not valid. Reason: Filter is not an object");
    }
}
