//! The simulated restaurant partner: a real HTTP server on 127.0.0.1.
//!
//! - `POST /orders` accepts an order (202 with the partner's reference),
//!   records it in `partner_orders` and, once `answers_after` has passed, posts
//!   the decision to the demo's callback URL, retrying until the demo answers
//!   2xx. Accepting is idempotent per `orderId`: a repeated request gets the
//!   same reference and no second callback.
//! - `GET /health` answers `{"status": "ok"}`.
//!
//! [`crate::faults::PartnerFault`] is read on every request. Callbacks due
//! when the partner stopped are resumed when it starts again over the same
//! store.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::task::{JoinHandle, JoinSet};

use super::{PartnerError, bind, error_response, stopped};
use crate::Shutdown;
use crate::faults::{Faults, PartnerFault};
use crate::settings::PartnerSettings;
use crate::store::DemoStore;

/// How long the partner takes to answer when it is slow: past the callers'
/// 5 s time-out.
pub const SLOW_DELAY: Duration = Duration::from_secs(6);
/// More of one item than this and the kitchen refuses the order.
pub const MAX_QUANTITY: u32 = 20;
/// Why the partner rejects an order with too many of one item.
pub const TOO_MANY_REASON: &str = "the kitchen cannot make that many";
/// The first wait between callback attempts; it doubles up to [`MAX_CALLBACK_BACKOFF`].
const FIRST_CALLBACK_BACKOFF: Duration = Duration::from_millis(200);
/// The longest wait between callback attempts.
const MAX_CALLBACK_BACKOFF: Duration = Duration::from_secs(10);
/// How long one callback attempt may take.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);

/// `partner_orders.answered`: the callback is still due.
const DUE: i64 = 0;
/// `partner_orders.answered`: the demo acknowledged the callback.
const ANSWERED: i64 = 1;
/// `partner_orders.answered`: accepted while silent; never answered.
const NEVER: i64 = 2;

/// A running restaurant partner. It stops when its `shutdown` changes to `true`.
#[derive(Debug)]
pub struct RestaurantPartner {
    port: u16,
    server: JoinHandle<()>,
    callbacks: Arc<Mutex<JoinSet<()>>>,
}

impl RestaurantPartner {
    /// Starts the partner on `127.0.0.1:settings.port` (0: any free port),
    /// calling back `callback_url`, and resumes the callbacks an earlier run
    /// left due in `store`.
    pub async fn start(
        settings: &PartnerSettings,
        faults: Faults,
        store: DemoStore,
        callback_url: String,
        shutdown: Shutdown,
    ) -> Result<Self, PartnerError> {
        let (listener, port) = bind(settings.port).await?;
        let http = reqwest::Client::builder().timeout(CALLBACK_TIMEOUT).build().unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot build the callback client with a time-out; using the default client");
            reqwest::Client::default()
        });
        let callbacks = Arc::new(Mutex::new(JoinSet::new()));
        let partner = Partner {
            faults,
            store,
            answers_after: settings.answers_after,
            callback: Arc::new(Callback { http, url: callback_url }),
            shutdown: shutdown.clone(),
            callbacks: callbacks.clone(),
        };
        let due = partner.store.run(load_due).await?;
        if !due.is_empty() {
            tracing::info!(count = due.len(), "restaurant partner resumes its due callbacks");
        }
        for answer in due {
            partner.schedule(answer);
        }
        let app = Router::new()
            .route("/orders", post(accept_order))
            .route("/health", get(health))
            .layer(middleware::from_fn_with_state(partner.clone(), apply_faults))
            .with_state(partner);
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stopped(shutdown)).await {
                tracing::error!(%error, "the restaurant partner's server failed");
            }
        });
        tracing::info!(port, "restaurant partner listening");
        Ok(Self { port, server, callbacks })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the partner has stopped (after its `shutdown` changed to
    /// `true`): the server and every callback task.
    pub async fn stopped(self) {
        if let Err(error) = self.server.await {
            tracing::error!(%error, "the restaurant partner's server task failed");
        }
        let mut callbacks = std::mem::take(&mut *self.callbacks.lock().unwrap_or_else(PoisonError::into_inner));
        while callbacks.join_next().await.is_some() {}
    }
}

