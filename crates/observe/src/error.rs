//! Errors of the data layer, carrying AWS's error code and message.

use aws_sdk_eventbridge::error::{ProvideErrorMetadata, SdkError};
use choreoscope_model::AppError;

/// What went wrong talking to AWS (or the local system).
#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
    /// The service answered with an error.
    #[error("{operation} failed: {code}: {message}")]
    Service {
        /// The API operation, e.g. `ListRules`.
        operation: &'static str,
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
    },
    /// The request never got an answer (connection refused, timeout, credentials).
    #[error("{operation} could not reach the service: {message}")]
    Unreachable {
        /// The API operation.
        operation: &'static str,
        /// Why, in the SDK's words.
        message: String,
    },
    /// A file or record could not be read.
    #[error("{0}")]
    Invalid(String),
}

impl ObserveError {
    /// Wraps an SDK error of any AWS client.
    pub fn from_sdk<E, R>(operation: &'static str, error: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        match &error {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                Self::Service {
                    operation,
                    code: inner.code().unwrap_or("Unknown").to_owned(),
                    message: inner.message().unwrap_or("no message").to_owned(),
                }
            }
            _ => Self::Unreachable { operation, message: error_chain(&error) },
        }
    }

    /// The AWS error code, if the service gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// The error and its sources, joined: SDK errors put the useful part last.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<ObserveError> for AppError {
    fn from(error: ObserveError) -> Self {
        match &error {
            ObserveError::Service { operation, code, message } => {
                AppError { message: format!("{operation}: {message}"), code: Some(code.clone()) }
            }
            _ => AppError::new(error.to_string()),
        }
    }
}

/// Results of the data layer.
pub type Result<T, E = ObserveError> = std::result::Result<T, E>;
