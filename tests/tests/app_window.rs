//! The real app in a real window: WebKitWebDriver through tauri-driver,
//! under the X display the test command provides (Xvfb).
//!
//! Needs: `DISPLAY`, `tauri-driver` (on PATH or `$TAURI_DRIVER`),
//! `/usr/bin/WebKitWebDriver`, and `cargo build --workspace` done first.
//! `./dev test` provides all of them.

use std::time::{Duration, Instant};

use choreoscope_e2e::window::{AppWindow, attributes_of, e2e_screenshot, local_endpoint, node_labels, wait_for};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// Node labels of `assets/sample-topology.json`, by kind (a target's
/// dead-letter queue is a target node too).
const BUSES: [&str; 2] = ["default", "orders"];
const RULES: [&str; 5] =
    ["audit-all-orders", "forward-shop-events", "nightly-sales-report", "order-placed", "payment-failed"];
const TARGETS: [&str; 7] = [
    "/aws/events/orders-audit",
    "build-sales-report",
    "charge-payment",
    "notify-customer",
    "order-analytics",
    "order-fulfilment",
    "order-placed-dlq",
];

#[tokio::test(flavor = "multi_thread")]
async fn the_window_shows_the_sample_graph_and_put_events() {
    let data = tempfile::tempdir().expect("temp dir");
    let window = AppWindow::open(json!(["--no-demo", "--data-dir", data.path()])).await;
    // A picture of the window as the checks left it, passed or failed.
    window.check(&e2e_screenshot("app-window.png"), |client| async move { check_window(&client).await }).await;
}

async fn check_window(client: &Client) {
    // The graph: every node and edge of the sample topology, laid out.
    let graph = wait_for(client, r#"[data-testid="graph"][data-layout="done"]"#, Duration::from_secs(60)).await;
    assert_eq!(node_labels(client, "bus").await, json!(BUSES));
    assert_eq!(node_labels(client, "rule").await, json!(RULES));
    assert_eq!(node_labels(client, "target").await, json!(TARGETS));
    assert_eq!(graph.attr("data-node-count").await.expect("attr").as_deref(), Some("14"));
    assert_eq!(graph.attr("data-edge-count").await.expect("attr").as_deref(), Some("13"));
    let edges = attributes_of(client, "li[data-edge-id]", "data-edge-id").await;
    assert_eq!(edges.len(), 13);

    // Laid out left to right: every edge points right on the canvas.
    assert_eq!(backwards_edges(client).await, json!([]), "edges that do not point right");

    // A structure seen for the first time gets the quick layout at once,
    // then ELK's from its Web Worker: forget the remembered layouts, reload.
    client
        .execute("localStorage.removeItem('choreoscope.layouts.v1'); location.reload();", vec![])
        .await
        .expect("script runs");
    let reloaded = Instant::now();
    wait_for(client, r#"[data-testid="graph"][data-layout-refined="elk"]"#, Duration::from_secs(30)).await;
    println!("ELK's layout applied {:?} after the reload", reloaded.elapsed());
    assert_eq!(backwards_edges(client).await, json!([]), "edges that do not point right in ELK's layout");

    // Events any client puts on the local system the header names show up too.
    let endpoint = local_endpoint(client).await;
    let put = reqwest::Client::new()
        .post(&endpoint)
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "AWSEvents.PutEvents")
        .body(
            json!({"Entries": [
                {"Source": "shop.payments", "DetailType": "PaymentFailed", "Detail": r#"{"data":{"orderId":"ord-7"}}"#, "EventBusName": "orders"},
                {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": r#"{"data":{"orderId":"ord-8"}}"#}
            ]})
            .to_string(),
        )
        .send()
        .await
        .expect("the local system answers");
    let put: Value = put.json().await.expect("JSON");
    for entry in put["Entries"].as_array().expect("entries") {
        let id = entry["EventId"].as_str().expect("accepted");
        wait_for(client, &format!(r#"[data-testid="event-row"][data-event-id="{id}"]"#), Duration::from_secs(5)).await;
    }

    // Put a sample event; it shows in the list.
    let rows_before = client.find_all(Locator::Css(r#"[data-testid="event-row"]"#)).await.expect("query").len();
    let button = client.find(Locator::XPath("//button[normalize-space()='Put sample event']")).await.expect("button");
    let clicked = Instant::now();
    button.click().await.expect("click");
    let status = wait_for(client, r#"[data-testid="put-status"]"#, Duration::from_secs(10)).await;
    // WebKitWebDriver's element text can lag a React render; the DOM text cannot.
    let status = status.prop("textContent").await.expect("status text").unwrap_or_default();
    let event_id = status
        .split_whitespace()
        .find(|word| word.len() == 36 && word.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no event id in status {status:?}"))
        .to_owned();
    wait_for(client, &format!(r#"[data-testid="event-row"][data-event-id="{event_id}"]"#), Duration::from_secs(5))
        .await;
    println!("put event {event_id} listed {:?} after the click", clicked.elapsed());
    let rows_after = client.find_all(Locator::Css(r#"[data-testid="event-row"]"#)).await.expect("query").len();
    assert_eq!(rows_after, rows_before + 1, "one new row, no duplicates");
    let first = client.find(Locator::Css(r#"[data-testid="event-row"]"#)).await.expect("a row");
    assert_eq!(first.attr("data-event-id").await.expect("attr"), Some(event_id), "newest first");
}

/// The ids of the graph's edges that do not point right on the canvas.
async fn backwards_edges(client: &Client) -> Value {
    client
        .execute(
            r#"const cy = window.choreoscope.graph;
               return cy.edges().filter(e => e.source().position('x') >= e.target().position('x')).map(e => e.id());"#,
            vec![],
        )
        .await
        .expect("script runs")
}
