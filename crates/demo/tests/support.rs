//! Starting a demo for a test, and talking to it as a client would.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use choreoscope_demo::orders::{Order, OrderStatus};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use serde_json::{Value, json};

/// A demo over a fresh data folder, on free ports.
pub async fn start(settings: DemoSettings) -> (tempfile::TempDir, Demo) {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = start_in(dir.path(), settings).await;
    (dir, demo)
}

/// A demo over `dir`, on free ports.
pub async fn start_in(dir: &std::path::Path, settings: DemoSettings) -> Demo {
    let prepared = LocalSystem::prepare(Config::new(dir).with_port(0)).await.expect("local system");
    Demo::start(prepared, settings).await.expect("demo starts")
}

/// Settings that make a test quick: short cool-down, frequent health checks.
pub fn quick() -> DemoSettings {
    let mut settings = DemoSettings::default();
    settings.circuit.cool_down = Duration::from_secs(2);
    settings.circuit.health_check_every = Duration::from_millis(300);
    settings.partner.answers_after = Duration::from_millis(100);
    settings.courier_ride = Duration::from_millis(50);
    settings
}

/// Runs a GraphQL request against the demo and returns `data`.
pub async fn graphql(demo: &Demo, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::Client::new()
        .post(demo.graphql_url())
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .expect("GraphQL answers")
        .json()
        .await
        .expect("GraphQL JSON");
    assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
    body["data"].clone()
}

/// Places an order of one margherita (or what `items` says) and returns its id.
pub async fn place(demo: &Demo, customer: &str, quantity: u32) -> String {
    let data = graphql(
        demo,
        "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }",
        json!({"input": {"customer": customer, "restaurantId": "r-pizza", "items": [{"menuItemId": "m-margherita", "quantity": quantity}]}}),
    )
    .await;
    data["placeOrder"]["id"].as_str().expect("an order id").to_owned()
}

/// Waits until `check` holds for the order (or panics after `limit`).
pub async fn wait_for_order(demo: &Demo, id: &str, limit: Duration, check: impl Fn(&Order) -> bool) -> Order {
    let started = Instant::now();
    loop {
        let order = demo.orders().order(id).await.expect("read model").expect("the order exists");
        if check(&order) {
            return order;
        }
        assert!(started.elapsed() < limit, "order {id} is still {:?} after {limit:?}: {order:?}", order.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `probe` returns `Some`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(started.elapsed() < limit, "{what}: not after {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether an order reached the end of the happy path.
pub fn delivered(order: &Order) -> bool {
    order.status == OrderStatus::Delivered
}
