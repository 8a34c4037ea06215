//! The real `aws` CLI against `choreoscope-local`'s CloudWatch Logs: groups,
//! streams, putting and reading events both ways, filter patterns, retention,
//! deleting, and a restart that must lose nothing.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use choreoscope_e2e::LocalCli;
use serde_json::{Value, json};

/// The local system, with every CLI call under `aws logs`.
struct Local(LocalCli);

fn start(data_dir: &Path) -> Local {
    Local(LocalCli::start(data_dir))
}

/// `logs` and then `args`.
fn logs<'a>(args: &[&'a str]) -> Vec<&'a str> {
    std::iter::once("logs").chain(args.iter().copied()).collect()
}

impl Local {
    /// Runs a command that must succeed, and parses its JSON output.
    fn ok(&self, args: &[&str]) -> Value {
        self.0.ok(&logs(args))
    }

    /// Runs a command that must fail, and returns what it printed on stderr.
    fn fails(&self, args: &[&str]) -> String {
        self.0.fails(&logs(args))
    }

    /// GetLogEvents of one page.
    fn page(&self, stream: &str, extra: &[&str]) -> Value {
        let mut args = vec!["get-log-events", "--log-group-name", GROUP, "--log-stream-name", stream];
        args.extend_from_slice(extra);
        self.ok(&args)
    }

    /// The messages FilterLogEvents returns for a pattern (the CLI follows the pages).
    fn filtered(&self, pattern: &str) -> Vec<String> {
        messages(&self.ok(&["filter-log-events", "--log-group-name", GROUP, "--filter-pattern", pattern]))
    }

    fn stream_names(&self, extra: &[&str]) -> Vec<String> {
        let mut args = vec!["describe-log-streams", "--log-group-name", GROUP];
        args.extend_from_slice(extra);
        self.ok(&args)["logStreams"]
            .as_array()
            .expect("streams")
            .iter()
            .map(|s| s["logStreamName"].as_str().expect("name").to_owned())
            .collect()
    }
}

const GROUP: &str = "/choreoscope/orders";

fn messages(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["message"].as_str().expect("message").to_owned())
        .collect()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).expect("the clock is after 1970")
}

/// The order records the api stream holds: JSON, as services log them.
fn order(i: i64) -> String {
    json!({"event_id": format!("e-{i}"), "total": i * 40, "status": "PLACED"}).to_string()
}

/// Pages with `token_key` until the token comes back unchanged, which is
/// how GetLogEvents says there is nothing more that way.
fn page_through(local: &Local, stream: &str, first: &[&str], token_key: &str) -> Vec<Vec<String>> {
    let mut page = local.page(stream, first);
    let mut pages = vec![messages(&page)];
    loop {
        let token = page[token_key].as_str().expect("a token").to_owned();
        let mut args = first.to_vec();
        args.extend_from_slice(&["--next-token", &token]);
        page = local.page(stream, &args);
        if page[token_key] == token.as_str() {
            assert_eq!(messages(&page), Vec::<String>::new(), "the last page is empty");
            return pages;
        }
        pages.push(messages(&page));
    }
}

