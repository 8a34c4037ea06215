//! PutEvents throughput and latency of the local system, over HTTP as a
//! client sees it, and how fast the bus log reads back.
//!
//! `cargo bench -p choreoscope-local --bench put_events` prints the figures
//! (`-- --events N --clients C --rules R` to change the load).

use std::time::{Duration, Instant};

use choreoscope_local::{Config, LocalSystem};
use serde_json::{Value, json};

struct Load {
    events: usize,
    clients: usize,
    rules: usize,
}

fn load_from_args() -> Load {
    let mut load = Load { events: 20_000, clients: 4, rules: 50 };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        let value = || pair[1].parse().unwrap_or_else(|_| panic!("{} takes a number", pair[0]));
        match pair[0].as_str() {
            "--events" => load.events = value(),
            "--clients" => load.clients = value(),
            "--rules" => load.rules = value(),
            _ => {}
        }
    }
    load
}

async fn call(http: &reqwest::Client, endpoint: &str, target: &str, body: Value) -> Value {
    let response = http
        .post(endpoint)
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", target)
        .body(body.to_string())
        .send()
        .await
        .expect("the local system answers");
    assert!(response.status().is_success(), "{target} failed: {}", response.text().await.unwrap_or_default());
    response.json().await.expect("JSON")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let load = load_from_args();
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("starts");
    let endpoint = system.endpoint_url();
    let http = reqwest::Client::new();

    call(&http, &endpoint, "AWSEvents.CreateEventBus", json!({"Name": "bench"})).await;
    call(
        &http,
        &endpoint,
        "AWSEvents.UpdateEventBus",
        json!({"Name": "bench", "LogConfig": {"Level": "INFO", "IncludeDetail": "FULL"}}),
    )
    .await;
    for i in 0..load.rules {
        let pattern = json!({"source": ["shop.orders"], "detail": {"kind": [format!("kind-{i}")]}});
        let rule = json!({"Name": format!("rule-{i}"), "EventBusName": "bench", "EventPattern": pattern.to_string()});
        call(&http, &endpoint, "AWSEvents.PutRule", rule).await;
    }

    let batches = load.events.div_ceil(10);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..load.clients {
        let (http, endpoint) = (http.clone(), endpoint.clone());
        let rules = load.rules;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for batch in (client..batches).step_by(load.clients) {
                let entries: Vec<Value> = (0..10)
                    .map(|i| {
                        let detail = json!({"kind": format!("kind-{}", (batch * 10 + i) % rules.max(1)), "orderId": batch * 10 + i});
                        json!({"EventBusName": "bench", "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": detail.to_string()})
                    })
                    .collect();
                let sent = Instant::now();
                let result = call(&http, &endpoint, "AWSEvents.PutEvents", json!({"Entries": entries})).await;
                latencies.push(sent.elapsed());
                assert_eq!(result["FailedEntryCount"], 0);
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    latencies.sort();

    let read_started = Instant::now();
    let mut read = 0;
    let mut token: Option<String> = None;
    loop {
        let mut body =
            json!({"logGroupName": "/aws/vendedlogs/events/event-bus/bench", "filterPattern": "EVENT_INGEST_SUCCESS"});
        if let Some(token) = &token {
            body["nextToken"] = token.clone().into();
        }
        let page = call(&http, &endpoint, "Logs_20140328.FilterLogEvents", body).await;
        read += page["events"].as_array().map_or(0, Vec::len);
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    let read_elapsed = read_started.elapsed();
    assert_eq!(read, batches * 10, "every accepted event is in the bus log");

    println!(
        "PutEvents, {} events in batches of 10, {} clients, {} rules on the bus, bus log INFO/FULL:",
        batches * 10,
        load.clients,
        load.rules
    );
    println!("  throughput        {:>8.0} events/s", (batches * 10) as f64 / elapsed.as_secs_f64());
    println!("  batch latency p50 {:>8.2} ms", percentile(&latencies, 0.50).as_secs_f64() * 1000.0);
    println!("  batch latency p99 {:>8.2} ms", percentile(&latencies, 0.99).as_secs_f64() * 1000.0);
    println!("FilterLogEvents read-back of {read} events: {:.0} events/s", read as f64 / read_elapsed.as_secs_f64());
    system.shutdown().await;
}
