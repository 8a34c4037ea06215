//! What one attempt to deliver an event to a target came to.

/// The result of one invocation attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The target took the event.
    Delivered,
    /// The target did not take it; whether to try again depends on the kind.
    Failed(Failure),
}

/// How a failed attempt is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Worth another try after a backoff: timeouts, 5xx, network errors.
    Retryable,
    /// The target (or the local rate limit) asked to slow down: 429,
    /// `ThrottlingException`. Retried like a retryable failure.
    Throttled,
    /// Trying again cannot help: the resource is missing, permission is
    /// denied, the request is bad (4xx other than 429).
    Permanent,
}

/// Why an attempt failed, in the words the bus log and the DLQ attributes use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Retry, throttle, or give up.
    pub kind: FailureKind,
    /// `ERROR_CODE`, e.g. `ResourceNotFoundException`, `SDK_CLIENT_ERROR`,
    /// `429`-style HTTP codes as EventBridge reports them.
    pub code: String,
    /// `ERROR_MESSAGE`: what happened, for a person.
    pub message: String,
    /// How long the target asked us to wait (`Retry-After`), if it did.
    pub retry_after_ms: Option<i64>,
}

impl Failure {
    /// A failure of `kind` with `code` and `message`.
    pub fn new(kind: FailureKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind, code: code.into(), message: message.into(), retry_after_ms: None }
    }

    /// A failure that trying again cannot fix.
    pub fn permanent(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FailureKind::Permanent, code, message)
    }

    /// A failure worth another attempt.
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FailureKind::Retryable, code, message)
    }
}
