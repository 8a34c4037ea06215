//! The side-by-side with moto: one client script (`benches/moto_compare.py`,
//! Python, stdlib only) runs the same load against the local system and
//! against `moto_server`, so neither side gets the Rust client's advantage.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::Load;
use crate::client::thousands;
use crate::cold_start::{Spawned, mib, status_kib};

/// The workspace root: the `.venv` of `./dev setup` lives there.
fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// What the script measured against one endpoint (its `RESULT` line).
pub struct Measured {
    pub result: Value,
    pub rss_kib: Option<u64>,
}

impl Measured {
    pub fn events_per_s(&self) -> f64 {
        self.result["throughput"]["events_per_s"].as_f64().unwrap_or(0.0)
    }

    /// A figure of a latency phase (`latency`, `latency_light`).
    pub fn latency_ms(&self, phase: &str, field: &str) -> Option<f64> {
        self.result[phase][field].as_f64()
    }
}

/// Runs the script against `endpoint`, echoing its report.
async fn script(load: &Load, name: &str, endpoint: &str) -> Option<Value> {
    let root = workspace_root();
    let venv_python = root.join(".venv/bin/python3");
    let python = if venv_python.is_file() { venv_python } else { PathBuf::from("python3") };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/moto_compare.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(endpoint)
        .args(["--events", &load.compare_events.to_string()])
        .args(["--clients", &load.clients.to_string()])
        .args(["--rules", &load.rules.to_string()])
        .args(["--rate", &load.rate.to_string()])
        .args(["--seconds", &load.compare_seconds.to_string()])
        .args(["--light-rate", &load.light_rate.to_string(), "--light-seconds", "5"])
        .args(["--max-seconds", "10", "--drain-seconds", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", python.display()));
    println!("  against {name} ({endpoint}):");
    // Echoed as it comes: against moto a phase takes a while.
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let mut result = None;
    while let Ok(Some(line)) = lines.next_line().await {
        match line.strip_prefix("RESULT ") {
            Some(json) => result = serde_json::from_str(json).ok(),
            None => println!("    {line}"),
        }
    }
    let status = child.wait().await.expect("the script's exit status");
    if !status.success() || result.is_none() {
        println!("    the script failed ({status}) against {name}");
    }
    result
}

/// A free loopback port for moto_server (given port 0, it would not say which it got).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    listener.local_addr().expect("the port's address").port()
}

/// Runs the comparison; `local` is the spawned `choreoscope-local`.
pub async fn compare(load: &Load, local: &Spawned) -> Option<(Measured, Measured)> {
    println!(
        "\nSide by side with moto: benches/moto_compare.py, {} events in batches of 10 from {} threads, {} rules, \
         then put -> SQS receive at {} events/s for 5 s and at {} events/s for {} s",
        load.compare_events,
        load.clients,
        load.rules,
        thousands(load.light_rate),
        thousands(load.rate),
        load.compare_seconds,
    );
    let moto_server = workspace_root().join(".venv/bin/moto_server");
    if !moto_server.is_file() {
        println!(
            "  skipped: {} is missing; `./dev setup` installs it (moto[server] in tests/requirements.txt)",
            moto_server.display()
        );
        return None;
    }

    let ours = script(load, "choreoscope-local", local.aws.endpoint()).await?;
    let ours = Measured { result: ours, rss_kib: status_kib(local.pid(), "VmRSS") };

    let port = free_port();
    let started = Instant::now();
    let mut moto = Command::new(&moto_server)
        .args(["-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", moto_server.display()));
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    // moto_server answers its dashboard's API once it serves.
    while !http.get(format!("{endpoint}/moto-api/data.json")).send().await.is_ok_and(|r| r.status().is_success()) {
        if started.elapsed() > Duration::from_secs(60) {
            println!("  moto_server did not answer on {endpoint} within 60 s; skipped");
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("  moto_server answered {:.0} ms after spawn", started.elapsed().as_secs_f64() * 1000.0);
    let pid = moto.id().expect("moto_server is running");
    let idle = status_kib(pid, "VmRSS");
    let theirs = script(load, "moto_server", &endpoint).await;
    let rss_kib = status_kib(pid, "VmRSS");
    if let Err(error) = moto.kill().await {
        println!("  could not stop moto_server: {error}");
    }
    let theirs = Measured { result: theirs?, rss_kib };

    println!("  side by side                               choreoscope-local    moto_server     ratio");
    let (a, b) = (ours.events_per_s(), theirs.events_per_s());
    println!("    PutEvents throughput (events/s)          {:>15} {:>14} {:>8.1}x", thousands(a), thousands(b), a / b);
    for (phase, rate) in [("latency_light", load.light_rate), ("latency", load.rate)] {
        for (label, field) in [("p50", "p50_ms"), ("p99", "p99_ms")] {
            if let (Some(a), Some(b)) = (ours.latency_ms(phase, field), theirs.latency_ms(phase, field)) {
                let what = format!("put -> SQS receive {label} at {}/s (ms)", thousands(rate));
                println!("    {what:<40} {a:>15.2} {b:>14.2} {:>8.1}x", b / a);
            }
        }
        let delivered = |m: &Measured| format!("{}/{}", m.result[phase]["received"], m.result[phase]["sent"]);
        let what = format!("received/sent at {}/s", thousands(rate));
        println!("    {what:<40} {:>15} {:>14}", delivered(&ours), delivered(&theirs));
    }
    if let (Some(a), Some(b)) = (ours.rss_kib, theirs.rss_kib) {
        println!(
            "    RSS after the load (MiB)                 {:>15.1} {:>14.1} {:>8.1}x",
            mib(a),
            mib(b),
            b as f64 / a as f64
        );
    }
    if let Some(idle) = idle {
        println!("    (moto_server's RSS before any load: {:.1} MiB)", mib(idle));
    }
    Some((ours, theirs))
}
