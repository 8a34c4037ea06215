//! Queue attributes: their defaults and ranges, and GetQueueAttributes,
//! SetQueueAttributes.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ErrorKind, SqsError, SqsResult};
use super::names::{fifo_unsupported, queue_arn, queue_from_arn, queue_from_url};
use super::store::{self, counts};
use super::{required, wake};
use crate::shared::Shared;

/// The integer attributes: name, SQS's range, default. Ranges and defaults
/// from the CreateQueue documentation in botocore's SQS model (1.43), which
/// has the 1 MiB message size SQS allows since August 2025.
const NUMBERS: [(&str, i64, i64, i64); 5] = [
    ("DelaySeconds", 0, 900, 0),
    ("MaximumMessageSize", 1024, 1_048_576, 1_048_576),
    ("MessageRetentionPeriod", 60, 1_209_600, 345_600),
    ("ReceiveMessageWaitTimeSeconds", 0, 20, 0),
    ("VisibilityTimeout", 0, 43_200, 30),
];

/// Attributes only FIFO queues have.
const FIFO_ONLY: [&str; 4] = ["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

/// Attributes SQS computes; they can be read, never set.
const READ_ONLY: [&str; 6] = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
];

/// Attributes kept as given (after checks), shown only when set.
const KEPT: [&str; 6] = [
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
];

/// The settable attributes of a queue, by name, as strings (SQS's form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueAttributes(BTreeMap<String, String>);

impl Default for QueueAttributes {
    fn default() -> Self {
        let mut map: BTreeMap<String, String> =
            NUMBERS.iter().map(|(name, _, _, default)| ((*name).to_owned(), default.to_string())).collect();
        map.insert("SqsManagedSseEnabled".to_owned(), "true".to_owned());
        Self(map)
    }
}

/// The dead-letter queue a queue's `RedrivePolicy` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redrive {
    /// The dead-letter queue's ARN.
    pub dead_letter_target_arn: String,
    /// Receives after which a message moves there.
    pub max_receive_count: i64,
}

impl QueueAttributes {
    /// Reads attributes kept by [`QueueAttributes::to_json`]; defaults fill gaps.
    pub fn from_json(json: &str) -> Self {
        let mut attributes = Self::default();
        if let Ok(stored) = serde_json::from_str::<BTreeMap<String, String>>(json) {
            attributes.0.extend(stored);
        }
        attributes
    }

    /// The attributes as kept in the store.
    pub fn to_json(&self) -> String {
        json!(self.0).to_string()
    }

    /// One attribute's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn number(&self, name: &str) -> i64 {
        let default = NUMBERS.iter().find(|(n, ..)| *n == name).map_or(0, |(.., default)| *default);
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    /// `VisibilityTimeout`, seconds.
    pub fn visibility_timeout(&self) -> i64 {
        self.number("VisibilityTimeout")
    }

    /// `DelaySeconds`.
    pub fn delay_seconds(&self) -> i64 {
        self.number("DelaySeconds")
    }

    /// `MessageRetentionPeriod`, seconds.
    pub fn retention_seconds(&self) -> i64 {
        self.number("MessageRetentionPeriod")
    }

    /// `MaximumMessageSize`, bytes.
    pub fn maximum_message_size(&self) -> i64 {
        self.number("MaximumMessageSize")
    }

    /// `ReceiveMessageWaitTimeSeconds`: how long a receive that gives no
    /// `WaitTimeSeconds` waits.
    pub fn receive_wait_seconds(&self) -> i64 {
        self.number("ReceiveMessageWaitTimeSeconds")
    }

    /// The `RedrivePolicy`, if one is set.
    pub fn redrive(&self) -> Option<Redrive> {
        let policy: Value = serde_json::from_str(self.get("RedrivePolicy")?).ok()?;
        Some(Redrive {
            dead_letter_target_arn: policy["deadLetterTargetArn"].as_str()?.to_owned(),
            max_receive_count: policy["maxReceiveCount"].as_i64()?,
        })
    }

