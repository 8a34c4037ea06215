//! The local EventBridge: the `AWSEvents.*` operations of the AWS JSON 1.1
//! protocol, over the SQLite store.

pub mod bus_log;
pub mod buses;
pub mod names;
mod put_events;
pub mod routing;
pub mod rules;
pub mod targets;
mod test_event_pattern;

use crate::protocol::{AwsError, OpResult, parse_input};
use crate::shared::Shared;

/// The `X-Amz-Target` prefix of EventBridge operations.
pub const TARGET_PREFIX: &str = "AWSEvents";

/// Runs one operation.
pub fn handle(shared: &Shared, operation: &str, body: &[u8], request_id: &str) -> OpResult {
    match operation {
        "CreateEventBus" => buses::create(shared, parse_input(body)?),
        "DescribeEventBus" => buses::describe(shared, parse_input(body)?),
        "ListEventBuses" => buses::list(shared, parse_input(body)?),
        "UpdateEventBus" => buses::update(shared, parse_input(body)?),
        "DeleteEventBus" => buses::delete(shared, parse_input(body)?),
        "PutRule" => rules::put(shared, parse_input(body)?),
        "DescribeRule" => rules::describe(shared, parse_input(body)?),
        "ListRules" => rules::list(shared, parse_input(body)?),
        "DeleteRule" => rules::delete(shared, parse_input(body)?),
        "EnableRule" => rules::set_state(shared, parse_input(body)?, "ENABLED"),
        "DisableRule" => rules::set_state(shared, parse_input(body)?, "DISABLED"),
        "PutTargets" => targets::put(shared, parse_input(body)?),
        "ListTargetsByRule" => targets::list(shared, parse_input(body)?),
        "RemoveTargets" => targets::remove(shared, parse_input(body)?),
        "PutEvents" => put_events::put(shared, parse_input(body)?, request_id),
        "TestEventPattern" => test_event_pattern::test(parse_input(body)?),
        _ => Err(AwsError::unknown_operation(&format!("{TARGET_PREFIX}.{operation}"))),
    }
}

/// The page size a `Limit` asks for, checked against AWS's bounds (1 to 100).
fn page_limit(limit: Option<i64>, max: i64) -> Result<usize, AwsError> {
    match limit {
        None => Ok(max as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => {
            Err(AwsError::constraint(&n.to_string(), "limit", &format!("Member must have value between 1 and {max}")))
        }
    }
}

/// Splits `limit + 1` fetched items into a page and whether more follow.
fn split_page<T>(mut items: Vec<T>, limit: usize) -> (Vec<T>, bool) {
    let more = items.len() > limit;
    items.truncate(limit);
    (items, more)
}
