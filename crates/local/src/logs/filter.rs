//! FilterLogEvents: the events of a log group that match a filter pattern,
//! across its streams, in timestamp order, a page at a time.
//!
//! As on AWS, a page may hold fewer events than `limit` (even none) while a
//! `nextToken` says more may follow; only a page without a token is the last.
//! `interleaved` is accepted and ignored, as AWS ignores it since 2019, and
//! `searchedLogStreams` is always empty, as AWS has returned it since 2020.

use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

use super::event_key::EventKey;
use super::filter_pattern::FilterPattern;
use super::{check_range, constraint, group_from, invalid, invalid_token, retention};
use crate::protocol::OpResult;
use crate::shared::Shared;

/// Rows read per query while filtering.
const SCAN_BATCH: i64 = 1_000;
/// Queries per request: bounds the work of one request over a large group;
/// the token carries on where the scan stopped.
const MAX_BATCHES: usize = 50;
/// Most events in one page.
const MAX_LIMIT: i64 = 10_000;
/// Most bytes in one page, messages plus 26 per event.
const MAX_PAGE_BYTES: usize = 1_048_576;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Input {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    // `interleaved` and `unmask` are accepted and ignored: serde skips them.
}

/// Which streams to read.
enum Streams {
    All,
    Named(Vec<String>),
    Prefixed(String),
}

impl Streams {
    fn includes(&self, stream: &str) -> bool {
        match self {
            Self::All => true,
            Self::Named(names) => names.iter().any(|n| n == stream),
            Self::Prefixed(prefix) => stream.starts_with(prefix.as_str()),
        }
    }
}

fn streams(names: Option<Vec<String>>, prefix: Option<String>) -> Result<Streams, crate::protocol::AwsError> {
    match (names, prefix) {
        // The API reference names the error; the wording is not recorded.
        (Some(_), Some(_)) => Err(invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")),
        (Some(names), None) => {
            if names.is_empty() || names.len() > 100 {
                let rule = if names.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 100"
                };
                return Err(constraint(&format!("[{}]", names.join(", ")), "logStreamNames", rule));
            }
            Ok(Streams::Named(names))
        }
        (None, Some(prefix)) => Ok(Streams::Prefixed(prefix)),
        (None, None) => Ok(Streams::All),
    }
}

