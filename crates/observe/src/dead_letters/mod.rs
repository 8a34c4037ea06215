//! Dead-letter queues and their messages, through SQS.
//!
//! Reading a queue must not take its messages from other consumers for
//! longer than necessary: a peek receives with a short visibility timeout
//! ([`HOLD_SECONDS`], only so that paging through the queue does not return
//! the same messages again) and then makes every message it read visible
//! again at once (ChangeMessageVisibility to 0). Each peek counts as a
//! receive: `ApproximateReceiveCount` grows, and a queue with a redrive
//! policy of its own may move a message on after enough peeks.

mod delete;
mod redrive;

use std::collections::BTreeMap;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName, QueueAttributeName,
};
use choreoscope_model::{DeadLetter, DeadLetterQueue, DeadLetterSender};
pub use delete::delete;
pub use redrive::redrive;

use crate::error::{ObserveError, Result};
use crate::inventory::Inventory;

/// How long a peek hides the messages it reads, at most.
pub const HOLD_SECONDS: i32 = 20;
/// The most messages one peek reads.
pub const MAX_PEEK: usize = 1_000;

/// Every queue a target names as its dead-letter queue, with its depth.
pub async fn queues(client: &Client, inventory: &Inventory) -> Result<Vec<DeadLetterQueue>> {
    let mut senders: BTreeMap<&str, Vec<DeadLetterSender>> = BTreeMap::new();
    for rule in &inventory.rules {
        for target in &rule.targets {
            if let Some(queue) = &target.dead_letter_arn {
                senders
                    .entry(queue.as_str())
                    .or_default()
                    .push(DeadLetterSender { rule_arn: rule.arn.clone(), target_arn: target.arn.clone() });
            }
        }
    }
    let mut queues = Vec::with_capacity(senders.len());
    for (queue_arn, senders) in senders {
        let name = queue_name(queue_arn).to_owned();
        let url = queue_url(client, queue_arn).await?;
        let (depth, in_flight) = match &url {
            Some(url) => depth(client, url).await?,
            None => (0, 0),
        };
        queues.push(DeadLetterQueue {
            queue_arn: queue_arn.to_owned(),
            queue_url: url,
            name,
            depth,
            in_flight,
            senders,
        });
    }
    Ok(queues)
}

/// The last part of `arn:aws:sqs:<region>:<account>:<name>`.
pub fn queue_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The URL of the queue an ARN names; `None` when it does not exist.
pub async fn queue_url(client: &Client, queue_arn: &str) -> Result<Option<String>> {
    let parts: Vec<&str> = queue_arn.split(':').collect();
    let mut request = client.get_queue_url().queue_name(queue_name(queue_arn));
    if let Some(account) = parts.get(4).filter(|account| !account.is_empty()) {
        request = request.queue_owner_aws_account_id(*account);
    }
    match request.send().await {
        Ok(output) => Ok(output.queue_url().map(str::to_owned)),
        Err(error) => {
            let error = ObserveError::from_sdk("GetQueueUrl", error);
            if matches!(error.code(), Some("AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist")) {
                return Ok(None);
            }
            Err(error)
        }
    }
}

async fn depth(client: &Client, url: &str) -> Result<(u64, u64)> {
    let output = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("GetQueueAttributes", e))?;
    let attribute = |name: QueueAttributeName| {
        output.attributes().and_then(|a| a.get(&name)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    Ok((
        attribute(QueueAttributeName::ApproximateNumberOfMessages),
        attribute(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    ))
}

/// The messages of a queue (up to `max`), read and released at once.
pub async fn peek(client: &Client, url: &str, max: usize) -> Result<Vec<DeadLetter>> {
    let held = receive(client, url, max).await?;
    release(client, url, &held).await?;
    let mut letters: Vec<DeadLetter> = held.iter().map(dead_letter).collect();
    letters.sort_by_key(|letter| letter.sent_ms);
    Ok(letters)
}

/// Receives up to `max` messages, hiding each for [`HOLD_SECONDS`].
pub(crate) async fn receive(client: &Client, url: &str, max: usize) -> Result<Vec<Message>> {
    let max = max.min(MAX_PEEK);
    let mut held: Vec<Message> = Vec::new();
    while held.len() < max {
        let wanted = (max - held.len()).min(10) as i32;
        let output = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(wanted)
            .visibility_timeout(HOLD_SECONDS)
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ReceiveMessage", e))?;
        let messages = output.messages().to_vec();
        if messages.is_empty() {
            break;
        }
        held.extend(messages);
    }
    Ok(held)
}

/// Makes held messages visible to every consumer again.
pub(crate) async fn release(client: &Client, url: &str, held: &[Message]) -> Result<()> {
    for chunk in held.chunks(10) {
        let entries: Vec<ChangeMessageVisibilityBatchRequestEntry> = chunk
            .iter()
            .enumerate()
            .filter_map(|(index, message)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(index.to_string())
                    .receipt_handle(message.receipt_handle()?)
                    .visibility_timeout(0)
                    .build()
                    .ok()
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        client
            .change_message_visibility_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ChangeMessageVisibilityBatch", e))?;
    }
    Ok(())
}

/// A received message as a dead letter: body and EventBridge's attributes.
pub(crate) fn dead_letter(message: &Message) -> DeadLetter {
    let attribute = |name: &str| {
        message.message_attributes().and_then(|a| a.get(name)).and_then(|v| v.string_value()).map(str::to_owned)
    };
    let system = |name: MessageSystemAttributeName| message.attributes().and_then(|a| a.get(&name)).cloned();
    let body = message.body().unwrap_or_default().to_owned();
    DeadLetter {
        message_id: message.message_id().unwrap_or_default().to_owned(),
        event: serde_json::from_str(&body).ok(),
        body,
        rule_arn: attribute("RULE_ARN"),
        target_arn: attribute("TARGET_ARN"),
        error_code: attribute("ERROR_CODE"),
        error_message: attribute("ERROR_MESSAGE"),
        exhausted_retry_condition: attribute("EXHAUSTED_RETRY_CONDITION"),
        retry_attempts: attribute("RETRY_ATTEMPTS").and_then(|v| v.parse().ok()),
        sent_ms: system(MessageSystemAttributeName::SentTimestamp).and_then(|v| v.parse().ok()),
        receive_count: system(MessageSystemAttributeName::ApproximateReceiveCount)
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
    }
}
