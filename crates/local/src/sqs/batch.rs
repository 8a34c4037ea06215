//! What every batch operation checks before looking at its entries, in the
//! words AWS answered LocalStack's tests with (moto's for the empty and
//! repeated-id cases).

use std::collections::HashSet;

use serde_json::{Value, json};

use super::error::{ErrorKind, SqsError, SqsResult};

/// SQS's limit on entries per batch.
pub const MAX_ENTRIES: usize = 10;

/// Checks the number of entries and their ids. `entry` names the entry type
/// in the empty-batch message, e.g. `SendMessageBatchRequestEntry`.
pub fn check_ids<'a>(ids: impl ExactSizeIterator<Item = Option<&'a str>>, entry: &str) -> SqsResult<()> {
    let count = ids.len();
    if count == 0 {
        return Err(SqsError::new(
            ErrorKind::EmptyBatchRequest,
            format!("There should be at least one {entry} in the request."),
        ));
    }
    if count > MAX_ENTRIES {
        return Err(SqsError::new(
            ErrorKind::TooManyEntriesInBatchRequest,
            format!("Maximum number of entries per request are {MAX_ENTRIES}. You have sent {count}."),
        ));
    }
    let mut seen = HashSet::new();
    for id in ids {
        let id = id.unwrap_or_default();
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if id.is_empty() || id.len() > 80 || !id.chars().all(allowed) {
            return Err(SqsError::new(
                ErrorKind::InvalidBatchEntryId,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at \
                 most 80 letters long.",
            ));
        }
        if !seen.insert(id) {
            return Err(SqsError::new(ErrorKind::BatchEntryIdsNotDistinct, format!("Id {id} repeated.")));
        }
    }
    Ok(())
}

/// One entry of a batch's `Failed` list.
pub fn failed(id: &str, error: &SqsError) -> Value {
    json!({
        "Id": id,
        "SenderFault": error.kind.sender_fault(),
        "Code": error.kind.query_code(),
        "Message": error.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ids: &[&str]) -> SqsResult<()> {
        check_ids(ids.iter().map(|id| Some(*id)), "DeleteMessageBatchRequestEntry")
    }

    #[test]
    fn batches_are_checked_like_sqs() {
        assert!(check(&["a", "b-1", "c_2"]).is_ok());
        let error = check(&[]).expect_err("empty");
        assert_eq!(error.kind, ErrorKind::EmptyBatchRequest);
        assert_eq!(error.message, "There should be at least one DeleteMessageBatchRequestEntry in the request.");
        let ids: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let error = check(&ids.iter().map(String::as_str).collect::<Vec<_>>()).expect_err("20");
        assert_eq!(error.kind, ErrorKind::TooManyEntriesInBatchRequest);
        assert_eq!(error.message, "Maximum number of entries per request are 10. You have sent 20.");
        assert_eq!(check(&["a", "a"]).expect_err("twice").kind, ErrorKind::BatchEntryIdsNotDistinct);
        assert_eq!(check(&["invalid:id"]).expect_err(":").kind, ErrorKind::InvalidBatchEntryId);
        assert_eq!(check(&[""]).expect_err("empty id").kind, ErrorKind::InvalidBatchEntryId);
        assert_eq!(check(&[&"x".repeat(81)]).expect_err("long").kind, ErrorKind::InvalidBatchEntryId);
    }
}
