//! Any request to any CloudWatch Logs operation (filter patterns of
//! FilterLogEvents included) is answered, with its result or an AWS JSON
//! error; never a panic. The first byte picks the operation, the rest is the
//! body.
#![no_main]

mod common;

use common::Fixture;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// Every operation `logs::handle` runs.
const OPERATIONS: &[&str] = &[
    "CreateLogGroup",
    "DescribeLogGroups",
    "DeleteLogGroup",
    "PutRetentionPolicy",
    "DeleteRetentionPolicy",
    "CreateLogStream",
    "DescribeLogStreams",
    "DeleteLogStream",
    "PutLogEvents",
    "GetLogEvents",
    "FilterLogEvents",
];

/// The log group `/app/orders` with the stream `2026/11/22/[$LATEST]abc`
/// holding a JSON record and a text record, for filter patterns to match.
fn fixtures() -> Vec<Fixture> {
    let (group, stream) = ("/app/orders", "2026/11/22/[$LATEST]abc");
    // Recent enough for PutLogEvents to take (it refuses records older than 14 days).
    let now_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_millis() as i64);
    let events = json!([
        {"timestamp": now_ms, "message": r#"{"event_id": "e-1", "total": 60, "status": "PLACED", "items": [{"sku": "a"}]}"#},
        {"timestamp": now_ms + 1, "message": "127.0.0.1 - frank [22/Nov/2026:10:00:00] ERROR timeout 503 1042"},
    ]);
    vec![Fixture {
        probe: ("GetLogEvents", json!({"logGroupName": group, "logStreamName": stream, "limit": 1}).to_string()),
        setup: vec![
            ("CreateLogGroup", json!({"logGroupName": group}).to_string()),
            ("CreateLogStream", json!({"logGroupName": group, "logStreamName": stream}).to_string()),
            ("PutLogEvents", json!({"logGroupName": group, "logStreamName": stream, "logEvents": events}).to_string()),
        ],
    }]
}

fuzz_target!(|data: &[u8]| common::run("Logs_20140328", OPERATIONS, fixtures, data));
