//! How the demo calls the restaurant partner: with a time-out, and telling a
//! partner that is unavailable (retry later) from one that refused the
//! request (retrying cannot help).

use std::time::Duration;

use serde_json::Value;

/// A client of the restaurant partner's API.
#[derive(Debug, Clone)]
pub struct PartnerClient {
    http: reqwest::Client,
    base_url: String,
    timeout: Duration,
}

/// The partner accepted an order; its decision comes later, by callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerAccepted {
    /// The partner's reference for the order.
    pub reference: String,
}

/// Why a call to the partner did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerCallError {
    /// 5xx, 429, a time-out or no connection: the partner may answer later,
    /// so the request is retryable (and counts against the circuit).
    #[error("the restaurant partner is unavailable: {reason}")]
    Unavailable {
        /// What happened, e.g. `503: the restaurant partner is down`.
        reason: String,
    },
    /// Any other 4xx: the partner refused this request; retrying cannot help.
    #[error("the restaurant partner rejected the request ({status}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The partner's message.
        message: String,
    },
}

impl PartnerCallError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

impl PartnerClient {
    /// A client of the partner at `base_url` (`http://127.0.0.1:<port>`) that
    /// gives up on a call after `timeout`.
    pub fn new(base_url: impl Into<String>, timeout: Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_else(|error| {
            // Each request sets the time-out too, so the default client still honours it.
            tracing::warn!(%error, "cannot build the partner client with a time-out; using the default client");
            reqwest::Client::default()
        });
        Self { http, base_url: base_url.into().trim_end_matches('/').to_owned(), timeout }
    }

    /// The partner's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /orders` with `request` (`{"orderId", "restaurantId", "items", "totalCents"}`).
    pub async fn request_confirmation(&self, request: &Value) -> Result<PartnerAccepted, PartnerCallError> {
        let response = self
            .http
            .post(format!("{}/orders", self.base_url))
            .timeout(self.timeout)
            .json(request)
            .send()
            .await
            .map_err(unreachable)?;
        let body = answered(response).await?;
        match body["reference"].as_str() {
            Some(reference) if !reference.is_empty() => Ok(PartnerAccepted { reference: reference.to_owned() }),
            // A 2xx without a reference is the partner misbehaving; accepting is
            // idempotent per order, so asking again is safe.
            _ => Err(PartnerCallError::Unavailable {
                reason: format!("the partner accepted the order without a reference: {body}"),
            }),
        }
    }

    /// `GET /health`: `Ok` when the partner answers 2xx.
    pub async fn health(&self) -> Result<(), PartnerCallError> {
        let response = self
            .http
            .get(format!("{}/health", self.base_url))
            .timeout(self.timeout)
            .send()
            .await
            .map_err(unreachable)?;
        answered(response).await.map(drop)
    }
}

/// A request that got no answer: always retryable.
fn unreachable(error: reqwest::Error) -> PartnerCallError {
    let reason = if error.is_timeout() {
        format!("no answer within the time-out: {error}")
    } else if error.is_connect() {
        format!("cannot connect: {error}")
    } else {
        error.to_string()
    };
    PartnerCallError::Unavailable { reason }
}

/// The JSON body of a 2xx answer (`Null` if it has none), or the error the
/// status stands for.
async fn answered(response: reqwest::Response) -> Result<Value, PartnerCallError> {
    let status = response.status();
    let text = match response.text().await {
        Ok(text) => text,
        // The body was cut off: the partner went away mid-answer.
        Err(error) => return Err(unreachable(error)),
    };
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    let message = body["message"].as_str().map_or_else(|| text.trim().to_owned(), str::to_owned);
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(PartnerCallError::Unavailable { reason: format!("{}: {message}", status.as_u16()) });
    }
    // 4xx, and the odd 1xx/3xx that reqwest did not follow: the request itself is wrong.
    Err(PartnerCallError::Rejected { status: status.as_u16(), message })
}
