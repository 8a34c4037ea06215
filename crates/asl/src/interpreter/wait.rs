//! When Wait states end.

use serde_json::Value;

use super::engine::seconds_to_ms;
use crate::dataflow::DataError;
use crate::definition::{Dynamic, WaitFor};
use crate::timestamp;

/// When a Wait state's timer fires.
pub(super) fn wait_until(wait: &WaitFor, input: &Value, now: i64) -> Result<i64, DataError> {
    match wait {
        WaitFor::Seconds(Dynamic::Fixed(seconds)) => Ok(now.saturating_add(seconds_to_ms(*seconds))),
        WaitFor::Seconds(Dynamic::Path(path)) => match path.select(input).into_value() {
            Some(Value::Number(n)) if n.as_u64().is_some() => {
                Ok(now.saturating_add(seconds_to_ms(n.as_u64().unwrap_or(0))))
            }
            _ => Err(DataError::runtime(format!(
                "Invalid path '{path}': The SecondsPath parameter does not reference a valid integer value."
            ))),
        },
        WaitFor::Timestamp(Dynamic::Fixed(text)) => {
            timestamp::parse(text).ok_or_else(|| DataError::runtime(format!("Invalid timestamp '{text}'")))
        }
        WaitFor::Timestamp(Dynamic::Path(path)) => {
            match path.select(input).into_value().as_ref().and_then(Value::as_str).and_then(timestamp::parse) {
                Some(at) => Ok(at),
                None => Err(DataError::runtime(format!(
                    "Invalid path '{path}': The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string."
                ))),
            }
        }
        WaitFor::Seconds(Dynamic::Jsonata(_)) | WaitFor::Timestamp(Dynamic::Jsonata(_)) => {
            Err(DataError::runtime("JSONata is not supported by this interpreter"))
        }
    }
}