    /// Applies checked changes.
    pub fn apply(&mut self, changes: &[(String, Change)]) {
        for (name, change) in changes {
            match change {
                Change::Set(value) => {
                    self.0.insert(name.clone(), value.clone());
                }
                Change::Remove => {
                    self.0.remove(name);
                }
                Change::Ignore => {}
            }
            // One kind of server-side encryption at a time, as in SQS.
            match (name.as_str(), change) {
                ("KmsMasterKeyId", Change::Set(_)) => {
                    self.0.insert("SqsManagedSseEnabled".to_owned(), "false".to_owned());
                }
                ("SqsManagedSseEnabled", Change::Set(value)) if value == "true" => {
                    self.0.remove("KmsMasterKeyId");
                    self.0.remove("KmsDataKeyReusePeriodSeconds");
                }
                _ => {}
            }
        }
    }
}

/// What a request does to one attribute, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set this value.
    Set(String),
    /// Remove the attribute (an empty `Policy` or `RedrivePolicy`).
    Remove,
    /// Nothing (`FifoQueue=false` on a standard queue).
    Ignore,
}

/// Checks the attributes a CreateQueue or SetQueueAttributes asks for, in
/// SQS's words: `InvalidAttributeName` for names it does not take,
/// `InvalidAttributeValue` for values out of range.
pub fn check(
    conn: &Connection,
    shared: &Shared,
    requested: &BTreeMap<String, String>,
    creating: bool,
) -> SqsResult<Vec<(String, Change)>> {
    if requested.get("FifoQueue").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(fifo_unsupported());
    }
    if requested.get("KmsMasterKeyId").is_some_and(|v| !v.is_empty())
        && requested.get("SqsManagedSseEnabled").is_some_and(|v| v == "true")
    {
        // Recorded from AWS by LocalStack (test_sse_kms_and_sqs_are_mutually_exclusive).
        return Err(SqsError::new(
            ErrorKind::InvalidAttributeName,
            "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or \
             SQS SSE.",
        ));
    }
    requested.iter().map(|(name, value)| Ok((name.clone(), check_one(conn, shared, name, value, creating)?))).collect()
}

fn check_one(conn: &Connection, shared: &Shared, name: &str, value: &str, creating: bool) -> SqsResult<Change> {
    if let Some((_, min, max, _)) = NUMBERS.iter().find(|(n, ..)| *n == name) {
        return match value.trim().parse::<i64>() {
            Ok(n) if (*min..=*max).contains(&n) => Ok(Change::Set(n.to_string())),
            _ => Err(SqsError::bad_attribute_value(name)),
        };
    }
    match name {
        "Policy" | "RedriveAllowPolicy" => {
            if value.is_empty() {
                return Ok(Change::Remove);
            }
            match serde_json::from_str::<Value>(value) {
                Ok(Value::Object(_)) => Ok(Change::Set(value.to_owned())),
                _ => Err(SqsError::bad_attribute_value(name)),
            }
        }
        "RedrivePolicy" => check_redrive(conn, shared, value),
        "KmsMasterKeyId" if value.is_empty() => Ok(Change::Remove),
        "KmsMasterKeyId" => Ok(Change::Set(value.to_owned())),
        "KmsDataKeyReusePeriodSeconds" => match value.parse::<i64>() {
            Ok(n) if (60..=86_400).contains(&n) => Ok(Change::Set(n.to_string())),
            _ => Err(SqsError::bad_attribute_value(name)),
        },
        "SqsManagedSseEnabled" => match value {
            "true" | "false" => Ok(Change::Set(value.to_owned())),
            _ => Err(SqsError::bad_attribute_value(name)),
        },
        // A standard queue may say so when it is created.
        "FifoQueue" if creating && value.eq_ignore_ascii_case("false") => Ok(Change::Ignore),
        // LocalStack's wording, from its tests against AWS.
        "DeduplicationScope" | "FifoThroughputLimit" => Err(SqsError::new(
            ErrorKind::InvalidAttributeName,
            format!("You can specify the {name} only when FifoQueue is set to true."),
        )),
        _ => Err(SqsError::unknown_attribute(name)),
    }
}

