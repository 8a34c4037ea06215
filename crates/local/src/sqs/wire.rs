//! The JSON 1.0 wire of SQS: reading inputs, who is calling, writing results
//! and errors.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::error::{ErrorKind, SqsError, SqsResult};
use crate::shared::Shared;

/// The content type of every SQS response.
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// What a request says about its caller that results depend on.
#[derive(Debug, Clone)]
pub struct Caller {
    /// `host[:port]` the caller reached us at; queue URLs are built on it so
    /// that the caller can use them as they are.
    pub host: String,
    /// The `SenderId` of messages it sends: the access key id it signed with
    /// (AWS gives the IAM user's or role's unique id; there is no IAM here).
    pub sender_id: String,
}

impl Caller {
    /// The caller of a request with `headers`.
    pub fn from_headers(headers: &HeaderMap, shared: &Shared) -> Self {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| !h.is_empty())
            .unwrap_or("127.0.0.1")
            .to_owned();
        // `AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/sqs/aws4_request, ...`
        let sender_id = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|auth| auth.split_once("Credential=").map(|(_, rest)| rest))
            .and_then(|credential| credential.split('/').next())
            .filter(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()))
            .map_or_else(|| shared.account_id.clone(), str::to_owned);
        Self { host, sender_id }
    }

    /// A caller for tests.
    #[cfg(test)]
    pub fn local(shared: &Shared) -> Self {
        Self { host: "127.0.0.1".to_owned(), sender_id: shared.account_id.clone() }
    }
}

/// Reads an operation's input; an empty body counts as `{}`.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> SqsResult<T> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|error| {
        SqsError::new(
            ErrorKind::Serialization,
            format!("The request body could not be read as the operation's input: {error}"),
        )
    })
}

/// Runs SQLite work on the blocking pool, keeping the async workers free.
pub async fn blocking<T, F>(work: F) -> SqsResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> SqsResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join_error| Err(SqsError::internal(format!("The request handler failed: {join_error}"))))
}

/// Writes a result as SQS does: JSON 1.0, and for errors the shape name in
/// `__type` plus the Query code in `x-amzn-query-error`.
pub fn respond(request_id: &str, result: SqsResult) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    let (status, body) = match result {
        Ok(value) => (StatusCode::OK, value),
        Err(error) => {
            let kind = error.kind;
            if kind.status() >= 500 {
                tracing::error!(code = kind.query_code(), message = %error.message, "SQS request failed");
            } else {
                tracing::debug!(code = kind.query_code(), message = %error.message, "SQS request rejected");
            }
            headers.insert("x-amzn-errortype", HeaderValue::from_static(kind.type_name()));
            if !matches!(kind, ErrorKind::Serialization | ErrorKind::UnknownOperation) {
                let fault = if kind.sender_fault() { "Sender" } else { "Receiver" };
                if let Ok(value) = HeaderValue::from_str(&format!("{};{fault}", kind.query_code())) {
                    headers.insert("x-amzn-query-error", value);
                }
            }
            let status = StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, serde_json::json!({ "__type": kind.type_name(), "message": error.message }))
        }
    };
    (status, headers, body.to_string()).into_response()
}
