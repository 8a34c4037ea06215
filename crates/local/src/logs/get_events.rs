//! GetLogEvents: one stream's events, a page at a time, in either direction.
//!
//! A page holds up to `limit` events (10,000 by default) and at most 1 MB,
//! oldest first. Without a token it is the stream's first page
//! (`startFromHead`) or its last one (the default). Each answer carries two
//! tokens: `nextForwardToken` reads the events after the page,
//! `nextBackwardToken` those before it. A token that finds nothing more is
//! returned as it was given, which is how a reader knows it reached the end
//! (AWS's API reference: "If you have reached the end of the stream, it
//! returns the same token you passed in.").

use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::event_key::{Direction, EventKey, Token};
use super::{check_range, check_stream_name, group_from, invalid_token, no_such_stream, required, retention};
use crate::protocol::OpResult;
use crate::shared::Shared;

/// Most bytes in one page, counted as PutLogEvents counts them.
const MAX_PAGE_BYTES: usize = 1_048_576;
/// What each event counts on top of its message.
const EVENT_OVERHEAD_BYTES: usize = 26;
/// Most events in one page.
const MAX_LIMIT: i64 = 10_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Input {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

/// One stored event.
struct Row {
    key: EventKey,
    ingestion_ms: i64,
    message: String,
}

/// The time range asked for: `start` inclusive, `end` exclusive (GetLogEvents'
/// reference: "Events with a timestamp equal to or later than this time are
/// not included").
struct Range {
    start_ms: i64,
    end_ms: i64,
}

/// Reads up to `limit` events on the `direction` side of `from`, nearest
/// first, and stops before the page would pass 1 MB.
fn read(
    conn: &Connection,
    group: &str,
    stream: &str,
    range: &Range,
    direction: Direction,
    from: EventKey,
    limit: i64,
) -> rusqlite::Result<Vec<Row>> {
    let sql = match direction {
        Direction::Forward => {
            "SELECT seq, timestamp_ms, ingestion_ms, message FROM log_events
             WHERE log_group = ?1 AND log_stream = ?2 AND (timestamp_ms, seq) > (?3, ?4)
               AND timestamp_ms >= ?5 AND timestamp_ms < ?6
             ORDER BY timestamp_ms, seq LIMIT ?7"
        }
        Direction::Backward => {
            "SELECT seq, timestamp_ms, ingestion_ms, message FROM log_events
             WHERE log_group = ?1 AND log_stream = ?2 AND (timestamp_ms, seq) < (?3, ?4)
               AND timestamp_ms >= ?5 AND timestamp_ms < ?6
             ORDER BY timestamp_ms DESC, seq DESC LIMIT ?7"
        }
    };
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map(params![group, stream, from.timestamp_ms, from.seq, range.start_ms, range.end_ms, limit], |row| {
            Ok(Row { key: EventKey::new(row.get(1)?, row.get(0)?), ingestion_ms: row.get(2)?, message: row.get(3)? })
        })?;
    let mut page = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let row = row?;
        bytes += row.message.len() + EVENT_OVERHEAD_BYTES;
        if bytes > MAX_PAGE_BYTES && !page.is_empty() {
            break;
        }
        page.push(row);
    }
    if direction == Direction::Backward {
        page.reverse();
    }
    Ok(page)
}