/// What the handlers and callback tasks share.
#[derive(Clone)]
struct Partner {
    faults: Faults,
    store: DemoStore,
    answers_after: Duration,
    callback: Arc<Callback>,
    shutdown: Shutdown,
    callbacks: Arc<Mutex<JoinSet<()>>>,
}

/// Where and how the partner calls back.
struct Callback {
    http: reqwest::Client,
    url: String,
}

/// A callback still to be made.
#[derive(Debug, Clone)]
struct Answer {
    order_id: String,
    reference: String,
    decision: Decision,
    answer_at_ms: i64,
}

/// What the kitchen decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Decision {
    Confirmed,
    Rejected,
}

impl Decision {
    fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Rejected => "REJECTED",
        }
    }

    fn parse(text: &str) -> Self {
        if text == "REJECTED" { Self::Rejected } else { Self::Confirmed }
    }
}

impl Partner {
    /// Spawns the task that makes `answer`'s callback when it is due.
    fn schedule(&self, answer: Answer) {
        let partner = self.clone();
        let mut tasks = self.callbacks.lock().unwrap_or_else(PoisonError::into_inner);
        // Reap finished tasks so the set does not grow with every order.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move { partner.call_back(answer).await });
    }

    /// Waits until `answer` is due, then posts it until the demo answers 2xx
    /// or the partner stops.
    async fn call_back(self, answer: Answer) {
        let wait = Duration::from_millis(u64::try_from(answer.answer_at_ms - now_ms()).unwrap_or(0));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stopped(self.shutdown.clone()) => return,
        }
        let mut body = json!({
            "orderId": answer.order_id,
            "reference": answer.reference,
            "decision": answer.decision.as_str(),
        });
        if answer.decision == Decision::Rejected {
            body["reason"] = TOO_MANY_REASON.into();
        }
        let mut backoff = FIRST_CALLBACK_BACKOFF;
        for attempt in 1u32.. {
            match self.callback.http.post(&self.callback.url).json(&body).send().await {
                Ok(response) if response.status().is_success() => {
                    tracing::info!(order_id = %answer.order_id, decision = answer.decision.as_str(), attempt,
                        "restaurant partner called back");
                    self.mark_answered(&answer.order_id).await;
                    return;
                }
                Ok(response) => tracing::warn!(order_id = %answer.order_id, status = response.status().as_u16(),
                    attempt, "the demo refused the partner's callback; retrying"),
                Err(error) => tracing::warn!(order_id = %answer.order_id, %error, attempt,
                    "the partner's callback failed; retrying"),
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = stopped(self.shutdown.clone()) => return,
            }
            backoff = (backoff * 2).min(MAX_CALLBACK_BACKOFF);
        }
    }

    async fn mark_answered(&self, order_id: &str) {
        let order_id = order_id.to_owned();
        let marked = self
            .store
            .run(move |conn| {
                conn.execute(
                    "UPDATE partner_orders SET answered = ?2 WHERE order_id = ?1 AND answered = ?3",
                    params![order_id, ANSWERED, DUE],
                )
            })
            .await;
        // The callback was delivered; if it cannot be marked, a restart repeats
        // it, which the demo's idempotent callback handler absorbs.
        if let Err(error) = marked {
            tracing::error!(%error, "cannot mark the partner's callback as answered");
        }
    }
}

fn load_due(conn: &mut rusqlite::Connection) -> rusqlite::Result<Vec<Answer>> {
    let mut statement = conn.prepare(
        "SELECT order_id, reference, decision, answer_at_ms FROM partner_orders
         WHERE answered = ?1 ORDER BY answer_at_ms",
    )?;
    let rows = statement.query_map([DUE], |row| {
        Ok(Answer {
            order_id: row.get(0)?,
            reference: row.get(1)?,
            decision: Decision::parse(&row.get::<_, String>(2)?),
            answer_at_ms: row.get(3)?,
        })
    })?;
    rows.collect()
}

