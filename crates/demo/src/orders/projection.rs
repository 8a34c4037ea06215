//! The projection: folds the fulfilment's events into the read model.
//!
//! Events arrive at least once and in any order (retries, the relay's
//! re-sends, replays after the circuit closes), so the projection is
//! idempotent (an event seen once is skipped) and monotonic (an order only
//! moves to a higher rank, and never out of a final status).

use rusqlite::{Transaction, params};

use super::model::{OrderStatus, OrderUpdate};
use super::read;
use crate::envelope::ReceivedEvent;

/// What the projection did with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    /// The order moved; the update was broadcast.
    Applied(OrderUpdate),
    /// The event had been applied before; the order's status is unchanged.
    Duplicate(OrderStatus),
    /// The event does not move the order (an earlier rank, a final order,
    /// or a type that is no status change); its status is unchanged.
    Unchanged(OrderStatus),
    /// The event's correlation id names no known order.
    UnknownOrder,
}

impl Projection {
    /// The order's status after the event, if the order is known.
    pub fn status(&self) -> Option<OrderStatus> {
        match self {
            Self::Applied(update) => Some(update.status),
            Self::Duplicate(status) | Self::Unchanged(status) => Some(*status),
            Self::UnknownOrder => None,
        }
    }
}

/// Applies `event` in `tx`, recording it as seen.
pub(super) fn project(tx: &Transaction<'_>, event: &ReceivedEvent, now: &str) -> rusqlite::Result<Projection> {
    let order_id = &event.metadata.correlation_id;
    let Some(current) = read::status(tx, order_id)? else {
        return Ok(Projection::UnknownOrder);
    };
    let event_type = if event.detail_type.is_empty() { &event.metadata.event_type } else { &event.detail_type };
    let Some(target) = OrderStatus::from_event_type(event_type) else {
        return Ok(Projection::Unchanged(current));
    };
    // The idempotency key stays the same across the relay's re-sends (new
    // event ids) and replays (same ids); the event id is the fallback for
    // an event without one.
    let key = if event.metadata.idempotency_key.is_empty() { &event.id } else { &event.metadata.idempotency_key };
    let first_time = tx.execute(
        "INSERT OR IGNORE INTO order_projection_seen (idempotency_key, event_id, order_id, seen_at) \
         VALUES (?1, ?2, ?3, ?4)",
        params![key, event.id, order_id, now],
    )? == 1;
    if !first_time {
        return Ok(Projection::Duplicate(current));
    }
    if !current.can_move_to(target) {
        return Ok(Projection::Unchanged(current));
    }
    let event_id = if event.id.is_empty() { key } else { &event.id };
    read::record_status(tx, order_id, target, event_type, event_id, now)?;
    Ok(Projection::Applied(OrderUpdate {
        order_id: order_id.clone(),
        status: target,
        previous: Some(current),
        event_type: event_type.clone(),
        event_id: event_id.clone(),
        at: now.to_owned(),
    }))
}
