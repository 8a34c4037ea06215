//! Log streams: CreateLogStream, DescribeLogStreams, DeleteLogStream.

use std::cmp::Ordering;

use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    check_group_name, check_range, check_stream_name, constraint, group_from, invalid, invalid_token, no_such_group,
    no_such_stream, object, required, retention,
};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StreamInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

impl StreamInput {
    fn names(&self) -> Result<(&str, &str), AwsError> {
        let group = required(&self.log_group_name, "logGroupName")?;
        let stream = required(&self.log_stream_name, "logStreamName")?;
        check_group_name(group, "logGroupName")?;
        check_stream_name(stream, "logStreamName")?;
        Ok((group, stream))
    }
}

pub(super) fn create(shared: &Shared, input: StreamInput) -> OpResult {
    let (group, stream) = input.names()?;
    let conn = shared.store.conn();
    let exists: bool = conn.query_row("SELECT count(*) > 0 FROM log_groups WHERE name = ?1", [group], |r| r.get(0))?;
    if !exists {
        return Err(no_such_group());
    }
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO log_streams (log_group, name, created_ms) VALUES (?1, ?2, ?3)",
        params![group, stream, shared.clock.now_ms()],
    )?;
    if inserted == 0 {
        // Recorded wording: no full stop, unlike the not-found messages.
        return Err(AwsError::already_exists("The specified log stream already exists"));
    }
    Ok(json!({}))
}

pub(super) fn delete(shared: &Shared, input: StreamInput) -> OpResult {
    let (group, stream) = input.names()?;
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let exists: bool = tx.query_row("SELECT count(*) > 0 FROM log_groups WHERE name = ?1", [group], |r| r.get(0))?;
    if !exists {
        return Err(no_such_group());
    }
    tx.execute("DELETE FROM log_events WHERE log_group = ?1 AND log_stream = ?2", [group, stream])?;
    if tx.execute("DELETE FROM log_streams WHERE log_group = ?1 AND name = ?2", [group, stream])? == 0 {
        return Err(no_such_stream());
    }
    tx.commit()?;
    Ok(json!({}))
}

/// What DescribeLogStreams sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OrderBy {
    LogStreamName,
    LastEventTime,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name_prefix: Option<String>,
    order_by: Option<String>,
    descending: Option<bool>,
    next_token: Option<String>,
    limit: Option<i64>,
}

/// One stream with what DescribeLogStreams reports of its events.
struct Stream {
    name: String,
    created_ms: i64,
    first_event_ms: Option<i64>,
    last_event_ms: Option<i64>,
    last_ingestion_ms: Option<i64>,
    last_seq: Option<i64>,
}

impl Stream {
    /// The sort key: what `orderBy` names, then the name so ties are stable.
    /// Streams without events sort as older than any that have some.
    fn key(&self, order: OrderBy) -> (i64, &str) {
        match order {
            OrderBy::LogStreamName => (0, &self.name),
            OrderBy::LastEventTime => (self.last_event_ms.unwrap_or(-1), &self.name),
        }
    }

    fn to_json(&self, shared: &Shared, group: &str) -> Value {
        let arn = shared.arn("logs", &format!("log-group:{group}:log-stream:{}", self.name));
        // AWS leaves the event fields out of a stream that has no events
        // (recorded), and reports storedBytes as 0 for every stream since 2019.
        object([
            ("logStreamName", Some(self.name.clone().into())),
            ("creationTime", Some(self.created_ms.into())),
            ("firstEventTimestamp", self.first_event_ms.map(Into::into)),
            ("lastEventTimestamp", self.last_event_ms.map(Into::into)),
            ("lastIngestionTime", self.last_ingestion_ms.map(Into::into)),
            ("uploadSequenceToken", self.last_seq.map(|seq| format!("{seq:056}").into())),
            ("arn", Some(arn.into())),
            ("storedBytes", Some(0.into())),
        ])
    }
}

/// A DescribeLogStreams token: the sort key of the last stream returned.
fn render_token(key: (i64, &str)) -> String {
    format!("{}/{}", key.0, key.1)
}

fn parse_token(token: &str) -> Result<(i64, String), AwsError> {
    let (time, name) = token.split_once('/').ok_or_else(invalid_token)?;
    Ok((time.parse().map_err(|_| invalid_token())?, name.to_owned()))
}

