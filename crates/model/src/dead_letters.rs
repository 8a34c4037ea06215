//! Dead-letter queues: the SQS queues targets' `DeadLetterConfig` name, and
//! the events EventBridge put in them with the attributes it adds.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A dead-letter queue and who sends to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeadLetterQueue {
    /// The queue's ARN, as the targets name it.
    pub queue_arn: String,
    /// Its URL; `None` when the queue does not exist.
    pub queue_url: Option<String>,
    /// Its name.
    pub name: String,
    /// Messages waiting (`ApproximateNumberOfMessages`).
    #[ts(type = "number")]
    pub depth: u64,
    /// Messages received by someone and not yet deleted or released
    /// (`ApproximateNumberOfMessagesNotVisible`).
    #[ts(type = "number")]
    pub in_flight: u64,
    /// The (rule ARN, target ARN) pairs whose dead letters go here.
    pub senders: Vec<DeadLetterSender>,
}

/// A target that sends its dead letters to a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeadLetterSender {
    /// The rule.
    pub rule_arn: String,
    /// The target.
    pub target_arn: String,
}

/// One message of a dead-letter queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeadLetter {
    /// SQS's message id.
    pub message_id: String,
    /// The message body: the event as the target would have received it.
    pub body: String,
    /// The body parsed, when it is JSON.
    pub event: Option<serde_json::Value>,
    /// `RULE_ARN`.
    pub rule_arn: Option<String>,
    /// `TARGET_ARN`.
    pub target_arn: Option<String>,
    /// `ERROR_CODE`.
    pub error_code: Option<String>,
    /// `ERROR_MESSAGE`.
    pub error_message: Option<String>,
    /// `EXHAUSTED_RETRY_CONDITION` (absent for failures that are not retried).
    pub exhausted_retry_condition: Option<String>,
    /// `RETRY_ATTEMPTS`.
    #[ts(type = "number | null")]
    pub retry_attempts: Option<u32>,
    /// When it was sent to the queue, ms since the Unix epoch.
    #[ts(type = "number | null")]
    pub sent_ms: Option<i64>,
    /// How often it was received (this peek included).
    #[ts(type = "number")]
    pub receive_count: u32,
}

/// Where a redrive sends dead letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RedriveTo {
    /// PutEvents of the event on the rule's bus: every rule that matches it
    /// (the failed one included) sees it again.
    Bus,
    /// Straight to the target: SendMessage to a queue, StartExecution of a
    /// state machine, PutEvents on a target bus.
    Target,
}

/// What became of one redriven message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RedriveOutcome {
    /// The message.
    pub message_id: String,
    /// Whether it was sent and deleted from the queue.
    pub sent: bool,
    /// What was done, or why not, in words.
    pub detail: String,
}

/// What became of one dead letter an operator chose to delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteOutcome {
    /// The message.
    pub message_id: String,
    /// Whether it was deleted from the queue.
    pub deleted: bool,
    /// What was done, or why not, in words.
    pub detail: String,
}
