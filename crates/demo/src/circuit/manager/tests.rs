//! The manager (and the health check) against a real local system: the
//! transitions it publishes, the replay it starts, what it keeps.

use std::time::Instant;

use choreoscope_local::{ApiError, Config, LocalSystem};
use tokio::sync::watch;

use super::*;
use crate::circuit::{RESTAURANT_PARTNER, health};
use crate::envelope::EventStatus;
use crate::faults::{Faults, PartnerFault};
use crate::partner::{PartnerClient, RestaurantPartner};
use crate::settings::PartnerSettings;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ARCHIVE: &str = "food-delivery-retryable";

struct Setup {
    dir: tempfile::TempDir,
    system: LocalSystem,
    api: Api,
    store: DemoStore,
    healing: Healing,
    /// Receives every `Circuit State Changed`.
    changes: String,
    /// Receives every `RETRYABLE` event (the healing rule's target).
    retries: String,
}

fn settings(threshold: u32, cool_down_ms: u64) -> CircuitSettings {
    CircuitSettings {
        failure_threshold: threshold,
        window: Duration::from_secs(30),
        cool_down: Duration::from_millis(cool_down_ms),
        health_check_every: Duration::from_millis(50),
    }
}

/// A queue and a rule of the internal bus that sends `pattern`'s events to
/// it; returns the queue's URL and the rule's ARN.
async fn observe(api: &Api, name: &str, pattern: Value) -> Result<(String, String), ApiError> {
    let queue = api.call("AmazonSQS.CreateQueue", json!({"QueueName": name})).await?;
    let url = queue["QueueUrl"].as_str().unwrap_or_default().to_owned();
    let attributes =
        api.call("AmazonSQS.GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["QueueArn"]})).await?;
    let rule = api
        .call(
            "AWSEvents.PutRule",
            json!({"Name": name, "EventBusName": envelope::INTERNAL_BUS, "EventPattern": pattern.to_string()}),
        )
        .await?;
    api.call(
        "AWSEvents.PutTargets",
        json!({
            "Rule": name,
            "EventBusName": envelope::INTERNAL_BUS,
            "Targets": [{"Id": "queue", "Arn": attributes["Attributes"]["QueueArn"]}],
        }),
    )
    .await?;
    Ok((url, rule["RuleArn"].as_str().unwrap_or_default().to_owned()))
}

async fn setup() -> Result<Setup, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let system = LocalSystem::start(Config::new(dir.path().join("local")).with_port(0)).await?;
    let api = system.api();
    let bus = api.call("AWSEvents.CreateEventBus", json!({"Name": envelope::INTERNAL_BUS})).await?;
    api.call(
        "AWSEvents.CreateArchive",
        json!({
            "ArchiveName": ARCHIVE,
            "EventSourceArn": bus["EventBusArn"],
            "EventPattern": r#"{"detail":{"metadata":{"status":["RETRYABLE"]}}}"#,
        }),
    )
    .await?;
    let (changes, _) = observe(&api, "circuit-changes", json!({"detail-type": [STATE_CHANGED]})).await?;
    let (retries, retry_rule) =
        observe(&api, "retry-restaurant", json!({"detail": {"metadata": {"status": ["RETRYABLE"]}}})).await?;
    let store = DemoStore::open(&dir.path().join("demo"))?;
    let healing = Healing {
        archive_name: ARCHIVE.to_owned(),
        bus_name: envelope::INTERNAL_BUS.to_owned(),
        rule_arns: vec![retry_rule],
    };
    Ok(Setup { dir, system, api, store, healing, changes, retries })
}

impl Setup {
    fn circuits(&self, settings: CircuitSettings) -> Circuits {
        Circuits::new(self.store.clone(), self.api.clone(), settings, self.healing.clone())
    }

