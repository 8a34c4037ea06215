//! The functions host: Lambda-style functions served in process.
//!
//! A rule target (or, later, a state machine task) whose ARN is
//! `arn:aws:lambda:<region>:<account>:function:<name>` is invoked here. The
//! demo system and tests register handlers by name; an ARN with no handler
//! fails like a missing function does on AWS (`ResourceNotFoundException`,
//! not retried).
//!
//! ```
//! # async fn demo() {
//! use choreoscope_local::functions::{FunctionError, Functions};
//! use serde_json::json;
//!
//! let functions = Functions::default();
//! functions.register("charge-payment", |call| async move {
//!     let amount = call.payload["detail"]["data"]["total"].as_f64().unwrap_or(0.0);
//!     if amount > 1_000.0 {
//!         return Err(FunctionError::permanent("PaymentDeclined", "over the card limit"));
//!     }
//!     Ok(json!({"charged": amount}))
//! });
//! assert!(functions.contains("charge-payment"));
//! # }
//! ```
//!
//! Unlike AWS, where EventBridge invokes Lambda asynchronously and a
//! function's own errors are retried by Lambda, a handler's error here is the
//! attempt's outcome: the bus log, the retry policy and the DLQ show it. That
//! is what an operator watching the choreography wants to see.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::delivery::outcome::{Failure, FailureKind};

/// One invocation of a function.
#[derive(Debug, Clone)]
pub struct FunctionCall {
    /// The function's ARN, as the caller gave it.
    pub function_arn: String,
    /// The function's name.
    pub function_name: String,
    /// The input: the target's payload as JSON (a payload that is not JSON
    /// arrives as a JSON string).
    pub payload: Value,
    /// A fresh id for this invocation (Lambda's request id).
    pub request_id: String,
}

/// Why a function failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// Whether the caller should try again.
    pub kind: FailureKind,
    /// The error's type, e.g. `PartnerUnavailable` (Lambda's `errorType`).
    pub error_type: String,
    /// What happened (Lambda's `errorMessage`).
    pub message: String,
}

impl FunctionError {
    /// An error worth retrying (a dependency timed out, was unavailable).
    pub fn retryable(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind: FailureKind::Retryable, error_type: error_type.into(), message: message.into() }
    }

    /// An error no retry can fix (bad input, a business rule).
    pub fn permanent(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind: FailureKind::Permanent, error_type: error_type.into(), message: message.into() }
    }

    /// The function is over its concurrency: retried after a backoff.
    pub fn throttled(message: impl Into<String>) -> Self {
        Self { kind: FailureKind::Throttled, error_type: "TooManyRequestsException".into(), message: message.into() }
    }
}

impl From<FunctionError> for Failure {
    fn from(error: FunctionError) -> Self {
        Failure::new(error.kind, error.error_type, error.message)
    }
}

/// What a handler returns.
pub type FunctionResult = Result<Value, FunctionError>;

type BoxedHandler = Arc<dyn Fn(FunctionCall) -> Pin<Box<dyn Future<Output = FunctionResult> + Send>> + Send + Sync>;

/// The registered functions of a local system, by name.
#[derive(Clone, Default)]
pub struct Functions {
    handlers: Arc<RwLock<HashMap<String, BoxedHandler>>>,
}

impl std::fmt::Debug for Functions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

impl Functions {
    /// Registers (or replaces) the handler of function `name`.
    pub fn register<F, Fut>(&self, name: impl Into<String>, handler: F)
    where
        F: Fn(FunctionCall) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = FunctionResult> + Send + 'static,
    {
        let handler: BoxedHandler = Arc::new(move |call| Box::pin(handler(call)));
        self.write().insert(name.into(), handler);
    }

    /// Removes function `name`; later invocations fail as for a missing function.
    pub fn unregister(&self, name: &str) {
        self.write().remove(name);
    }

    /// Whether function `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.read().contains_key(name)
    }

    /// The registered function names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.read().keys().cloned().collect();
        names.sort();
        names
    }

    /// Invokes the function an ARN (or a bare name) names with `payload`.
    pub async fn invoke(&self, function_arn: &str, payload: Value) -> FunctionResult {
        let name = function_name(function_arn);
        let handler = self.read().get(name).cloned();
        let Some(handler) = handler else {
            return Err(FunctionError::permanent(
                "ResourceNotFoundException",
                format!("Function not found: {function_arn}"),
            ));
        };
        let call = FunctionCall {
            function_arn: function_arn.to_owned(),
            function_name: name.to_owned(),
            payload,
            request_id: uuid::Uuid::new_v4().to_string(),
        };
        // A panicking handler is a failed invocation, not a dead dispatcher.
        match tokio::spawn(handler(call)).await {
            Ok(result) => result,
            Err(error) => {
                Err(FunctionError::retryable("Runtime.HandlerFailed", format!("the handler panicked: {error}")))
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, BoxedHandler>> {
        self.handlers.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, BoxedHandler>> {
        self.handlers.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The function name in `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`,
/// or the text itself when it is not such an ARN.
pub fn function_name(arn: &str) -> &str {
    match arn.split(':').collect::<Vec<_>>().as_slice() {
        ["arn", _, "lambda", _, _, "function", name, ..] => name,
        _ => arn,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn registered_functions_are_invoked_by_arn() {
        let functions = Functions::default();
        functions.register("echo", |call| async move { Ok(json!({"got": call.payload, "name": call.function_name})) });
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:echo";
        assert_eq!(functions.invoke(arn, json!(1)).await, Ok(json!({"got": 1, "name": "echo"})));
        assert_eq!(functions.invoke("echo", json!(2)).await, Ok(json!({"got": 2, "name": "echo"})));
        let missing = functions.invoke("arn:aws:lambda:us-east-1:123456789012:function:nope", json!({})).await;
        let error = missing.expect_err("not registered");
        assert_eq!((error.kind, error.error_type.as_str()), (FailureKind::Permanent, "ResourceNotFoundException"));
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_retryable_failure() {
        let functions = Functions::default();
        functions.register("boom", |_| async move {
            if true {
                panic!("handler bug");
            }
            Ok(json!(null))
        });
        let error = functions.invoke("boom", json!({})).await.expect_err("panicked");
        assert_eq!(error.kind, FailureKind::Retryable);
    }

    #[test]
    fn names_come_from_arns_with_or_without_qualifier() {
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:pay"), "pay");
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:pay:live"), "pay");
        assert_eq!(function_name("pay"), "pay");
    }
}
