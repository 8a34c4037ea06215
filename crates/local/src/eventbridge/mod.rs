//! The local EventBridge: the `AWSEvents.*` operations of the AWS JSON 1.1
//! protocol, over the SQLite store.

pub mod api_destinations;
pub mod archives;
pub mod bus_log;
pub mod buses;
pub mod connections;
pub mod ingest;
pub mod names;
mod put_events;
pub mod replays;
pub mod routing;
pub mod rules;
pub mod schedule;
pub mod scheduler;
pub mod targets;
mod test_event_pattern;

pub use put_events::PutEventsQueue;

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
        "CreateArchive" => archives::create(shared, parse_input(body)?),
        "DescribeArchive" => archives::describe(shared, parse_input(body)?),
        "ListArchives" => archives::list(shared, parse_input(body)?),
        "UpdateArchive" => archives::update(shared, parse_input(body)?),
        "DeleteArchive" => archives::delete(shared, parse_input(body)?),
        "StartReplay" => replays::start(shared, parse_input(body)?),
        "DescribeReplay" => replays::describe(shared, parse_input(body)?),
        "ListReplays" => replays::list(shared, parse_input(body)?),
        "CancelReplay" => replays::cancel(shared, parse_input(body)?),
        "CreateConnection" => connections::create(shared, parse_input(body)?),
        "DescribeConnection" => connections::describe(shared, parse_input(body)?),
        "ListConnections" => connections::list(shared, parse_input(body)?),
        "UpdateConnection" => connections::update(shared, parse_input(body)?),
        "DeleteConnection" => connections::delete(shared, parse_input(body)?),
        "DeauthorizeConnection" => connections::deauthorize(shared, parse_input(body)?),
        "CreateApiDestination" => api_destinations::create(shared, parse_input(body)?),
        "DescribeApiDestination" => api_destinations::describe(shared, parse_input(body)?),
        "ListApiDestinations" => api_destinations::list(shared, parse_input(body)?),
        "UpdateApiDestination" => api_destinations::update(shared, parse_input(body)?),
        "DeleteApiDestination" => api_destinations::delete(shared, parse_input(body)?),
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

/// Which rows a by-name List call asks for.
struct NamePage<'a> {
    /// `NamePrefix`.
    prefix: Option<String>,
    /// `NextToken`: the last name of the previous page.
    after: Option<String>,
    /// A column that must equal `filter`, when a filter is given.
    filter_column: &'a str,
    /// The filter's value (`ConnectionState`, `ConnectionArn`, …).
    filter: Option<String>,
    /// The page size.
    limit: usize,
}

impl NamePage<'_> {
    /// The page of `select` (`SELECT <columns> FROM <table>`), by name, and
    /// whether more rows follow.
    fn read<T>(
        self,
        conn: &rusqlite::Connection,
        select: &str,
        from_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<(Vec<T>, bool)> {
        let mut statement = conn.prepare(&format!(
            "{select} WHERE substr(name, 1, length(?1)) = ?1 AND name > ?2 AND (?3 IS NULL OR {} = ?3)
             ORDER BY name LIMIT ?4",
            self.filter_column
        ))?;
        let rows = statement
            .query_map(
                rusqlite::params![
                    self.prefix.unwrap_or_default(),
                    self.after.unwrap_or_default(),
                    self.filter,
                    self.limit as i64 + 1
                ],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(split_page(rows, self.limit))
    }
}

/// Splits `limit + 1` fetched items into a page and whether more follow.
fn split_page<T>(mut items: Vec<T>, limit: usize) -> (Vec<T>, bool) {
    let more = items.len() > limit;
    items.truncate(limit);
    (items, more)
}