/// Checks a `RedrivePolicy` and keeps it in SQS's form:
/// `{"deadLetterTargetArn":"<arn>","maxReceiveCount":<n>}`.
fn check_redrive(conn: &Connection, shared: &Shared, value: &str) -> SqsResult<Change> {
    if value.is_empty() {
        return Ok(Change::Remove);
    }
    let invalid = |reason: &str| SqsError::invalid_value(value, "RedrivePolicy", reason);
    let policy: Value = serde_json::from_str(value).map_err(|_| invalid("Redrive policy is not a valid JSON map."))?;
    let Some(policy) = policy.as_object() else {
        return Err(invalid("Redrive policy is not a valid JSON map."));
    };
    // "Invalid value for deadLetterTargetArn." is what AWS answered LocalStack
    // (test_invalid_dead_letter_arn_rejected_before_lookup).
    let arn = policy.get("deadLetterTargetArn").and_then(Value::as_str).unwrap_or_default();
    if !arn.starts_with("arn:") || arn.split(':').count() != 6 {
        return Err(invalid("Invalid value for deadLetterTargetArn."));
    }
    let count = match policy.get("maxReceiveCount") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let count = count.filter(|n| (1..=1000).contains(n)).ok_or_else(|| {
        let shown = policy.get("maxReceiveCount").map_or_else(|| "null".to_owned(), |v| v.to_string().replace('"', ""));
        invalid(&format!("Invalid value for maxReceiveCount: {shown}, valid values are from 1 to 1000 both inclusive."))
    })?;
    let exists = match queue_from_arn(shared, arn) {
        Some(name) => store::find(conn, &name)?.is_some(),
        None => false,
    };
    if !exists {
        // Not seen recorded from AWS; the wording is ours.
        return Err(invalid("Dead letter target does not exist."));
    }
    Ok(Change::Set(json!({ "deadLetterTargetArn": arn, "maxReceiveCount": count }).to_string()))
}

/// Every attribute name GetQueueAttributes takes.
fn known(name: &str) -> bool {
    name == "All"
        || NUMBERS.iter().any(|(n, ..)| *n == name)
        || FIFO_ONLY.contains(&name)
        || READ_ONLY.contains(&name)
        || KEPT.contains(&name)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetInput {
    queue_url: Option<String>,
    attribute_names: Option<Vec<String>>,
}

pub(super) fn get(shared: &Shared, input: GetInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let names = input.attribute_names.unwrap_or_default();
    if let Some(unknown) = names.iter().find(|n| !known(n)) {
        return Err(SqsError::unknown_attribute(unknown));
    }
    let conn = shared.store.conn();
    let queue = store::require(&conn, &name)?;
    if names.is_empty() {
        return Ok(json!({}));
    }
    let now = shared.clock.now_ms();
    let counts = counts(&conn, &queue, now)?;
    let mut all: BTreeMap<&str, String> =
        queue.attributes.0.iter().map(|(name, value)| (name.as_str(), value.clone())).collect();
    all.insert("ApproximateNumberOfMessages", counts.visible.to_string());
    all.insert("ApproximateNumberOfMessagesNotVisible", counts.in_flight.to_string());
    all.insert("ApproximateNumberOfMessagesDelayed", counts.delayed.to_string());
    all.insert("CreatedTimestamp", (queue.created_ms / 1000).to_string());
    all.insert("LastModifiedTimestamp", (queue.modified_ms / 1000).to_string());
    all.insert("QueueArn", queue_arn(shared, &queue.name));
    let everything = names.iter().any(|n| n == "All");
    let attributes: serde_json::Map<String, Value> = all
        .into_iter()
        .filter(|(name, _)| everything || names.iter().any(|n| n == name))
        .map(|(name, value)| (name.to_owned(), Value::String(value)))
        .collect();
    Ok(json!({ "Attributes": attributes }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SetInput {
    queue_url: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
}

pub(super) fn set(shared: &Shared, input: SetInput) -> SqsResult {
    let name = queue_from_url(shared, required(&input.queue_url, "QueueUrl")?)?;
    let requested = required(&input.attributes, "Attributes")?;
    let conn = shared.store.conn();
    let mut queue = store::require(&conn, &name)?;
    if requested.contains_key("FifoQueue") {
        // A standard queue stays one (LocalStack's test_set_unsupported_attribute_fifo, recorded against AWS).
        return Err(SqsError::unknown_attribute("FifoQueue"));
    }
    let changes = check(&conn, shared, requested, false)?;
    queue.attributes.apply(&changes);
    conn.execute(
        "UPDATE sqs_queues SET attributes = ?2, modified_ms = ?3 WHERE name = ?1",
        params![name, queue.attributes.to_json(), shared.clock.now_ms()],
    )?;
    drop(conn);
    // A shorter wait or a changed policy concerns receives already waiting.
    wake::notify(shared, &name);
    Ok(json!({}))
}
