//! "Have I done this already?": each consumer remembers the idempotency
//! keys it processed, so a repeated or replayed event changes nothing twice.

use rusqlite::{OptionalExtension, params};

use super::{Services, now_ms, store_failed};
use crate::envelope::ReceivedEvent;
use choreoscope_local::functions::FunctionError;

/// Whether `consumer` processed an event with this event's idempotency key.
pub async fn seen(services: &Services, consumer: &'static str, event: &ReceivedEvent) -> Result<bool, FunctionError> {
    let key = event.metadata.idempotency_key.clone();
    services
        .store
        .run(move |conn| {
            conn.query_row(
                "SELECT 1 FROM processed_events WHERE consumer = ?1 AND idempotency_key = ?2",
                params![consumer, key],
                |_| Ok(()),
            )
            .optional()
            .map(|row| row.is_some())
        })
        .await
        .map_err(store_failed)
}

/// Records that `consumer` processed `event` (after its effects are done).
pub async fn remember(services: &Services, consumer: &'static str, event: &ReceivedEvent) -> Result<(), FunctionError> {
    let (key, id) = (event.metadata.idempotency_key.clone(), event.id.clone());
    services
        .store
        .run(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO processed_events (consumer, idempotency_key, event_id, processed_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![consumer, key, id, now_ms()],
            )
            .map(drop)
        })
        .await
        .map_err(store_failed)
}
