//! Errors: definition diagnostics (what `CreateStateMachine` answers with
//! `InvalidDefinition`) and run-time failures (an error name and a cause, as
//! Step Functions records them in the history).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The diagnostic codes Step Functions uses in `InvalidDefinition` messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiagnosticCode {
    /// The definition is not JSON.
    InvalidJsonDescription,
    /// A field is missing, unknown, of the wrong type or holds a bad value.
    SchemaValidationFailed,
    /// A transition names no state in its scope, or a state is unreachable.
    MissingTransitionTarget,
    /// A set of states has no terminal state.
    MissingEndState,
    /// Two states share a name.
    DuplicateStateName,
}

impl DiagnosticCode {
    /// The code as AWS writes it, e.g. `SCHEMA_VALIDATION_FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJsonDescription => "INVALID_JSON_DESCRIPTION",
            Self::SchemaValidationFailed => "SCHEMA_VALIDATION_FAILED",
            Self::MissingTransitionTarget => "MISSING_TRANSITION_TARGET",
            Self::MissingEndState => "MISSING_END_STATE",
            Self::DuplicateStateName => "DUPLICATE_STATE_NAME",
        }
    }
}

/// One problem found in a definition: what and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The AWS code of the problem.
    pub code: DiagnosticCode,
    /// What is wrong, in AWS's words where they are known.
    pub message: String,
    /// Where, as a path into the definition (`/States/Choose/Choices[0]/Next`);
    /// `None` for problems of the whole workflow.
    pub location: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)?;
        if let Some(location) = &self.location {
            write!(f, " at {location}")?;
        }
        Ok(())
    }
}

/// A definition that Step Functions would refuse, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// The problems, in the order they were found (never empty).
    pub diagnostics: Vec<Diagnostic>,
}

impl ValidationError {
    /// The message `CreateStateMachine` returns with `InvalidDefinition`:
    /// `Invalid State Machine Definition: 'CODE: message at /location, ...'`.
    pub fn aws_message(&self) -> String {
        let joined: Vec<String> = self.diagnostics.iter().map(Diagnostic::to_string).collect();
        format!("Invalid State Machine Definition: '{}'", joined.join(", "))
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.aws_message())
    }
}

/// A run-time failure: the error name and cause Step Functions records
/// (`States.Runtime`, `States.Timeout`, a task's own error…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}: {}", error.as_deref().unwrap_or(""), cause.as_deref().unwrap_or(""))]
pub struct Failure {
    /// The error name, e.g. `States.Runtime`. `None` only when a task was
    /// failed without one (SendTaskFailure with no `error`).
    pub error: Option<String>,
    /// The cause, if any.
    pub cause: Option<String>,
}

impl Failure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self { error: Some(error.into()), cause: Some(cause.into()) }
    }

    /// The error name, or the empty string when there is none.
    pub fn error_name(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }
}

/// The error names Step Functions reserves.
pub mod names {
    /// Matches every error except `States.Runtime` (and terminal ones).
    pub const ALL: &str = "States.ALL";
    /// A task or state exceeded its TimeoutSeconds or missed a heartbeat.
    pub const TIMEOUT: &str = "States.Timeout";
    /// Any task failure (not a timeout).
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A run-time error in the definition's data flow; not caught by `States.ALL`.
    pub const RUNTIME: &str = "States.Runtime";
    /// ResultPath could not be applied to the state input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A path in Parameters selected nothing.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// No Choice rule matched and there is no Default.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// A result exceeded the 256 KiB payload limit.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// A branch or iteration failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// The task was not permitted.
    pub const PERMISSIONS: &str = "States.Permissions";
    /// Map item reader failure.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Map exceeded its tolerated failures.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A SendTaskHeartbeat came too late.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
}
