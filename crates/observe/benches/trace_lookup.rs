//! How long the dashboard takes to find one event's trace among 1,000,000
//! logged events (issue 7's goal: under 50 ms).
//!
//! A bus log group is filled in process with `EVENT_INGEST_SUCCESS` records
//! of 1,000,000 events (`--events N`), each with its `RULE_MATCH` record for
//! one event in a hundred; then the local system is started over that store
//! and `Observer::trace` (ListEventBuses, then FilterLogEvents with
//! `{ $.event_id = "…" }` through the real AWS SDK over HTTP) is timed for
//! random events. A text search (`"<value>"`, which no index serves) is
//! timed for comparison.
//!
//! `cargo bench -p choreoscope-observe --bench trace_lookup [-- --events 1000000 --lookups 200]`

use std::time::{Duration, Instant};

use choreoscope_local::{Config, LocalSystem, Requests};
use choreoscope_observe::{Connection, Observer};
use serde_json::{Value, json};

const GROUP: &str = "/aws/vendedlogs/events/event-bus/default";
const STREAM: &str = "eventbridge-event-bus-logs";
const BATCH: usize = 1_200;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2).find(|pair| pair[0] == name).and_then(|pair| pair[1].parse().ok()).unwrap_or(default)
}

fn event_id(n: usize) -> String {
    format!("{:08x}-5e1c-4d7a-9b1e-{:012x}", n, n.wrapping_mul(2_654_435_761))
}

fn record(n: usize, step: &str, at: i64) -> Value {
    let id = event_id(n);
    let event = json!({
        "version": "0", "id": id, "detail-type": "OrderPlaced", "source": "food-delivery.orders",
        "account": "123456789012", "time": "2026-11-22T12:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"metadata": {"correlationId": format!("o-{n}")}, "data": {"orderId": format!("o-{n}"), "totalCents": n % 5_000}},
    });
    json!({"timestamp": at, "message": json!({
        "resource_arn": "arn:aws:events:us-east-1:123456789012:event-bus/default",
        "event_id": id, "message_type": step, "log_level": "INFO",
        "details": {"caller_account_id": "123456789012", "source": "food-delivery.orders", "detail_type": "OrderPlaced", "event_detail": event.to_string()},
    }).to_string()})
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1_000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events = arg("--events", 1_000_000);
    let lookups = arg("--lookups", 200);
    let dir = tempfile::tempdir().expect("temp dir");

    let started = Instant::now();
    {
        let requests = Requests::open(Config::new(dir.path())).expect("store");
        let (status, _) =
            requests.call("Logs_20140328.CreateLogGroup", json!({"logGroupName": GROUP}).to_string().as_bytes()).await;
        assert!(status == 200 || status == 400);
        let (status, body) = requests
            .call(
                "Logs_20140328.CreateLogStream",
                json!({"logGroupName": GROUP, "logStreamName": STREAM}).to_string().as_bytes(),
            )
            .await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
        let base = now - events as i64 - 60_000;
        let mut batch = Vec::with_capacity(BATCH);
        for n in 0..events {
            let at = base + n as i64;
            batch.push(record(n, "EVENT_INGEST_SUCCESS", at));
            if n % 100 == 0 {
                batch.push(record(n, "RULE_MATCH", at));
            }
            if batch.len() >= BATCH || n + 1 == events {
                let input = json!({"logGroupName": GROUP, "logStreamName": STREAM, "logEvents": batch});
                let (status, body) = requests.call("Logs_20140328.PutLogEvents", input.to_string().as_bytes()).await;
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                batch.clear();
            }
        }
    }
    let filled = started.elapsed();
    let size: u64 = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|meta| meta.len())
        .sum();

    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    // Warm the connection and the page cache once.
    observer.trace(&event_id(0)).await.expect("trace");

    let mut times = Vec::with_capacity(lookups);
    let mut state: usize = 0x9E37_79B9;
    for _ in 0..lookups {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let n = (state >> 11) % events / 100 * 100; // one with a RULE_MATCH record too
        let id = event_id(n);
        let started = Instant::now();
        let trace = observer.trace(&id).await.expect("trace");
        times.push(started.elapsed());
        assert_eq!(trace.hops.len(), 1, "the trace of {id}");
        assert_eq!(trace.hops[0].matched_rules.len(), 0);
    }
    times.sort();

    // The unindexed path, for comparison: a text search scans the group.
    let logs = observer.logs();
    let scan_started = Instant::now();
    let mut scanned = 0;
    let mut token: Option<String> = None;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name(GROUP)
            .filter_pattern(format!("\"o-{}\"", events / 2))
            .set_next_token(token)
            .send()
            .await
            .expect("filter");
        scanned += page.events().len();
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let scan = scan_started.elapsed();

    println!(
        "trace lookup among {events} logged events ({} records, store {:.0} MiB, filled in {:.1} s)",
        events + events / 100,
        size as f64 / 1_048_576.0,
        filled.as_secs_f64()
    );
    println!(
        "  Observer::trace over HTTP, {lookups} random events: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (goal < 50 ms)",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
    println!(
        "  for comparison, an unindexed text search over the same group: {:.0} ms ({scanned} found)",
        scan.as_secs_f64() * 1_000.0
    );
    system.shutdown().await;
}
