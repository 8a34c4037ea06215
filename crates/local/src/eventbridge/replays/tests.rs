//! Replays against the AWS recordings in
//! `conformance/eventbridge/aws-recorded/test_archive_and_replay.*`, and the
//! runner's guarantees: the window exactly, in order, once, across restarts.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::step;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::eventbridge::handle;
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::store::Store;

const NOW: i64 = 1_795_000_000_000;
/// An hour before [`NOW`], in seconds: events are put with times after it.
const T0: f64 = 1_794_996_400.0;
const BUS_ARN: &str = "arn:aws:events:us-east-1:123456789012:event-bus/default";
const ARCHIVE_ARN: &str = "arn:aws:events:us-east-1:123456789012:archive/orders";

fn system(dir: &std::path::Path) -> Shared {
    let mut config = Config::new(dir);
    config.clock = ManualClock::at(NOW);
    let shared = Shared::new(&config, Arc::new(Store::open(dir).expect("store")));
    crate::eventbridge::buses::ensure_default(&shared).expect("default bus");
    shared
}

fn call(shared: &Shared, operation: &str, input: Value) -> Value {
    handle(shared, operation, input.to_string().as_bytes(), "req-1").expect(operation)
}

fn fail(shared: &Shared, operation: &str, input: Value) -> AwsError {
    handle(shared, operation, input.to_string().as_bytes(), "req-1").expect_err(operation)
}

