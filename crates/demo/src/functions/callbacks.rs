//! The restaurant's answers.
//!
//! The partner calls back on `POST /_demo/restaurant-callback` (a webhook,
//! as API Gateway would receive it), which puts `RestaurantConfirmed` or
//! `RestaurantRejected` on the bus. The `restaurant-callback-handler`
//! function then completes the waiting task: SendTaskSuccess on a
//! confirmation, SendTaskFailure on a rejection or a cancellation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use choreoscope_local::functions::{FunctionError, FunctionResult};
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::dispatcher::set_state;
use super::task_tokens::{self, Answered};
use super::{Services, now_ms, publish, received, store_failed, text};
use crate::envelope::DemoEvent;

/// Path of the webhook the partner calls back.
pub const CALLBACK_PATH: &str = "/_demo/restaurant-callback";

/// The partner's callback body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestaurantAnswer {
    /// The order answered.
    pub order_id: String,
    /// The partner's reference of the request.
    #[serde(default)]
    pub reference: Option<String>,
    /// `CONFIRMED` or `REJECTED`.
    pub decision: String,
    /// Why, for a rejection.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The webhook's route.
pub fn callback_router(services: Services) -> Router {
    Router::new().route(CALLBACK_PATH, post(callback)).with_state(services)
}

async fn callback(State(services): State<Services>, body: axum::body::Bytes) -> Response {
    let answer: RestaurantAnswer = match serde_json::from_slice(&body) {
        Ok(answer) => answer,
        Err(error) => return reply(StatusCode::BAD_REQUEST, format!("the callback body is not an answer: {error}")),
    };
    let event_type = match answer.decision.as_str() {
        "CONFIRMED" => "RestaurantConfirmed",
        "REJECTED" => "RestaurantRejected",
        other => {
            return reply(StatusCode::BAD_REQUEST, format!("unknown decision {other:?}: use CONFIRMED or REJECTED"));
        }
    };
    let order_id = answer.order_id.clone();
    let request = services
        .store
        .run(move |conn| {
            conn.query_row("SELECT request_event_id FROM restaurant_requests WHERE order_id = ?1", [&order_id], |row| {
                row.get::<_, Option<String>>(0)
            })
            .optional()
        })
        .await;
    let causation = match request {
        Ok(Some(request)) => request.unwrap_or_default(),
        Ok(None) => {
            return reply(StatusCode::NOT_FOUND, format!("no restaurant request for order {}", answer.order_id));
        }
        Err(error) => return reply(StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
    };
    let data = json!({"orderId": answer.order_id, "reference": answer.reference, "reason": answer.reason});
    let event = DemoEvent::new("restaurants", event_type, &answer.order_id, &causation, data);
    match publish(&services, event).await {
        Ok(event_id) => (StatusCode::ACCEPTED, Json(json!({"eventId": event_id}))).into_response(),
        Err(error) => reply(StatusCode::SERVICE_UNAVAILABLE, error.message),
    }
}

fn reply(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

/// Handles `RestaurantConfirmed`, `RestaurantRejected` and `OrderCancelled`.
pub async fn handle(services: &Services, payload: Value) -> FunctionResult {
    let event = received(&payload)?;
    let order_id = text(&event.data, "orderId")?.to_owned();
    let request = request(services, &order_id).await?;
    let (state, token) = match request {
        Some(request) => request,
        None if event.detail_type == "OrderCancelled" => {
            // Cancelled before the restaurant was asked: the dispatcher will see it.
            remember_cancellation(services, &order_id, &event.id).await?;
            return Ok(json!({"orderId": order_id, "outcome": "cancelled before the request"}));
        }
        None => return Err(FunctionError::permanent("UnknownOrder", format!("no restaurant request for {order_id}"))),
    };
    if matches!(state.as_str(), "CONFIRMED" | "REJECTED" | "CANCELLED" | "FAILED" | "LATE") {
        return Ok(json!({"orderId": order_id, "outcome": "already answered", "state": state}));
    }
    let Some(token) = token else {
        return Err(FunctionError::permanent("NoTaskToken", format!("order {order_id} has no waiting task")));
    };
    let reason = event.data["reason"].as_str().unwrap_or("no reason given").to_owned();
    let (answered, new_state) = match event.detail_type.as_str() {
        "RestaurantConfirmed" => {
            let output = json!({"eventId": event.id, "reference": event.data["reference"], "answeredBy": "restaurant"});
            (task_tokens::succeed(services, &token, &output).await?, "CONFIRMED")
        }
        "RestaurantRejected" => (task_tokens::fail(services, &token, "RestaurantRejected", &reason).await?, "REJECTED"),
        "OrderCancelled" => (
            task_tokens::fail(services, &token, "OrderCancelled", "the customer cancelled the order").await?,
            "CANCELLED",
        ),
        other => return Err(FunctionError::permanent("InvalidEvent", format!("unexpected event {other}"))),
    };
    let new_state = if answered == Answered::TooLate { "LATE" } else { new_state };
    set_state(services, &order_id, new_state, None, &event.id).await?;
    Ok(json!({"orderId": order_id, "outcome": new_state}))
}

async fn request(services: &Services, order_id: &str) -> Result<Option<(String, Option<String>)>, FunctionError> {
    let order_id = order_id.to_owned();
    services
        .store
        .run(move |conn| {
            conn.query_row(
                "SELECT state, task_token FROM restaurant_requests WHERE order_id = ?1",
                [&order_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
        })
        .await
        .map_err(store_failed)
}

async fn remember_cancellation(services: &Services, order_id: &str, event_id: &str) -> Result<(), FunctionError> {
    let (order_id, event_id) = (order_id.to_owned(), event_id.to_owned());
    services
        .store
        .run(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO restaurant_requests (order_id, request_event_id, state, updated_at)
                 VALUES (?1, ?2, 'CANCELLED', ?3)",
                params![order_id, event_id, now_ms()],
            )
            .map(drop)
        })
        .await
        .map_err(store_failed)
}
