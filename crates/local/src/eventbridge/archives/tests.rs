//! Archives against the AWS recordings in
//! `conformance/eventbridge/aws-recorded/test_archive_and_replay.*`.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::clock::ManualClock;
use crate::config::Config;
use crate::eventbridge::handle;
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::store::Store;

/// Not a whole second, to show archived events keep the exact instant.
const NOW: i64 = 1_795_000_000_250;
const DEFAULT_BUS_ARN: &str = "arn:aws:events:us-east-1:123456789012:event-bus/default";
const PATTERN: &str = r#"{"source":["core.update-account-command"],"detail-type":["core.update-account-command"],"detail":{"command":["update-account"]}}"#;

fn system(dir: &std::path::Path) -> (Shared, Arc<ManualClock>) {
    let clock = ManualClock::at(NOW);
    let mut config = Config::new(dir);
    config.clock = clock.clone();
    let shared = Shared::new(&config, Arc::new(Store::open(dir).expect("store")));
    crate::eventbridge::buses::ensure_default(&shared).expect("default bus");
    (shared, clock)
}

fn call(shared: &Shared, operation: &str, input: Value) -> Value {
    handle(shared, operation, input.to_string().as_bytes(), "req-1").expect(operation)
}

fn fail(shared: &Shared, operation: &str, input: Value) -> AwsError {
    handle(shared, operation, input.to_string().as_bytes(), "req-1").expect_err(operation)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// Puts events (PutEvents entries) and returns their ids.
fn put(shared: &Shared, entries: Vec<Value>) -> Vec<String> {
    let result = call(shared, "PutEvents", json!({ "Entries": entries }));
    assert_eq!(result["FailedEntryCount"], 0, "{result}");
    result["Entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["EventId"].as_str().expect("id").to_owned())
        .collect()
}

fn command(bus: &str, command: &str) -> Value {
    json!({
        "Source": "core.update-account-command",
        "DetailType": "core.update-account-command",
        "Detail": json!({"command": command, "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}}).to_string(),
        "EventBusName": bus,
    })
}

fn counts(shared: &Shared, archive: &str) -> (i64, i64) {
    let described = call(shared, "DescribeArchive", json!({"ArchiveName": archive}));
    (described["EventCount"].as_i64().expect("count"), described["SizeBytes"].as_i64().expect("size"))
}

#[test]
fn create_list_describe_update_delete_answer_like_aws() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, _) = system(dir.path());
    call(&shared, "CreateEventBus", json!({"Name": "custom-bus"}));
    for bus in ["default", "custom-bus"] {
        let name = format!("test-archive-{bus}");
        let bus_arn = format!("arn:aws:events:us-east-1:123456789012:event-bus/{bus}");
        let archive_arn = format!("arn:aws:events:us-east-1:123456789012:archive/{name}");
        let created = call(
            &shared,
            "CreateArchive",
            json!({"ArchiveName": name, "EventSourceArn": bus_arn, "Description": "description of the archive",
                   "EventPattern": PATTERN, "RetentionDays": 1}),
        );
        assert_eq!(
            created,
            json!({"ArchiveArn": archive_arn, "CreationTime": NOW as f64 / 1000.0, "State": "ENABLED"})
        );

        let listed = call(&shared, "ListArchives", json!({"NamePrefix": name}));
        let summary = json!({"ArchiveName": name, "CreationTime": NOW as f64 / 1000.0, "EventCount": 0,
                             "EventSourceArn": bus_arn, "RetentionDays": 1, "SizeBytes": 0, "State": "ENABLED"});
        assert_eq!(listed, json!({"Archives": [summary]}));

        let described = call(&shared, "DescribeArchive", json!({"ArchiveName": name}));
        let mut expected = summary.clone();
        expected["ArchiveArn"] = archive_arn.clone().into();
        expected["Description"] = "description of the archive".into();
        expected["EventPattern"] = PATTERN.into();
        assert_eq!(described, expected);

        let updated = call(
            &shared,
            "UpdateArchive",
            json!({"ArchiveName": name, "Description": "updated description of the archive",
                   "EventPattern": r#"{"source":["core.update-account-command"]}"#, "RetentionDays": 2}),
        );
        assert_eq!(keys(&updated), ["ArchiveArn", "CreationTime", "State"]);
        let described = call(&shared, "DescribeArchive", json!({"ArchiveName": name}));
        assert_eq!(described["Description"], "updated description of the archive");
        assert_eq!(described["EventPattern"], r#"{"source":["core.update-account-command"]}"#);
        assert_eq!(described["RetentionDays"], 2);

        assert_eq!(call(&shared, "DeleteArchive", json!({"ArchiveName": name})), json!({}));
        let error = fail(&shared, "DescribeArchive", json!({"ArchiveName": name}));
        assert_eq!(
            (error.code, error.message),
            ("ResourceNotFoundException", format!("Archive {name} does not exist."))
        );
    }
}

#[test]
fn errors_are_worded_like_aws() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, _) = system(dir.path());
    let create = |name: &str, source: &str| {
        handle(
            &shared,
            "CreateArchive",
            json!({"ArchiveName": name, "EventSourceArn": source, "RetentionDays": 1}).to_string().as_bytes(),
            "r",
        )
    };
    create("test-archive", DEFAULT_BUS_ARN).expect("created");
    let error = create("test-archive", DEFAULT_BUS_ARN).expect_err("duplicate");
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceAlreadyExistsException", "Archive test-archive already exists.")
    );
    for source in [
        "arn:aws:events:us-east-1:123456789012:event-bus/doesnotexist-1",
        // Another account's bus is not one of this system's.
        "arn:aws:events:eu-west-1:111111111111:event-bus/doesnotexist-1",
    ] {
        let error = create("other", source).expect_err("unknown bus");
        assert_eq!(
            (error.code, error.message.as_str()),
            ("ResourceNotFoundException", "Event bus doesnotexist-1 does not exist.")
        );
    }
    let error = create("other", "not-an-arn").expect_err("not an ARN");
    assert!(error.message.contains("at 'eventSourceArn' failed to satisfy constraint"), "{}", error.message);
    let error = create("bad name!", DEFAULT_BUS_ARN).expect_err("bad name");
    assert!(error.message.contains("at 'archiveName'"), "{}", error.message);

    let error = fail(
        &shared,
        "CreateArchive",
        json!({"ArchiveName": "p", "EventSourceArn": DEFAULT_BUS_ARN, "EventPattern": "{\"source\": \"x\"}"}),
    );
    assert_eq!(error.code, "InvalidEventPatternException");
    let error = fail(
        &shared,
        "CreateArchive",
        json!({"ArchiveName": "r", "EventSourceArn": DEFAULT_BUS_ARN, "RetentionDays": -1}),
    );
    assert_eq!(
        error.message,
        "1 validation error detected: Value '-1' at 'retentionDays' failed to satisfy constraint: Member must have value greater than or equal to 0"
    );

    let error = fail(&shared, "DescribeArchive", json!({"ArchiveName": "doesnotexist-2"}));
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Archive doesnotexist-2 does not exist.")
    );
    let error = fail(&shared, "DeleteArchive", json!({"ArchiveName": "doesnotexist-3"}));
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Archive doesnotexist-3 does not exist.")
    );
    let error = fail(&shared, "UpdateArchive", json!({"ArchiveName": "doesnotexist-4"}));
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ValidationException", "At least one of EventPattern, RetentionDays or Description must be provided.")
    );
    let error = fail(&shared, "UpdateArchive", json!({"ArchiveName": "doesnotexist-4", "Description": "d"}));
    assert_eq!(error.message, "Archive doesnotexist-4 does not exist.");
    let error = fail(
        &shared,
        "ListArchives",
        json!({"EventSourceArn": "arn:aws:events:us-east-1:123456789012:event-bus/doesnotexist-5"}),
    );
    assert_eq!(
        (error.code, error.message.as_str()),
        ("ResourceNotFoundException", "Event bus doesnotexist-5 does not exist.")
    );
    let error = fail(&shared, "ListArchives", json!({"State": "SLEEPING"}));
    assert!(error.message.ends_with(
        "Member must satisfy enum value set: [ENABLED, DISABLED, CREATING, UPDATING, CREATE_FAILED, UPDATE_FAILED]"
    ));
}

