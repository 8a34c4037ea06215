//! The presenter's scenario: orders flow at 5 a second, the restaurant
//! partner goes down for 20 s, the circuit opens, requests are parked in the
//! archive; the partner heals, the circuit closes, the replay runs, and every
//! order is delivered exactly once.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use choreoscope_demo::faults::PartnerFault;
use choreoscope_demo::orders::OrderStatus;
use serde_json::{Value, json};
use support::{capture, drain, eventually, place, quick, start, wait_for_order, watch_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partner_outage_opens_the_circuit_and_the_replay_heals_every_order() {
    let (_dir, demo) = start(quick()).await;
    let circuit_events = capture(&demo, "Circuit State Changed", "test-circuit-events").await;

    // A watched order, placed just before the outage.
    let watched = place(&demo, "Watcher", 1).await;
    let subscription = watch_order(&demo, &watched).await;

    demo.traffic().set_rate(5.0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    demo.faults().set_partner(PartnerFault::Down);
    tokio::time::sleep(Duration::from_secs(20)).await;
    demo.faults().set_partner(PartnerFault::Healthy);
    tokio::time::sleep(Duration::from_secs(3)).await;
    demo.traffic().set_rate(0.0);

    // Every order placed ends DELIVERED, exactly once.
    let orders = demo.orders().orders(100_000, None).await.expect("read model");
    assert!(orders.len() >= 100, "5 orders/s for 26 s placed only {}", orders.len());
    for order in &orders {
        let order =
            wait_for_order(&demo, &order.id, Duration::from_secs(90), |order| order.status == OrderStatus::Delivered)
                .await;
        let delivered = order.history.iter().filter(|change| change.status == OrderStatus::Delivered).count();
        assert_eq!(delivered, 1, "order {} delivered {delivered} times: {:?}", order.id, order.history);
    }

    // The circuit opened and closed, both seen as events.
    let transitions = eventually(Duration::from_secs(10), "circuit events", || async {
        let seen: Vec<(String, String)> = drain(&demo, &circuit_events)
            .await
            .iter()
            .filter_map(|message| serde_json::from_str::<Value>(message["Body"].as_str()?).ok())
            .map(|event| {
                let data = &event["detail"]["data"];
                (
                    data["from"].as_str().unwrap_or_default().to_owned(),
                    data["to"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        (!seen.is_empty()).then_some(seen)
    })
    .await;
    let pairs: Vec<(&str, &str)> = transitions.iter().map(|(from, to)| (from.as_str(), to.as_str())).collect();
    assert!(pairs.contains(&("CLOSED", "OPEN")), "{pairs:?}");
    assert!(pairs.contains(&("HALF_OPEN", "CLOSED")), "{pairs:?}");

    // The closing started a replay of the outage window, which completed
    // and carried parked requests.
    let replays = demo.system().api().call("AWSEvents.ListReplays", json!({})).await.expect("replays");
    let replays = replays["Replays"].as_array().cloned().unwrap_or_default();
    assert!(!replays.is_empty(), "no replay was started");
    let states: HashMap<String, String> = replays
        .iter()
        .map(|replay| {
            (
                replay["ReplayName"].as_str().unwrap_or_default().to_owned(),
                replay["State"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(states.values().any(|state| state == "COMPLETED"), "{states:?}");
    let archive = demo
        .system()
        .api()
        .call("AWSEvents.DescribeArchive", json!({"ArchiveName": "parked-restaurant-requests"}))
        .await
        .expect("archive");
    assert!(archive["EventCount"].as_u64().unwrap_or(0) > 0, "nothing was parked: {archive}");

    // The subscription told each status change of the watched order, in order.
    let statuses = tokio::time::timeout(Duration::from_secs(10), subscription).await.expect("ends").expect("runs");
    let order = demo.orders().order(&watched).await.expect("read").expect("exists");
    let history: Vec<String> = order.history.iter().map(|change| change.status.to_string()).collect();
    let first = statuses.first().cloned().unwrap_or_default();
    let from = history.iter().position(|status| *status == first).unwrap_or(0);
    assert_eq!(statuses, history[from..], "subscription vs history");
    assert_eq!(statuses.last().map(String::as_str), Some("DELIVERED"));
    demo.shutdown().await;
}
