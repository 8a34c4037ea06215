//! PutEvents throughput: events in batches of 10 from concurrent clients onto
//! a bus with the rule mix, every accepted event committed (with its
//! deliveries) before PutEvents answers; then how long the dispatcher takes
//! to make every delivery.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use choreoscope_local::{Config, LocalSystem};
use serde_json::json;

use crate::Load;
use crate::client::{Aws, QUEUES, RuleMix, Summary, ms, thousands};

const BUS: &str = "bench";

/// What one run measured.
pub struct Throughput {
    pub events_per_s: f64,
}

/// Runs the load against a fresh local system whose bus log is at `log_level`
/// (`None`: the default, OFF).
pub async fn run(load: &Load, log_level: Option<&str>) -> Throughput {
    let dir = tempfile::tempdir().expect("a temp dir for the store");
    let mut config = Config::new(dir.path()).with_port(0);
    if load.no_dispatch {
        // A dispatcher that calls no target outside the store: what
        // ingestion costs without its calls (deliveries to queues and log
        // groups are made with the event, whatever the dispatcher does).
        config.delivery.concurrency = 0;
    }
    let system = LocalSystem::start(config).await.expect("the local system starts");
    let aws = Aws::new(system.endpoint_url());
    let mix = RuleMix { rules: load.rules };

    aws.call("AWSEvents.CreateEventBus", json!({"Name": BUS})).await;
    if let Some(level) = log_level {
        let log = json!({"Level": level, "IncludeDetail": "FULL"});
        aws.call("AWSEvents.UpdateEventBus", json!({"Name": BUS, "LogConfig": log})).await;
    }
    let mut queue_urls = Vec::new();
    let mut queue_arns = Vec::new();
    for queue in 0..QUEUES {
        let (url, arn) = aws.create_queue(&format!("bench-{queue}")).await;
        queue_urls.push(url);
        queue_arns.push(arn);
    }
    if load.no_targets {
        queue_arns.clear();
    }
    mix.install(&aws, BUS, &queue_arns).await;

    let batches = load.events.div_ceil(10);
    let events = batches * 10;
    // Clients take the next batch as they finish one, so a slow request
    // does not leave a client's share for last.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..load.clients {
        let (aws, next) = (aws.clone(), next.clone());
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let batch = next.fetch_add(1, Ordering::Relaxed);
                if batch >= batches {
                    return latencies;
                }
                let entries = (batch * 10..batch * 10 + 10).map(|seq| mix.entry(BUS, seq)).collect();
                let sent = Instant::now();
                aws.put_events(entries).await;
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await.expect("a client task"));
    }
    let elapsed = started.elapsed();
    let requests = Summary::of(latencies).expect("at least one request");
    let events_per_s = events as f64 / elapsed.as_secs_f64();

    let level = log_level.map_or_else(|| "OFF (the default)".to_owned(), |level| format!("{level}, full detail"));
    let targets = match (load.no_targets, load.no_dispatch) {
        (true, _) => " (no targets: --no-targets)",
        (false, true) => " (no dispatcher: --no-dispatch)",
        (false, false) => "",
    };
    println!(
        "\nThroughput: {events} events in PutEvents batches of 10 from {} clients, {} rules on the bus{targets}, \
         bus log {level}",
        load.clients, load.rules,
    );
    println!(
        "  accepted (committed to SQLite)  {:>8} events/s in {:.2} s",
        thousands(events_per_s),
        elapsed.as_secs_f64()
    );
    println!("  PutEvents request               {requests}");

    // Deliveries go on after the last PutEvents answered; waiting for them
    // tells whether the dispatcher keeps up with ingestion.
    let expected: usize = if load.no_targets { 0 } else { (0..events).map(|seq| mix.matches(seq)).sum() };
    let deadline = Instant::now() + if load.no_dispatch { Duration::ZERO } else { load.drain_timeout };
    loop {
        let mut delivered = 0;
        for url in &queue_urls {
            delivered += aws.queue_depth(url).await as usize;
        }
        let so_far = started.elapsed();
        let rate = thousands(delivered as f64 / so_far.as_secs_f64());
        if delivered >= expected {
            println!(
                "  deliveries to SQS targets       all {expected} made {:.2} s after the first put ({rate} deliveries/s)",
                so_far.as_secs_f64(),
            );
            break;
        }
        if Instant::now() > deadline {
            println!(
                "  deliveries to SQS targets       {delivered} of {expected} made {:.1} s after the first put \
                 ({rate} deliveries/s; stopped waiting)",
                so_far.as_secs_f64(),
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    if log_level.is_some() {
        read_back(&aws, events).await;
    }
    system.shutdown().await;
    Throughput { events_per_s }
}

/// Reads the run's `EVENT_INGEST_SUCCESS` records back, as the dashboard does.
async fn read_back(aws: &Aws, events: usize) {
    let started = Instant::now();
    let mut read = 0;
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"logGroupName": format!("/aws/vendedlogs/events/event-bus/{BUS}"), "filterPattern": "EVENT_INGEST_SUCCESS"});
        if let Some(token) = &token {
            body["nextToken"] = token.clone().into();
        }
        let page = aws.call("Logs_20140328.FilterLogEvents", body).await;
        read += page["events"].as_array().map_or(0, Vec::len);
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(read, events, "every accepted event is in the bus log");
    println!(
        "  FilterLogEvents read-back       {} records/s ({read} records in {:.0} ms)",
        thousands(read as f64 / elapsed.as_secs_f64()),
        ms(elapsed),
    );
}