/// The default bus with rules `all` and `other` (both match every `shop`
/// event) and archive `orders` keeping all its events; puts one event at
/// each of `T0 + offsets` seconds and returns their ids, in that order.
fn archived(shared: &Shared, offsets: &[f64]) -> Vec<String> {
    for rule in ["all", "other"] {
        call(shared, "PutRule", json!({"Name": rule, "EventPattern": r#"{"source":["shop"]}"#}));
    }
    call(shared, "CreateArchive", json!({"ArchiveName": "orders", "EventSourceArn": BUS_ARN}));
    if offsets.is_empty() {
        return Vec::new();
    }
    let entries: Vec<Value> = offsets
        .iter()
        .map(
            |offset| json!({"Source": "shop", "DetailType": "OrderPlaced", "Detail": "{\"n\":1}", "Time": T0 + offset}),
        )
        .collect();
    let result = call(shared, "PutEvents", json!({ "Entries": entries }));
    result["Entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["EventId"].as_str().expect("id").to_owned())
        .collect()
}

fn start(shared: &Shared, name: &str, from: f64, to: f64, filters: Option<Vec<&str>>) -> Value {
    let mut destination = json!({"Arn": BUS_ARN});
    if let Some(filters) = filters {
        destination["FilterArns"] = json!(filters);
    }
    call(
        shared,
        "StartReplay",
        json!({"ReplayName": name, "Description": "description of the replay", "EventSourceArn": ARCHIVE_ARN,
               "EventStartTime": from, "EventEndTime": to, "Destination": destination}),
    )
}

/// The replayed events accepted so far, in order: (event, matched rules).
fn replayed(shared: &Shared) -> Vec<(Value, Value)> {
    let conn = shared.store.conn();
    let mut statement = conn
        .prepare("SELECT event_json, matched_rules FROM events WHERE event_json LIKE '%\"replay-name\"%' ORDER BY seq")
        .expect("query");
    let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("rows");
    rows.map(|row| {
        let (event, matched) = row.expect("row");
        (serde_json::from_str(&event).expect("event"), serde_json::from_str(&matched).expect("rules"))
    })
    .collect()
}

fn ids(events: &[(Value, Value)]) -> Vec<&str> {
    events.iter().map(|(event, _)| event["id"].as_str().expect("id")).collect()
}

fn describe(shared: &Shared, name: &str) -> Value {
    call(shared, "DescribeReplay", json!({"ReplayName": name}))
}

#[test]
fn a_replay_reingests_exactly_its_window_in_order_to_its_filter_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    // Put out of order: a replay goes by event time.
    let ids_by_put = archived(&shared, &[30.0, 10.0, 50.0, 20.0, 40.0]);
    let rule_arn = "arn:aws:events:us-east-1:123456789012:rule/all";
    let started = start(&shared, "replay-1", T0 + 20.0, T0 + 50.0, Some(vec![rule_arn]));
    assert_eq!(
        started,
        json!({"ReplayArn": "arn:aws:events:us-east-1:123456789012:replay/replay-1",
               "ReplayStartTime": NOW as f64 / 1000.0, "State": "STARTING"})
    );
    assert_eq!(describe(&shared, "replay-1")["State"], "STARTING");

    assert!(!step(&shared, 100).expect("step"), "all done in one step");
    let events = replayed(&shared);
    assert_eq!(ids(&events), [&ids_by_put[3], &ids_by_put[0], &ids_by_put[4]], "[start, end) in time order, ids kept");
    for (event, matched) in &events {
        assert_eq!(matched, &json!(["all"]), "only the FilterArns rules see replayed events");
        let keys: Vec<&str> = event.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "version",
                "id",
                "detail-type",
                "source",
                "account",
                "time",
                "region",
                "replay-name",
                "resources",
                "detail"
            ]
        );
        assert_eq!(event["replay-name"], "replay-1");
    }

    let end = NOW as f64 / 1000.0;
    assert_eq!(
        describe(&shared, "replay-1"),
        json!({
            "Description": "description of the replay",
            "Destination": {"Arn": BUS_ARN, "FilterArns": [rule_arn]},
            "EventEndTime": T0 + 50.0,
            "EventLastReplayedTime": T0 + 40.0,
            "EventSourceArn": ARCHIVE_ARN,
            "EventStartTime": T0 + 20.0,
            "ReplayArn": "arn:aws:events:us-east-1:123456789012:replay/replay-1",
            "ReplayEndTime": end,
            "ReplayName": "replay-1",
            "ReplayStartTime": end,
            "State": "COMPLETED",
        })
    );
    let listed = call(&shared, "ListReplays", json!({"NamePrefix": "replay-1"}));
    assert_eq!(
        listed,
        json!({"Replays": [{
            "EventEndTime": T0 + 50.0, "EventLastReplayedTime": T0 + 40.0, "EventSourceArn": ARCHIVE_ARN,
            "EventStartTime": T0 + 20.0, "ReplayEndTime": end, "ReplayName": "replay-1",
            "ReplayStartTime": end, "State": "COMPLETED",
        }]})
    );
    let archive = call(&shared, "DescribeArchive", json!({"ArchiveName": "orders"}));
    assert_eq!(archive["EventCount"], 5, "replayed events are not archived again");
}

#[test]
fn without_filter_arns_every_rule_sees_the_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[10.0]);
    start(&shared, "all-rules", T0, T0 + 60.0, None);
    step(&shared, 10).expect("step");
    let events = replayed(&shared);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1, json!(["all", "other"]));
    assert!(describe(&shared, "all-rules")["Destination"].get("FilterArns").is_none());
}

#[test]
fn an_empty_window_completes_without_last_replayed_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[10.0]);
    start(&shared, "empty", T0 + 20.0, T0 + 30.0, None);
    step(&shared, 10).expect("step");
    let described = describe(&shared, "empty");
    assert_eq!(described["State"], "COMPLETED");
    assert!(described.get("EventLastReplayedTime").is_none());
    assert!(described.get("ReplayEndTime").is_some());
}

