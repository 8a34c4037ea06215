//! How long the app takes from its start to an interactive graph: the UI
//! reports when the first layout of a non-empty graph has finished.
//! `CHOREOSCOPE_EXIT_WHEN_READY=1` prints the figure and quits, for the
//! startup benchmark (`scripts/bench-startup.sh`); `=3000` quits 3 s later.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Notes the start of the process; call first thing.
pub fn mark() {
    let _ = STARTED.set(Instant::now());
}

/// The UI's report that the graph is laid out and can be used, with its
/// milestones (milliseconds since the page began to load).
#[tauri::command]
pub fn graph_ready(app: tauri::AppHandle, marks: Option<BTreeMap<String, f64>>) {
    let elapsed = STARTED.get().map(Instant::elapsed).unwrap_or_default();
    let marks = marks.unwrap_or_default();
    let breakdown = breakdown(elapsed.as_millis() as f64, &marks);
    tracing::info!(ms = elapsed.as_millis() as u64, %breakdown, "interactive graph");
    if let Some(exit) = std::env::var_os("CHOREOSCOPE_EXIT_WHEN_READY") {
        // The benchmark reads this line; stdout is its only output.
        println!("interactive graph after {} ms ({breakdown})", elapsed.as_millis());
        // A number is how long to stay up first (ms): long enough for the
        // webview to write what it keeps between starts (the graph's layout).
        match exit.to_str().and_then(|ms| ms.parse::<u64>().ok()).filter(|ms| *ms > 1) {
            Some(ms) => {
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(ms));
                    app.exit(0);
                });
            }
            None => app.exit(0),
        }
    }
}

/// Where the start-up went: until the page began to load (process, window,
/// WebKit), then each milestone of the page in the order reached.
fn breakdown(total_ms: f64, marks: &BTreeMap<String, f64>) -> String {
    let Some(&ready) = marks.get("ready") else { return "no milestones".into() };
    let page_start = total_ms - ready;
    let mut ordered: Vec<(&String, f64)> = marks.iter().map(|(name, &at)| (name, at)).collect();
    ordered.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut parts = vec![format!("page load began at {page_start:.0} ms")];
    parts.extend(ordered.iter().map(|(name, at)| format!("{name} +{at:.0}")));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breakdown_puts_the_page_start_first_and_milestones_in_order() {
        let marks: BTreeMap<String, f64> =
            [("ready", 700.0), ("script", 120.0), ("topologyReceived", 300.0)].map(|(k, v)| (k.into(), v)).into();
        assert_eq!(
            breakdown(1_000.0, &marks),
            "page load began at 300 ms, script +120, topologyReceived +300, ready +700"
        );
        assert_eq!(breakdown(5.0, &BTreeMap::new()), "no milestones");
    }
}