pub(super) fn get_log_events(shared: &Shared, input: Input) -> OpResult {
    let group = group_from(input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
    let stream = required(&input.log_stream_name, "logStreamName")?;
    check_stream_name(stream, "logStreamName")?;
    check_range(input.start_time, "startTime", 0, None)?;
    check_range(input.end_time, "endTime", 0, None)?;
    check_range(input.limit, "limit", 1, Some(MAX_LIMIT))?;
    let token = match &input.next_token {
        None => None,
        Some(text) => Some(Token::parse(text).ok_or_else(invalid_token)?),
    };
    let range = Range { start_ms: input.start_time.unwrap_or(0), end_ms: input.end_time.unwrap_or(i64::MAX) };
    let limit = input.limit.unwrap_or(MAX_LIMIT);

    let conn = shared.store.conn();
    retention::open_group(&conn, &group, shared.clock.now_ms())?;
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM log_streams WHERE log_group = ?1 AND name = ?2",
        [group.as_str(), stream],
        |row| row.get(0),
    )?;
    if !exists {
        return Err(no_such_stream());
    }
    let (direction, from) = match token {
        Some(token) => (token.direction, token.key),
        None if input.start_from_head.unwrap_or(false) => (Direction::Forward, EventKey::START),
        None => (Direction::Backward, EventKey::new(i64::MAX, i64::MAX)),
    };
    let page = read(&conn, &group, stream, &range, direction, from, limit)?;

    let forward = |key| Token { direction: Direction::Forward, key }.render();
    let backward = |key| Token { direction: Direction::Backward, key }.render();
    let (next_forward, next_backward) = match (page.first(), page.last(), token, &input.next_token) {
        (Some(first), Some(last), _, _) => (forward(last.key), backward(first.key)),
        // Nothing more that way: the same token back, and the other way
        // starts where this one stood.
        (_, _, Some(token), Some(given)) => match token.direction {
            Direction::Forward => (given.clone(), backward(token.key.next())),
            Direction::Backward => (forward(token.key.previous()), given.clone()),
        },
        _ => (forward(EventKey::START), backward(EventKey::START)),
    };
    let events: Vec<Value> = page
        .into_iter()
        .map(
            |row| json!({"timestamp": row.key.timestamp_ms, "message": row.message, "ingestionTime": row.ingestion_ms}),
        )
        .collect();
    Ok(json!({ "events": events, "nextForwardToken": next_forward, "nextBackwardToken": next_backward }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{NOW, System};

    fn messages(page: &Value) -> Vec<&str> {
        page["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().expect("message")).collect()
    }

    /// A stream `s` in group `g` with events "0" to "9", a millisecond apart.
    fn ten() -> System {
        let system = System::new();
        system.stream("g", "s");
        let events: Vec<(i64, String)> = (0..10).map(|i| (NOW - 100 + i, i.to_string())).collect();
        let events: Vec<(i64, &str)> = events.iter().map(|(t, m)| (*t, m.as_str())).collect();
        system.put("g", "s", &events);
        system
    }

    fn get(system: &System, extra: Value) -> Value {
        let mut input = json!({"logGroupName": "g", "logStreamName": "s"});
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        system.ok("GetLogEvents", input)
    }

    #[test]
    fn without_a_token_reads_the_tail_or_the_head() {
        let system = ten();
        assert_eq!(messages(&get(&system, json!({"limit": 3}))), ["7", "8", "9"]);
        assert_eq!(messages(&get(&system, json!({"limit": 3, "startFromHead": true}))), ["0", "1", "2"]);
        let all = get(&system, json!({}));
        assert_eq!(messages(&all).len(), 10);
        assert_eq!(all["events"][0], json!({"timestamp": NOW - 100, "message": "0", "ingestionTime": NOW}));
    }

    #[test]
    fn pages_forward_to_the_end_and_then_repeats_the_token() {
        let system = ten();
        let mut page = get(&system, json!({"limit": 4, "startFromHead": true}));
        let mut seen: Vec<String> = messages(&page).iter().map(|m| (*m).to_owned()).collect();
        loop {
            let token = page["nextForwardToken"].clone();
            page = get(&system, json!({"limit": 4, "startFromHead": true, "nextToken": token}));
            if page["nextForwardToken"] == token {
                assert_eq!(messages(&page), Vec::<&str>::new());
                break;
            }
            seen.extend(messages(&page).iter().map(|m| (*m).to_owned()));
        }
        assert_eq!(seen, (0..10).map(|i| i.to_string()).collect::<Vec<_>>());

        // New events show up behind the token that had reached the end.
        let token = page["nextForwardToken"].clone();
        system.put("g", "s", &[(NOW, "10")]);
        let page = get(&system, json!({"startFromHead": true, "nextToken": token}));
        assert_eq!(messages(&page), ["10"]);
    }

    #[test]
    fn pages_backward_to_the_start_and_then_repeats_the_token() {
        let system = ten();
        let mut page = get(&system, json!({"limit": 4}));
        let mut seen: Vec<Vec<String>> = vec![messages(&page).iter().map(|m| (*m).to_owned()).collect()];
        loop {
            let token = page["nextBackwardToken"].clone();
            page = get(&system, json!({"limit": 4, "nextToken": token}));
            if page["nextBackwardToken"] == token {
                break;
            }
            seen.push(messages(&page).iter().map(|m| (*m).to_owned()).collect());
        }
        assert_eq!(seen, [vec!["6", "7", "8", "9"], vec!["2", "3", "4", "5"], vec!["0", "1"]]);
        // From the empty page before the start, forward reads from the start again.
        let page = get(&system, json!({"limit": 2, "nextToken": page["nextForwardToken"]}));
        assert_eq!(messages(&page), ["0", "1"]);
    }

    #[test]
    fn back_and_forth_meet() {
        let system = ten();
        let head = get(&system, json!({"limit": 3, "startFromHead": true}));
        let next = get(&system, json!({"limit": 3, "nextToken": head["nextForwardToken"]}));
        assert_eq!(messages(&next), ["3", "4", "5"]);
        let back = get(&system, json!({"limit": 3, "nextToken": next["nextBackwardToken"]}));
        assert_eq!(messages(&back), ["0", "1", "2"]);
    }

    #[test]
    fn time_range_is_start_inclusive_end_exclusive() {
        let system = ten();
        let page = get(&system, json!({"startTime": NOW - 98, "endTime": NOW - 95, "startFromHead": true}));
        assert_eq!(messages(&page), ["2", "3", "4"]);
    }

    #[test]
    fn events_stay_in_timestamp_order_whatever_order_they_came_in() {
        let system = System::new();
        system.stream("g", "s");
        system.put("g", "s", &[(NOW, "late")]);
        system.put("g", "s", &[(NOW - 10, "early")]);
        assert_eq!(messages(&get(&system, json!({"startFromHead": true}))), ["early", "late"]);
    }

    #[test]
    fn empty_streams_still_get_tokens() {
        let system = System::new();
        system.stream("g", "s");
        let page = get(&system, json!({}));
        assert_eq!(page["events"], json!([]));
        assert!(page["nextForwardToken"].as_str().is_some_and(|t| t.starts_with("f/")));
        assert!(page["nextBackwardToken"].as_str().is_some_and(|t| t.starts_with("b/")));
        system.put("g", "s", &[(NOW, "first")]);
        let page = get(&system, json!({"nextToken": page["nextForwardToken"]}));
        assert_eq!(messages(&page), ["first"]);
    }

    #[test]
    fn errors_are_aws_errors() {
        let system = ten();
        let error = system
            .err("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "nextToken": "invalid-token"}));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("InvalidParameterException", "The specified nextToken is invalid.")
        );
        let error = system.err("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "limit": 10_001}));
        assert_eq!(
            error.message,
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 10000"
        );
        let error = system.err("GetLogEvents", json!({"logGroupName": "nope", "logStreamName": "s"}));
        assert_eq!(error.message, "The specified log group does not exist.");
        let error = system.err("GetLogEvents", json!({"logGroupName": "g", "logStreamName": "nope"}));
        assert_eq!(error.message, "The specified log stream does not exist.");
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:g";
        let page = system.ok("GetLogEvents", json!({"logGroupIdentifier": arn, "logStreamName": "s", "limit": 1}));
        assert_eq!(messages(&page), ["9"]);
    }

    #[test]
    fn pages_stop_at_a_megabyte() {
        let system = System::new();
        system.stream("g", "s");
        let big = "x".repeat(400_000);
        for _ in 0..3 {
            system.put("g", "s", &[(NOW, big.as_str())]);
        }
        let page = get(&system, json!({"startFromHead": true}));
        assert_eq!(page["events"].as_array().map(Vec::len), Some(2));
        let rest = get(&system, json!({"startFromHead": true, "nextToken": page["nextForwardToken"]}));
        assert_eq!(rest["events"].as_array().map(Vec::len), Some(1));
    }
}
