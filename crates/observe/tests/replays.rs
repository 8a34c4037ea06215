//! Archives and replays against a real local system through the AWS SDK
//! clients: an archive on the sample's orders bus, events put, a preview
//! that counts them and names the rules and targets, a replay watched to
//! COMPLETED whose events carry `replay-name` in the bus log, a replay
//! cancelled part way, AWS's refusals in its words, and circuit outages.

use std::time::{Duration, Instant};

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{ReplayRequest, ReplaySummary};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, Observer};
use serde_json::{Value, json};

const SAMPLE: &str = include_str!("../../../assets/sample-topology.json");
const RULES: &str = "arn:aws:events:us-east-1:123456789012:rule/orders";

async fn seeded() -> (LocalSystem, Observer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system starts");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    let file = TopologyFile::parse(SAMPLE, "us-east-1", "123456789012").expect("sample topology parses");
    file.apply(observer.eventbridge()).await.expect("sample topology applies");
    (system, observer, dir)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

async fn create_archive(observer: &Observer, name: &str, pattern: Value) {
    observer
        .eventbridge()
        .create_archive()
        .archive_name(name)
        .event_source_arn("arn:aws:events:us-east-1:123456789012:event-bus/orders")
        .event_pattern(pattern.to_string())
        .retention_days(3)
        .send()
        .await
        .expect("archive created");
}

/// Puts `count` events on the orders bus, ten a call.
async fn put(observer: &Observer, count: usize, source: &str, detail_type: &str) {
    for first in (0..count).step_by(10) {
        let entries = (first..count.min(first + 10))
            .map(|n| {
                PutEventsRequestEntry::builder()
                    .event_bus_name("orders")
                    .source(source)
                    .detail_type(detail_type)
                    .detail(json!({"data": {"n": n}}).to_string())
                    .build()
            })
            .collect();
        let out = observer.eventbridge().put_events().set_entries(Some(entries)).send().await.expect("put");
        assert_eq!(out.failed_entry_count(), 0);
    }
}

async fn until_ended(observer: &Observer, name: &str) -> ReplaySummary {
    let started = Instant::now();
    loop {
        let replay = observer.replay(name).await.expect("described");
        if !matches!(replay.state.as_str(), "STARTING" | "RUNNING" | "CANCELLING") {
            return replay;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{name} still {} after 30 s", replay.state);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `replay-name` of every event the orders bus logged as accepted that carries one.
async fn replayed_in_log(observer: &Observer) -> Vec<String> {
    let page = observer
        .logs()
        .filter_log_events()
        .log_group_name("/aws/vendedlogs/events/event-bus/orders")
        .filter_pattern("EVENT_INGEST_SUCCESS")
        .send()
        .await
        .expect("bus log");
    page.events()
        .iter()
        .filter_map(|record| {
            let record: Value = serde_json::from_str(record.message()?).ok()?;
            let event: Value = serde_json::from_str(record["details"]["event_detail"].as_str()?).ok()?;
            event.get("replay-name")?.as_str().map(ToOwned::to_owned)
        })
        .collect()
}

fn request(name: &str, archive: &str, start: i64, end: i64, filter_arns: &[&str]) -> ReplayRequest {
    ReplayRequest {
        replay_name: name.into(),
        archive_name: archive.into(),
        event_start_ms: start,
        event_end_ms: end,
        filter_arns: filter_arns.iter().map(|arn| (*arn).to_owned()).collect(),
        description: Some("from the test".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_is_previewed_replayed_to_completion_and_its_events_carry_the_replay_name() {
    let (system, observer, _dir) = seeded().await;
    create_archive(&observer, "placed-orders", json!({"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}))
        .await;
    // Event times have whole seconds: the window starts at the second before.
    let start = now_ms() / 1_000 * 1_000 - 1_000;
    put(&observer, 12, "shop.orders", "OrderPlaced").await;
    put(&observer, 5, "shop.payments", "PaymentFailed").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let end = now_ms();

    let archive = observer.archives().await.expect("archives").into_iter().find(|a| a.name == "placed-orders");
    let archive = archive.expect("listed");
    assert_eq!((archive.bus_name.as_str(), archive.event_count, archive.retention_days), ("orders", 12, Some(3)));
    assert!(archive.size_bytes > 0);
    assert_eq!(archive.event_pattern, Some(json!({"source": ["shop.orders"], "detail-type": ["OrderPlaced"]})));

    // The preview: 17 events in the window, 12 kept by the archive; who would get them.
    let preview = observer.preview_replay(&request("heal-1", "placed-orders", start, end, &[])).await.expect("preview");
    assert_eq!((preview.events_in_window, preview.events_to_replay), (17, 12), "{preview:?}");
    assert!(!preview.estimate, "{:?}", preview.notes);
    let matched = |name: &str| preview.rules.iter().find(|r| r.rule_name == name).map(|r| r.matched);
    assert_eq!(matched("order-placed"), Some(12));
    assert_eq!(matched("audit-all-orders"), Some(12));
    assert_eq!(matched("payment-failed"), Some(0));
    let placed = preview.rules.iter().find(|r| r.rule_name == "order-placed").expect("rule");
    assert!(placed.target_arns.iter().any(|arn| arn.ends_with(":function:charge-payment")), "{placed:?}");
    assert!(placed.target_arns.iter().any(|arn| arn.ends_with(":stateMachine:order-fulfilment")), "{placed:?}");

    // FilterArns narrow the preview to those rules.
    let audit = format!("{RULES}/audit-all-orders");
    let narrowed =
        observer.preview_replay(&request("heal-1", "placed-orders", start, end, &[&audit])).await.expect("preview");
    assert_eq!(narrowed.rules.iter().map(|r| r.rule_name.as_str()).collect::<Vec<_>>(), ["audit-all-orders"]);

    // Started, watched to COMPLETED at 100 %, its events marked in the bus log.
    let started =
        observer.start_replay(&request("heal-1", "placed-orders", start, end, &[&audit])).await.expect("start");
    assert_eq!(started.filter_arns, std::slice::from_ref(&audit));
    assert!(started.destination_arn.as_deref().is_some_and(|arn| arn.ends_with("event-bus/orders")));
    let done = until_ended(&observer, "heal-1").await;
    assert_eq!(done.state, "COMPLETED", "{done:?}");
    assert_eq!(done.progress, 1.0);
    assert!(done.event_last_replayed_ms.is_some_and(|last| (start..end).contains(&last)), "{done:?}");
    let listed = observer.replays().await.expect("replays");
    assert_eq!(
        listed.iter().map(|r| (r.name.as_str(), r.state.as_str())).collect::<Vec<_>>(),
        [("heal-1", "COMPLETED")]
    );
    let replayed = replayed_in_log(&observer).await;
    assert_eq!(replayed.len(), 12, "{replayed:?}");
    assert!(replayed.iter().all(|name| name == "heal-1"));

    // A preview of the same window leaves the replayed copies out.
    let again = observer.preview_replay(&request("heal-2", "placed-orders", start, end, &[])).await.expect("preview");
    assert_eq!(again.events_to_replay, 12);

    // AWS's refusals, in its words.
    let backwards =
        observer.start_replay(&request("heal-2", "placed-orders", end, start, &[])).await.expect_err("refused");
    assert!(backwards.to_string().contains("EventStartTime must be before EventEndTime"), "{backwards}");
    let twice = observer.start_replay(&request("heal-1", "placed-orders", start, end, &[])).await.expect_err("refused");
    assert!(twice.to_string().contains("Replay heal-1 already exists."), "{twice}");
    let finished = observer.cancel_replay("heal-1").await.expect_err("refused");
    assert_eq!(finished.code(), Some("IllegalStatusException"), "{finished}");
    let missing =
        observer.start_replay(&request("heal-3", "no-such-archive", start, end, &[])).await.expect_err("refused");
    assert!(missing.to_string().contains("no-such-archive"), "{missing}");
    // And ours, before any call.
    let named = observer.start_replay(&request("heal 3", "placed-orders", start, end, &[])).await.expect_err("refused");
    assert!(named.to_string().contains("only letters, digits"), "{named}");
    let elsewhere = "arn:aws:events:us-east-1:123456789012:rule/forward-shop-events";
    let other_bus = observer
        .start_replay(&request("heal-3", "placed-orders", start, end, &[elsewhere]))
        .await
        .expect_err("refused");
    assert!(other_bus.to_string().contains("is not a rule of bus orders"), "{other_bus}");
    let empty = observer.preview_replay(&request("p", "placed-orders", end, start, &[])).await.expect_err("refused");
    assert!(empty.to_string().contains("start must be before its end"), "{empty}");
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_replay_is_cancelled_part_way() {
    let (system, observer, _dir) = seeded().await;
    create_archive(&observer, "bulk", json!({"detail-type": ["OrderBulk"]})).await;
    let start = now_ms() / 1_000 * 1_000 - 1_000;
    put(&observer, 2_000, "shop.orders", "OrderBulk").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let end = now_ms();
    let started = observer.start_replay(&request("bulk-1", "bulk", start, end, &[])).await.expect("start");
    let cancelled = observer.cancel_replay(&started.name).await.expect("cancel");
    // The runner may have acted on it by the time it is described.
    assert!(matches!(cancelled.state.as_str(), "CANCELLING" | "CANCELLED"), "{cancelled:?}");
    let ended = until_ended(&observer, "bulk-1").await;
    assert_eq!(ended.state, "CANCELLED", "{ended:?}");
    assert!(ended.progress < 1.0, "{ended:?}");
    assert!(replayed_in_log(&observer).await.len() < 2_000);
    system.shutdown().await;
}

#[tokio::test]
async fn circuit_outages_run_from_open_to_the_next_closed() {
    let (system, observer, _dir) = seeded().await;
    let since = now_ms() - 1_000;
    for to in ["OPEN", "HALF_OPEN", "OPEN", "HALF_OPEN", "CLOSED", "OPEN"] {
        let detail = json!({"metadata": {}, "data": {"circuit": "restaurant-partner", "to": to}});
        observer.put_event("orders", "circuits", "Circuit State Changed", &detail).await.expect("put");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let outages = observer.circuit_outages(since).await.expect("outages");
    assert_eq!(outages.len(), 2, "{outages:?}");
    assert_eq!(outages[0].circuit, "restaurant-partner");
    assert_eq!(outages[0].closed_ms, None, "the last outage is still on");
    let closed = outages[1].closed_ms.expect("the first outage ended");
    assert!(outages[1].opened_ms < closed && closed <= outages[0].opened_ms, "{outages:?}");
    system.shutdown().await;
}
