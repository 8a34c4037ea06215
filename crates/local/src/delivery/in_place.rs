//! Deliveries made in the transaction that keeps the event.
//!
//! A delivery to a queue or a log group of the store that exists and takes
//! the input cannot fail in a way a retry would fix, and it is a write to
//! the same database: made right there, it commits with the event (an
//! accepted event is delivered, a rolled-back one is not), and the
//! dispatcher's round trip (a delivery row written, claimed, read back,
//! deleted, each step on the store's one connection) is saved. The bus log
//! gets the records the dispatcher writes for a first attempt that
//! succeeded.
//!
//! Everything else is scheduled for the [`Dispatcher`](super::Dispatcher) as
//! before, which retries, dead-letters and logs failures: functions, HTTP
//! endpoints, state machines, other buses (their rules may route back, so
//! each hop stays a delivery of its own), and a queue or log group that is
//! missing or refuses the input.

use std::cell::OnceCell;

use rusqlite::Connection;
use serde_json::Value;

use super::local_targets;
use super::log::InvocationLog;
use super::store::{Due, NewDelivery};
use super::target_kind::TargetKind;
use crate::eventbridge::bus_log::{self, Level};
use crate::eventbridge::buses::Bus;
use crate::shared::Shared;
use crate::sqs::{self, EnqueueError, QueueLookups};

/// What a target receives.
pub struct Payload<'a> {
    /// The text.
    pub text: &'a str,
    /// Its MD5 digest as SQS gives it, computed on first use: the targets
    /// that receive the event as it is share one.
    pub md5: &'a OnceCell<String>,
    /// The `events.seq` of the event when the text is that event as kept:
    /// a queue's message then refers to it rather than copying it.
    pub event_seq: Option<i64>,
}

/// Delivers `payload` at once when the target is a queue or log group of the
/// store that takes it, and logs the invocation as `bus` asks. Returns
/// whether it did; when it did not, nothing was written and the delivery is
/// for the dispatcher. `queues` are the queues the request looked up so far.
pub fn deliver(
    conn: &Connection,
    shared: &Shared,
    bus: &Bus,
    queues: &QueueLookups,
    delivery: &NewDelivery<'_>,
    payload: &Payload<'_>,
    event: &Value,
) -> rusqlite::Result<bool> {
    let delivered = match TargetKind::of(delivery.target_arn) {
        // One INSERT, made or not: no savepoint needed.
        TargetKind::Queue => {
            let md5 = payload.md5.get_or_init(|| sqs::md5_of_body(payload.text));
            match queues.enqueue(conn, shared, delivery.target_arn, payload.text, md5, payload.event_seq) {
                Ok(()) => true,
                Err(EnqueueError::NoSuchQueue(_) | EnqueueError::Refused(_)) => false,
                Err(EnqueueError::Store(error)) => return Err(error),
            }
        }
        TargetKind::LogGroup(group) => {
            // Several writes: a failure part way must leave none behind.
            conn.execute_batch("SAVEPOINT in_place_delivery")?;
            let written =
                local_targets::to_log_group(conn, shared, delivery.event_id, group, payload.text, event).is_ok();
            let end = if written {
                "RELEASE in_place_delivery"
            } else {
                "ROLLBACK TO in_place_delivery; RELEASE in_place_delivery"
            };
            conn.execute_batch(end)?;
            written
        }
        _ => false,
    };
    if delivered && bus_log::logs(bus, Level::Info) {
        log_success(conn, shared, bus, delivery, payload.text)?;
    }
    Ok(delivered)
}

/// The bus-log records of an invocation whose first attempt succeeded now,
/// as the dispatcher writes them.
fn log_success(
    conn: &Connection,
    shared: &Shared,
    bus: &Bus,
    delivery: &NewDelivery<'_>,
    payload: &str,
) -> rusqlite::Result<()> {
    let due = Due {
        id: 0,
        invocation_id: uuid::Uuid::new_v4().to_string(),
        event_seq: delivery.event_seq,
        event_id: delivery.event_id.to_owned(),
        request_id: delivery.request_id.to_owned(),
        bus: delivery.bus.to_owned(),
        rule: delivery.rule.to_owned(),
        target_id: delivery.target_id.to_owned(),
        target_arn: delivery.target_arn.to_owned(),
        payload: Ok(payload.to_owned()),
        ingested_ms: delivery.ingested_ms,
        attempts: 0,
        throttled: false,
    };
    let now = shared.clock.now_ms();
    let log = InvocationLog::new(shared, &due);
    let mut records = log.attempt_start(1, now);
    records.extend(log.success(1, now));
    bus_log::write(shared, conn, bus, delivery.request_id, records)
}
