//! Queue names, URLs and ARNs, and receipt handles.

use super::base64;
use super::error::{ErrorKind, SqsError, SqsResult};
use super::wire::Caller;
use crate::shared::Shared;

/// Checks a queue name as CreateQueue does. FIFO queues are not implemented,
/// so a `.fifo` name is refused with AWS's words for a standard queue.
pub fn check_queue_name(name: &str) -> SqsResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > 80 || !name.chars().all(allowed) {
        // AWS's message; LocalStack and moto give the same.
        return Err(SqsError::invalid(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ));
    }
    Ok(())
}

/// The error for anything FIFO: a clear refusal rather than a queue that
/// silently behaves as a standard one.
pub fn fifo_unsupported() -> SqsError {
    SqsError::new(
        ErrorKind::UnsupportedOperation,
        "FIFO queues are not supported by the Choreoscope local system; create a standard queue \
         (a name without .fifo and no FifoQueue attribute).",
    )
}

/// `http://<host the caller used>/<account>/<name>`.
pub fn queue_url(shared: &Shared, caller: &Caller, name: &str) -> String {
    format!("http://{}/{}/{name}", caller.host, shared.account_id)
}

/// `arn:aws:sqs:<region>:<account>:<name>`.
pub fn queue_arn(shared: &Shared, name: &str) -> String {
    shared.arn("sqs", name)
}

/// The queue a `QueueUrl` names. Any host is accepted (the caller may have
/// reached us under another name), the account must be ours. A bare queue
/// name is accepted too, as LocalStack does.
pub fn queue_from_url(shared: &Shared, url: &str) -> SqsResult<String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    let Some(rest) = rest else {
        if !url.is_empty() && !url.contains('/') {
            return Ok(url.to_owned());
        }
        return Err(SqsError::no_such_queue());
    };
    let path = rest.split_once('/').map_or("", |(_, path)| path).trim_end_matches('/');
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [account, name] if *account == shared.account_id && !name.is_empty() => Ok((*name).to_owned()),
        _ => Err(SqsError::no_such_queue()),
    }
}

/// The queue an ARN names, if it is an SQS queue of this account and region.
pub fn queue_from_arn(shared: &Shared, arn: &str) -> Option<String> {
    let name = arn.strip_prefix(&format!("arn:aws:sqs:{}:{}:", shared.region, shared.account_id))?;
    (!name.is_empty() && !name.contains(':')).then(|| name.to_owned())
}

/// A new receipt handle for one receive of `message_id` from `queue`: opaque
/// to callers, but it says which queue and message it belongs to, and a
/// random part makes every receive's handle different, as in SQS.
pub fn receipt_handle(queue: &str, message_id: &str) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    base64::encode(format!("{queue} {message_id} {nonce}").as_bytes())
}

/// The queue and message a receipt handle was issued for, or
/// `ReceiptHandleIsInvalid` if it is not one of ours.
pub fn read_receipt_handle(handle: &str) -> SqsResult<(String, String)> {
    let decoded = base64::decode(handle).and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded.as_deref().map(|text| text.split(' ').collect::<Vec<_>>()).as_deref() {
        Some([queue, message_id, nonce]) if !queue.is_empty() && !message_id.is_empty() && !nonce.is_empty() => {
            Ok(((*queue).to_owned(), (*message_id).to_owned()))
        }
        _ => Err(SqsError::bad_receipt_handle(handle)),
    }
}

/// The receipt handle's message, checked to belong to `queue`.
pub fn message_of_handle(queue: &str, handle: &str) -> SqsResult<String> {
    let (handle_queue, message_id) = read_receipt_handle(handle)?;
    if handle_queue != queue {
        return Err(SqsError::bad_receipt_handle(handle));
    }
    Ok(message_id)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::Config;
    use crate::store::Store;

    fn shared(dir: &std::path::Path) -> Shared {
        Shared::new(&Config::new(dir), Arc::new(Store::open(dir).expect("store")))
    }

    #[test]
    fn queue_names_are_checked_like_aws() {
        assert!(check_queue_name("orders-dlq_1").is_ok());
        for bad in ["", "a b", "orders.fifo", &"x".repeat(81)] {
            let error = check_queue_name(bad).expect_err(bad);
            assert_eq!(error.kind, ErrorKind::InvalidParameterValue);
        }
    }

    #[test]
    fn urls_and_arns_name_queues_of_this_account() {
        let dir = tempfile::tempdir().expect("temp dir");
        let shared = shared(dir.path());
        let caller = Caller { host: "127.0.0.1:4599".into(), sender_id: "x".into() };
        let url = queue_url(&shared, &caller, "orders");
        assert_eq!(url, "http://127.0.0.1:4599/123456789012/orders");
        assert_eq!(queue_from_url(&shared, &url).expect("ours"), "orders");
        assert_eq!(queue_from_url(&shared, "https://sqs.us-east-1.amazonaws.com/123456789012/o/").expect("o"), "o");
        assert_eq!(queue_from_url(&shared, "orders").expect("a bare name"), "orders");
        for other in ["http://h/999999999999/orders", "http://h/orders", "http://h/1/2/3", ""] {
            assert_eq!(queue_from_url(&shared, other).expect_err(other).kind, ErrorKind::QueueDoesNotExist);
        }
        let arn = queue_arn(&shared, "orders");
        assert_eq!(arn, "arn:aws:sqs:us-east-1:123456789012:orders");
        assert_eq!(queue_from_arn(&shared, &arn).as_deref(), Some("orders"));
        assert_eq!(queue_from_arn(&shared, "arn:aws:sqs:eu-west-1:123456789012:orders"), None);
    }

    #[test]
    fn receipt_handles_name_their_queue_and_message() {
        let first = receipt_handle("orders", "m-1");
        assert_ne!(first, receipt_handle("orders", "m-1"), "every receive gets its own handle");
        assert_eq!(message_of_handle("orders", &first).expect("valid"), "m-1");
        assert_eq!(
            message_of_handle("other", &first).expect_err("other queue").kind,
            ErrorKind::ReceiptHandleIsInvalid
        );
        let error = message_of_handle("orders", "garbage").expect_err("garbage");
        assert_eq!(error.message, "The input receipt handle \"garbage\" is not a valid receipt handle.");
    }
}
