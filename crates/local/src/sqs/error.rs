//! SQS's errors as its JSON protocol returns them.
//!
//! SQS moved from the Query protocol to JSON 1.0 and kept its old error codes
//! for clients: the body names the error shape
//! (`{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": ...}`) and
//! the `x-amzn-query-error` header carries the Query code and fault
//! (`AWS.SimpleQueueService.NonExistentQueue;Sender`). Both botocore (and so
//! the `aws` CLI) and the Rust `aws-sdk-sqs` read the header, so that is the
//! code users see and match on. The pairs below come from the Query codes in
//! moto's SQS service model extras (`service-2.moto-extras.json`), which match
//! the codes `aws-sdk-sqs` 1.119 matches modeled errors on, and from
//! LocalStack's SQS snapshots recorded against AWS (`QueryErrorCode` there is
//! the shape name of `__type`).

/// Which SQS error; decides `__type`, the Query code and the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The queue named does not exist.
    QueueDoesNotExist,
    /// CreateQueue named an existing queue with other attribute values.
    QueueNameExists,
    /// A parameter has a value SQS does not take.
    InvalidParameterValue,
    /// A required parameter is missing.
    MissingParameter,
    /// A queue attribute name SQS does not know (here).
    InvalidAttributeName,
    /// A queue attribute value out of its range.
    InvalidAttributeValue,
    /// A receipt handle that is not one, or belongs to another queue.
    ReceiptHandleIsInvalid,
    /// A batch request with more than 10 entries.
    TooManyEntriesInBatchRequest,
    /// A batch request without entries.
    EmptyBatchRequest,
    /// Two entries of a batch share an id.
    BatchEntryIdsNotDistinct,
    /// A batch entry id with characters SQS does not allow.
    InvalidBatchEntryId,
    /// The messages of a batch are larger than SQS allows together.
    BatchRequestTooLong,
    /// PurgeQueue within 60 seconds of the last one.
    PurgeQueueInProgress,
    /// A message body with characters outside what SQS allows.
    InvalidMessageContents,
    /// Something SQS has that the local system does not (FIFO queues).
    UnsupportedOperation,
    /// The body is not the JSON of the operation's input.
    Serialization,
    /// The `X-Amz-Target` names no SQS operation.
    UnknownOperation,
    /// A fault of the local system.
    Internal,
}

impl ErrorKind {
    /// `__type`: the error shape with its namespace.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::QueueDoesNotExist => "com.amazonaws.sqs#QueueDoesNotExist",
            Self::QueueNameExists => "com.amazonaws.sqs#QueueNameExists",
            Self::InvalidParameterValue => "com.amazonaws.sqs#InvalidParameterValueException",
            Self::MissingParameter => "com.amazon.coral.service#MissingRequiredParameterException",
            Self::InvalidAttributeName => "com.amazonaws.sqs#InvalidAttributeName",
            Self::InvalidAttributeValue => "com.amazonaws.sqs#InvalidAttributeValue",
            Self::ReceiptHandleIsInvalid => "com.amazonaws.sqs#ReceiptHandleIsInvalid",
            Self::TooManyEntriesInBatchRequest => "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
            Self::EmptyBatchRequest => "com.amazonaws.sqs#EmptyBatchRequest",
            Self::BatchEntryIdsNotDistinct => "com.amazonaws.sqs#BatchEntryIdsNotDistinct",
            Self::InvalidBatchEntryId => "com.amazonaws.sqs#InvalidBatchEntryId",
            Self::BatchRequestTooLong => "com.amazonaws.sqs#BatchRequestTooLong",
            Self::PurgeQueueInProgress => "com.amazonaws.sqs#PurgeQueueInProgress",
            Self::InvalidMessageContents => "com.amazonaws.sqs#InvalidMessageContents",
            Self::UnsupportedOperation => "com.amazonaws.sqs#UnsupportedOperation",
            Self::Serialization => "com.amazon.coral.service#SerializationException",
            Self::UnknownOperation => "com.amazon.coral.service#UnknownOperationException",
            Self::Internal => "com.amazon.coral.service#InternalFailure",
        }
    }

    /// The Query protocol's code: `x-amzn-query-error`, and `Code` in a
    /// batch's `Failed` entries.
    pub fn query_code(self) -> &'static str {
        match self {
            Self::QueueDoesNotExist => "AWS.SimpleQueueService.NonExistentQueue",
            Self::QueueNameExists => "QueueAlreadyExists",
            Self::InvalidParameterValue => "InvalidParameterValue",
            Self::MissingParameter => "MissingParameter",
            Self::InvalidAttributeName => "InvalidAttributeName",
            Self::InvalidAttributeValue => "InvalidAttributeValue",
            Self::ReceiptHandleIsInvalid => "ReceiptHandleIsInvalid",
            Self::TooManyEntriesInBatchRequest => "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            Self::EmptyBatchRequest => "AWS.SimpleQueueService.EmptyBatchRequest",
            Self::BatchEntryIdsNotDistinct => "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            Self::InvalidBatchEntryId => "AWS.SimpleQueueService.InvalidBatchEntryId",
            Self::BatchRequestTooLong => "AWS.SimpleQueueService.BatchRequestTooLong",
            Self::PurgeQueueInProgress => "AWS.SimpleQueueService.PurgeQueueInProgress",
            Self::InvalidMessageContents => "InvalidMessageContents",
            Self::UnsupportedOperation => "AWS.SimpleQueueService.UnsupportedOperation",
            Self::Serialization => "SerializationException",
            Self::UnknownOperation => "UnknownOperationException",
            Self::Internal => "InternalFailure",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Self::PurgeQueueInProgress => 403,
            Self::Internal => 500,
            _ => 400,
        }
    }

    /// Whether the caller is at fault (`Sender`) or the service (`Receiver`).
    pub fn sender_fault(self) -> bool {
        self != Self::Internal
    }
}