    /// Waits up to 10 s for `count` messages on `queue`; returns their events.
    async fn receive(&self, queue: &str, count: usize) -> Result<Vec<Value>, ApiError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut events = Vec::new();
        while events.len() < count && Instant::now() < deadline {
            let output = self
                .api
                .call(
                    "AmazonSQS.ReceiveMessage",
                    json!({"QueueUrl": queue, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1}),
                )
                .await?;
            for message in output["Messages"].as_array().cloned().unwrap_or_default() {
                let body = message["Body"].as_str().unwrap_or("null");
                events.push(serde_json::from_str(body).unwrap_or(Value::Null));
                self.api
                    .call(
                        "AmazonSQS.DeleteMessage",
                        json!({"QueueUrl": queue, "ReceiptHandle": message["ReceiptHandle"]}),
                    )
                    .await?;
            }
        }
        Ok(events)
    }

    /// The `(from, to)` of the `Circuit State Changed` events received, in seq order.
    async fn changes(&self, count: usize) -> Result<Vec<(String, String)>, ApiError> {
        let mut events = self.receive(&self.changes, count).await?;
        events.sort_by_key(|event| event["detail"]["metadata"]["idempotencyKey"].as_str().map(str::to_owned));
        Ok(events
            .iter()
            .map(|event| {
                let data = &event["detail"]["data"];
                (
                    data["from"].as_str().unwrap_or_default().to_owned(),
                    data["to"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }
}

fn pair(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

#[tokio::test]
async fn an_outage_is_published_and_healed_by_a_replay() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(2, 200));
    let circuit = RESTAURANT_PARTNER;

    assert!(circuits.permit(circuit).await);
    circuits.record_failure(circuit, "503: the restaurant partner is down").await;
    assert_eq!(circuits.snapshot(circuit).await.state, CircuitState::Closed);
    circuits.record_failure(circuit, "503: the restaurant partner is down").await;
    let open = circuits.snapshot(circuit).await;
    assert_eq!(open.state, CircuitState::Open);
    assert_eq!(open.failures, 2);
    assert!(open.opened_at.is_some());
    assert!(!circuits.permit(circuit).await, "an open circuit fails fast");

    // What the dispatcher publishes for a request it could not make.
    let refused =
        DemoEvent::new("restaurants", "RestaurantRequestFailed", "order-1", "event-1", json!({"orderId": "order-1"}))
            .with_status(EventStatus::Retryable);
    envelope::publish(&setup.api, envelope::INTERNAL_BUS, &[refused]).await?;

    assert!(!circuits.try_half_open(circuit).await, "the cool-down has not passed");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(!circuits.permit(circuit).await, "an open circuit does not half-open by itself");
    assert!(circuits.try_half_open(circuit).await);
    assert_eq!(circuits.snapshot(circuit).await.state, CircuitState::HalfOpen);
    assert!(circuits.permit(circuit).await, "the trial");
    assert!(!circuits.permit(circuit).await, "one trial at a time");
    circuits.record_success(circuit).await;
    assert_eq!(circuits.snapshot(circuit).await.state, CircuitState::Closed);
    assert!(circuits.permit(circuit).await);

    assert_eq!(
        setup.changes(3).await?,
        vec![pair("CLOSED", "OPEN"), pair("OPEN", "HALF_OPEN"), pair("HALF_OPEN", "CLOSED")]
    );

    let transitions = circuits.transitions(circuit).await;
    assert_eq!(transitions.len(), 3);
    assert!(transitions.iter().all(|transition| transition.published));
    assert_eq!(transitions.iter().map(|transition| transition.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    let replay_name = transitions[2].replay_name.clone().unwrap_or_default();
    assert!(replay_name.starts_with("heal-restaurant-partner-"), "{replay_name}");
    assert_eq!(transitions[0].opened_at, transitions[2].opened_at);

    let replays = setup.api.call("AWSEvents.ListReplays", json!({"NamePrefix": "heal-"})).await?;
    let replays = replays["Replays"].as_array().cloned().unwrap_or_default();
    assert_eq!(replays.len(), 1, "{replays:?}");
    assert_eq!(replays[0]["ReplayName"], replay_name.as_str());
    assert_eq!(replays[0]["EventSourceArn"], format!("arn:aws:events:us-east-1:123456789012:archive/{ARCHIVE}"));
    let opened_at = transitions[0].opened_at.unwrap_or_default() as f64 / 1000.0;
    let start = replays[0]["EventStartTime"].as_f64().unwrap_or_default();
    assert!((start - (opened_at - 1.0)).abs() < 0.01, "{start} vs {opened_at}");

    // The refused request comes back through the replay.
    let retried = setup.receive(&setup.retries, 2).await?;
    assert_eq!(retried.len(), 2, "{retried:?}");
    assert_eq!(retried.iter().filter(|event| event["replay-name"] == replay_name.as_str()).count(), 1, "{retried:?}");

    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn published_events_carry_the_transition() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(1, 60_000));
    circuits.record_failure("payments", "timeout").await;
    let events = setup.receive(&setup.changes, 1).await?;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["detail-type"], "Circuit State Changed");
    assert_eq!(event["source"], "food-delivery.circuits");
    let metadata = &event["detail"]["metadata"];
    assert_eq!(metadata["idempotencyKey"], "payments:transition:1");
    assert_eq!(metadata["causationId"], "payments:transition:1");
    assert_eq!(metadata["correlationId"], "payments");
    let data = &event["detail"]["data"];
    assert_eq!(data["circuit"], "payments");
    assert_eq!((data["from"].as_str(), data["to"].as_str()), (Some("CLOSED"), Some("OPEN")));
    assert_eq!(data["failures"], 1);
    assert!(data["reason"].as_str().is_some_and(|reason| reason.ends_with("the last: timeout")), "{data}");
    let opened_at = data["openedAt"].as_str().unwrap_or_default();
    assert!(time::OffsetDateTime::parse(opened_at, &time::format_description::well_known::Rfc3339).is_ok(), "{data}");
    assert_eq!(data["at"], data["openedAt"]);
    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn the_state_survives_a_restart() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(2, 60_000));
    circuits.record_failure("partner", "503").await;
    circuits.record_failure("partner", "503").await;
    let before = circuits.snapshot("partner").await;
    assert_eq!(before.state, CircuitState::Open);
    drop(circuits);

    let store = DemoStore::open(&setup.dir.path().join("demo"))?;
    let again = Circuits::new(store, setup.api.clone(), settings(2, 0), setup.healing.clone());
    let after = again.snapshot("partner").await;
    assert_eq!(
        (after.state, after.failures, after.opened_at, after.changed_at),
        (before.state, before.failures, before.opened_at, before.changed_at)
    );
    assert!(!again.permit("partner").await);
    assert!(again.try_half_open("partner").await);
    let seqs: Vec<i64> = again.transitions("partner").await.iter().map(|transition| transition.seq).collect();
    assert_eq!(seqs, vec![1, 2], "numbering goes on");
    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn failures_in_the_window_survive_a_restart() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(2, 60_000));
    circuits.record_failure("partner", "503").await;
    let again = setup.circuits(settings(2, 60_000));
    assert_eq!(again.snapshot("partner").await.failures, 1);
    again.record_failure("partner", "503").await;
    assert_eq!(again.snapshot("partner").await.state, CircuitState::Open);
    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn concurrent_failures_open_the_circuit_once() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(3, 60_000));
    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..20 {
        let circuits = circuits.clone();
        callers.spawn(async move { circuits.record_failure("partner", &format!("caller {caller}")).await });
    }
    while callers.join_next().await.transpose()?.is_some() {}
    let transitions = circuits.transitions("partner").await;
    assert_eq!(transitions.len(), 1, "{transitions:?}");
    assert_eq!(transitions[0].failures, 3);
    // Circuits are independent.
    assert_eq!(circuits.snapshot("other").await.state, CircuitState::Closed);
    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_failed_trial_opens_the_circuit_again_without_healing() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(1, 0));
    circuits.record_failure("partner", "503").await;
    assert!(circuits.try_half_open("partner").await);
    circuits.record_failure("partner", "still 503").await;
    assert_eq!(circuits.snapshot("partner").await.state, CircuitState::Open);
    assert_eq!(
        setup.changes(3).await?,
        vec![pair("CLOSED", "OPEN"), pair("OPEN", "HALF_OPEN"), pair("HALF_OPEN", "OPEN")]
    );
    let replays = setup.api.call("AWSEvents.ListReplays", json!({})).await?;
    assert_eq!(replays["Replays"].as_array().map(Vec::len), Some(0));
    setup.system.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_transition_left_unpublished_by_a_crash_is_published_later() -> TestResult {
    let setup = setup().await?;
    // Committed, then the process died before publishing it.
    let record = TransitionRecord {
        circuit: "partner".to_owned(),
        seq: 1,
        from: CircuitState::Closed,
        to: CircuitState::Open,
        reason: "2 failures within 30s, the last: 503".to_owned(),
        failures: 2,
        opened_at: Some(1_795_000_000_000),
        at: 1_795_000_000_000,
        replay_name: None,
        published: false,
    };
    let row = record.clone();
    setup
        .store
        .transaction(move |tx| {
            let state = BreakerRecord {
                state: CircuitState::Open,
                failures: vec![1_795_000_000_000],
                opened_at: row.opened_at,
                changed_at: row.at,
            };
            upsert_state(tx, "partner", &state)?;
            insert_transition(tx, &row)
        })
        .await?;

    let circuits = setup.circuits(settings(2, 0));
    circuits.flush("partner").await;
    let transitions = circuits.transitions("partner").await;
    assert_eq!(transitions, vec![TransitionRecord { published: true, ..record }]);
    let events = setup.receive(&setup.changes, 1).await?;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["detail"]["metadata"]["idempotencyKey"], "partner:transition:1");
    assert_eq!(events[0]["detail"]["data"]["openedAt"], "2026-11-18T11:06:40Z");

    // The next transition is numbered after it.
    assert!(circuits.try_half_open("partner").await);
    let seqs: Vec<i64> = circuits.transitions("partner").await.iter().map(|transition| transition.seq).collect();
    assert_eq!(seqs, vec![1, 2]);
    setup.system.shutdown().await;
    Ok(())
}

