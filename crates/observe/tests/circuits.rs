//! Circuits of the food-delivery demo through the real AWS SDK clients: the
//! restaurant partner goes down under traffic, the circuit opens; it heals,
//! the circuit closes; `Observer::circuits` tells the transitions in order
//! and the replay the closing started, COMPLETED, the same one the demo's
//! circuit manager recorded.

use std::time::{Duration, Instant};

use choreoscope_demo::faults::PartnerFault;
use choreoscope_demo::functions::PARTNER_CIRCUIT;
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{CircuitHistory, CircuitsReport};
use choreoscope_observe::{Connection, Observer};

const THREE_HOURS_MS: i64 = 3 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    let elapsed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("a clock after 1970");
    i64::try_from(elapsed.as_millis()).expect("ms fit")
}

/// Reads the circuits until `check` holds for the partner's circuit (or panics after `limit`).
async fn until(
    observer: &Observer,
    limit: Duration,
    what: &str,
    check: impl Fn(&CircuitHistory) -> bool,
) -> CircuitsReport {
    let started = Instant::now();
    loop {
        let report = observer.circuits(THREE_HOURS_MS, now_ms()).await.expect("circuits");
        if report.circuits.iter().any(|circuit| circuit.name == PARTNER_CIRCUIT && check(circuit)) {
            return report;
        }
        assert!(started.elapsed() < limit, "{what}: not after {limit:?}: {report:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_outage_opens_the_circuit_and_its_closing_names_the_completed_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared = LocalSystem::prepare(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let mut settings = DemoSettings::default();
    settings.circuit.cool_down = Duration::from_secs(2);
    settings.circuit.health_check_every = Duration::from_millis(300);
    settings.partner.answers_after = Duration::from_millis(100);
    settings.courier_ride = Duration::from_millis(50);
    let demo: Demo = Demo::start(prepared, settings).await.expect("demo");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: demo.system().endpoint_url(), region: "us-east-1".into() })
            .await;
    let started_ms = now_ms();
    let before = observer.circuits(THREE_HOURS_MS, started_ms).await.expect("circuits");
    assert!(before.circuits.is_empty(), "no circuit changed yet: {before:#?}");

    demo.traffic().set_rate(5.0);
    tokio::time::sleep(Duration::from_secs(2)).await;
    demo.faults().set_partner(PartnerFault::Down);
    let open = until(&observer, Duration::from_secs(15), "the circuit opens", |c| c.state == "OPEN").await;
    let circuit = open.circuits.iter().find(|c| c.name == PARTNER_CIRCUIT).expect("the partner's circuit");
    assert!(circuit.failures.unwrap_or(0) >= 3, "{circuit:#?}");
    assert!(circuit.reason.as_deref().is_some_and(|reason| !reason.is_empty()), "{circuit:#?}");
    assert!(circuit.since_ms >= started_ms && circuit.since_ms <= now_ms(), "{circuit:#?}");
    assert_eq!(circuit.state_at_window_start.as_deref(), Some("CLOSED"));

    // Requests are parked for a few seconds, then the partner is back.
    tokio::time::sleep(Duration::from_secs(3)).await;
    demo.faults().set_partner(PartnerFault::Healthy);
    tokio::time::sleep(Duration::from_secs(1)).await;
    demo.traffic().set_rate(0.0);
    let healed = until(&observer, Duration::from_secs(25), "the closing's replay completes", |c| {
        c.state == "CLOSED" && c.replays.last().is_some_and(|replay| replay.state == "COMPLETED")
    })
    .await;
    assert_eq!(healed.replays_error, None);
    let circuit = healed.circuits.iter().find(|c| c.name == PARTNER_CIRCUIT).expect("the partner's circuit");

    // The transitions, in order: opened first, closed last, each from the state before.
    let steps: Vec<(Option<&str>, &str)> =
        circuit.transitions.iter().map(|t| (t.from.as_deref(), t.to.as_str())).collect();
    assert_eq!(steps.first(), Some(&(Some("CLOSED"), "OPEN")), "{steps:?}");
    assert_eq!(steps.last(), Some(&(Some("HALF_OPEN"), "CLOSED")), "{steps:?}");
    for pair in circuit.transitions.windows(2) {
        assert_eq!(pair[1].from.as_deref(), Some(pair[0].to.as_str()), "{steps:?}");
        assert!(pair[0].at_ms <= pair[1].at_ms, "{steps:?}");
    }
    let closed = circuit.transitions.last().expect("a closing");
    assert_eq!(circuit.since_ms, closed.at_ms);

    // The replay is the one the demo's circuit manager started for the closing.
    let recorded = demo.circuits().transitions(PARTNER_CIRCUIT).await;
    let recorded_replays: Vec<&str> = recorded.iter().filter_map(|t| t.replay_name.as_deref()).collect();
    assert_eq!(circuit.replays.len(), recorded_replays.len(), "{:#?} vs {recorded_replays:?}", circuit.replays);
    let replay = circuit.replays.last().expect("a replay");
    assert_eq!(Some(replay.name.as_str()), recorded_replays.last().copied());
    assert_eq!(replay.closed_at_ms, closed.at_ms);
    assert!((replay.progress - 1.0).abs() < f64::EPSILON, "{replay:#?}");
    assert!(replay.description.as_deref().is_some_and(|d| d.contains(PARTNER_CIRCUIT)), "{replay:#?}");
    assert!(replay.archive_arn.as_deref().is_some_and(|arn| arn.ends_with("archive/parked-restaurant-requests")));
    let (start, end) = (replay.event_start_ms.expect("start"), replay.event_end_ms.expect("end"));
    assert!(start < circuit.transitions[0].at_ms && end >= closed.at_ms - 1_000, "{replay:#?}");
    assert!(replay.replay_end_ms.is_some(), "{replay:#?}");

    // A window that ends before the outage shows the state but no transition.
    let later = observer.circuits(1_000, now_ms() + 60_000).await.expect("circuits");
    let circuit = later.circuits.iter().find(|c| c.name == PARTNER_CIRCUIT).expect("still known");
    assert!(circuit.transitions.is_empty() && circuit.replays.is_empty());
    assert_eq!((circuit.state.as_str(), circuit.state_at_window_start.as_deref()), ("CLOSED", Some("CLOSED")));
    let refused = observer.circuits(0, now_ms()).await.err().map(|error| error.to_string()).unwrap_or_default();
    assert!(refused.contains("window"), "{refused}");
    demo.shutdown().await;
}
