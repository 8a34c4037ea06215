//! Cold start and idle memory of the real `choreoscope-local` binary, as the
//! desktop app starts it: a fresh data dir, then a queue, a rule and a target,
//! and one event all the way to a consumer.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::client::{Aws, ms};

/// A running `choreoscope-local`, killed when dropped.
pub struct Spawned {
    pub child: Child,
    pub aws: Aws,
    _data_dir: tempfile::TempDir,
}

impl Spawned {
    pub fn pid(&self) -> u32 {
        self.child.id().expect("choreoscope-local is still running")
    }
}

/// What the cold start measured.
pub struct ColdStart {
    pub to_health: Duration,
    pub to_first_event: Duration,
    pub idle_rss_kib: Option<u64>,
}

/// The binary cargo built beside this bench, if it is there.
pub fn binary() -> Option<PathBuf> {
    // The binary is in crates/demo now: build it first
    // (`cargo build --release --bin choreoscope-local`); it is then
    // `../choreoscope-local` from `target/release/deps/`.
    let built = option_env!("CARGO_BIN_EXE_choreoscope-local").map(PathBuf::from);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(Path::parent).map(|dir| dir.join("choreoscope-local")));
    built.into_iter().chain(beside).find(|path| path.is_file())
}

/// A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Starts the binary on a free port with a fresh data dir; returns it with
/// the time to its first health answer.
async fn spawn(binary: &Path) -> (Spawned, Duration) {
    let data_dir = tempfile::tempdir().expect("a temp dir for the store");
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["--port", "0", "--data-dir"])
        .arg(data_dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary.display()));
    // It prints its endpoint on one stdout line once it listens.
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("choreoscope-local prints its endpoint within 10 s")
        .expect("choreoscope-local's stdout")
        .expect("choreoscope-local prints its endpoint before exiting");
    let endpoint = line.rsplit(' ').next().expect("an endpoint on the line").to_owned();
    let health = format!("{endpoint}/_choreoscope/health");
    let http = reqwest::Client::new();
    loop {
        if http.get(&health).send().await.is_ok_and(|response| response.status().is_success()) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no health answer from {health} within 10 s");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let to_health = started.elapsed();
    (Spawned { child, aws: Aws::new(endpoint), _data_dir: data_dir }, to_health)
}

/// Runs the cold start; returns the system still running, for the moto
/// comparison, or `None` (and says why) when the binary is missing.
pub async fn run() -> Option<(Spawned, ColdStart)> {
    let Some(binary) = binary() else {
        println!("\nCold start: skipped, choreoscope-local is not built beside this bench;");
        println!("  run `cargo build --release -p choreoscope-local` and run the bench again.");
        return None;
    };
    let started = Instant::now();
    let (spawned, to_health) = spawn(&binary).await;
    let aws = &spawned.aws;
    let (url, arn) = aws.create_queue("cold-start").await;
    let pattern = json!({"source": ["bench.cold-start"]}).to_string();
    aws.call("AWSEvents.PutRule", json!({"Name": "cold-start", "EventPattern": pattern})).await;
    let target = json!({"Id": "queue", "Arn": arn});
    aws.call("AWSEvents.PutTargets", json!({"Rule": "cold-start", "Targets": [target]})).await;
    let put = Instant::now();
    let entry = json!({"Source": "bench.cold-start", "DetailType": "ColdStart", "Detail": "{}"});
    aws.put_events(vec![entry]).await;
    loop {
        let receive = json!({"QueueUrl": url, "MaxNumberOfMessages": 1, "WaitTimeSeconds": 5});
        let received = aws.call("AmazonSQS.ReceiveMessage", receive).await;
        if received["Messages"].as_array().is_some_and(|messages| !messages.is_empty()) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the first event never reached its queue");
    }
    let to_first_event = started.elapsed();
    let put_to_receive = put.elapsed();

    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss_kib = status_kib(spawned.pid(), "VmRSS");

    println!("\nCold start of {} (fresh data dir)", binary.display());
    println!("  spawn -> first /_choreoscope/health answer   {:>7.1} ms", ms(to_health));
    println!(
        "  spawn -> queue + rule + target created, one event put and received   {:>7.1} ms (put -> received {:.1} ms)",
        ms(to_first_event),
        ms(put_to_receive),
    );
    match idle_rss_kib {
        Some(kib) => println!("  idle RSS after setup and 2 s idle             {:>7.1} MiB (VmRSS)", mib(kib)),
        None => println!("  idle RSS: /proc/<pid>/status is not readable here"),
    }
    Some((spawned, ColdStart { to_health, to_first_event, idle_rss_kib }))
}
