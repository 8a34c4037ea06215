//! Lambda tasks, run by the functions host: a function ARN as `Resource`
//! (the task's input is the payload, the function's result the output), or
//! `arn:aws:states:::lambda:invoke[.waitForTaskToken]` with `FunctionName`
//! and `Payload` (the output is Lambda's Invoke response: `Payload`,
//! `StatusCode`, `ExecutedVersion` and the SDK metadata).

use choreoscope_asl::{Input, Resource, TaskRequest};
use serde_json::{Map, Value, json};

use super::{CallResult, outcome, service_cause, with_metadata};
use crate::functions::{FunctionError, Functions, function_name};
use crate::shared::Shared;

/// Calls the function of a Lambda task and says what came of it.
pub async fn call(shared: &Shared, functions: &Functions, request: &TaskRequest) -> Input {
    let result = match &request.resource {
        Resource::LambdaFunction { arn } => invoke(shared, functions, arn, request.parameters.clone()).await,
        _ => {
            let parameters = &request.parameters;
            match parameters.get("FunctionName").and_then(Value::as_str) {
                Some(name) => {
                    let payload = match parameters.get("Payload") {
                        // A string payload is sent as is; a function reads JSON text as JSON.
                        Some(Value::String(text)) => {
                            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
                        }
                        Some(value) => value.clone(),
                        None => Value::Null,
                    };
                    invoke(shared, functions, name, payload).await.map(invoke_response)
                }
                None => Err((
                    "Lambda.AWSLambdaException".to_owned(),
                    service_cause("FunctionName is required.", "AWSLambda", 400, "InvalidParameterValueException"),
                )),
            }
        }
    };
    outcome(request, result)
}

/// Lambda's Invoke response around a function's result.
fn invoke_response(payload: Value) -> Value {
    let mut output = Map::new();
    output.insert("ExecutedVersion".into(), json!("$LATEST"));
    output.insert("Payload".into(), payload);
    let mut output = match with_metadata(output, "application/json") {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    output.insert("StatusCode".into(), json!(200));
    Value::Object(output)
}

/// Invokes a function by name or ARN (a qualifier, `:alias`, is ignored).
async fn invoke(shared: &Shared, functions: &Functions, function: &str, payload: Value) -> CallResult {
    let name = if function.starts_with("arn:") {
        function_name(function)
    } else {
        function.split(':').next().unwrap_or(function)
    };
    if !functions.contains(name) {
        let arn = shared.arn("lambda", &format!("function:{name}"));
        let message = format!("Function not found: {arn}:$LATEST");
        return Err((
            "Lambda.ResourceNotFoundException".to_owned(),
            service_cause(&message, "AWSLambda", 404, "ResourceNotFoundException"),
        ));
    }
    functions.invoke(name, payload).await.map_err(function_failed)
}

/// A function's error as Step Functions records it: the error type, and
/// Lambda's error object as the cause.
fn function_failed(error: FunctionError) -> (String, String) {
    let cause = json!({
        "errorMessage": error.message,
        "errorType": error.error_type,
        "requestId": uuid::Uuid::new_v4().to_string(),
        "stackTrace": [],
    });
    (error.error_type, cause.to_string())
}
