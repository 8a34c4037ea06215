//! Task resources: what a Task state calls, and what it answers.
//!
//! Calls into the local system itself (`sqs:sendMessage`,
//! `events:putEvents`, `states:startExecution`) run in the transaction that
//! feeds their outcome back to the execution, so each is made exactly once.
//! Lambda functions run in the functions host outside any transaction
//! ([`lambda`]); a crash before their outcome is recorded calls them again.
//! `.waitForTaskToken` calls answer `TaskSubmitted` and the task waits for
//! SendTaskSuccess/Failure; `.sync` startExecution waits for the child.

mod events;
pub mod lambda;
mod sqs;
mod states;

use choreoscope_asl::{Input, IntegrationPattern, Resource, TaskRequest};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::protocol::AwsError;
use crate::shared::Shared;

/// Where a task's call is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// In the store, in the transaction that records its outcome.
    InStore,
    /// In the functions host, outside any transaction.
    Function,
}

/// Where the call of `request` is made.
pub fn kind(request: &TaskRequest) -> Kind {
    match &request.resource {
        Resource::LambdaFunction { .. } => Kind::Function,
        Resource::Service { service, action, .. } if service == "lambda" && base(action) == "invoke" => Kind::Function,
        _ => Kind::InStore,
    }
}

/// The API action without its integration pattern (`sendMessage`).
fn base(action: &str) -> &str {
    action.split('.').next().unwrap_or(action)
}

/// What a call came to: its response, or the error and cause the task fails with.
pub type CallResult = Result<Value, (String, String)>;

/// A call made in the store, and what to do once its outcome is recorded.
pub struct InStoreCall {
    /// The input for the execution.
    pub input: Input,
    /// A child started by `.sync` that may already have ended: its end is
    /// reported once `TaskSubmitted` is recorded.
    pub child: Option<String>,
}

/// Makes an in-store call for the task `request` of `execution_arn`.
/// `Err` is a fault of the store: the caller's transaction must roll back.
pub fn call_in_store(
    conn: &Connection,
    shared: &Shared,
    execution_arn: &str,
    request: &TaskRequest,
) -> Result<InStoreCall, AwsError> {
    let mut child = None;
    let result = match &request.resource {
        Resource::Service { service, action, pattern, .. } => match (service.as_str(), base(action)) {
            ("sqs", "sendMessage") => sqs::send(conn, shared, &request.parameters)?,
            ("events", "putEvents") => events::put(conn, shared, execution_arn, &request.parameters)?,
            ("states", "startExecution") => {
                let started = states::start(conn, shared, execution_arn, request, *pattern)?;
                child = started.as_ref().ok().and_then(|(_, arn)| arn.clone());
                started.map(|(output, _)| output)
            }
            _ => Err(unsupported(request)),
        },
        _ => Err(unsupported(request)),
    };
    Ok(InStoreCall { input: outcome(request, result), child })
}

/// The input that reports a call's result: `TaskSubmitted` for callback and
/// `.sync` tasks (they wait on), `TaskSucceeded` otherwise.
pub fn outcome(request: &TaskRequest, result: CallResult) -> Input {
    let task_id = request.task_id.clone();
    match result {
        Ok(output) if request.resource.pattern() == IntegrationPattern::RequestResponse => {
            Input::TaskSucceeded { task_id, output }
        }
        Ok(output) => Input::TaskSubmitted { task_id, output },
        Err((error, cause)) => Input::TaskFailed { task_id, error: Some(error), cause: Some(cause) },
    }
}

/// The failure of a resource the local system cannot call.
fn unsupported(request: &TaskRequest) -> (String, String) {
    (
        "Local.UnsupportedResource".to_owned(),
        format!(
            "The Choreoscope local system cannot call the resource '{}' of state '{}': it runs Lambda functions \
             of its functions host (function ARNs and arn:aws:states:::lambda:invoke), \
             arn:aws:states:::sqs:sendMessage, arn:aws:states:::events:putEvents and \
             arn:aws:states:::states:startExecution, each with .waitForTaskToken (and .sync for startExecution).",
            request.resource.arn(),
            request.state_name
        ),
    )
}

/// A service error as Step Functions reports it in `cause`:
/// `<message> (Service: <service>; Status Code: 400; Error Code: <code>; Request ID: <id>; Proxy: null)`.
fn service_cause(message: &str, service: &str, status: u16, code: &str) -> String {
    let request_id = uuid::Uuid::new_v4();
    format!(
        "{message} (Service: {service}; Status Code: {status}; Error Code: {code}; Request ID: {request_id}; Proxy: null)"
    )
}

/// A service response with the SDK metadata Step Functions adds to it.
fn with_metadata(mut output: Map<String, Value>, content_type: &str) -> Value {
    let request_id = uuid::Uuid::new_v4().to_string();
    output.insert(
        "SdkHttpMetadata".into(),
        json!({
            "AllHttpHeaders": {"x-amzn-RequestId": [request_id], "Content-Type": [content_type]},
            "HttpHeaders": {"Content-Type": content_type, "x-amzn-RequestId": request_id},
            "HttpStatusCode": 200,
        }),
    );
    output.insert("SdkResponseMetadata".into(), json!({"RequestId": request_id}));
    Value::Object(output)
}
