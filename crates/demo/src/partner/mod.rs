//! The simulated partners of the food-delivery system, real HTTP servers on
//! 127.0.0.1 that misbehave as the [`crate::faults`] say:
//!
//! - [`RestaurantPartner`]: the restaurant partner API. It accepts orders,
//!   keeps them in its own table ([`SCHEMA`]) and later calls the demo back
//!   with its decision, also after a restart.
//! - [`PartnerClient`]: how the dispatcher calls it, with a time-out, telling
//!   retryable failures from hard ones.
//! - [`NotificationProvider`]: the customer-notification provider that the
//!   API destination calls with an API key.

pub mod client;
pub mod notifications;
pub mod restaurant;

pub use client::{PartnerAccepted, PartnerCallError, PartnerClient};
pub use notifications::NotificationProvider;
pub use restaurant::RestaurantPartner;

/// The simulated partner's own durable record of the orders it accepted, so
/// that it still calls back after a crash or a restart.
///
/// `answered`: 0 while the callback is due, 1 once the demo acknowledged it
/// with a 2xx, 2 when the partner was silent and will never answer.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS partner_orders (
    order_id      TEXT PRIMARY KEY,
    reference     TEXT NOT NULL,
    restaurant_id TEXT NOT NULL,
    items_json    TEXT NOT NULL,
    decision      TEXT NOT NULL,
    answer_at_ms  INTEGER NOT NULL,
    answered      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS partner_orders_due ON partner_orders (answered, answer_at_ms);
";

/// Why a simulated partner could not start.
#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    /// Its port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0: any).
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// Its store could not be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Binds `127.0.0.1:port` (0: any free port).
async fn bind(port: u16) -> Result<(tokio::net::TcpListener, u16), PartnerError> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| PartnerError::Bind { port, source })?;
    let bound = listener.local_addr().map_err(|source| PartnerError::Bind { port, source })?.port();
    Ok((listener, bound))
}

/// Resolves once `shutdown` changes to `true` (or its sender is gone).
async fn stopped(mut shutdown: crate::Shutdown) {
    // An error means the sender is gone: nobody can stop us any more, so stop now.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// `{"message": message}` with `status`, the error shape of both simulators.
fn error_response(status: axum::http::StatusCode, message: impl Into<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, axum::Json(serde_json::json!({ "message": message.into() }))).into_response()
}