#[test]
fn replay_names_follow_aws_rules() {
    assert_eq!(replay_name("restaurant-partner", 1_795_000_000, None), "heal-restaurant-partner-1795000000");
    assert_eq!(replay_name("a b/c", 1, Some(7)), "heal-a-b-c-1-7");
    let long = replay_name(&"x".repeat(100), 1_795_000_000, Some(12));
    assert_eq!(long.len(), MAX_REPLAY_NAME);
    assert!(long.ends_with("-1795000000-12"));
}

#[tokio::test]
async fn the_health_check_opens_and_heals_the_circuit() -> TestResult {
    let setup = setup().await?;
    let circuits = setup.circuits(settings(2, 200));
    let faults = Faults::default();
    let (stop, shutdown) = watch::channel(false);
    let partner_settings =
        PartnerSettings { port: 0, answers_after: Duration::from_secs(60), call_timeout: Duration::from_secs(1) };
    let partner = RestaurantPartner::start(
        &partner_settings,
        faults.clone(),
        setup.store.clone(),
        "http://127.0.0.1:9/unused".to_owned(),
        shutdown.clone(),
    )
    .await?;
    let client = PartnerClient::new(partner.url(), partner_settings.call_timeout);
    let checker = tokio::spawn(health::run(
        circuits.clone(),
        RESTAURANT_PARTNER.to_owned(),
        client,
        Duration::from_millis(50),
        shutdown,
    ));

    // Healthy: nothing happens.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(circuits.snapshot(RESTAURANT_PARTNER).await.state, CircuitState::Closed);
    assert!(circuits.transitions(RESTAURANT_PARTNER).await.is_empty());

    faults.set_partner(PartnerFault::Down);
    wait_for(&circuits, CircuitState::Open).await;
    // Still down after the cool-down: the trial fails and it opens again.
    tokio::time::sleep(Duration::from_millis(400)).await;
    faults.set_partner(PartnerFault::Healthy);
    wait_for(&circuits, CircuitState::Closed).await;

    let transitions = circuits.transitions(RESTAURANT_PARTNER).await;
    let steps: Vec<_> = transitions.iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(steps.first(), Some(&(CircuitState::Closed, CircuitState::Open)));
    assert!(steps.contains(&(CircuitState::HalfOpen, CircuitState::Open)), "{steps:?}");
    assert_eq!(steps.last(), Some(&(CircuitState::HalfOpen, CircuitState::Closed)));
    assert!(transitions.last().is_some_and(|t| t.replay_name.is_some()));
    assert!(transitions[0].reason.contains("health check"), "{}", transitions[0].reason);

    stop.send(true)?;
    tokio::time::timeout(Duration::from_secs(3), checker).await??;
    tokio::time::timeout(Duration::from_secs(3), partner.stopped()).await?;
    setup.system.shutdown().await;
    Ok(())
}

/// Waits up to 10 s for the partner's circuit to be in `state`.
async fn wait_for(circuits: &Circuits, state: CircuitState) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while circuits.snapshot(RESTAURANT_PARTNER).await.state != state && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(circuits.snapshot(RESTAURANT_PARTNER).await.state, state);
}
