//! How long the app takes from its start to an interactive graph: the UI
//! reports when the first layout of a non-empty graph has finished.
//! `CHOREOSCOPE_EXIT_WHEN_READY=1` prints the figure and quits, for the
//! startup benchmark (`scripts/bench-startup.sh`).

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Notes the start of the process; call first thing.
pub fn mark() {
    let _ = STARTED.set(Instant::now());
}

/// The UI's report that the graph is laid out and can be used.
#[tauri::command]
pub fn graph_ready(app: tauri::AppHandle) {
    let elapsed = STARTED.get().map(Instant::elapsed).unwrap_or_default();
    tracing::info!(ms = elapsed.as_millis() as u64, "interactive graph");
    if std::env::var_os("CHOREOSCOPE_EXIT_WHEN_READY").is_some() {
        // The benchmark reads this line; stdout is its only output.
        println!("interactive graph after {} ms", elapsed.as_millis());
        app.exit(0);
    }
}