#[test]
fn log_groups_streams_and_events_through_the_cli() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());

    local.ok(&["create-log-group", "--log-group-name", GROUP]);
    local.ok(&["create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "api"]);
    local.ok(&["create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "worker"]);
    let stderr = local.fails(&["create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "api"]);
    assert!(
        stderr.contains("(ResourceAlreadyExistsException)")
            && stderr.contains("The specified log stream already exists"),
        "{stderr}"
    );

    // Five orders a second apart on "api", then two worker lines after them.
    let now = now_ms();
    let api: Vec<Value> =
        (1..=5).map(|i| json!({"timestamp": now - 10_000 + i * 1_000, "message": order(i)})).collect();
    let put = local.ok(&[
        "put-log-events",
        "--log-group-name",
        GROUP,
        "--log-stream-name",
        "api",
        "--log-events",
        &Value::Array(api).to_string(),
    ]);
    assert!(put["nextSequenceToken"].is_string(), "{put}");
    assert_eq!(put.get("rejectedLogEventsInfo"), None);
    let worker = json!([
        {"timestamp": now - 2_000, "message": "ERROR e-2 payment timeout"},
        {"timestamp": now - 1_000, "message": "INFO e-2 retried"},
    ]);
    local.ok(&[
        "put-log-events",
        "--log-group-name",
        GROUP,
        "--log-stream-name",
        "worker",
        "--log-events",
        &worker.to_string(),
    ]);
    let backwards = json!([{"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}]);
    let stderr = local.fails(&[
        "put-log-events",
        "--log-group-name",
        GROUP,
        "--log-stream-name",
        "api",
        "--log-events",
        &backwards.to_string(),
    ]);
    assert!(
        stderr.contains("(InvalidParameterException)")
            && stderr.contains("Log events in a single PutLogEvents request must be in chronological order."),
        "{stderr}"
    );

    // GetLogEvents, forward from the head and backward from the tail.
    let orders: Vec<String> = (1..=5).map(order).collect();
    let forward = page_through(&local, "api", &["--limit", "2", "--start-from-head"], "nextForwardToken");
    assert_eq!(forward, [orders[0..2].to_vec(), orders[2..4].to_vec(), orders[4..5].to_vec()]);
    let backward = page_through(&local, "api", &["--limit", "2"], "nextBackwardToken");
    assert_eq!(backward, [orders[3..5].to_vec(), orders[1..3].to_vec(), orders[0..1].to_vec()]);

    // FilterLogEvents with JSON patterns; text lines never match them.
    assert_eq!(local.filtered(r#"{ $.event_id = "e-3" }"#), [order(3)]);
    assert_eq!(local.filtered("{ $.total > 100 && $.status = PLACED }"), [order(3), order(4), order(5)]);
    assert_eq!(local.filtered("{ $.total <= 80 || $.event_id = \"e-5\" }"), [order(1), order(2), order(5)]);
    assert_eq!(local.filtered("ERROR e-2"), ["ERROR e-2 payment timeout"]);
    let stderr = local.fails(&["filter-log-events", "--log-group-name", GROUP, "--filter-pattern", "{ $.total > 100"]);
    assert!(
        stderr.contains("(InvalidParameterException)")
            && stderr.contains("If a filter pattern starts with '{' it must end with '}'"),
        "{stderr}"
    );

    // DescribeLogStreams: by name, or by last event time.
    assert_eq!(local.stream_names(&[]), ["api", "worker"]);
    assert_eq!(local.stream_names(&["--descending"]), ["worker", "api"]);
    assert_eq!(local.stream_names(&["--order-by", "LastEventTime", "--descending"]), ["worker", "api"]);
    assert_eq!(local.stream_names(&["--order-by", "LastEventTime"]), ["api", "worker"]);
    let api_stream = &local.ok(&["describe-log-streams", "--log-group-name", GROUP, "--log-stream-name-prefix", "ap"])
        ["logStreams"][0];
    assert_eq!(api_stream["firstEventTimestamp"], now - 9_000);
    assert_eq!(api_stream["lastEventTimestamp"], now - 5_000);
    assert_eq!(api_stream["storedBytes"], 0);

    // Retention: AWS's error for a period it does not offer, then a valid one.
    let stderr = local.fails(&["put-retention-policy", "--log-group-name", GROUP, "--retention-in-days", "2"]);
    assert!(
        stderr.contains("(InvalidParameterException)")
            && stderr.contains(
                "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: \
                 Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, \
                 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
            ),
        "{stderr}"
    );
    local.ok(&["put-retention-policy", "--log-group-name", GROUP, "--retention-in-days", "7"]);

    // A restart keeps groups, streams, events and the policy.
    let status = local.0.process.terminate();
    assert!(status.success(), "choreoscope-local exits cleanly on SIGTERM: {status}");
    let local = start(data.path());
    let groups = local.ok(&["describe-log-groups", "--log-group-name-prefix", GROUP]);
    assert_eq!(groups["logGroups"][0]["logGroupName"], GROUP);
    assert_eq!(groups["logGroups"][0]["retentionInDays"], 7);
    assert_eq!(messages(&local.page("api", &["--start-from-head"])), orders);
    assert_eq!(local.stream_names(&[]), ["api", "worker"]);

    // Deleting a stream takes its events; deleting the group takes the rest.
    local.ok(&["delete-log-stream", "--log-group-name", GROUP, "--log-stream-name", "worker"]);
    assert_eq!(local.stream_names(&[]), ["api"]);
    assert_eq!(local.filtered("ERROR"), Vec::<String>::new());
    let stderr = local.fails(&["get-log-events", "--log-group-name", GROUP, "--log-stream-name", "worker"]);
    assert!(
        stderr.contains("(ResourceNotFoundException)") && stderr.contains("The specified log stream does not exist."),
        "{stderr}"
    );
    local.ok(&["delete-log-group", "--log-group-name", GROUP]);
    let groups = local.ok(&["describe-log-groups", "--log-group-name-prefix", GROUP]);
    assert_eq!(groups["logGroups"], json!([]));
    let stderr = local.fails(&["filter-log-events", "--log-group-name", GROUP]);
    assert!(
        stderr.contains("(ResourceNotFoundException)") && stderr.contains("The specified log group does not exist."),
        "{stderr}"
    );
    let stderr = local.fails(&["delete-log-group", "--log-group-name", GROUP]);
    assert!(stderr.contains("The specified log group does not exist."), "{stderr}");
}

#[test]
fn events_outside_the_accepted_window_are_reported() {
    let data = tempfile::tempdir().expect("temp dir");
    let local = start(data.path());
    local.ok(&["create-log-group", "--log-group-name", GROUP]);
    local.ok(&["create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "s"]);
    let now = now_ms();
    let day = 86_400_000;
    let events = json!([
        {"timestamp": now - 20 * day, "message": "too old"},
        {"timestamp": now, "message": "kept"},
        {"timestamp": now + day, "message": "too new"},
    ]);
    let put = local.ok(&[
        "put-log-events",
        "--log-group-name",
        GROUP,
        "--log-stream-name",
        "s",
        "--log-events",
        &events.to_string(),
    ]);
    assert_eq!(put["rejectedLogEventsInfo"], json!({"tooNewLogEventStartIndex": 2, "tooOldLogEventEndIndex": 1}));
    assert_eq!(messages(&local.page("s", &[])), ["kept"]);
    let stderr =
        local.fails(&["get-log-events", "--log-group-name", GROUP, "--log-stream-name", "s", "--next-token", "nope"]);
    assert!(
        stderr.contains("(InvalidParameterException)") && stderr.contains("The specified nextToken is invalid."),
        "{stderr}"
    );
}
