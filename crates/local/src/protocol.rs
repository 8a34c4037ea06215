//! The AWS JSON protocols (1.0 and 1.1): how requests name their operation,
//! and how results and errors are written back.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An error in the shape every AWS JSON service returns:
/// `{"__type": "<Code>", "message": "<words>"}` with an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    /// HTTP status of the response.
    pub status: u16,
    /// AWS's error code, e.g. `ResourceNotFoundException`.
    pub code: &'static str,
    /// The message, in AWS's words.
    pub message: String,
}

impl AwsError {
    /// A client error (HTTP 400) with AWS's code and message.
    pub fn client(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: 400, code, message: message.into() }
    }

    /// `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::client("ValidationException", message)
    }

    /// `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::client("ResourceNotFoundException", message)
    }

    /// `ResourceAlreadyExistsException`.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::client("ResourceAlreadyExistsException", message)
    }

    /// `InternalException` (HTTP 500): a fault of the local system, not the caller.
    pub fn internal(message: impl Into<String>) -> Self {
        Self { status: 500, code: "InternalException", message: message.into() }
    }

    /// The request body is not the JSON the operation takes.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::client("SerializationException", message)
    }

    /// The `X-Amz-Target` names no operation this service has.
    pub fn unknown_operation(target: &str) -> Self {
        Self::client("UnknownOperationException", format!("Operation {target} is not supported by this endpoint."))
    }

    /// AWS's wording for a field that failed one constraint:
    /// `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ...`.
    pub fn constraint(value: &str, field: &str, constraint: &str) -> Self {
        Self::validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
        ))
    }

    /// A required field was left out.
    pub fn missing(field: &str) -> Self {
        Self::validation(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
        ))
    }
}

impl From<rusqlite::Error> for AwsError {
    fn from(error: rusqlite::Error) -> Self {
        tracing::error!(%error, "store error");
        Self::internal(format!("The local store failed: {error}"))
    }
}

/// Which AWS JSON protocol version a service speaks; decides the content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonVersion {
    /// `application/x-amz-json-1.0` (SQS, Step Functions).
    V1_0,
    /// `application/x-amz-json-1.1` (EventBridge, CloudWatch Logs).
    V1_1,
}

impl JsonVersion {
    fn content_type(self) -> &'static str {
        match self {
            Self::V1_0 => "application/x-amz-json-1.0",
            Self::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// What an operation handler returns: a JSON result or an AWS error.
pub type OpResult = Result<Value, AwsError>;

/// Reads an operation's input; an empty body counts as `{}`, as AWS allows.
pub fn parse_input<T: DeserializeOwned>(body: &[u8]) -> Result<T, AwsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|error| {
        AwsError::serialization(format!("The request body could not be read as the operation's input: {error}"))
    })
}

/// Serialises an operation's output.
pub fn output<T: Serialize>(value: &T) -> OpResult {
    serde_json::to_value(value).map_err(|error| AwsError::internal(error.to_string()))
}

/// Writes an operation's result as an HTTP response in the protocol's shape.
pub fn respond(version: JsonVersion, request_id: &str, result: OpResult) -> Response {
    let (status, body) = match result {
        Ok(value) => (StatusCode::OK, value),
        Err(error) => {
            if error.status >= 500 {
                tracing::error!(code = error.code, message = %error.message, "request failed");
            } else {
                tracing::debug!(code = error.code, message = %error.message, "request rejected");
            }
            let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = serde_json::json!({ "__type": error.code, "message": error.message });
            (status, body)
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(version.content_type()));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(code) = body.get("__type").and_then(Value::as_str)
        && let Ok(code) = HeaderValue::from_str(code)
    {
        headers.insert("x-amzn-errortype", code);
    }
    (status, headers, body.to_string()).into_response()
}

/// Returns the value of a required field, or AWS's validation error naming it.
pub fn required<'a, T>(value: &'a Option<T>, field: &str) -> Result<&'a T, AwsError> {
    value.as_ref().ok_or_else(|| AwsError::missing(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_reads_as_empty_object() {
        let value: Value = parse_input(b"").expect("empty is {}");
        assert_eq!(value, serde_json::json!({}));
    }

    #[test]
    fn malformed_json_is_a_serialization_exception() {
        let error = parse_input::<Value>(b"{not json").expect_err("malformed");
        assert_eq!(error.code, "SerializationException");
        assert_eq!(error.status, 400);
    }

    #[test]
    fn constraint_message_is_in_aws_words() {
        let error =
            AwsError::constraint("!@#", "targets.1.member.id", "Member must have length less than or equal to 64");
        assert_eq!(
            error.message,
            "1 validation error detected: Value '!@#' at 'targets.1.member.id' failed to satisfy constraint: Member must have length less than or equal to 64"
        );
    }
}