/// Answers as the injected fault says before the request reaches its handler.
async fn apply_faults(State(partner): State<Partner>, request: Request, next: Next) -> Response {
    match partner.faults.partner() {
        PartnerFault::Down => return error_response(StatusCode::SERVICE_UNAVAILABLE, "the restaurant partner is down"),
        PartnerFault::Slow => {
            tokio::select! {
                () = tokio::time::sleep(SLOW_DELAY) => {}
                // Stopping must not wait for slow requests.
                () = stopped(partner.shutdown.clone()) => {
                    return error_response(StatusCode::SERVICE_UNAVAILABLE, "the restaurant partner is stopping");
                }
            }
        }
        PartnerFault::Flaky(percent) => {
            if rand::random_range(0..100u8) < percent {
                return error_response(StatusCode::INTERNAL_SERVER_ERROR, "the restaurant partner failed");
            }
        }
        PartnerFault::Rejecting if request.method() == Method::POST && request.uri().path() == "/orders" => {
            return error_response(StatusCode::UNPROCESSABLE_ENTITY, "order rejected by partner validation");
        }
        PartnerFault::Healthy | PartnerFault::Rejecting | PartnerFault::Silent => {}
    }
    next.run(request).await
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The body of `POST /orders`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderRequest {
    order_id: String,
    restaurant_id: String,
    items: Vec<OrderItem>,
    total_cents: i64,
}

/// One line of an order.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderItem {
    menu_item_id: String,
    name: String,
    quantity: u32,
    unit_price_cents: i64,
}

fn parse_order(body: &[u8]) -> Result<OrderRequest, String> {
    let order: OrderRequest = serde_json::from_slice(body).map_err(|error| format!("malformed order: {error}"))?;
    if order.order_id.trim().is_empty() {
        return Err("malformed order: orderId must not be empty".to_owned());
    }
    if order.items.is_empty() {
        return Err("malformed order: items must not be empty".to_owned());
    }
    if let Some(item) = order.items.iter().find(|item| item.quantity == 0) {
        return Err(format!("malformed order: item {} has quantity 0", item.menu_item_id));
    }
    Ok(order)
}

/// What the kitchen makes of `order`.
fn decide(order: &OrderRequest) -> Decision {
    if order.items.iter().any(|item| item.quantity > MAX_QUANTITY) { Decision::Rejected } else { Decision::Confirmed }
}

async fn accept_order(State(partner): State<Partner>, body: Bytes) -> Response {
    let order = match parse_order(&body) {
        Ok(order) => order,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, message),
    };
    let items_json = match serde_json::to_string(&order.items) {
        Ok(json) => json,
        Err(error) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    // Silent: accept as usual, but record that this order is never answered,
    // so that a restart does not answer it either.
    let silent = partner.faults.partner() == PartnerFault::Silent;
    let answer = Answer {
        order_id: order.order_id.clone(),
        reference: new_reference(),
        decision: decide(&order),
        answer_at_ms: now_ms().saturating_add(i64::try_from(partner.answers_after.as_millis()).unwrap_or(i64::MAX)),
    };
    let row = answer.clone();
    let restaurant_id = order.restaurant_id.clone();
    let recorded = partner
        .store
        .transaction(move |tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO partner_orders
                     (order_id, reference, restaurant_id, items_json, decision, answer_at_ms, answered)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    row.order_id,
                    row.reference,
                    restaurant_id,
                    items_json,
                    row.decision.as_str(),
                    row.answer_at_ms,
                    if silent { NEVER } else { DUE }
                ],
            )?;
            if inserted == 1 {
                return Ok(None);
            }
            tx.query_row("SELECT reference FROM partner_orders WHERE order_id = ?1", [&row.order_id], |r| r.get(0))
                .map(Some)
        })
        .await;
    let reference = match recorded {
        Ok(None) => {
            tracing::info!(order_id = %answer.order_id, reference = %answer.reference, total_cents = order.total_cents,
                decision = answer.decision.as_str(), silent, "restaurant partner accepted an order");
            let reference = answer.reference.clone();
            if !silent {
                partner.schedule(answer);
            }
            reference
        }
        Ok(Some(existing)) => {
            tracing::debug!(order_id = %answer.order_id, "restaurant partner got an order again");
            existing
        }
        Err(error) => {
            tracing::error!(%error, "the restaurant partner cannot record an order");
            return error_response(StatusCode::INTERNAL_SERVER_ERROR, "the restaurant partner cannot record the order");
        }
    };
    (StatusCode::ACCEPTED, Json(json!({"reference": reference, "orderId": order.order_id}))).into_response()
}

/// A new partner reference, e.g. `RP-1A2B3C4D5E6F`.
fn new_reference() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("RP-{}", id.get(..12).unwrap_or(&id))
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(0))
}

#[cfg(test)]
mod tests;