pub(super) fn filter_log_events(shared: &Shared, input: Input) -> OpResult {
    let group = group_from(input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
    check_range(input.limit, "limit", 1, Some(MAX_LIMIT))?;
    check_range(input.start_time, "startTime", 0, None)?;
    check_range(input.end_time, "endTime", 0, None)?;
    let pattern_text = input.filter_pattern.unwrap_or_default();
    if pattern_text.chars().count() > 1024 {
        let rule = "Member must have length less than or equal to 1024";
        return Err(constraint(&pattern_text, "filterPattern", rule));
    }
    let streams = streams(input.log_stream_names, input.log_stream_name_prefix)?;
    let after = match &input.next_token {
        None => EventKey::START,
        Some(token) => EventKey::parse_id(token).ok_or_else(invalid_token)?,
    };
    let pattern = FilterPattern::parse(&pattern_text)?;
    let limit = input.limit.unwrap_or(MAX_LIMIT) as usize;
    // The end of the range is inclusive here (FilterLogEvents' reference:
    // "Events with a timestamp later than this time are not returned"),
    // unlike GetLogEvents'.
    let (start_ms, end_ms) = (input.start_time.unwrap_or(0), input.end_time.unwrap_or(i64::MAX));

    let conn = shared.store.conn();
    retention::open_group(&conn, &group, shared.clock.now_ms())?;
    let mut page = Page { streams, pattern, limit, events: Vec::new(), bytes: 0, cursor: after, full: false };
    if let Some(keys) = indexed_keys(&page.pattern) {
        // Every candidate in one go: the page ends only on its size.
        let mut statement = conn.prepare_cached(
            "SELECT e.seq, e.log_stream, e.timestamp_ms, e.ingestion_ms, e.message
             FROM log_event_keys k JOIN log_events e ON e.seq = k.seq
             WHERE k.log_group = ?1 AND k.event_key = ?2
               AND (e.timestamp_ms, e.seq) > (?3, ?4) AND e.timestamp_ms >= ?5 AND e.timestamp_ms <= ?6",
        )?;
        let mut rows: Vec<Row> = Vec::new();
        for key in keys {
            let found =
                statement.query_map(params![group, key, after.timestamp_ms, after.seq, start_ms, end_ms], row)?;
            rows.extend(found.collect::<Result<Vec<_>, _>>()?);
        }
        rows.sort_by_key(|row| (row.2, row.0));
        rows.dedup_by_key(|row| row.0);
        let count = rows.len();
        let taken = rows.into_iter().take_while(|row| page.offer(row)).count();
        return Ok(page.output(taken < count));
    }
    let mut statement = conn.prepare_cached(
        "SELECT seq, log_stream, timestamp_ms, ingestion_ms, message FROM log_events
         WHERE log_group = ?1 AND (timestamp_ms, seq) > (?2, ?3) AND timestamp_ms >= ?4 AND timestamp_ms <= ?5
         ORDER BY timestamp_ms, seq LIMIT ?6",
    )?;
    for _ in 0..MAX_BATCHES {
        let cursor = page.cursor;
        let rows: Vec<Row> = statement
            .query_map(params![group, cursor.timestamp_ms, cursor.seq, start_ms, end_ms, SCAN_BATCH], row)?
            .collect::<Result<_, _>>()?;
        let last_batch = (rows.len() as i64) < SCAN_BATCH;
        let count = rows.len();
        let taken = rows.iter().take_while(|row| page.offer(row)).count();
        if taken < count {
            return Ok(page.output(true));
        }
        if last_batch {
            return Ok(page.output(false));
        }
    }
    Ok(page.output(true))
}

/// A stored event: seq, stream, timestamp, ingestion time, message.
type Row = (i64, String, i64, i64, String);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// The `event_id` values a pattern pins, when the index can answer it.
fn indexed_keys(pattern: &FilterPattern) -> Option<Vec<String>> {
    match pattern {
        FilterPattern::Json(json) => json.required_values("event_id").filter(|keys| keys.len() <= MAX_INDEXED_KEYS),
        FilterPattern::Text(_) => None,
    }
}

/// Most `event_id` values read through the index (a trace asks for one; a
/// story for a few dozen).
const MAX_INDEXED_KEYS: usize = 100;

/// The page being filled.
struct Page {
    streams: Streams,
    pattern: FilterPattern,
    limit: usize,
    events: Vec<Value>,
    bytes: usize,
    /// The last event looked at: the next page starts after it.
    cursor: EventKey,
    full: bool,
}

impl Page {
    /// Looks at the next event in order; `false` once the page is full and
    /// this event belongs to the next one.
    fn offer(&mut self, (seq, stream, timestamp, ingestion, message): &Row) -> bool {
        if self.full {
            return false;
        }
        let key = EventKey::new(*timestamp, *seq);
        if !self.streams.includes(stream) || !self.pattern.matches(message) {
            self.cursor = key;
            return true;
        }
        self.bytes += message.len() + 26;
        if self.bytes > MAX_PAGE_BYTES && !self.events.is_empty() {
            // This event starts the next page.
            self.full = true;
            return false;
        }
        self.cursor = key;
        self.events.push(json!({
            "logStreamName": stream,
            "timestamp": timestamp,
            "message": message,
            "ingestionTime": ingestion,
            "eventId": key.id(),
        }));
        if self.events.len() == self.limit {
            self.full = true;
        }
        true
    }

    /// The response; `more` when events may follow the cursor.
    fn output(self, more: bool) -> Value {
        let mut output = json!({ "events": self.events, "searchedLogStreams": [] });
        if more {
            output["nextToken"] = self.cursor.id().into();
        }
        output
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{NOW, System};

    fn messages(page: &Value) -> Vec<&str> {
        page["events"].as_array().expect("events").iter().map(|e| e["message"].as_str().expect("message")).collect()
    }

    fn filter(system: &System, extra: Value) -> Value {
        let mut input = json!({"logGroupName": "g"});
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        system.ok("FilterLogEvents", input)
    }

    /// Every page's events, following tokens.
    fn all_pages(system: &System, extra: Value) -> (Vec<String>, usize) {
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut token = Value::Null;
        loop {
            let mut input = extra.clone();
            if !token.is_null() {
                input["nextToken"] = token.clone();
            }
            let page = filter(system, input);
            pages += 1;
            seen.extend(messages(&page).into_iter().map(str::to_owned));
            token = page.get("nextToken").cloned().unwrap_or(Value::Null);
            if token.is_null() {
                return (seen, pages);
            }
        }
    }

    fn orders() -> System {
        let system = System::new();
        system.stream("g", "api-1");
        system.stream("g", "api-2");
        system.stream("g", "worker");
        system.put("g", "api-1", &[(NOW - 50, r#"{"event_id": "e-1", "total": 120, "status": "PLACED"}"#)]);
        system.put("g", "api-2", &[(NOW - 40, r#"{"event_id": "e-2", "total": 80, "status": "PLACED"}"#)]);
        system.put(
            "g",
            "worker",
            &[(NOW - 45, "ERROR e-1 payment timeout"), (NOW - 30, r#"{"event_id": "e-3", "total": 5}"#)],
        );
        system
    }

    #[test]
    fn json_patterns_select_json_events() {
        let system = orders();
        assert_eq!(
            messages(&filter(&system, json!({"filterPattern": r#"{ $.event_id = "e-2" }"#}))),
            [r#"{"event_id": "e-2", "total": 80, "status": "PLACED"}"#]
        );
        let big = filter(&system, json!({"filterPattern": "{ $.total > 50 && $.status = PLACED }"}));
        assert_eq!(big["events"].as_array().map(Vec::len), Some(2));
        assert_eq!(big["events"][0]["logStreamName"], "api-1");
        let none = filter(&system, json!({"filterPattern": "{ $.status NOT EXISTS }"}));
        assert_eq!(messages(&none), [r#"{"event_id": "e-3", "total": 5}"#], "text events never match JSON patterns");
        assert_eq!(
            messages(&filter(&system, json!({"filterPattern": "ERROR timeout"}))),
            ["ERROR e-1 payment timeout"]
        );
    }

    #[test]
    fn events_come_in_timestamp_order_with_ids() {
        let system = orders();
        let page = filter(&system, json!({}));
        let times: Vec<i64> =
            page["events"].as_array().expect("events").iter().map(|e| e["timestamp"].as_i64().expect("t")).collect();
        assert_eq!(times, [NOW - 50, NOW - 45, NOW - 40, NOW - 30]);
        assert_eq!(page["events"][0]["eventId"].as_str().map(str::len), Some(56));
        assert_eq!(page["events"][0]["ingestionTime"], NOW);
        assert_eq!(page["searchedLogStreams"], json!([]));
        assert_eq!(page.get("nextToken"), None);
    }

    #[test]
    fn streams_by_name_or_prefix() {
        let system = orders();
        let by_prefix = filter(&system, json!({"logStreamNamePrefix": "api-"}));
        assert_eq!(by_prefix["events"].as_array().map(Vec::len), Some(2));
        let by_name = filter(&system, json!({"logStreamNames": ["worker"], "interleaved": true}));
        assert_eq!(by_name["events"].as_array().map(Vec::len), Some(2));
        let error = system
            .err("FilterLogEvents", json!({"logGroupName": "g", "logStreamNames": ["a"], "logStreamNamePrefix": "a"}));
        assert_eq!(error.code, "InvalidParameterException");
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:g:*";
        let by_arn = system.ok("FilterLogEvents", json!({"logGroupIdentifier": arn}));
        assert_eq!(by_arn["events"].as_array().map(Vec::len), Some(4));
    }

    #[test]
    fn time_range_is_inclusive() {
        let system = orders();
        let page = filter(&system, json!({"startTime": NOW - 45, "endTime": NOW - 40}));
        assert_eq!(page["events"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn pages_cover_every_match_once() {
        let system = System::new();
        system.stream("g", "s");
        let events: Vec<(i64, String)> = (0..25)
            .map(|i| (NOW - 1_000 + i, if i % 2 == 0 { format!("even {i}") } else { format!("odd {i}") }))
            .collect();
        let events: Vec<(i64, &str)> = events.iter().map(|(t, m)| (*t, m.as_str())).collect();
        system.put("g", "s", &events);
        let (seen, pages) = all_pages(&system, json!({"limit": 20}));
        assert_eq!((seen.len(), pages), (25, 2));
        let (seen, _) = all_pages(&system, json!({"limit": 4, "filterPattern": "even"}));
        assert_eq!(seen, (0..25).step_by(2).map(|i| format!("even {i}")).collect::<Vec<_>>());
        // A page that ends exactly on the last match gives no token.
        let page = filter(&system, json!({"limit": 25}));
        assert_eq!(page.get("nextToken"), None);
    }

    #[test]
    fn errors_are_aws_errors() {
        let system = orders();
        let error = system.err("FilterLogEvents", json!({"logGroupName": "g", "limit": 10_001}));
        assert_eq!(
            error.message,
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 10000"
        );
        let error = system.err("FilterLogEvents", json!({"logGroupName": "g", "nextToken": "invalid-token"}));
        assert_eq!(error.message, "The specified nextToken is invalid.");
        let error = system.err("FilterLogEvents", json!({"logGroupName": "g", "filterPattern": "{ $.a = 1"}));
        assert_eq!(
            (error.code, error.message.as_str()),
            ("InvalidParameterException", "If a filter pattern starts with '{' it must end with '}'")
        );
        let error = system.err("FilterLogEvents", json!({"logGroupName": "nope"}));
        assert_eq!(error.message, "The specified log group does not exist.");
        let error = system.err("FilterLogEvents", json!({"logGroupName": "g", "filterPattern": "x".repeat(1025)}));
        assert!(error.message.ends_with("Member must have length less than or equal to 1024"), "{}", error.message);
        let error = system.err("FilterLogEvents", json!({}));
        assert_eq!(error.code, "InvalidParameterException");
    }

    #[test]
    fn event_id_patterns_read_the_index_and_answer_as_a_scan_would() {
        let system = System::new();
        system.stream("g", "a");
        system.stream("g", "b");
        let record = |id: &str, step: &str| json!({"event_id": id, "message_type": step}).to_string();
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..300 {
            a.push((NOW - 1_000 + i, record(&format!("e-{}", i % 7), "RULE_MATCH")));
            b.push((NOW - 1_000 + i, record(&format!("e-{}", i % 5), "INVOCATION_SUCCESS")));
        }
        b.push((NOW - 1, r#"{"details": {"event_id": "e-1"}}"#.to_owned()));
        b.push((NOW - 1, "e-1 in plain text".to_owned()));
        for (stream, events) in [("a", &a), ("b", &b)] {
            let events: Vec<(i64, &str)> = events.iter().map(|(t, m)| (*t, m.as_str())).collect();
            system.put("g", stream, &events);
        }
        let (one, _) = all_pages(&system, json!({"filterPattern": "{ $.event_id = \"e-1\" }"}));
        let every = |n: i64| (0..300).filter(|i| i % n == 1).count();
        assert_eq!(one.len(), every(7) + every(5), "e-1: every 7th of 300 in a, every 5th in b");
        assert!(one.iter().all(|m| m.contains("\"event_id\":\"e-1\"")));
        let (two, _) = all_pages(&system, json!({"filterPattern": "{ $.event_id = \"e-1\" || $.event_id = \"e-2\" }"}));
        let every2 = |n: i64| (0..300).filter(|i| i % n == 2).count();
        assert_eq!(two.len(), one.len() + every2(7) + every2(5));
        let (matched, _) = all_pages(
            &system,
            json!({"filterPattern": "{ $.event_id = \"e-1\" && $.message_type = \"RULE_MATCH\" }", "logStreamNames": ["a"]}),
        );
        assert_eq!(matched.len(), every(7));
        // Pages of 10 cover every match once, in timestamp order.
        let (paged, pages) = all_pages(&system, json!({"filterPattern": "{ $.event_id = \"e-1\" }", "limit": 10}));
        assert_eq!(paged.len(), one.len());
        assert_eq!(pages, 11);
        let (windowed, _) = all_pages(
            &system,
            json!({"filterPattern": "{ $.event_id = \"e-1\" }", "startTime": NOW - 900, "endTime": NOW - 801}),
        );
        let expected = (100..200).filter(|i| i % 7 == 1).count() + (100..200).filter(|i| i % 5 == 1).count();
        assert_eq!(windowed.len(), expected);
    }

    #[test]
    fn a_store_from_before_the_index_is_keyed_when_it_opens() {
        let system = System::new();
        system.stream("g", "a");
        system.put("g", "a", &[(NOW, r#"{"event_id": "e-9"}"#), (NOW, "plain"), (NOW, r#"{"event_id": 9}"#)]);
        let conn = system.shared.store.conn();
        conn.execute_batch("DROP TABLE log_event_keys").expect("dropped");
        crate::store::schema::migrate(&conn).expect("migrated");
        let keys: Vec<String> = conn
            .prepare("SELECT event_key FROM log_event_keys")
            .expect("query")
            .query_map([], |row| row.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("keys");
        assert_eq!(keys, vec!["e-9".to_owned()]);
        drop(conn);
        let (found, _) = all_pages(&system, json!({"filterPattern": "{ $.event_id = \"e-9\" }"}));
        assert_eq!(found.len(), 1);
    }
}