#[test]
fn a_pattern_keeps_only_matching_events_and_counts_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, _) = system(dir.path());
    call(&shared, "CreateEventBus", json!({"Name": "custom-bus"}));
    let archive = |name: &str, bus_arn: &str, pattern: Option<&str>| {
        let mut input = json!({"ArchiveName": name, "EventSourceArn": bus_arn});
        if let Some(pattern) = pattern {
            input["EventPattern"] = pattern.into();
        }
        call(&shared, "CreateArchive", input);
    };
    archive("matching", DEFAULT_BUS_ARN, Some(PATTERN));
    archive("everything", DEFAULT_BUS_ARN, None);
    archive("custom", "arn:aws:events:us-east-1:123456789012:event-bus/custom-bus", None);

    let mut entries = vec![command("default", "update-account"); 3];
    entries.push(command("default", "delete-account"));
    entries.push(json!({"Source": "shop", "DetailType": "OrderPlaced", "Detail": "{}", "Time": 1_700_000_000.0}));
    entries.push(command("custom-bus", "update-account"));
    let ids = put(&shared, entries);

    let conn = shared.store.conn();
    let kept = |archive: &str| -> Vec<(String, i64, i64, String)> {
        conn.prepare("SELECT event_id, event_time_ms, size_bytes, event_json FROM archived_events WHERE archive = ?1 ORDER BY seq")
            .and_then(|mut s| s.query_map([archive], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
            .expect("archived events")
    };
    let matching = kept("matching");
    assert_eq!(matching.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), &ids[..3]);
    assert!(matching.iter().all(|e| e.1 == NOW), "events stamped at ingestion keep the exact instant");
    assert_eq!(matching[0].2, matching[0].3.len() as i64);
    let everything = kept("everything");
    assert_eq!(everything.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), &ids[..5]);
    assert_eq!(everything[4].1, 1_700_000_000_000, "an event's own time is its archive time");
    assert_eq!(kept("custom").iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), &ids[5..]);
    let stored: Value = serde_json::from_str(&matching[0].3).expect("JSON");
    assert_eq!(stored["detail"]["command"], "update-account");
    drop(conn);

    let size_of = |events: &[(String, i64, i64, String)]| events.iter().map(|e| e.2).sum::<i64>();
    assert_eq!(counts(&shared, "matching"), (3, size_of(&matching)));
    assert_eq!(counts(&shared, "everything"), (5, size_of(&everything)));
    let listed = call(&shared, "ListArchives", json!({"NamePrefix": "custom"}));
    assert_eq!(listed["Archives"][0]["EventCount"], 1);
}

