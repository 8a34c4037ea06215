//! TestEventPattern: whether an event matches a pattern, as a rule would.

use serde::Deserialize;
use serde_json::{Value, json};

use super::routing::parse_pattern;
use crate::protocol::{AwsError, OpResult, required};

/// The fields AWS requires of a test event.
const REQUIRED_FIELDS: [&str; 7] = ["id", "account", "source", "time", "region", "resources", "detail-type"];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Input {
    event_pattern: Option<String>,
    event: Option<String>,
}

pub(super) fn test(input: Input) -> OpResult {
    let pattern = parse_pattern(required(&input.event_pattern, "eventPattern")?)?;
    let event: Value = serde_json::from_str(required(&input.event, "event")?)
        .ok()
        .filter(|event: &Value| REQUIRED_FIELDS.iter().all(|field| event.get(field).is_some()))
        .ok_or_else(|| AwsError::validation("Parameter Event is not valid."))?;
    Ok(json!({ "Result": pattern.matches(&event) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pattern: &str, event: &str) -> OpResult {
        test(Input { event_pattern: Some(pattern.into()), event: Some(event.into()) })
    }

    const EVENT: &str = r#"{"id": "1", "account": "123456789012", "source": "shop", "time": "2026-11-22T00:00:00Z",
        "region": "us-east-1", "resources": [], "detail-type": "OrderPlaced", "detail": {"total": 12}}"#;

    #[test]
    fn answers_whether_the_event_matches() {
        assert_eq!(run(r#"{"detail": {"total": [{"numeric": [">", 10]}]}}"#, EVENT).expect("ok")["Result"], true);
        assert_eq!(run(r#"{"source": ["other"]}"#, EVENT).expect("ok")["Result"], false);
    }

    #[test]
    fn rejects_what_aws_rejects() {
        for event in [r#""plain string""#, "[1, 2]", r#"{"source": "shop"}"#, "not json"] {
            let error = run(r#"{"source": ["shop"]}"#, event).expect_err("invalid event");
            assert_eq!((error.code, error.message.as_str()), ("ValidationException", "Parameter Event is not valid."));
        }
        let error = run(r#"{"source": "shop"}"#, EVENT).expect_err("invalid pattern");
        assert_eq!(error.code, "InvalidEventPatternException");
        assert_eq!(error.message, r#"Event pattern is not valid. Reason: "source" must be an object or an array"#);
    }
}