/// An SQS error: its kind and the message, in AWS's words where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}): {message}", kind.query_code(), kind.type_name())]
pub struct SqsError {
    /// Which error.
    pub kind: ErrorKind,
    /// The message.
    pub message: String,
}

impl SqsError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// `The specified queue does not exist.`
    pub fn no_such_queue() -> Self {
        Self::new(ErrorKind::QueueDoesNotExist, "The specified queue does not exist.")
    }

    /// `InvalidParameterValue` with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidParameterValue, message)
    }

    /// SQS's wording for a number out of its range:
    /// `Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`
    pub fn invalid_value(value: impl std::fmt::Display, parameter: &str, reason: &str) -> Self {
        Self::invalid(format!("Value {value} for parameter {parameter} is invalid. Reason: {reason}"))
    }

    /// `The request must contain the parameter <name>.`
    pub fn missing(parameter: &str) -> Self {
        Self::new(ErrorKind::MissingParameter, format!("The request must contain the parameter {parameter}."))
    }

    /// `The input receipt handle "<handle>" is not a valid receipt handle.`
    pub fn bad_receipt_handle(handle: &str) -> Self {
        Self::new(
            ErrorKind::ReceiptHandleIsInvalid,
            format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
        )
    }

    /// `Unknown Attribute <name>.`
    pub fn unknown_attribute(name: &str) -> Self {
        Self::new(ErrorKind::InvalidAttributeName, format!("Unknown Attribute {name}."))
    }

    /// `Invalid value for the parameter <name>.`
    pub fn bad_attribute_value(name: &str) -> Self {
        Self::new(ErrorKind::InvalidAttributeValue, format!("Invalid value for the parameter {name}."))
    }

    /// A fault of the local system (HTTP 500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

impl From<rusqlite::Error> for SqsError {
    fn from(error: rusqlite::Error) -> Self {
        tracing::error!(%error, "store error");
        Self::internal(format!("The local store failed: {error}"))
    }
}

/// What an SQS operation returns.
pub type SqsResult<T = serde_json::Value> = Result<T, SqsError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_sdks_match_on() {
        let error = SqsError::no_such_queue();
        assert_eq!(error.kind.type_name(), "com.amazonaws.sqs#QueueDoesNotExist");
        assert_eq!(error.kind.query_code(), "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(ErrorKind::QueueNameExists.query_code(), "QueueAlreadyExists");
        assert_eq!(ErrorKind::PurgeQueueInProgress.status(), 403);
        assert_eq!(
            SqsError::invalid_value(11, "MaxNumberOfMessages", "Must be between 1 and 10, if provided.").message,
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
        );
    }
}
