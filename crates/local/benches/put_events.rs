//! Event delivery of the local system, measured as a client sees it (over
//! HTTP), against the goals of issue 4, and side by side with moto:
//!
//! - throughput: PutEvents in batches of 10 from concurrent clients onto a
//!   bus with 100 rules whose SQS targets receive every matched event; the
//!   bus log OFF (the default) and at INFO;
//! - latency: put → delivery at a paced 2,000 events/s to a function target
//!   and to an SQS target;
//! - cold start of the `choreoscope-local` binary to its first delivered
//!   event, and its idle RSS;
//! - the same client script (`benches/moto_compare.py`) against it and
//!   against `moto_server` from the repo's `.venv`.
//!
//! `cargo bench -p choreoscope-local --bench put_events` prints the figures
//! (in under two minutes on 2 cores). After `--`:
//!
//! - `--events N --clients C --rules R`: the throughput load (20,000, 4, 100);
//! - `--rate EPS --seconds S --consumers K`: the latency runs (2,000, 10, 4);
//! - `--compare-events N --compare-seconds S --light-rate EPS`: the moto
//!   comparison (5,000, 5, 20), run with the cold start's binary;
//! - `--skip-moto`, `--only throughput,latency,cold-start`: fewer sections;
//! - `--no-targets` (rules without targets) and `--no-dispatch` (a dispatcher
//!   that makes no delivery: only deliveries to queues and log groups, made
//!   with the event, happen): where the throughput goes.

// A bench's root is a crate root: its modules would be looked for beside it.
#[path = "put_events/client.rs"]
mod client;
#[path = "put_events/cold_start.rs"]
mod cold_start;
#[path = "put_events/latency.rs"]
mod latency;
#[path = "put_events/moto.rs"]
mod moto;
#[path = "put_events/throughput.rs"]
mod throughput;

use std::time::Duration;

/// The allocator the `choreoscope-local` binary and the app run the local
/// system with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use client::{ms, thousands};
use latency::Probe;

/// The load every section runs.
pub struct Load {
    /// Events of the throughput runs.
    events: usize,
    /// Concurrent clients of the throughput runs.
    clients: usize,
    /// Rules on the bus.
    rules: usize,
    /// Paced rate of the latency runs, events/s.
    rate: f64,
    /// Length of each latency run.
    seconds: f64,
    /// SQS consumers of the latency run.
    consumers: usize,
    /// How long to wait for deliveries after the last put.
    drain_timeout: Duration,
    /// Events of the throughput phase of the moto comparison.
    compare_events: usize,
    /// Length of the paced latency phase of the moto comparison.
    compare_seconds: f64,
    /// Rate of the light latency phase of the moto comparison, one moto keeps up with.
    light_rate: f64,
    /// No moto comparison.
    skip_moto: bool,
    /// Rules without targets: what matching costs without deliveries.
    no_targets: bool,
    /// A dispatcher that makes no delivery: what ingestion costs on its own.
    no_dispatch: bool,
    /// Sections to run (`throughput`, `latency`, `cold-start`); all when empty.
    only: Vec<String>,
}

impl Load {
    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only == section)
    }
}

fn load_from_args() -> Load {
    let mut load = Load {
        events: 20_000,
        clients: 4,
        rules: 100,
        rate: 2_000.0,
        seconds: 10.0,
        consumers: 4,
        drain_timeout: Duration::from_secs(5),
        compare_events: 5_000,
        compare_seconds: 5.0,
        light_rate: 20.0,
        skip_moto: false,
        no_targets: false,
        no_dispatch: false,
        only: Vec::new(),
    };
    let args: Vec<String> = std::env::args().collect();
    load.skip_moto = args.iter().any(|arg| arg == "--skip-moto");
    load.no_targets = args.iter().any(|arg| arg == "--no-targets");
    load.no_dispatch = args.iter().any(|arg| arg == "--no-dispatch");
    for pair in args.windows(2) {
        let number = || pair[1].parse::<f64>().unwrap_or_else(|_| panic!("{} takes a number", pair[0]));
        match pair[0].as_str() {
            "--events" => load.events = number() as usize,
            "--clients" => load.clients = number() as usize,
            "--rules" => load.rules = number() as usize,
            "--rate" => load.rate = number(),
            "--seconds" => load.seconds = number(),
            "--compare-events" => load.compare_events = number() as usize,
            "--compare-seconds" => load.compare_seconds = number(),
            "--light-rate" => load.light_rate = number(),
            "--consumers" => load.consumers = number() as usize,
            "--only" => load.only = pair[1].split(',').map(str::to_owned).collect(),
            _ => {}
        }
    }
    load
}

/// `met` or how far off a figure is.
fn verdict(met: bool, off_by: String) -> String {
    if met { "met".to_owned() } else { format!("missed ({off_by})") }
}

#[tokio::main]
async fn main() {
    let load = load_from_args();
    // First, while the disk has no writes of the other sections to flush: a
    // cold start is of a machine at rest. The binary stays up, idle, for the
    // moto comparison at the end.
    let cold = if load.runs("cold-start") { cold_start::run().await } else { None };
    let off = if load.runs("throughput") {
        let off = throughput::run(&load, None).await;
        throughput::run(&load, Some("INFO")).await;
        Some(off)
    } else {
        None
    };
    let latencies = if load.runs("latency") {
        vec![
            ("function", latency::run(&load, Probe::Function).await),
            ("SQS target", latency::run(&load, Probe::Queue).await),
        ]
    } else {
        Vec::new()
    };
    let compared = match &cold {
        Some(_) if load.skip_moto => {
            println!("\nSide by side with moto: skipped (--skip-moto)");
            None
        }
        Some((spawned, _)) => moto::compare(&load, spawned).await,
        None => None,
    };

    println!("\nAgainst the goals of issue 4:");
    if let Some(off) = off {
        let per_s = off.events_per_s;
        println!(
            "  PutEvents, durable, bus log OFF      {:>9} events/s   goal >= 20,000   {}",
            thousands(per_s),
            verdict(per_s >= 20_000.0, format!("{:.0}% of it", per_s / 200.0)),
        );
    }
    for (what, run) in &latencies {
        let Some(summary) = run.delivery else {
            println!("  put -> {what:<10} p99              nothing delivered");
            continue;
        };
        let p99 = ms(summary.p99);
        println!(
            "  put -> {what:<10} p99              {p99:>9.2} ms         goal < 5 ms      {}{}",
            verdict(p99 < 5.0, format!("{:.1}x", p99 / 5.0)),
            if run.delivered < run.sent {
                format!(", only {} of {} delivered", run.delivered, run.sent)
            } else {
                String::new()
            },
        );
    }
    if let Some((_, cold)) = &cold {
        let first = ms(cold.to_first_event);
        println!(
            "  cold start -> first delivered event  {first:>9.1} ms         goal < 100 ms    {} (health after {:.1} ms)",
            verdict(first < 100.0, format!("{:.1}x", first / 100.0)),
            ms(cold.to_health),
        );
        if let Some(kib) = cold.idle_rss_kib {
            let rss = cold_start::mib(kib);
            println!(
                "  idle RSS                             {rss:>9.1} MiB        goal < 30 MiB    {}",
                verdict(rss < 30.0, format!("{:.1}x", rss / 30.0)),
            );
        }
    }
    if let Some((ours, theirs)) = &compared {
        println!(
            "  throughput vs moto (same script)     {:>9.1}x            goal: well ahead",
            ours.events_per_s() / theirs.events_per_s(),
        );
    }
    if let Some((mut spawned, _)) = cold {
        let _ = spawned.child.kill().await;
    }
}
