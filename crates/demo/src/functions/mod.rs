//! The demo's async functions, served by the local system's functions host
//! and invoked by rules (or by the workflow's `lambda:invoke` tasks) as
//! Lambda functions of the same names.
//!
//! Every function is idempotent: a repeated or replayed event changes
//! nothing twice. Functions publish with [`envelope::publish`]; when that
//! fails they return a retryable error and EventBridge's retry policy runs
//! them again.

pub mod callbacks;
mod courier;
mod dispatcher;
mod idempotency;
mod notifications;
mod payment;
pub mod projection;
mod rewards;
mod task_tokens;

use std::sync::Arc;
use std::time::Duration;

pub use callbacks::{RestaurantAnswer, callback_router};
use choreoscope_local::Api;
use choreoscope_local::functions::{FunctionError, Functions};

use crate::circuit::Circuits;
use crate::envelope::{self, DemoEvent, PublishError, ReceivedEvent};
use crate::orders::Orders;
use crate::partner::client::PartnerClient;
use crate::store::{DemoStore, StoreError};

/// The name of the circuit around the restaurant partner.
pub const PARTNER_CIRCUIT: &str = "restaurant-partner";

/// The function names, as their ARNs end: `arn:aws:lambda:<region>:<account>:function:<name>`.
pub mod names {
    /// Charges and refunds orders (the workflow's `lambda:invoke`).
    pub const PAYMENT: &str = "payment";
    /// Asks the restaurant partner, behind the circuit breaker.
    pub const RESTAURANT_DISPATCHER: &str = "restaurant-dispatcher";
    /// Completes the waiting task when the restaurant answers.
    pub const RESTAURANT_CALLBACK_HANDLER: &str = "restaurant-callback-handler";
    /// Assigns a courier to a ready order, then delivers it.
    pub const COURIER_ASSIGNMENT: &str = "courier-assignment";
    /// Awards loyalty points (the workflow's parallel branch).
    pub const LOYALTY_POINTS: &str = "loyalty-points";
    /// Issues a discount code for the next order (the other branch).
    pub const DISCOUNT_CODES: &str = "discount-codes";
    /// Writes the customer notification of a status change.
    pub const NOTIFICATIONS: &str = "notifications";
    /// Updates the order read model, which feeds the GraphQL subscriptions.
    pub const ORDER_PROJECTION: &str = "order-projection";
}

/// Tables of the functions: what each consumer processed, payments,
/// restaurant requests and their task tokens, loyalty points, discount codes.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, idempotency_key)
);
CREATE TABLE IF NOT EXISTS payments (
    order_id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    execution_arn TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    status TEXT NOT NULL,
    charged_event_id TEXT,
    refunded_event_id TEXT
);
CREATE TABLE IF NOT EXISTS restaurant_requests (
    order_id TEXT PRIMARY KEY,
    task_token TEXT,
    request_event_id TEXT,
    state TEXT NOT NULL,
    reference TEXT,
    detail TEXT,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS loyalty_points (
    order_id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    points INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS discount_codes (
    order_id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    code TEXT NOT NULL,
    percent INTEGER NOT NULL
);
";

/// What the functions share.
#[derive(Clone)]
pub struct Services {
    /// The local system's AWS API.
    pub api: Api,
    /// The demo store.
    pub store: DemoStore,
    /// The order service and read model.
    pub orders: Orders,
    /// The circuit manager.
    pub circuits: Circuits,
    /// The restaurant partner's API.
    pub partner: Arc<PartnerClient>,
    /// How long a courier rides.
    pub courier_ride: Duration,
}

/// Registers every function of the demo with `functions`.
pub fn register(functions: &Functions, services: Services) {
    macro_rules! function {
        ($name:expr, $handler:path) => {{
            let services = services.clone();
            functions.register($name, move |call| {
                let services = services.clone();
                async move { $handler(&services, call.payload).await }
            });
        }};
    }
    function!(names::PAYMENT, payment::handle);
    function!(names::RESTAURANT_DISPATCHER, dispatcher::handle);
    function!(names::RESTAURANT_CALLBACK_HANDLER, callbacks::handle);
    function!(names::COURIER_ASSIGNMENT, courier::handle);
    function!(names::LOYALTY_POINTS, rewards::loyalty_points);
    function!(names::DISCOUNT_CODES, rewards::discount_code);
    function!(names::NOTIFICATIONS, notifications::handle);
    let orders = services.orders.clone();
    functions.register(names::ORDER_PROJECTION, move |call| {
        let orders = orders.clone();
        async move { projection::handle(&orders, call).await }
    });
}

/// Reads the event a rule delivered.
fn received(payload: &serde_json::Value) -> Result<ReceivedEvent, FunctionError> {
    ReceivedEvent::from_event(payload).map_err(|error| FunctionError::permanent("InvalidEvent", error.to_string()))
}

/// Publishes on the internal bus; a failure is retried by the caller's retry policy.
async fn publish(services: &Services, event: DemoEvent) -> Result<String, FunctionError> {
    let ids = envelope::publish(&services.api, envelope::INTERNAL_BUS, std::slice::from_ref(&event))
        .await
        .map_err(publish_failed)?;
    Ok(ids.into_iter().next().unwrap_or_default())
}

fn publish_failed(error: PublishError) -> FunctionError {
    FunctionError::retryable("PublishFailed", error.to_string())
}

fn store_failed(error: StoreError) -> FunctionError {
    FunctionError::retryable("StoreUnavailable", error.to_string())
}

/// Now, in epoch milliseconds.
fn now_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// A required string field of `data`, or a permanent error naming it.
fn text<'a>(data: &'a serde_json::Value, field: &str) -> Result<&'a str, FunctionError> {
    data.get(field)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| FunctionError::permanent("InvalidEvent", format!("the event has no string field {field}")))
}
