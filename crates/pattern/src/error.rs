//! Why a pattern is rejected.

/// An invalid event pattern, with the reason EventBridge gives.
///
/// Its `Display` is the message of EventBridge's
/// `InvalidEventPatternException`: `Event pattern is not valid. Reason: ...`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Event pattern is not valid. Reason: {reason}")]
pub struct PatternError {
    /// The reason, in EventBridge's words.
    pub reason: String,
}

impl PatternError {
    /// An error with the given reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into() }
    }

    /// The AWS error code that goes with it.
    pub const CODE: &'static str = "InvalidEventPatternException";
}