#[test]
fn start_replay_errors_are_worded_like_aws() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[]);
    let attempt = |name: &str, source: &str, from: f64, to: f64, destination: Value| {
        fail(
            &shared,
            "StartReplay",
            json!({"ReplayName": name, "EventSourceArn": source, "EventStartTime": from, "EventEndTime": to,
                   "Destination": destination}),
        )
    };
    let error = attempt(
        "r",
        "arn:aws:events:us-east-1:123456789012:archive/doesnotexist-1",
        T0,
        T0 + 60.0,
        json!({"Arn": BUS_ARN}),
    );
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            "ValidationException",
            "Parameter EventSourceArn is not valid. Reason: Archive doesnotexist-1 does not exist."
        )
    );
    let other_bus = "arn:aws:events:us-east-1:123456789012:event-bus/doesnotexist-2";
    let error = attempt("r", ARCHIVE_ARN, T0, T0 + 60.0, json!({"Arn": other_bus}));
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Event bus doesnotexist-2 does not exist.")
    );
    call(&shared, "CreateEventBus", json!({"Name": "doesnotexist-2"}));
    let error = attempt("r", ARCHIVE_ARN, T0, T0 + 60.0, json!({"Arn": other_bus}));
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            "ValidationException",
            "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
        )
    );
    // As recorded: an end equal to, or 10 s before, the start (start has a fraction).
    for delta in [0.0, 10.0] {
        let error = attempt("r", ARCHIVE_ARN, T0 + 0.5, T0 - delta, json!({"Arn": BUS_ARN}));
        assert_eq!(
            (error.code, error.message.as_str()),
            (
                "ValidationException",
                "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
            )
        );
    }
    let error = attempt(
        "r",
        ARCHIVE_ARN,
        T0,
        T0 + 60.0,
        json!({"Arn": BUS_ARN, "FilterArns": ["arn:aws:events:us-east-1:123456789012:rule/nope"]}),
    );
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
    );

    start(&shared, "dup", T0, T0 + 60.0, None);
    call(&shared, "CreateEventBus", json!({"Name": "second"}));
    call(
        &shared,
        "CreateArchive",
        json!({"ArchiveName": "second", "EventSourceArn": "arn:aws:events:us-east-1:123456789012:event-bus/second"}),
    );
    let error = attempt(
        "dup",
        "arn:aws:events:us-east-1:123456789012:archive/second",
        T0,
        T0 + 60.0,
        json!({"Arn": "arn:aws:events:us-east-1:123456789012:event-bus/second"}),
    );
    assert_eq!((error.code, error.message.as_str()), ("ResourceAlreadyExistsException", "Replay dup already exists."));

    let error = fail(&shared, "DescribeReplay", json!({"ReplayName": "doesnotexist-3"}));
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Replay doesnotexist-3 does not exist.")
    );
    let error = fail(&shared, "CancelReplay", json!({"ReplayName": "doesnotexist-4"}));
    assert_eq!(error.message, "Replay doesnotexist-4 does not exist.");
}

#[test]
fn at_most_ten_replays_start_or_run_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[]);
    for i in 1..10 {
        start(&shared, &format!("replay-{i}"), T0, T0 + 60.0, None);
    }
    start(&shared, "replay-10", T0, T0 + 60.0, None);
    let error = fail(
        &shared,
        "StartReplay",
        json!({"ReplayName": "replay-11", "EventSourceArn": ARCHIVE_ARN, "EventStartTime": T0, "EventEndTime": T0 + 60.0,
               "Destination": {"Arn": BUS_ARN}}),
    );
    assert_eq!(
        (error.code, error.message.as_str()),
        ("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
    );
    step(&shared, 100).expect("step");
    start(&shared, "replay-11", T0, T0 + 60.0, None);
}

#[test]
fn a_cancelled_replay_stops_and_cannot_be_cancelled_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[10.0, 20.0]);
    start(&shared, "cancelled", T0, T0 + 60.0, None);
    let cancelled = call(&shared, "CancelReplay", json!({"ReplayName": "cancelled"}));
    assert_eq!(
        cancelled,
        json!({"ReplayArn": "arn:aws:events:us-east-1:123456789012:replay/cancelled", "State": "CANCELLING"})
    );
    let described = describe(&shared, "cancelled");
    assert_eq!(described["State"], "CANCELLING");
    assert!(described.get("ReplayEndTime").is_none() && described.get("EventLastReplayedTime").is_none());

    assert!(!step(&shared, 100).expect("step"));
    let described = describe(&shared, "cancelled");
    assert_eq!(described["State"], "CANCELLED");
    assert!(described.get("ReplayEndTime").is_some());
    assert!(replayed(&shared).is_empty(), "nothing replayed after the cancel");

    let error = fail(&shared, "CancelReplay", json!({"ReplayName": "cancelled"}));
    assert_eq!(error.code, "IllegalStatusException");
    start(&shared, "completed", T0, T0 + 60.0, None);
    step(&shared, 100).expect("step");
    assert_eq!(fail(&shared, "CancelReplay", json!({"ReplayName": "completed"})).code, "IllegalStatusException");
}

