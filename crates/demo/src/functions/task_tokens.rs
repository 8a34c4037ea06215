//! Answers to waiting `.waitForTaskToken` tasks, through the Step Functions API.

use choreoscope_local::functions::FunctionError;
use serde_json::{Value, json};

use super::Services;

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// The task took it.
    Taken,
    /// The task is gone (timed out, or its execution ended): nothing to do.
    TooLate,
}

/// `SendTaskSuccess` with `output`.
pub async fn succeed(services: &Services, token: &str, output: &Value) -> Result<Answered, FunctionError> {
    send(services, "AWSStepFunctions.SendTaskSuccess", json!({"taskToken": token, "output": output.to_string()})).await
}

/// `SendTaskFailure` with `error` and `cause`.
pub async fn fail(services: &Services, token: &str, error: &str, cause: &str) -> Result<Answered, FunctionError> {
    let input = json!({"taskToken": token, "error": error, "cause": cause});
    send(services, "AWSStepFunctions.SendTaskFailure", input).await
}

/// `SendTaskHeartbeat`.
pub async fn heartbeat(services: &Services, token: &str) -> Result<Answered, FunctionError> {
    send(services, "AWSStepFunctions.SendTaskHeartbeat", json!({"taskToken": token})).await
}

async fn send(services: &Services, operation: &str, input: Value) -> Result<Answered, FunctionError> {
    match services.api.call(operation, input).await {
        Ok(_) => Ok(Answered::Taken),
        Err(error) if matches!(error.code.as_str(), "TaskTimedOut" | "TaskDoesNotExist") => {
            tracing::info!(%operation, code = %error.code, "the task no longer waits");
            Ok(Answered::TooLate)
        }
        Err(error) if error.code == "InvalidToken" => {
            Err(FunctionError::permanent("InvalidToken", format!("{operation}: {}", error.message)))
        }
        Err(error) => Err(FunctionError::retryable(error.code.clone(), format!("{operation}: {}", error.message))),
    }
}
