//! Redriving dead letters: sending them on again, then deleting them from
//! the queue; messages not chosen are released at once.

use aws_sdk_sqs::types::Message;
use choreoscope_model::{DeadLetter, RedriveOutcome, RedriveTo};
use serde_json::Value;

use super::delete::delete_one;
use super::{dead_letter, queue_url, receive, release};
use crate::Observer;
use crate::error::{ObserveError, Result};

/// Redrives the messages of `url` whose ids are in `message_ids` (all of
/// them when it is empty) to `to`, and says what became of each.
pub async fn redrive(
    observer: &Observer,
    url: &str,
    message_ids: &[String],
    to: RedriveTo,
) -> Result<Vec<RedriveOutcome>> {
    let client = observer.sqs();
    let held = receive(client, url, super::MAX_PEEK).await?;
    let (chosen, others): (Vec<&Message>, Vec<&Message>) = held.iter().partition(|message| {
        message_ids.is_empty() || message_ids.iter().any(|id| Some(id.as_str()) == message.message_id())
    });
    let others: Vec<Message> = others.into_iter().cloned().collect();
    release(client, url, &others).await?;
    let mut outcomes = Vec::with_capacity(chosen.len().max(message_ids.len()));
    for message in chosen {
        let letter = dead_letter(message);
        let outcome = match send(observer, &letter, to).await {
            Ok(detail) => match delete_one(client, url, message).await {
                Ok(()) => RedriveOutcome { message_id: letter.message_id, sent: true, detail },
                Err(error) => RedriveOutcome {
                    message_id: letter.message_id,
                    sent: true,
                    detail: format!("{detail}, but it could not be deleted from the queue: {error}"),
                },
            },
            Err(reason) => {
                release(client, url, std::slice::from_ref(message)).await?;
                RedriveOutcome { message_id: letter.message_id, sent: false, detail: reason }
            }
        };
        outcomes.push(outcome);
    }
    for id in message_ids {
        if !held.iter().any(|message| message.message_id() == Some(id.as_str())) {
            outcomes.push(RedriveOutcome {
                message_id: id.clone(),
                sent: false,
                detail: "not in the queue any more (another consumer took it, or it was deleted)".into(),
            });
        }
    }
    Ok(outcomes)
}

/// Sends one dead letter on; the words of what was done, or why not.
async fn send(observer: &Observer, letter: &DeadLetter, to: RedriveTo) -> std::result::Result<String, String> {
    match to {
        RedriveTo::Bus => {
            let rule = letter.rule_arn.as_deref().ok_or("the message has no RULE_ARN: its bus is unknown")?;
            let bus = rule_bus(rule);
            put_event(observer, &bus, letter).await.map(|id| format!("put on bus {bus} as event {id}"))
        }
        RedriveTo::Target => {
            let target = letter.target_arn.as_deref().ok_or("the message has no TARGET_ARN")?;
            match target.split(':').nth(2) {
                Some("sqs") => {
                    let url = queue_url(observer.sqs(), target)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("the target queue {target} does not exist"))?;
                    observer
                        .sqs()
                        .send_message()
                        .queue_url(&url)
                        .message_body(&letter.body)
                        .send()
                        .await
                        .map_err(|e| ObserveError::from_sdk("SendMessage", e).to_string())?;
                    Ok(format!("sent to queue {}", super::queue_name(target)))
                }
                Some("states") => {
                    let started = observer
                        .stepfunctions()
                        .start_execution()
                        .state_machine_arn(target)
                        .input(&letter.body)
                        .send()
                        .await
                        .map_err(|e| ObserveError::from_sdk("StartExecution", e).to_string())?;
                    Ok(format!("started execution {}", started.execution_arn()))
                }
                Some("events") if target.contains(":event-bus/") => {
                    let bus = target.rsplit_once(":event-bus/").map(|(_, bus)| bus.to_owned()).unwrap_or_default();
                    put_event(observer, &bus, letter).await.map(|id| format!("put on bus {bus} as event {id}"))
                }
                _ => Err(format!(
                    "{target} cannot be called directly from here (functions and API destinations are only reached \
                     through their rule): redrive onto the bus instead"
                )),
            }
        }
    }
}

/// The bus of `arn:aws:events:<region>:<account>:rule/[<bus>/]<name>`.
fn rule_bus(rule_arn: &str) -> String {
    let resource = rule_arn.rsplit_once(":rule/").map(|(_, resource)| resource).unwrap_or_default();
    match resource.split_once('/') {
        Some((bus, _)) => bus.to_owned(),
        None => "default".to_owned(),
    }
}

/// PutEvents of the dead letter's event (source, detail-type, detail, resources).
async fn put_event(observer: &Observer, bus: &str, letter: &DeadLetter) -> std::result::Result<String, String> {
    let event = letter.event.as_ref().filter(|event| event.get("detail-type").is_some()).ok_or(
        "the message is not a whole event (its target has an input transformer or path): redrive it to the target",
    )?;
    let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let detail = event.get("detail").cloned().unwrap_or(Value::Object(Default::default()));
    let resources: Vec<String> = event
        .get("resources")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let entry = aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
        .event_bus_name(bus)
        .source(text("source"))
        .detail_type(text("detail-type"))
        .detail(detail.to_string())
        .set_resources(Some(resources))
        .build();
    let output = observer
        .eventbridge()
        .put_events()
        .entries(entry)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("PutEvents", e).to_string())?;
    let result = output.entries().first().ok_or("PutEvents returned no entry")?;
    match result.event_id() {
        Some(id) => Ok(id.to_owned()),
        None => Err(format!(
            "PutEvents refused it: {} {}",
            result.error_code().unwrap_or_default(),
            result.error_message().unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::rule_bus;

    #[test]
    fn the_bus_of_a_rule_is_in_its_arn() {
        assert_eq!(rule_bus("arn:aws:events:us-east-1:1:rule/partners/send-notifications"), "partners");
        assert_eq!(rule_bus("arn:aws:events:us-east-1:1:rule/nightly"), "default");
    }
}
