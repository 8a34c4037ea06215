//! Deleting dead letters an operator has looked at and given up on: each
//! chosen message is received (to get a receipt handle), then deleted;
//! messages not chosen are released at once.

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::Message;
use choreoscope_model::DeleteOutcome;

use super::{receive, release};
use crate::error::{ObserveError, Result};

/// Deletes the messages of `url` whose ids are in `message_ids`, and says
/// what became of each. An empty list deletes nothing: deleting a whole
/// queue's contents is a purge, and should be asked for by name.
pub async fn delete(client: &Client, url: &str, message_ids: &[String]) -> Result<Vec<DeleteOutcome>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    let held = receive(client, url, super::MAX_PEEK).await?;
    let (chosen, others): (Vec<&Message>, Vec<&Message>) =
        held.iter().partition(|message| message_ids.iter().any(|id| Some(id.as_str()) == message.message_id()));
    let others: Vec<Message> = others.into_iter().cloned().collect();
    release(client, url, &others).await?;
    let mut outcomes = Vec::with_capacity(message_ids.len());
    for message in chosen {
        let message_id = message.message_id().unwrap_or_default().to_owned();
        outcomes.push(match delete_one(client, url, message).await {
            Ok(()) => DeleteOutcome { message_id, deleted: true, detail: "deleted from the queue".into() },
            Err(error) => {
                // Not deleted: give it back to the other consumers now, not in 20 s.
                release(client, url, std::slice::from_ref(message)).await?;
                DeleteOutcome { message_id, deleted: false, detail: error.to_string() }
            }
        });
    }
    for id in message_ids {
        if !held.iter().any(|message| message.message_id() == Some(id.as_str())) {
            outcomes.push(DeleteOutcome {
                message_id: id.clone(),
                deleted: false,
                detail: "not in the queue any more (another consumer took it, or it was deleted)".into(),
            });
        }
    }
    Ok(outcomes)
}

/// Deletes one received message.
pub(super) async fn delete_one(client: &Client, url: &str, message: &Message) -> Result<()> {
    client
        .delete_message()
        .queue_url(url)
        .receipt_handle(message.receipt_handle().unwrap_or_default())
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("DeleteMessage", e))?;
    Ok(())
}