pub(super) fn describe(shared: &Shared, input: DescribeInput) -> OpResult {
    let group = group_from(input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
    check_range(input.limit, "limit", 1, Some(50))?;
    let order = match input.order_by.as_deref() {
        None | Some("LogStreamName") => OrderBy::LogStreamName,
        Some("LastEventTime") => OrderBy::LastEventTime,
        // Moto's wording of the model's enum constraint.
        Some(other) => {
            return Err(constraint(
                other,
                "orderBy",
                "Member must satisfy enum value set: [LogStreamName, LastEventTime]",
            ));
        }
    };
    let prefix = input.log_stream_name_prefix.unwrap_or_default();
    if order == OrderBy::LastEventTime && !prefix.is_empty() {
        // The API reference forbids the pair; the wording is moto's.
        return Err(invalid("Cannot order by LastEventTime with a logStreamNamePrefix."));
    }
    let after = input.next_token.as_deref().map(parse_token).transpose()?;
    let descending = input.descending.unwrap_or(false);
    let limit = input.limit.unwrap_or(50) as usize;

    let conn = shared.store.conn();
    retention::open_group(&conn, &group, shared.clock.now_ms())?;
    let mut streams: Vec<Stream> = conn
        .prepare_cached(
            "SELECT s.name, s.created_ms, min(e.timestamp_ms), max(e.timestamp_ms), max(e.ingestion_ms), max(e.seq)
             FROM log_streams s
             LEFT JOIN log_events e ON e.log_group = s.log_group AND e.log_stream = s.name
             WHERE s.log_group = ?1 AND substr(s.name, 1, length(?2)) = ?2
             GROUP BY s.name",
        )?
        .query_map(params![group, prefix], |row| {
            Ok(Stream {
                name: row.get(0)?,
                created_ms: row.get(1)?,
                first_event_ms: row.get(2)?,
                last_event_ms: row.get(3)?,
                last_ingestion_ms: row.get(4)?,
                last_seq: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let direction = |ordering: Ordering| if descending { ordering.reverse() } else { ordering };
    streams.sort_by(|a, b| direction(a.key(order).cmp(&b.key(order))));
    let start = match &after {
        None => 0,
        Some((time, name)) => {
            let cursor = (if order == OrderBy::LastEventTime { *time } else { 0 }, name.as_str());
            streams
                .iter()
                .position(|s| direction(s.key(order).cmp(&cursor)) == Ordering::Greater)
                .unwrap_or(streams.len())
        }
    };
    let page: Vec<&Stream> = streams.iter().skip(start).take(limit).collect();
    let more = start + page.len() < streams.len();
    let mut output = json!({ "logStreams": page.iter().map(|s| s.to_json(shared, &group)).collect::<Vec<_>>() });
    if more && let Some(last) = page.last() {
        output["nextToken"] = render_token(last.key(order)).into();
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{NOW, System};

    fn names(page: &Value) -> Vec<&str> {
        page["logStreams"]
            .as_array()
            .expect("streams")
            .iter()
            .map(|s| s["logStreamName"].as_str().expect("name"))
            .collect()
    }

    #[test]
    fn create_describe_delete() {
        let system = System::new();
        let error = system.err("CreateLogStream", json!({"logGroupName": "g", "logStreamName": "s"}));
        assert_eq!(error.message, "The specified log group does not exist.");
        system.stream("g", "s");
        let error = system.err("CreateLogStream", json!({"logGroupName": "g", "logStreamName": "s"}));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("ResourceAlreadyExistsException", "The specified log stream already exists")
        );
        let described = system.ok("DescribeLogStreams", json!({"logGroupName": "g"}));
        assert_eq!(
            described["logStreams"][0],
            json!({
                "logStreamName": "s",
                "creationTime": NOW,
                "arn": "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s",
                "storedBytes": 0,
            })
        );
        system.ok("DeleteLogStream", json!({"logGroupName": "g", "logStreamName": "s"}));
        let error = system.err("DeleteLogStream", json!({"logGroupName": "g", "logStreamName": "s"}));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("ResourceNotFoundException", "The specified log stream does not exist.")
        );
        let error = system.err("DeleteLogStream", json!({"logGroupName": "nope", "logStreamName": "s"}));
        assert_eq!(error.message, "The specified log group does not exist.");
        let error = system.err("CreateLogStream", json!({"logGroupName": "g", "logStreamName": "a:b"}));
        assert_eq!(error.code, "InvalidParameterException");
    }

    #[test]
    fn deleting_a_stream_deletes_its_events() {
        let system = System::new();
        system.stream("g", "a");
        system.stream("g", "b");
        system.put("g", "a", &[(NOW, "in a")]);
        system.put("g", "b", &[(NOW, "in b")]);
        system.ok("DeleteLogStream", json!({"logGroupName": "g", "logStreamName": "a"}));
        assert_eq!(system.stored_events("g"), 1);
    }

    #[test]
    fn streams_with_events_report_their_times() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW - 5_000, "a"), (NOW - 1_000, "b")]);
        system.clock.advance(250);
        system.put("g", "s", &[(NOW - 3_000, "c")]);
        let stream = &system.ok("DescribeLogStreams", json!({"logGroupName": "g"}))["logStreams"][0];
        assert_eq!(stream["firstEventTimestamp"], NOW - 5_000);
        assert_eq!(stream["lastEventTimestamp"], NOW - 1_000);
        assert_eq!(stream["lastIngestionTime"], NOW + 250);
        assert_eq!(stream["storedBytes"], 0);
        assert_eq!(stream["uploadSequenceToken"].as_str().map(str::len), Some(56));
    }

    #[test]
    fn order_prefix_descending_and_pages() {
        let system = System::new();
        for (name, at) in [("b", 3), ("a", 1), ("c", 2), ("other", 4)] {
            system.stream("g", name);
            system.put("g", name, &[(NOW - 10 + at, name)]);
        }
        system.stream("g", "empty");
        let page = |input: Value| system.ok("DescribeLogStreams", input);
        assert_eq!(names(&page(json!({"logGroupName": "g"}))), ["a", "b", "c", "empty", "other"]);
        assert_eq!(names(&page(json!({"logGroupName": "g", "descending": true}))), ["other", "empty", "c", "b", "a"]);
        assert_eq!(
            names(&page(json!({"logGroupName": "g", "orderBy": "LastEventTime"}))),
            ["empty", "a", "c", "b", "other"]
        );
        assert_eq!(
            names(&page(json!({"logGroupName": "g", "orderBy": "LastEventTime", "descending": true}))),
            ["other", "b", "c", "a", "empty"]
        );
        assert_eq!(names(&page(json!({"logGroupName": "g", "logStreamNamePrefix": "o"}))), ["other"]);

        for (order, descending) in
            [("LogStreamName", false), ("LogStreamName", true), ("LastEventTime", false), ("LastEventTime", true)]
        {
            let all = names(&page(json!({"logGroupName": "g", "orderBy": order, "descending": descending})))
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>();
            let mut paged = Vec::new();
            let mut token = Value::Null;
            loop {
                let mut input = json!({"logGroupName": "g", "orderBy": order, "descending": descending, "limit": 2});
                if !token.is_null() {
                    input["nextToken"] = token.clone();
                }
                let result = page(input);
                paged.extend(names(&result).into_iter().map(str::to_owned));
                token = result.get("nextToken").cloned().unwrap_or(Value::Null);
                if token.is_null() {
                    break;
                }
            }
            assert_eq!(paged, all, "{order} descending={descending}");
        }
    }

    #[test]
    fn describe_refuses_what_aws_refuses() {
        let system = System::new();
        system.stream("g", "s");
        let error = system.err(
            "DescribeLogStreams",
            json!({"logGroupName": "g", "orderBy": "LastEventTime", "logStreamNamePrefix": "s"}),
        );
        assert_eq!(error.message, "Cannot order by LastEventTime with a logStreamNamePrefix.");
        let error = system.err("DescribeLogStreams", json!({"logGroupName": "g", "orderBy": "Size"}));
        assert_eq!(error.code, "InvalidParameterException");
        let error = system.err("DescribeLogStreams", json!({"logGroupName": "g", "limit": 51}));
        assert!(error.message.contains("less than or equal to 50"), "{}", error.message);
        let error = system.err("DescribeLogStreams", json!({"logGroupName": "g", "nextToken": "garbage"}));
        assert_eq!(error.message, "The specified nextToken is invalid.");
        let error = system.err("DescribeLogStreams", json!({"logGroupName": "nope"}));
        assert_eq!(error.message, "The specified log group does not exist.");
        let error = system.err("DescribeLogStreams", json!({"logGroupName": "g", "logGroupIdentifier": "g"}));
        assert_eq!(error.code, "ValidationException");
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:g";
        assert_eq!(names(&system.ok("DescribeLogStreams", json!({"logGroupIdentifier": arn}))), ["s"]);
    }
}
