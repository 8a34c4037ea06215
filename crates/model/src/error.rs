//! Errors as the UI receives them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error a command of the app returns to the UI: a message a person can
/// act on, and the AWS error code when the error came from an AWS API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppError {
    /// What went wrong, in words.
    pub message: String,
    /// The AWS error code (`ResourceNotFoundException`, …), if any.
    pub code: Option<String>,
}

impl AppError {
    /// An error with a message and no AWS code.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: None }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AppError {}
