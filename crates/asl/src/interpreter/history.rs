//! History events in the shape of GetExecutionHistory.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// One event of an execution's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// 1, 2, 3…
    pub id: u64,
    /// The event this one follows in its branch of the execution (0 for none).
    pub previous_event_id: u64,
    /// When, in milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// The AWS event type, e.g. `TaskStateEntered`.
    pub event_type: String,
    /// The type's details object (`stateEnteredEventDetails`…), if it has one.
    pub details: Option<Value>,
}

impl HistoryEvent {
    /// The key AWS puts the details under for this event type.
    pub fn details_key(&self) -> String {
        let t = self.event_type.as_str();
        if t.ends_with("StateEntered") {
            return "stateEnteredEventDetails".to_owned();
        }
        if t.ends_with("StateExited") {
            return "stateExitedEventDetails".to_owned();
        }
        let mut chars = t.chars();
        let first = chars.next().map(|c| c.to_ascii_lowercase()).into_iter();
        format!("{}EventDetails", first.chain(chars).collect::<String>())
    }

    /// The event as GetExecutionHistory returns it (`timestamp` in epoch seconds).
    pub fn to_aws_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("previousEventId".into(), json!(self.previous_event_id));
        out.insert("timestamp".into(), json!(self.timestamp_ms as f64 / 1000.0));
        out.insert("type".into(), json!(self.event_type));
        if let Some(details) = &self.details {
            out.insert(self.details_key(), details.clone());
        }
        Value::Object(out)
    }

    /// A detail field, e.g. `error` or `name`.
    pub fn detail(&self, key: &str) -> Option<&Value> {
        self.details.as_ref()?.get(key)
    }
}

/// `{"truncated": false}`, as AWS writes `inputDetails`/`outputDetails`.
pub(crate) fn not_truncated() -> Value {
    json!({"truncated": false})
}

/// Details with an error and a cause, each only when present.
pub(crate) fn error_details(error: Option<&str>, cause: Option<&str>, mut base: Map<String, Value>) -> Value {
    if let Some(error) = error {
        base.insert("error".into(), json!(error));
    }
    if let Some(cause) = cause {
        base.insert("cause".into(), json!(cause));
    }
    Value::Object(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keys() {
        let event = |t: &str| HistoryEvent {
            id: 1,
            previous_event_id: 0,
            timestamp_ms: 1500,
            event_type: t.to_owned(),
            details: Some(json!({})),
        };
        assert_eq!(event("TaskStateEntered").details_key(), "stateEnteredEventDetails");
        assert_eq!(event("MapIterationStarted").details_key(), "mapIterationStartedEventDetails");
        assert_eq!(event("LambdaFunctionScheduled").details_key(), "lambdaFunctionScheduledEventDetails");
        assert_eq!(event("ExecutionFailed").to_aws_json()["timestamp"], json!(1.5));
    }
}
