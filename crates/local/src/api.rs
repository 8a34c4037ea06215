//! [`Api`]: the AWS JSON operations of a running local system, called in
//! process. Code that runs inside the local system (the bundled demo's
//! functions, its deployer) uses it as any outside client uses HTTP: same
//! operations, same JSON, same errors, without signing or a socket.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::Value;

use crate::server;
use crate::shared::Shared;

/// An AWS error as the API answered it: `{"__type": code, "message": message}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// The HTTP status the server would have answered with.
    pub status: u16,
    /// AWS's error code, e.g. `ResourceAlreadyExistsException`.
    pub code: String,
    /// The message, in AWS's words.
    pub message: String,
}

impl ApiError {
    /// Whether the error says the thing to create is there already, which
    /// an idempotent deployer treats as success.
    pub fn already_exists(&self) -> bool {
        matches!(
            self.code.as_str(),
            "ResourceAlreadyExistsException" | "StateMachineAlreadyExists" | "QueueAlreadyExists"
        )
    }
}

/// In-process access to a local system's AWS JSON API. Cheap to clone.
///
/// ```no_run
/// # async fn demo(system: &choreoscope_local::LocalSystem) -> Result<(), choreoscope_local::ApiError> {
/// use serde_json::json;
///
/// let api = system.api();
/// api.call("AWSEvents.CreateEventBus", json!({"Name": "orders"})).await?;
/// let buses = api.call("AWSEvents.ListEventBuses", json!({})).await?;
/// assert_eq!(buses["EventBuses"].as_array().map(Vec::len), Some(2));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Api {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").finish_non_exhaustive()
    }
}

impl Api {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Runs operation `target` (the `X-Amz-Target` value, e.g.
    /// `AWSEvents.PutEvents`, `AWSStepFunctions.SendTaskSuccess`,
    /// `AmazonSQS.ReceiveMessage`) with `input`, and returns its output.
    pub async fn call(&self, target: &str, input: Value) -> Result<Value, ApiError> {
        let body = Bytes::from(input.to_string());
        let response = server::run(self.shared.clone(), target, &HeaderMap::new(), body).await;
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|error| ApiError {
            status: 500,
            code: "InternalException".into(),
            message: format!("The response could not be read: {error}"),
        })?;
        let output: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status == 200 {
            return Ok(output);
        }
        Err(ApiError {
            status,
            code: output["__type"].as_str().unwrap_or("InternalException").to_owned(),
            message: output["message"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// The account id the local system puts in ARNs.
    pub fn account_id(&self) -> &str {
        &self.shared.account_id
    }

    /// The region the local system puts in ARNs.
    pub fn region(&self) -> &str {
        &self.shared.region
    }
}
