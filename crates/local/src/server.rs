//! The HTTP front: one `POST /` for every AWS JSON operation, routed by its
//! `X-Amz-Target` header, and a health check.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::protocol::{AwsError, JsonVersion, respond};
use crate::shared::Shared;
use crate::{eventbridge, logs, sqs, stepfunctions};

/// Largest request body accepted: a PutLogEvents batch (1 MiB of events) or
/// an SQS message (1 MiB) after JSON escaping, with room to spare.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The router of a local system.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", post(dispatch))
        .route("/_choreoscope/health", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

async fn health(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    axum::Json(json!({
        "status": "ok",
        "service": "choreoscope-local",
        "version": env!("CARGO_PKG_VERSION"),
        "region": shared.region,
        "accountId": shared.account_id,
        "services": ["events", "logs", "sqs", "states"],
    }))
}

async fn dispatch(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default();
    run(shared, target, &headers, body).await
}

/// Answers one AWS JSON request: `target` is its `X-Amz-Target` value
/// (empty if it had none). `headers` are only read by SQS, which builds queue
/// URLs on the `Host` the caller used and takes the `SenderId` of messages
/// from the `Authorization` header; an empty map stands for a local caller.
pub(crate) async fn run(shared: Arc<Shared>, target: &str, headers: &HeaderMap, body: Bytes) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let Some((service, operation)) = target.split_once('.') else {
        let error = if target.is_empty() {
            AwsError::client("UnknownOperationException", "Missing X-Amz-Target header: the operation to run.")
        } else {
            AwsError::unknown_operation(target)
        };
        return respond(JsonVersion::V1_1, &request_id, Err(error));
    };
    let (service, operation) = (service.to_owned(), operation.to_owned());
    tracing::debug!(%service, %operation, %request_id, "request");
    if service == sqs::TARGET_PREFIX {
        // SQS is async: a long-polling ReceiveMessage must not hold a blocking thread.
        return sqs::handle(shared, &operation, headers, body, &request_id).await;
    }
    let version = if service == stepfunctions::TARGET_PREFIX { JsonVersion::V1_0 } else { JsonVersion::V1_1 };
    // SQLite calls block; keep them off the async workers.
    let result = tokio::task::spawn_blocking({
        let request_id = request_id.clone();
        move || match service.as_str() {
            eventbridge::TARGET_PREFIX => eventbridge::handle(&shared, &operation, &body, &request_id),
            logs::TARGET_PREFIX => logs::handle(&shared, &operation, &body),
            stepfunctions::TARGET_PREFIX => stepfunctions::handle(&shared, &operation, &body),
            _ => Err(AwsError::unknown_operation(&format!("{service}.{operation}"))),
        }
    })
    .await
    .unwrap_or_else(|join_error| Err(AwsError::internal(format!("The request handler failed: {join_error}"))));
    respond(version, &request_id, result)
}
