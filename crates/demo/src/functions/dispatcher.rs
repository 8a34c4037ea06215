//! `restaurant-dispatcher`: asks the restaurant partner to confirm an order,
//! behind the circuit breaker.
//!
//! - Circuit closed (or this is the half-open trial): call the partner. It
//!   accepts and answers later (a callback becomes `RestaurantConfirmed`); the
//!   waiting task gets a heartbeat. 5xx and time-outs count as failures and
//!   are retried by the rule's retry policy.
//! - Circuit open: fail fast. The request is parked: put back on the bus
//!   with `metadata.status = "RETRYABLE"`, which the `parked-restaurant-requests`
//!   archive keeps; when the circuit closes its manager replays the outage
//!   window, and the replayed request comes back here.
//! - A 4xx is a hard error: `RestaurantRequestFailed` with status
//!   `HARD_ERROR`, the task fails, and the event goes to the DLQ.

use choreoscope_local::functions::{FunctionError, FunctionResult};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::task_tokens::{self, Answered};
use super::{PARTNER_CIRCUIT, Services, now_ms, publish, received, store_failed, text};
use crate::envelope::{DemoEvent, EventStatus, ReceivedEvent};
use crate::partner::client::PartnerCallError;

/// Handles a `RestaurantConfirmationRequested` event (first sent, or replayed).
pub async fn handle(services: &Services, payload: Value) -> FunctionResult {
    let event = received(&payload)?;
    let order_id = text(&event.data, "orderId")?.to_owned();
    let token = text(&event.data, "taskToken")?.to_owned();
    let state = claim(services, &order_id, &token, &event.id).await?;
    match state.as_str() {
        "CANCELLED" => {
            task_tokens::fail(services, &token, "OrderCancelled", "the customer cancelled the order").await?;
            return Ok(json!({"orderId": order_id, "outcome": "cancelled"}));
        }
        "REQUESTED" | "PARKED" => {}
        done => return Ok(json!({"orderId": order_id, "outcome": "already handled", "state": done})),
    }
    if !services.circuits.permit(PARTNER_CIRCUIT).await {
        park(services, &event, &order_id).await?;
        return Ok(json!({"orderId": order_id, "outcome": "parked"}));
    }
    let request = json!({
        "orderId": order_id,
        "restaurantId": event.data["restaurantId"],
        "items": event.data["items"],
        "totalCents": event.data["totalCents"],
    });
    match services.partner.request_confirmation(&request).await {
        Ok(accepted) => {
            services.circuits.record_success(PARTNER_CIRCUIT).await;
            set_state(services, &order_id, "ACCEPTED", Some(accepted.reference.clone()), &event.id).await?;
            if task_tokens::heartbeat(services, &token).await? == Answered::TooLate {
                set_state(services, &order_id, "LATE", None, &event.id).await?;
            }
            Ok(json!({"orderId": order_id, "outcome": "accepted", "reference": accepted.reference}))
        }
        Err(PartnerCallError::Unavailable { reason }) => {
            services.circuits.record_failure(PARTNER_CIRCUIT, &reason).await;
            Err(FunctionError::retryable("PartnerUnavailable", reason))
        }
        Err(PartnerCallError::Rejected { status, message }) => {
            let cause = format!("the partner refused the request ({status}): {message}");
            let failed = DemoEvent::new(
                "restaurants",
                "RestaurantRequestFailed",
                &order_id,
                &event.id,
                json!({"orderId": order_id, "status": status, "error": cause}),
            )
            .with_status(EventStatus::HardError);
            publish(services, failed).await?;
            set_state(services, &order_id, "FAILED", None, &event.id).await?;
            task_tokens::fail(services, &token, "PartnerRequestInvalid", &cause).await?;
            Err(FunctionError::permanent("PartnerRequestInvalid", cause))
        }
    }
}

/// Records the request and its token; returns the request's state.
async fn claim(services: &Services, order_id: &str, token: &str, event_id: &str) -> Result<String, FunctionError> {
    let (order_id, token, event_id) = (order_id.to_owned(), token.to_owned(), event_id.to_owned());
    services
        .store
        .transaction(move |tx| {
            tx.execute(
                "INSERT INTO restaurant_requests (order_id, task_token, request_event_id, state, updated_at)
                 VALUES (?1, ?2, ?3, 'REQUESTED', ?4)
                 ON CONFLICT (order_id) DO UPDATE SET task_token = excluded.task_token",
                params![order_id, token, event_id, now_ms()],
            )?;
            tx.query_row("SELECT state FROM restaurant_requests WHERE order_id = ?1", [&order_id], |row| row.get(0))
                .optional()
                .map(Option::unwrap_or_default)
        })
        .await
        .map_err(store_failed)
}

/// Sets the request's state (and the partner's reference, when given).
pub(super) async fn set_state(
    services: &Services,
    order_id: &str,
    state: &'static str,
    reference: Option<String>,
    event_id: &str,
) -> Result<(), FunctionError> {
    let (order_id, event_id) = (order_id.to_owned(), event_id.to_owned());
    services
        .store
        .run(move |conn| {
            conn.execute(
                "UPDATE restaurant_requests SET state = ?2, reference = COALESCE(?3, reference),
                     request_event_id = ?4, updated_at = ?5 WHERE order_id = ?1",
                params![order_id, state, reference, event_id, now_ms()],
            )
            .map(drop)
        })
        .await
        .map_err(store_failed)
}

/// Puts the request back on the bus as `RETRYABLE`, for the archive.
async fn park(services: &Services, event: &ReceivedEvent, order_id: &str) -> Result<(), FunctionError> {
    let parked =
        DemoEvent::new("restaurants", "RestaurantConfirmationRequested", order_id, &event.id, event.data.clone())
            .with_idempotency_key(format!("{order_id}:RestaurantConfirmationRequested:parked:{}", event.id))
            .with_status(EventStatus::Retryable);
    publish(services, parked).await?;
    set_state(services, order_id, "PARKED", None, &event.id).await
}
