//! Step Functions' API errors, with the codes and messages AWS returns
//! (`Execution Does Not Exist: '<arn>'`, `Invalid Token: 'Invalid token'`...).
//!
//! Sources: the AWS API reference (which exception means what), moto and
//! LocalStack (message texts checked against AWS), and the messages users
//! quote from AWS (`Task Timed Out: 'Provided task does not exist anymore'`).

use crate::protocol::AwsError;

/// `InvalidArn`: the ARN is not one, or names the wrong kind of resource.
pub fn invalid_arn(arn: &str) -> AwsError {
    let reason = if !arn.starts_with("arn:") {
        format!("Invalid ARN prefix: {arn}")
    } else {
        match arn.split(':').nth(5) {
            Some(kind @ ("stateMachine" | "execution" | "activity" | "express" | "mapRun")) => {
                format!("Resource type not valid in this context: {}", kind.to_lowercase())
            }
            _ => format!("Invalid ARN: {arn}"),
        }
    };
    AwsError::client("InvalidArn", format!("Invalid Arn: '{reason}'"))
}

/// `InvalidArn` for a role ARN (moto's wording).
pub fn invalid_role_arn(arn: &str) -> AwsError {
    AwsError::client("InvalidArn", format!("Invalid Role Arn: '{arn}'"))
}

/// `InvalidName`.
pub fn invalid_name(name: &str) -> AwsError {
    AwsError::client("InvalidName", format!("Invalid Name: '{name}'"))
}

/// `StateMachineDoesNotExist`.
pub fn no_such_machine(arn: &str) -> AwsError {
    AwsError::client("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'"))
}

/// `StateMachineAlreadyExists`: the name is taken by another definition.
pub fn machine_exists(arn: &str) -> AwsError {
    AwsError::client("StateMachineAlreadyExists", format!("State Machine Already Exists: '{arn}'"))
}

/// `ExecutionDoesNotExist`.
pub fn no_such_execution(arn: &str) -> AwsError {
    AwsError::client("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{arn}'"))
}

/// `ExecutionAlreadyExists`: the name is taken by a closed execution or one
/// with another input.
pub fn execution_exists(arn: &str) -> AwsError {
    AwsError::client("ExecutionAlreadyExists", format!("Execution Already Exists: '{arn}'"))
}

/// `InvalidExecutionInput`: the input is not JSON.
pub fn invalid_input(reason: &str) -> AwsError {
    AwsError::client("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{reason}'"))
}

/// `InvalidDefinition` with the validator's message.
pub fn invalid_definition(message: String) -> AwsError {
    AwsError::client("InvalidDefinition", message)
}

/// `InvalidToken`: a task token (or a page token) that is not one of ours.
pub fn invalid_token() -> AwsError {
    AwsError::client("InvalidToken", "Invalid Token: 'Invalid token'")
}

/// `TaskDoesNotExist`: a well-formed task token this system never issued.
pub fn no_such_task() -> AwsError {
    AwsError::client("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'")
}

/// `TaskTimedOut`: the token's task timed out or was already closed
/// (answered, or its execution ended), as the API reference defines it.
pub fn task_timed_out() -> AwsError {
    AwsError::client("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
}

/// `InvalidOutput`: SendTaskSuccess's output is not JSON.
pub fn invalid_output(reason: &str) -> AwsError {
    AwsError::client("InvalidOutput", format!("Invalid Output: '{reason}'"))
}

/// `MissingRequiredParameter`.
pub fn missing_parameter(message: &str) -> AwsError {
    AwsError::client("MissingRequiredParameter", message.to_owned())
}

/// A store or serialisation fault of the local system.
pub fn internal(what: impl std::fmt::Display) -> AwsError {
    AwsError::internal(format!("The Step Functions engine failed: {what}"))
}
