//! The data flow of a state: InputPath → Parameters → (the work) →
//! ResultSelector → ResultPath → OutputPath, with the context object and the
//! errors Step Functions names for each step.

mod choice;
mod template;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::definition::PathField;
use crate::entropy::Entropy;
use crate::error::names;
use crate::intrinsic::Resolver;
use crate::path::{Path, Root, apply_result_path};

pub use choice::evaluate as evaluate_condition;
pub use template::render;

/// A data-flow failure: the error name and what went wrong. The interpreter
/// adds "An error occurred while executing the state …" for `States.Runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// `States.Runtime`, `States.ResultPathMatchFailure`, `States.IntrinsicFailure`…
    pub error: &'static str,
    /// What went wrong.
    pub detail: String,
}

impl DataError {
    pub(crate) fn runtime(detail: impl Into<String>) -> Self {
        DataError { error: names::RUNTIME, detail: detail.into() }
    }
}

/// The context object (`$$`) of a state, as Step Functions builds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextObject {
    /// `Execution.Id` (the execution ARN).
    pub execution_id: String,
    /// `Execution.Input`.
    pub execution_input: Value,
    /// `Execution.Name`.
    pub execution_name: String,
    /// `Execution.RoleArn`.
    pub role_arn: String,
    /// `Execution.StartTime`, RFC 3339.
    pub start_time: String,
    /// `State.Name`.
    pub state_name: String,
    /// `State.EnteredTime`, RFC 3339.
    pub entered_time: String,
    /// `State.RetryCount`.
    pub retry_count: u64,
    /// `StateMachine.Id`.
    pub state_machine_id: String,
    /// `StateMachine.Name`.
    pub state_machine_name: String,
    /// `Task.Token`, for `.waitForTaskToken` tasks.
    pub task_token: Option<String>,
    /// `Map.Item.Index` and `Map.Item.Value`, in a Map's ItemSelector.
    pub map_item: Option<(usize, Value)>,
}

impl ContextObject {
    /// The object `$$` paths read.
    pub fn to_value(&self) -> Value {
        let mut context = json!({
            "Execution": {
                "Id": self.execution_id,
                "Input": self.execution_input,
                "Name": self.execution_name,
                "RoleArn": self.role_arn,
                "StartTime": self.start_time,
                "RedriveCount": 0,
            },
            "State": {"EnteredTime": self.entered_time, "Name": self.state_name, "RetryCount": self.retry_count},
            "StateMachine": {"Id": self.state_machine_id, "Name": self.state_machine_name},
        });
        if let Some(token) = &self.task_token {
            context["Task"] = json!({"Token": token});
        }
        if let Some((index, value)) = &self.map_item {
            context["Map"] = json!({"Item": {"Index": index, "Value": value}});
        }
        context
    }
}

/// What paths and intrinsic functions read: the data, the context object,
/// and the caller's entropy.
pub struct Scope<'a> {
    /// What `$` means.
    pub input: &'a Value,
    /// What `$$` means.
    pub context: &'a Value,
    /// Ids and random numbers.
    pub entropy: &'a mut dyn Entropy,
}

impl Scope<'_> {
    /// The value a path selects: `Ok(None)` when it selects nothing.
    pub fn lookup(&self, path: &Path) -> Result<Option<Value>, DataError> {
        let base = match path.root() {
            Root::Input | Root::Current => self.input,
            Root::Context => self.context,
            Root::Variable(name) => {
                return Err(DataError::runtime(format!(
                    "The variable '${name}' cannot be read: workflow variables are not supported by this interpreter"
                )));
            }
        };
        Ok(path.select_from(base, base).into_value())
    }
}

impl Resolver for Scope<'_> {
    fn resolve(&self, path: &Path) -> Option<Value> {
        self.lookup(path).ok().flatten()
    }

    fn uuid(&mut self) -> String {
        self.entropy.uuid()
    }

    fn random(&mut self) -> u64 {
        self.entropy.next_u64()
    }
}

fn no_results(path: &Path) -> DataError {
    DataError::runtime(format!("Invalid path '{path}' : No results for path: {}", path.normalized()))
}

/// Applies InputPath (or OutputPath): `$` keeps, `null` gives `{}`, a path selects.
pub fn select(
    field: &PathField,
    value: &Value,
    context: &Value,
    entropy: &mut dyn Entropy,
) -> Result<Value, DataError> {
    match field {
        PathField::Whole => Ok(value.clone()),
        PathField::Discard => Ok(json!({})),
        PathField::Path(path) => {
            let scope = Scope { input: value, context, entropy };
            scope.lookup(path)?.ok_or_else(|| no_results(path))
        }
    }
}

/// Applies ResultPath: `$` replaces the input with the result, `null` keeps
/// the input, a path writes the result into the input.
pub fn place_result(field: &PathField, input: &Value, result: Value) -> Result<Value, DataError> {
    match field {
        PathField::Whole => Ok(result),
        PathField::Discard => Ok(input.clone()),
        PathField::Path(path) => apply_result_path(input.clone(), path, result)
            .map_err(|detail| DataError { error: names::RESULT_PATH_MATCH_FAILURE, detail }),
    }
}

#[cfg(test)]
mod tests;
