//! Live push: the UI is told when the topology changes, when events arrive
//! and what moves through the graph, without asking.

use std::time::Duration;

use choreoscope_model::{ActivityBatch, ConnectionMode, Topology};
use choreoscope_observe::activity::{Activity, CIRCUIT_FILTER, QueueDepths, dead_letter_queues};
use choreoscope_observe::bus_log::LogTail;
use choreoscope_observe::{EventTail, Observer};
use tauri::{AppHandle, Emitter};

/// Event name of a changed topology; payload: `Topology`.
pub const TOPOLOGY_CHANGED: &str = "topology-changed";
/// Event name of new events; payload: `BusEvent[]`, newest first.
pub const EVENTS_RECEIVED: &str = "events-received";
/// Event name of the graph's live activity; payload: `ActivityBatch`.
pub const ACTIVITY: &str = "activity";
/// Event name of a switched, started, stopped or reset connection, sent
/// after the old connection's loop has ended and before the new one's
/// first push; payload: `ConnectionsOverview`.
pub const CONNECTION_CHANGED: &str = "connection-changed";

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
/// How often dead-letter queues' depths are read (two SQS calls per queue the
/// first time, one after).
const LOCAL_DLQ_EVERY: Duration = Duration::from_secs(3);
const AWS_DLQ_EVERY: Duration = Duration::from_secs(30);
/// The tail starts a little in the past so events put while the UI loads
/// are not missed (the UI drops duplicates).
const START_OVERLAP_MS: i64 = 5_000;
/// How far back circuits' states are read at start: a circuit open since
/// before the app started is shown too.
const CIRCUIT_HISTORY_MS: i64 = 24 * 60 * 60 * 1000;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

/// What the loop keeps between polls.
struct Live {
    app: AppHandle,
    observer: Observer,
    /// One read of the bus logs per poll feeds the event list and the activity.
    logs: LogTail,
    events: EventTail,
    activity: Activity,
    depths: QueueDepths,
    last_topology: Option<Topology>,
    buses: Vec<String>,
    dead_letter_queues: Vec<String>,
    /// The counters last pushed: an unchanged snapshot without hops is not sent again.
    last_pushed: Option<ActivityBatch>,
}

/// The push loop of one connection.
pub struct LiveLoop {
    task: tauri::async_runtime::JoinHandle<()>,
}

impl LiveLoop {
    /// Ends the loop and waits until it has: nothing of the old connection
    /// is pushed after this returns.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Runs the push loop on a connection until it is stopped.
pub fn spawn(app: AppHandle, observer: Observer) -> LiveLoop {
    let (event_poll, topology_interval, dlq_interval) = match observer.info().mode {
        ConnectionMode::Local => (LOCAL_EVENT_POLL, LOCAL_TOPOLOGY_EVERY, LOCAL_DLQ_EVERY),
        ConnectionMode::Aws => (AWS_EVENT_POLL, AWS_TOPOLOGY_EVERY, AWS_DLQ_EVERY),
    };
    // The topology and the DLQs are read every this many polls.
    let every = |interval: Duration| (interval.as_millis() / event_poll.as_millis()).max(1) as u32;
    let (topology_every, dlq_every) = (every(topology_interval), every(dlq_interval));
    let task = tauri::async_runtime::spawn(async move {
        let start = now_ms() - START_OVERLAP_MS;
        let mut live = Live {
            app,
            observer,
            logs: LogTail::since(start),
            events: EventTail::since(start),
            activity: Activity::default(),
            depths: QueueDepths::default(),
            last_topology: None,
            buses: Vec::new(),
            dead_letter_queues: Vec::new(),
            last_pushed: None,
        };
        let mut circuits_read = false;
        for tick in 0u32.. {
            if tick % topology_every == 0 {
                live.refresh_topology().await;
            }
            if !circuits_read && !live.buses.is_empty() {
                circuits_read = live.read_circuits().await;
            }
            if tick % dlq_every == 0 && !live.dead_letter_queues.is_empty() {
                let depths = live.depths.read(live.observer.sqs(), &live.dead_letter_queues).await;
                live.activity.set_dlq_depths(depths);
            }
            live.poll_logs().await;
            tokio::time::sleep(event_poll).await;
        }
    });
    LiveLoop { task }
}

impl Live {
    async fn refresh_topology(&mut self) {
        match self.observer.topology().await {
            Ok(topology) => {
                self.buses = topology
                    .nodes
                    .iter()
                    .filter(|n| n.kind == choreoscope_model::NodeKind::Bus)
                    .map(|n| n.label.clone())
                    .collect();
                self.dead_letter_queues = dead_letter_queues(&topology);
                if self.last_topology.as_ref() != Some(&topology) {
                    if let Err(error) = self.app.emit(TOPOLOGY_CHANGED, &topology) {
                        tracing::warn!(%error, "cannot push the topology to the UI");
                    }
                    self.last_topology = Some(topology);
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the topology"),
        }
    }

    /// Reads the circuits' changes of the last day; whether it could.
    async fn read_circuits(&mut self) -> bool {
        let mut history = LogTail::since(now_ms() - CIRCUIT_HISTORY_MS);
        match history.poll(self.observer.logs(), &self.buses, Some(CIRCUIT_FILTER)).await {
            Ok(records) => {
                self.activity.prime_circuits(&records);
                true
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the circuits' history");
                false
            }
        }
    }

    /// One read of every bus's log: new events to the event list, every
    /// record to the activity, then the activity pushed.
    async fn poll_logs(&mut self) {
        match self.logs.poll(self.observer.logs(), &self.buses, None).await {
            Ok(records) => {
                let page = self.events.take(&records);
                if !page.events.is_empty()
                    && let Err(error) = self.app.emit(EVENTS_RECEIVED, &page.events)
                {
                    tracing::warn!(%error, "cannot push events to the UI");
                }
                self.activity.ingest(&records);
                self.observer.learn(&records);
            }
            Err(error) => tracing::warn!(%error, "cannot read the bus logs"),
        }
        let batch = self.activity.batch(now_ms());
        let unchanged = self.last_pushed.as_ref().is_some_and(|last| {
            batch.hops.is_empty()
                && last.edges == batch.edges
                && last.nodes == batch.nodes
                && last.circuits == batch.circuits
        });
        if unchanged {
            return;
        }
        if let Err(error) = self.app.emit(ACTIVITY, &batch) {
            tracing::warn!(%error, "cannot push activity to the UI");
        }
        self.last_pushed = Some(ActivityBatch { hops: Vec::new(), ..batch });
    }
}
