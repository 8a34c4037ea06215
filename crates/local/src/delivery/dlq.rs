//! Dead letters: an event whose delivery failed for good goes to the
//! target's dead-letter queue, with the attributes EventBridge adds.

use super::outcome::Failure;
use super::store::Due;
use crate::eventbridge::names::rule_arn;
use crate::shared::Shared;
use crate::sqs::{MessageAttribute, NewMessage};

/// Why an event was given up.
#[derive(Debug, Clone)]
pub struct GivenUp<'a> {
    /// The last attempt's failure.
    pub failure: &'a Failure,
    /// `MaximumRetryAttempts` or `MaximumEventAgeInSeconds` when the retry
    /// policy ran out; `None` for a failure no retry could fix.
    pub exhausted_condition: Option<&'static str>,
    /// Retries made (attempts after the first).
    pub retry_attempts: u32,
}

/// The message EventBridge puts on a dead-letter queue: the event as the
/// bus received it, and why it was not delivered.
pub fn message(shared: &Shared, due: &Due, event_json: String, given_up: &GivenUp<'_>) -> NewMessage {
    let mut message = NewMessage::new(event_json)
        .with_attribute("RULE_ARN", MessageAttribute::string(rule_arn(shared, &due.bus, &due.rule)))
        .with_attribute("TARGET_ARN", MessageAttribute::string(&due.target_arn))
        .with_attribute("ERROR_CODE", MessageAttribute::string(&given_up.failure.code))
        .with_attribute("ERROR_MESSAGE", MessageAttribute::string(truncated(&given_up.failure.message)))
        .with_attribute("RETRY_ATTEMPTS", MessageAttribute::number(given_up.retry_attempts));
    if let Some(condition) = given_up.exhausted_condition {
        message = message.with_attribute("EXHAUSTED_RETRY_CONDITION", MessageAttribute::string(condition));
    }
    message
}

/// SQS attribute values are text of limited size; a long error message is
/// cut at a character boundary.
fn truncated(message: &str) -> &str {
    const MAX: usize = 2_048;
    if message.len() <= MAX {
        return message;
    }
    let mut end = MAX;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    &message[..end]
}
