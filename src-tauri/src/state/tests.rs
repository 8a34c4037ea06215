//! Switching and local-mode control against real local systems in temp folders.

use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{ConnectionKind, ConnectionSpec, LocalState, NodeKind, SavedConnection};

use super::AppState;
use crate::local_mode::{LocalMode, LocalSettings};
use crate::saved_connections::tests::TempDir;
use crate::saved_connections::{LOCAL_ID, SavedConnections};

fn settings(dir: &TempDir) -> LocalSettings {
    LocalSettings { data_dir: Some(dir.0.join("local")), port: 0, no_demo: true, orders_per_sec: 0.0 }
}

async fn buses(state: &AppState) -> Vec<String> {
    let topology = state.observer().topology().await.expect("topology");
    let mut buses: Vec<String> =
        topology.nodes.into_iter().filter(|n| n.kind == NodeKind::Bus).map(|n| n.label).collect();
    buses.sort();
    buses
}

fn endpoint(name: &str, url: &str) -> SavedConnection {
    SavedConnection {
        id: String::new(),
        name: name.into(),
        spec: ConnectionSpec {
            kind: ConnectionKind::Endpoint,
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url.into()),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switches_from_the_local_system_to_an_endpoint_and_back() {
    let dir = TempDir::new();
    // Another real local system, with a bus of its own, reached by endpoint URL.
    let other = LocalSystem::start(Config::new(dir.0.join("other")).with_port(0)).await.expect("other system");
    other.api().call("AWSEvents.CreateEventBus", serde_json::json!({"Name": "elsewhere"})).await.expect("bus");
    let state = AppState::start_local(LocalMode::new(settings(&dir))).await.expect("local mode");
    state.attach(None, SavedConnections::in_dir(&dir.0.join("config"))).await;
    assert_eq!(buses(&state).await, ["default", "orders"]);
    let local_url = state.observer().info().endpoint_url.clone().expect("local endpoint");

    let overview = state.switch_to(endpoint("Other", &other.endpoint_url())).await.expect("switch");
    assert_eq!(overview.current.name, "Other");
    assert_eq!(overview.current.local, None);
    assert_eq!(overview.current.info.endpoint_url, Some(other.endpoint_url()));
    assert_eq!(buses(&state).await, ["default", "elsewhere"]);
    // Leaving local mode stopped the local system.
    assert!(connect_to(&local_url).await.is_err(), "the local system still answers");

    // A switch that fails says why and leaves the current connection working.
    let refused = state.switch_to(endpoint("Nowhere", "http://127.0.0.1:1")).await.expect_err("nothing listens");
    assert!(refused.starts_with("Could not reach http://127.0.0.1:1"), "{refused}");
    assert_eq!(buses(&state).await, ["default", "elsewhere"]);
    assert_eq!(state.overview().await.current.name, "Other");

    // Back to the local system: started again, with what it had.
    let overview = state.switch(LOCAL_ID).await.expect("back to local");
    assert_eq!(overview.current.local, Some(LocalState::Running));
    assert_eq!(overview.current.saved_id.as_deref(), Some(LOCAL_ID));
    assert_eq!(buses(&state).await, ["default", "orders"]);
    other.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_system_stops_starts_and_resets() {
    let dir = TempDir::new();
    let state = AppState::start_local(LocalMode::new(settings(&dir))).await.expect("local mode");
    state.attach(None, SavedConnections::in_dir(&dir.0.join("config"))).await;
    let eventbridge = || state.observer().eventbridge().clone();
    eventbridge().create_event_bus().name("scratch").send().await.expect("create bus");
    let url = state.observer().info().endpoint_url.clone().expect("endpoint");

    let stopped = state.stop_local_system().await.expect("stop");
    assert_eq!(stopped.current.local, Some(LocalState::Stopped));
    assert!(state.observer().topology().await.is_err(), "nothing answers once stopped");

    let started = state.start_local_system().await.expect("start");
    assert_eq!(started.current.local, Some(LocalState::Running));
    assert_eq!(started.current.info.endpoint_url.as_ref(), Some(&url), "same port after a restart");
    assert_eq!(buses(&state).await, ["default", "orders", "scratch"], "a restart keeps the data");

    let reset = state.reset_local_system().await.expect("reset");
    assert_eq!(reset.current.local, Some(LocalState::Running));
    assert_eq!(buses(&state).await, ["default", "orders"], "a reset starts afresh, sample topology again");
    assert!(dir.0.join("local").join(choreoscope_local::store::Store::FILE_NAME).is_file());

    state.stop_local_system().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_controls_need_the_local_connection() {
    let dir = TempDir::new();
    let other = LocalSystem::start(Config::new(dir.0.join("other")).with_port(0)).await.expect("other system");
    let state = AppState::start_local(LocalMode::new(settings(&dir))).await.expect("local mode");
    state.attach(None, SavedConnections::in_dir(&dir.0.join("config"))).await;
    let saved =
        state.saved().await.expect("store").add("Other", endpoint("", &other.endpoint_url()).spec).expect("add");
    let overview = state.switch(&saved.id).await.expect("switch to saved");
    assert_eq!(overview.current.saved_id.as_deref(), Some(saved.id.as_str()));
    assert_eq!(overview.saved.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Local system", "Other"]);
    let refused = state.stop_local_system().await.expect_err("not local");
    assert!(refused.contains("switch to \"Local system\" first"), "{refused}");
    other.shutdown().await;
}

/// Whether something listens at `url`.
async fn connect_to(url: &str) -> std::io::Result<()> {
    let address = url.trim_start_matches("http://");
    tokio::net::TcpStream::connect(address).await.map(drop)
}
