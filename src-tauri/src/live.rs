//! Live push: the UI is told when the topology changes and when events
//! arrive, without asking.

use std::time::Duration;

use choreoscope_model::{ConnectionMode, Topology};
use choreoscope_observe::{EventTail, Observer};
use tauri::{AppHandle, Emitter};

/// Event name of a changed topology; payload: `Topology`.
pub const TOPOLOGY_CHANGED: &str = "topology-changed";
/// Event name of new events; payload: `BusEvent[]`, newest first.
pub const EVENTS_RECEIVED: &str = "events-received";

/// How often the local system's bus logs are read: well under the one second
/// in which a put event must show.
const LOCAL_EVENT_POLL: Duration = Duration::from_millis(400);
/// How often AWS's are read: FilterLogEvents has an account-wide quota of a
/// few requests per second, shared with everything else in the account, and
/// each poll costs one request per bus.
const AWS_EVENT_POLL: Duration = Duration::from_secs(3);
/// How often the local system's topology is read.
const LOCAL_TOPOLOGY_EVERY: Duration = Duration::from_secs(3);
/// How often AWS's is read: one read is a List call per bus and per rule,
/// against EventBridge's control-plane quotas, and topologies change rarely.
const AWS_TOPOLOGY_EVERY: Duration = Duration::from_secs(30);
/// The tail starts a little in the past so events put while the UI loads
/// are not missed (the UI drops duplicates).
const START_OVERLAP_MS: i64 = 5_000;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

/// Runs the push loop for the life of the app.
pub fn spawn(app: AppHandle, observer: Observer) {
    let (event_poll, topology_interval) = match observer.info().mode {
        ConnectionMode::Local => (LOCAL_EVENT_POLL, LOCAL_TOPOLOGY_EVERY),
        ConnectionMode::Aws => (AWS_EVENT_POLL, AWS_TOPOLOGY_EVERY),
    };
    // The topology is read every this many event polls.
    let topology_every = (topology_interval.as_millis() / event_poll.as_millis()).max(1) as u32;
    tauri::async_runtime::spawn(async move {
        let mut tail = EventTail::since(now_ms() - START_OVERLAP_MS);
        let mut last: Option<Topology> = None;
        let mut buses: Vec<String> = Vec::new();
        for tick in 0u32.. {
            if tick % topology_every == 0 {
                refresh_topology(&app, &observer, &mut last, &mut buses).await;
            }
            match tail.poll(observer.logs(), &buses).await {
                Ok(page) if !page.events.is_empty() => {
                    if let Err(error) = app.emit(EVENTS_RECEIVED, &page.events) {
                        tracing::warn!(%error, "cannot push events to the UI");
                    }
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot read events"),
            }
            tokio::time::sleep(event_poll).await;
        }
    });
}

async fn refresh_topology(app: &AppHandle, observer: &Observer, last: &mut Option<Topology>, buses: &mut Vec<String>) {
    match observer.topology().await {
        Ok(topology) => {
            *buses = topology
                .nodes
                .iter()
                .filter(|n| n.kind == choreoscope_model::NodeKind::Bus)
                .map(|n| n.label.clone())
                .collect();
            if last.as_ref() != Some(&topology) {
                if let Err(error) = app.emit(TOPOLOGY_CHANGED, &topology) {
                    tracing::warn!(%error, "cannot push the topology to the UI");
                }
                *last = Some(topology);
            }
        }
        Err(error) => tracing::warn!(%error, "cannot read the topology"),
    }
}