#[test]
fn archive_changes_reach_ingestion_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, _) = system(dir.path());
    call(
        &shared,
        "CreateArchive",
        json!({"ArchiveName": "a", "EventSourceArn": DEFAULT_BUS_ARN, "EventPattern": r#"{"source":["nobody"]}"#}),
    );
    put(&shared, vec![command("default", "update-account")]);
    assert_eq!(counts(&shared, "a").0, 0);
    call(&shared, "UpdateArchive", json!({"ArchiveName": "a", "EventPattern": PATTERN}));
    put(&shared, vec![command("default", "update-account")]);
    assert_eq!(counts(&shared, "a").0, 1);
    call(&shared, "DeleteArchive", json!({"ArchiveName": "a"}));
    // A stale compiled archive would make this insert fail its foreign key.
    put(&shared, vec![command("default", "update-account")]);
    let rows: i64 =
        shared.store.conn().query_row("SELECT COUNT(*) FROM archived_events", [], |r| r.get(0)).expect("count");
    assert_eq!(rows, 0, "a deleted archive's events go with it");
}

#[test]
fn list_filters_and_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, _) = system(dir.path());
    call(&shared, "CreateEventBus", json!({"Name": "custom-bus"}));
    let custom_arn = "arn:aws:events:us-east-1:123456789012:event-bus/custom-bus";
    for (name, source) in
        [("a1", DEFAULT_BUS_ARN), ("a2", DEFAULT_BUS_ARN), ("a3", DEFAULT_BUS_ARN), ("b1", custom_arn)]
    {
        call(&shared, "CreateArchive", json!({"ArchiveName": name, "EventSourceArn": source}));
    }
    let names = |listed: &Value| -> Vec<String> {
        listed["Archives"]
            .as_array()
            .expect("archives")
            .iter()
            .map(|a| a["ArchiveName"].as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(names(&call(&shared, "ListArchives", json!({"EventSourceArn": custom_arn}))), ["b1"]);
    assert_eq!(names(&call(&shared, "ListArchives", json!({"NamePrefix": "a"}))), ["a1", "a2", "a3"]);
    assert_eq!(names(&call(&shared, "ListArchives", json!({"State": "ENABLED"}))).len(), 4);
    assert!(names(&call(&shared, "ListArchives", json!({"State": "DISABLED"}))).is_empty());
    let first = call(&shared, "ListArchives", json!({"Limit": 3}));
    assert_eq!(names(&first), ["a1", "a2", "a3"]);
    let token = first["NextToken"].as_str().expect("more to come");
    let second = call(&shared, "ListArchives", json!({"Limit": 3, "NextToken": token}));
    assert_eq!(names(&second), ["b1"]);
    assert!(second.get("NextToken").is_none());
    assert_eq!(call(&shared, "ListArchives", json!({"NamePrefix": "doesnotexist"})), json!({"Archives": []}));
}

#[test]
fn retention_drops_old_events_lazily() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (shared, clock) = system(dir.path());
    call(
        &shared,
        "CreateArchive",
        json!({"ArchiveName": "day", "EventSourceArn": DEFAULT_BUS_ARN, "RetentionDays": 1}),
    );
    call(&shared, "CreateArchive", json!({"ArchiveName": "forever", "EventSourceArn": DEFAULT_BUS_ARN}));
    put(&shared, vec![command("default", "update-account")]);
    clock.advance(86_400_000);
    put(&shared, vec![command("default", "update-account")]);
    assert_eq!(counts(&shared, "day").0, 2, "exactly one day old is kept");
    clock.advance(1);
    assert_eq!(counts(&shared, "day").0, 1);
    assert_eq!(counts(&shared, "forever").0, 2, "RetentionDays 0 keeps events forever");
    let described = call(&shared, "DescribeArchive", json!({"ArchiveName": "forever"}));
    assert_eq!(described["RetentionDays"], 0);
}
