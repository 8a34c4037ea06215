//! Starting a demo for a test, and talking to it as a client would.

#![allow(dead_code)] // each test file uses a part of it

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

/// A graphql-transport-ws subscription to `orderUpdated(id)`: the statuses
/// it delivers, in order, until the order's final status.
pub async fn watch_order(demo: &Demo, id: &str) -> tokio::task::JoinHandle<Vec<String>> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let url = format!("{}/graphql/ws", demo.system().endpoint_url().replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("WebSocket connects");
    let send = |value: Value| Message::Text(value.to_string().into());
    socket.send(send(json!({"type": "connection_init"}))).await.expect("init");
    loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else { panic!("no connection_ack") };
        if serde_json::from_str::<Value>(&text).expect("JSON")["type"] == "connection_ack" {
            break;
        }
    }
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription($id: ID!) { orderUpdated(id: $id) { status } }",
        "variables": {"id": id},
    }});
    socket.send(send(subscribe)).await.expect("subscribe");
    tokio::spawn(async move {
        let mut statuses = Vec::new();
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else { continue };
            let message: Value = serde_json::from_str(&text).expect("JSON");
            match message["type"].as_str() {
                Some("next") => statuses
                    .push(message["payload"]["data"]["orderUpdated"]["status"].as_str().unwrap_or_default().to_owned()),
                Some("complete") | Some("error") => break,
                _ => {}
            }
        }
        statuses
    })
}

/// Creates a queue and a rule on the internal bus that copies `detail_type` events into it.
pub async fn capture(demo: &Demo, detail_type: &str, queue: &str) -> String {
    let api = demo.system().api();
    let created = api.call("AmazonSQS.CreateQueue", json!({"QueueName": queue})).await.expect("queue");
    let url = created["QueueUrl"].as_str().expect("url").to_owned();
    let pattern = json!({"detail-type": [detail_type]}).to_string();
    api.call("AWSEvents.PutRule", json!({"Name": queue, "EventBusName": "food-delivery", "EventPattern": pattern}))
        .await
        .expect("rule");
    let arn = format!("arn:aws:sqs:us-east-1:123456789012:{queue}");
    api.call(
        "AWSEvents.PutTargets",
        json!({"Rule": queue, "EventBusName": "food-delivery", "Targets": [{"Id": "q", "Arn": arn}]}),
    )
    .await
    .expect("target");
    url
}

/// Every message body in a queue (received and deleted).
pub async fn drain(demo: &Demo, queue_url: &str) -> Vec<Value> {
    let api = demo.system().api();
    let mut bodies = Vec::new();
    loop {
        let received = api
            .call(
                "AmazonSQS.ReceiveMessage",
                json!({"QueueUrl": queue_url, "MaxNumberOfMessages": 10, "MessageAttributeNames": ["All"]}),
            )
            .await
            .expect("receive");
        let messages = received["Messages"].as_array().cloned().unwrap_or_default();
        if messages.is_empty() {
            return bodies;
        }
        for message in messages {
            let handle = message["ReceiptHandle"].clone();
            api.call("AmazonSQS.DeleteMessage", json!({"QueueUrl": queue_url, "ReceiptHandle": handle}))
                .await
                .expect("delete");
            bodies.push(message);
        }
    }
}
