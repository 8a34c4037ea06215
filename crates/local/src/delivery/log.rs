//! The bus-log records of an invocation: its start, each attempt and how it
//! ended, the outcome, and a dead-letter hand-off.

use serde_json::{Value, json};

use super::outcome::Failure;
use super::store::Due;
use super::target_kind::TargetKind;
use crate::eventbridge::bus_log::{Level, Record};
use crate::eventbridge::names::rule_arn;
use crate::shared::Shared;

/// What the records of one invocation have in common.
pub struct InvocationLog<'a> {
    shared: &'a Shared,
    due: &'a Due,
    kind: TargetKind<'a>,
}

impl<'a> InvocationLog<'a> {
    /// The log of the invocation `due`.
    pub fn new(shared: &'a Shared, due: &'a Due) -> Self {
        Self { shared, due, kind: TargetKind::of(&due.target_arn) }
    }

    /// One record of the invocation.
    pub fn record(&self, message_type: &'static str, level: Level, extra: Value, error: Option<&Failure>) -> Record {
        let mut details = json!({
            "rule_arn": rule_arn(self.shared, &self.due.bus, &self.due.rule),
            "target_arn": self.due.target_arn,
            "target_type": self.kind.target_type(),
        });
        if let (Some(details), Value::Object(extra)) = (details.as_object_mut(), extra) {
            details.extend(extra);
        }
        let full_details = match &self.due.payload {
            Ok(payload) => json!({ "target_input": payload }),
            Err(_) => json!({}),
        };
        Record {
            message_type,
            level,
            event_id: self.due.event_id.clone(),
            invocation_id: Some(self.due.invocation_id.clone()),
            details,
            full_details,
            error: error.map(|failure| self.error(failure)),
        }
    }

    /// The `error` object of a failure step.
    fn error(&self, failure: &Failure) -> Value {
        let mut error = json!({
            "error_message": failure.message,
            "error_code": failure.code,
            "aws_service": self.kind.aws_service(),
        });
        if let Ok(status) = failure.code.parse::<u16>() {
            error["http_status_code"] = status.into();
        }
        error
    }

    /// The records of an attempt that starts now (and of the invocation, for
    /// the first).
    pub fn attempt_start(&self, attempt: u32, now: i64) -> Vec<Record> {
        let mut records = Vec::new();
        if attempt == 1 {
            records.push(self.record(
                "INVOCATION_START",
                Level::Trace,
                json!({ "ingestion_to_start_latency_ms": now - self.due.ingested_ms }),
                None,
            ));
        }
        records.push(self.record("INVOCATION_ATTEMPT_START", Level::Trace, json!({ "attempt_count": attempt }), None));
        records
    }

    /// The records of an attempt that delivered the event, now: it and the
    /// invocation succeeded.
    pub fn success(&self, attempt: u32, now: i64) -> Vec<Record> {
        vec![
            self.record("INVOCATION_ATTEMPT_SUCCESS", Level::Trace, json!({ "attempt_count": attempt }), None),
            self.record(
                "INVOCATION_SUCCESS",
                Level::Info,
                json!({
                    "total_attempts": attempt,
                    "final_invocation_status": "SUCCESS",
                    "ingestion_to_success_latency_ms": now - self.due.ingested_ms,
                }),
                None,
            ),
        ]
    }
}
