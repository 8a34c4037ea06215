//! Targets that live in the local store (SQS queues, other buses, log
//! groups): delivered in the same transaction that records the outcome, so
//! a crash cannot deliver twice or lose the delivery.

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::outcome::{Failure, Outcome};
use super::store::Due;
use super::target_kind::TargetKind;
use crate::eventbridge::buses;
use crate::eventbridge::ingest::{self, BusRoutes, Origin};
use crate::shared::Shared;
use crate::sqs::{self, EnqueueError, NewMessage};

/// Delivers `payload` to a target kept in the store, writing through `conn`.
pub fn deliver(
    conn: &Connection,
    shared: &Shared,
    due: &Due,
    kind: TargetKind<'_>,
    payload: &str,
    event: &Value,
) -> Outcome {
    let result = match kind {
        TargetKind::Queue => to_queue(conn, shared, &due.target_arn, payload),
        TargetKind::Bus(bus) => to_bus(conn, shared, due, bus, payload, event),
        TargetKind::LogGroup(group) => to_log_group(conn, shared, &due.event_id, group, payload, event),
        _ => Err(Failure::permanent("InternalException", "not a target of the local store")),
    };
    match result {
        Ok(()) => Outcome::Delivered,
        Err(failure) => Outcome::Failed(failure),
    }
}

/// Whether a target kind is delivered by [`deliver`].
pub fn is_local(kind: TargetKind<'_>) -> bool {
    matches!(kind, TargetKind::Queue | TargetKind::Bus(_) | TargetKind::LogGroup(_))
}

fn store_failure(error: rusqlite::Error) -> Failure {
    Failure::retryable("InternalException", format!("the local store failed: {error}"))
}

/// Puts `payload` on the queue `queue_arn`.
pub fn to_queue(conn: &Connection, shared: &Shared, queue_arn: &str, payload: &str) -> Result<(), Failure> {
    match sqs::enqueue(conn, shared, queue_arn, &NewMessage::new(payload)) {
        Ok(_) => Ok(()),
        Err(EnqueueError::NoSuchQueue(_)) => Err(Failure::permanent(
            "AWS.SimpleQueueService.NonExistentQueue",
            "The specified queue does not exist for this wsdl version.",
        )),
        Err(EnqueueError::Refused(error)) => Err(Failure::permanent(error.kind.type_name(), error.message)),
        Err(EnqueueError::Store(error)) => Err(store_failure(error)),
    }
}

/// Routes the event onto another bus, where its rules see it as a new
/// arrival. It keeps its id, so its trace follows it across buses. A
/// transformed input becomes the event when it is one (it has `source` and
/// `detail-type`), and the event's `detail` when it is another JSON object:
/// that is how a gatekeeper bus reshapes what it passes on.
fn to_bus(
    conn: &Connection,
    shared: &Shared,
    due: &Due,
    bus: &str,
    payload: &str,
    event: &Value,
) -> Result<(), Failure> {
    if buses::find(conn, bus).map_err(store_failure)?.is_none() {
        return Err(Failure::permanent("ResourceNotFoundException", format!("Event bus {bus} does not exist.")));
    }
    let forwarded = forwarded_event(event, payload)
        .ok_or_else(|| Failure::permanent("InvalidInput", "The input of an event bus target must be a JSON object."))?;
    let mut routes = BusRoutes::default();
    let route = routes.of(shared, conn, bus).map_err(store_failure)?;
    let now = shared.clock.now_ms();
    ingest::accept(shared, conn, route, &forwarded, now, &due.request_id, Origin::default())
        .map(|_| ())
        .map_err(|error| Failure::retryable(error.code, error.message))
}

/// The event another bus receives from a bus target with `payload` as input.
pub fn forwarded_event(event: &Value, payload: &str) -> Option<Value> {
    let payload: Value = serde_json::from_str(payload).ok()?;
    let Value::Object(fields) = &payload else {
        return None;
    };
    if payload == *event {
        return Some(payload);
    }
    let mut forwarded = event.clone();
    if fields.contains_key("source") && fields.contains_key("detail-type") {
        for (key, value) in fields {
            forwarded[key.as_str()] = value.clone();
        }
    } else {
        forwarded["detail"] = payload;
    }
    Some(forwarded)
}

/// Writes the input to a log group, one log stream per event as EventBridge
/// does, stamped with the event's time.
pub fn to_log_group(
    conn: &Connection,
    shared: &Shared,
    event_id: &str,
    group: &str,
    payload: &str,
    event: &Value,
) -> Result<(), Failure> {
    let exists = conn
        .query_row("SELECT 1 FROM log_groups WHERE name = ?1", [group], |_| Ok(()))
        .optional()
        .map_err(store_failure)?
        .is_some();
    if !exists {
        return Err(Failure::permanent("ResourceNotFoundException", "The specified log group does not exist."));
    }
    let now = shared.clock.now_ms();
    let timestamp = event["time"]
        .as_str()
        .and_then(|time| time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339).ok())
        .map_or(now, |time| (time.unix_timestamp_nanos() / 1_000_000) as i64);
    crate::logs::append(conn, group, event_id, now, &[(timestamp, payload.to_owned())]).map_err(store_failure)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::forwarded_event;

    #[test]
    fn a_bus_target_forwards_the_event_or_its_reshaping() {
        let event = json!({"id": "e1", "source": "shop", "detail-type": "OrderPlaced", "detail": {"total": 9}});
        assert_eq!(forwarded_event(&event, &event.to_string()), Some(event.clone()));
        let reshaped = forwarded_event(&event, r#"{"source": "partner", "detail-type": "Order", "detail": {}}"#)
            .expect("an event");
        assert_eq!(reshaped, json!({"id": "e1", "source": "partner", "detail-type": "Order", "detail": {}}));
        let detail = forwarded_event(&event, r#"{"orderId": 1}"#).expect("a detail");
        assert_eq!(detail["detail"], json!({"orderId": 1}));
        assert_eq!(detail["source"], "shop");
        assert_eq!(forwarded_event(&event, r#""text""#), None);
    }
}