#[test]
fn a_limited_step_resumes_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    let ids_by_put = archived(&shared, &[10.0, 20.0, 30.0, 40.0, 50.0]);
    start(&shared, "resumed", T0, T0 + 60.0, None);
    assert!(step(&shared, 2).expect("step"), "more to do");
    let described = describe(&shared, "resumed");
    assert_eq!(
        (described["State"].as_str(), described["EventLastReplayedTime"].as_f64()),
        (Some("RUNNING"), Some(T0 + 20.0))
    );
    drop(shared);

    // A new system over the same data: the cursor committed with the events.
    let shared = system(dir.path());
    assert!(step(&shared, 2).expect("step"));
    assert!(!step(&shared, 2).expect("step"), "the last event completes the window");
    assert_eq!(
        ids(&replayed(&shared)),
        ids_by_put.iter().map(String::as_str).collect::<Vec<_>>(),
        "each once, in order"
    );
    assert_eq!(describe(&shared, "resumed")["State"], "COMPLETED");
}

#[test]
fn deleting_the_archive_fails_its_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[10.0]);
    start(&shared, "orphan", T0, T0 + 60.0, None);
    call(&shared, "DeleteArchive", json!({"ArchiveName": "orders"}));
    step(&shared, 10).expect("step");
    let described = describe(&shared, "orphan");
    assert_eq!(
        (described["State"].as_str(), described["StateReason"].as_str()),
        (Some("FAILED"), Some("Archive orders does not exist."))
    );
}

#[test]
fn list_replays_filters_and_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = system(dir.path());
    archived(&shared, &[]);
    for i in 0..6 {
        start(&shared, &format!("prefix-test-replay-{i}"), T0, T0 + 60.0, None);
        step(&shared, 10).expect("step");
    }
    start(&shared, "other-replay", T0, T0 + 60.0, None);
    let names = |listed: &Value| -> Vec<String> {
        listed["Replays"]
            .as_array()
            .expect("replays")
            .iter()
            .map(|r| r["ReplayName"].as_str().expect("name").to_owned())
            .collect()
    };
    let first = call(&shared, "ListReplays", json!({"NamePrefix": "prefix", "Limit": 3}));
    assert_eq!(names(&first), ["prefix-test-replay-0", "prefix-test-replay-1", "prefix-test-replay-2"]);
    let second = call(
        &shared,
        "ListReplays",
        json!({"NamePrefix": "prefix", "Limit": 5, "NextToken": first["NextToken"].as_str().expect("token")}),
    );
    assert_eq!(names(&second), ["prefix-test-replay-3", "prefix-test-replay-4", "prefix-test-replay-5"]);
    assert!(second.get("NextToken").is_none());
    assert_eq!(names(&call(&shared, "ListReplays", json!({"State": "STARTING"}))), ["other-replay"]);
    assert_eq!(names(&call(&shared, "ListReplays", json!({"EventSourceArn": ARCHIVE_ARN}))).len(), 7);
    let foreign = "arn:aws:events:us-east-1:111111111111:archive/orders";
    assert!(names(&call(&shared, "ListReplays", json!({"EventSourceArn": foreign}))).is_empty());
    assert_eq!(fail(&shared, "ListReplays", json!({"State": "PAUSED"})).code, "ValidationException");
}

#[tokio::test]
async fn the_runner_replays_in_the_background_until_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = Arc::new(system(dir.path()));
    archived(&shared, &[10.0, 20.0]);
    let runner = tokio::spawn(super::run(shared.clone()));
    start(&shared, "background", T0, T0 + 60.0, None);
    let mut state = Value::Null;
    for _ in 0..200 {
        state = describe(&shared, "background")["State"].clone();
        if state == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state, "COMPLETED");
    assert_eq!(replayed(&shared).len(), 2);
    shared.shutdown.begin();
    tokio::time::timeout(Duration::from_secs(5), runner).await.expect("stops on shutdown").expect("no panic");
}
