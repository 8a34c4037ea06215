//! The simulated customer-notification provider: a real HTTP server on
//! 127.0.0.1 that the demo reaches through an API destination.
//!
//! - `POST /notifications` needs the header `x-api-key` (401 otherwise),
//!   answers 503 while [`NotificationsFault::Down`], else 200
//!   `{"accepted": true}` and keeps the JSON body.
//! - `GET /notifications` lists the bodies kept so far (oldest first), for
//!   tests and the presenter.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::{PartnerError, bind, error_response, stopped};
use crate::Shutdown;
use crate::faults::{Faults, NotificationsFault};

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";
/// How many notifications the provider keeps; older ones are dropped, so a
/// long-running demo does not grow without bound.
pub const MAX_KEPT: usize = 10_000;

/// A running notification provider. It stops when its `shutdown` changes to `true`.
#[derive(Debug)]
pub struct NotificationProvider {
    port: u16,
    received: Arc<Mutex<VecDeque<Value>>>,
    server: JoinHandle<()>,
}

impl NotificationProvider {
    /// Starts the provider on `127.0.0.1:port` (0: any free port), accepting
    /// requests that carry `api_key`.
    pub async fn start(port: u16, faults: Faults, api_key: String, shutdown: Shutdown) -> Result<Self, PartnerError> {
        let (listener, port) = bind(port).await?;
        let received = Arc::new(Mutex::new(VecDeque::new()));
        let provider = Provider { faults, api_key: Arc::from(api_key), received: received.clone() };
        let app = Router::new().route("/notifications", get(list).post(accept)).with_state(provider);
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stopped(shutdown)).await {
                tracing::error!(%error, "the notification provider's server failed");
            }
        });
        tracing::info!(port, "notification provider listening");
        Ok(Self { port, received, server })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The notification bodies accepted so far, oldest first (at most [`MAX_KEPT`]).
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    /// Waits until the server has stopped (after its `shutdown` changed to `true`).
    pub async fn stopped(self) {
        if let Err(error) = self.server.await {
            tracing::error!(%error, "the notification provider's server task failed");
        }
    }
}

#[derive(Clone)]
struct Provider {
    faults: Faults,
    api_key: Arc<str>,
    received: Arc<Mutex<VecDeque<Value>>>,
}

async fn accept(State(provider): State<Provider>, headers: HeaderMap, body: Bytes) -> Response {
    // A provider that is down answers nobody, whatever their key.
    if provider.faults.notifications() == NotificationsFault::Down {
        return error_response(StatusCode::SERVICE_UNAVAILABLE, "the notification provider is down");
    }
    let key = headers.get(API_KEY_HEADER).and_then(|value| value.to_str().ok());
    if key != Some(&*provider.api_key) {
        let message = if key.is_none() { "missing x-api-key header" } else { "invalid API key" };
        return error_response(StatusCode::UNAUTHORIZED, message);
    }
    let notification: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(error) => return error_response(StatusCode::BAD_REQUEST, format!("the body must be JSON: {error}")),
    };
    tracing::debug!(%notification, "notification provider accepted a notification");
    let mut received = provider.received.lock().unwrap_or_else(PoisonError::into_inner);
    if received.len() >= MAX_KEPT {
        received.pop_front();
    }
    received.push_back(notification);
    (StatusCode::OK, Json(json!({"accepted": true}))).into_response()
}

async fn list(State(provider): State<Provider>) -> Json<Vec<Value>> {
    Json(provider.received.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start(faults: &Faults) -> Result<(NotificationProvider, tokio::sync::watch::Sender<bool>), PartnerError> {
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let provider = NotificationProvider::start(0, faults.clone(), "secret".to_owned(), shutdown).await?;
        Ok((provider, stop))
    }

    #[tokio::test]
    async fn accepts_notifications_with_the_api_key() -> Result<(), Box<dyn std::error::Error>> {
        let faults = Faults::default();
        let (provider, stop) = start(&faults).await?;
        let url = format!("{}/notifications", provider.url());
        let client = reqwest::Client::new();
        let body = json!({"orderId": "o-1", "message": "Your order is on its way"});

        let response = client.post(&url).header(API_KEY_HEADER, "secret").json(&body).send().await?;
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await?, json!({"accepted": true}));
        assert_eq!(provider.received(), vec![body.clone()]);
        let listed: Value = client.get(&url).send().await?.json().await?;
        assert_eq!(listed, json!([body]));

        stop.send(true)?;
        provider.stopped().await;
        assert!(client.get(&url).send().await.is_err(), "the provider stopped");
        Ok(())
    }

    #[tokio::test]
    async fn refuses_a_missing_or_wrong_key() -> Result<(), Box<dyn std::error::Error>> {
        let faults = Faults::default();
        let (provider, _stop) = start(&faults).await?;
        let url = format!("{}/notifications", provider.url());
        let client = reqwest::Client::new();

        let response = client.post(&url).json(&json!({"a": 1})).send().await?;
        assert_eq!(response.status(), 401);
        let error: Value = response.json().await?;
        assert!(error["message"].as_str().is_some_and(|message| message.contains("x-api-key")), "{error}");

        let response = client.post(&url).header(API_KEY_HEADER, "guess").json(&json!({"a": 1})).send().await?;
        assert_eq!(response.status(), 401);

        let response = client.post(&url).header(API_KEY_HEADER, "secret").body("not json").send().await?;
        assert_eq!(response.status(), 400);
        assert!(provider.received().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn answers_503_while_down() -> Result<(), Box<dyn std::error::Error>> {
        let faults = Faults::default();
        let (provider, _stop) = start(&faults).await?;
        let url = format!("{}/notifications", provider.url());
        let client = reqwest::Client::new();

        faults.set_notifications(NotificationsFault::Down);
        let response = client.post(&url).header(API_KEY_HEADER, "secret").json(&json!({"a": 1})).send().await?;
        assert_eq!(response.status(), 503);
        assert!(provider.received().is_empty());

        faults.set_notifications(NotificationsFault::Healthy);
        let response = client.post(&url).header(API_KEY_HEADER, "secret").json(&json!({"a": 1})).send().await?;
        assert_eq!(response.status(), 200);
        assert_eq!(provider.received().len(), 1);
        Ok(())
    }
}
