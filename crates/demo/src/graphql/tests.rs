use std::time::Duration;

use async_graphql::{Request, Value as GqlValue};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::watch;

use super::*;
use crate::envelope::ReceivedEvent;
use crate::orders::{OrderStatus, PlaceOrder};
use crate::store::DemoStore;

const WAIT: Duration = Duration::from_secs(5);

struct Fixture {
    _dir: tempfile::TempDir,
    orders: Orders,
    schema: DemoSchema,
    stop: watch::Sender<bool>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let orders = Orders::new(DemoStore::open(dir.path()).expect("store"));
    let (stop, shutdown) = watch::channel(false);
    let schema = schema(orders.clone(), shutdown);
    Fixture { _dir: dir, orders, schema, stop }
}

fn event(id: &str, event_type: &str, order_id: &str) -> ReceivedEvent {
    ReceivedEvent::for_test(id, event_type, order_id)
}

/// Runs `query` and returns its data as JSON, failing on errors.
async fn run(schema: &DemoSchema, query: &str) -> Value {
    let response = schema.execute(query).await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    response.data.into_json().expect("JSON")
}

fn place_mutation(restaurant: &str, item: &str, quantity: i32) -> String {
    format!(
        r#"mutation {{ placeOrder(input: {{customer: "Ada", restaurantId: "{restaurant}",
           items: [{{menuItemId: "{item}", quantity: {quantity}}}]}}) {{ id status totalCents items {{ name quantity }} }} }}"#
    )
}

#[tokio::test]
async fn queries_read_the_catalog_and_the_orders() {
    let f = fixture();
    let data =
        run(&f.schema, "{ restaurants { id name cuisine } menu(restaurantId: \"r-sushi\") { id priceCents } }").await;
    assert_eq!(data["restaurants"].as_array().map(Vec::len), Some(4));
    assert!(data["menu"].as_array().is_some_and(|menu| menu.iter().any(|item| item["id"] == "m-dragon-roll")));

    let placed = run(&f.schema, &place_mutation("r-sushi", "m-dragon-roll", 2)).await;
    let id = placed["placeOrder"]["id"].as_str().expect("id").to_owned();
    assert_eq!(placed["placeOrder"]["status"], "PLACED");
    assert_eq!(placed["placeOrder"]["totalCents"], 2700);
    assert_eq!(placed["placeOrder"]["items"], json!([{"name": "Dragon Roll (8)", "quantity": 2}]));

    let data = run(
        &f.schema,
        &format!(
            r#"{{ order(id: "{id}") {{ restaurantId customer history {{ status eventType }} }}
                 orders(status: PLACED) {{ id }} none: orders(status: DELIVERED) {{ id }} }}"#
        ),
    )
    .await;
    assert_eq!(data["order"]["history"], json!([{"status": "PLACED", "eventType": "OrderPlaced"}]));
    assert_eq!(data["orders"], json!([{"id": id}]));
    assert_eq!(data["none"], json!([]));
}

#[tokio::test]
async fn refused_commands_are_graphql_errors_with_their_reason() {
    let f = fixture();
    let response = f.schema.execute(place_mutation("r-pizza", "m-dragon-roll", 1)).await;
    assert_eq!(response.errors.len(), 1);
    assert_eq!(response.errors[0].message, "Luigi's Pizzeria has no menu item m-dragon-roll");
    let code = response.errors[0].extensions.as_ref().and_then(|extensions| extensions.get("code").cloned());
    assert_eq!(code, Some(GqlValue::from("BAD_USER_INPUT")));

    let response = f.schema.execute(place_mutation("r-pizza", "m-margherita", -1)).await;
    assert_eq!(response.errors[0].message, "the quantity of m-margherita must be between 1 and 99, not -1");

    let placed = run(&f.schema, &place_mutation("r-pizza", "m-margherita", 1)).await;
    let id = placed["placeOrder"]["id"].as_str().expect("id").to_owned();
    f.orders.apply(&event("e-1", "RestaurantConfirmed", &id)).await.expect("applied");
    let response = f.schema.execute(format!(r#"mutation {{ cancelOrder(id: "{id}") {{ status }} }}"#)).await;
    assert_eq!(response.errors[0].message, format!("order {id} is CONFIRMED and can no longer be cancelled"));
}

#[tokio::test]
async fn cancelling_through_graphql() {
    let f = fixture();
    let placed = run(&f.schema, &place_mutation("r-curry", "m-garlic-naan", 3)).await;
    let id = placed["placeOrder"]["id"].as_str().expect("id");
    let data = run(&f.schema, &format!(r#"mutation {{ cancelOrder(id: "{id}") {{ status }} }}"#)).await;
    assert_eq!(data["cancelOrder"]["status"], "CANCELLED");
}

#[tokio::test]
async fn order_updated_streams_the_status_changes_of_one_order() {
    let f = fixture();
    let order = f
        .orders
        .place(PlaceOrder {
            customer: "Ada".into(),
            restaurant_id: "r-pizza".into(),
            items: vec![("m-diavola".into(), 1)],
        })
        .await
        .expect("placed");
    let other = f
        .orders
        .place(PlaceOrder {
            customer: "Bob".into(),
            restaurant_id: "r-pizza".into(),
            items: vec![("m-diavola".into(), 1)],
        })
        .await
        .expect("placed");
    let query = format!(
        r#"subscription {{ orderUpdated(id: "{}") {{ orderId status previous eventType order {{ status }} }} }}"#,
        order.id
    );
    let mut stream = f.schema.execute_stream(Request::new(query));
    let mut all = f.schema.execute_stream("subscription { orders { orderId status } }");

    let first = tokio::time::timeout(WAIT, stream.next()).await.expect("in time").expect("item");
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let first = first.data.into_json().expect("JSON");
    assert_eq!(
        first["orderUpdated"],
        json!({"orderId": order.id, "status": "PLACED", "previous": null, "eventType": "OrderPlaced", "order": {"status": "PLACED"}})
    );

    // A stream subscribes when first polled: poll it once (it has nothing yet).
    assert!(tokio::time::timeout(Duration::from_millis(100), all.next()).await.is_err());
    f.orders.apply(&event("e-x", "PaymentCharged", &other.id)).await.expect("other order");
    f.orders.apply(&event("e-1", "PaymentCharged", &order.id)).await.expect("charged");
    f.orders.apply(&event("e-1", "PaymentCharged", &order.id)).await.expect("repeated");
    f.orders.apply(&event("e-2", "OrderRejected", &order.id)).await.expect("rejected");

    let mut seen = Vec::new();
    while let Some(response) = tokio::time::timeout(WAIT, stream.next()).await.expect("in time") {
        let data = response.data.into_json().expect("JSON");
        seen.push((data["orderUpdated"]["previous"].clone(), data["orderUpdated"]["status"].clone()));
    }
    // It ends after the final status.
    assert_eq!(seen, [(json!("PLACED"), json!("PAYMENT_CHARGED")), (json!("PAYMENT_CHARGED"), json!("REJECTED"))]);

    let mut everything = Vec::new();
    for _ in 0..3 {
        let response = tokio::time::timeout(WAIT, all.next()).await.expect("in time").expect("item");
        everything.push(response.data.into_json().expect("JSON")["orders"]["status"].clone());
    }
    assert_eq!(everything, [json!("PAYMENT_CHARGED"), json!("PAYMENT_CHARGED"), json!("REJECTED")]);
    let _ = f.stop.send(true);
    assert!(tokio::time::timeout(WAIT, all.next()).await.expect("ends on shutdown").is_none());
}

#[tokio::test]
async fn subscribing_to_an_unknown_order_is_an_error() {
    let f = fixture();
    let mut stream = f.schema.execute_stream(r#"subscription { orderUpdated(id: "o-nothing") { status } }"#);
    let response = tokio::time::timeout(WAIT, stream.next()).await.expect("in time").expect("item");
    assert_eq!(response.errors[0].message, "there is no order o-nothing");
}

/// Reads the next text message as JSON, skipping pings.
async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    loop {
        let message =
            tokio::time::timeout(WAIT, socket.next()).await.expect("in time").expect("open").expect("message");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON");
        }
    }
}

#[tokio::test]
async fn subscriptions_over_graphql_transport_ws_end_on_shutdown() {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let f = fixture();
    let (stop, shutdown) = (f.stop.clone(), f.stop.subscribe());
    let app = router(f.orders.clone(), shutdown.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let mut server_shutdown = shutdown.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = server_shutdown.wait_for(|stop| *stop).await;
            })
            .await
    });

    // The Playground on GET.
    let page = reqwest::get(format!("http://{addr}/graphql")).await.expect("GET").text().await.expect("page");
    assert!(page.contains("GraphQL Playground"));
    // A mutation on POST.
    let placed: Value = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .json(&json!({"query": place_mutation("r-burger", "m-fries", 2)}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    let id = placed["data"]["placeOrder"]["id"].as_str().expect("id").to_owned();

    for path in ["/graphql/ws", "/graphql"] {
        let mut request = format!("ws://{addr}{path}").into_client_request().expect("request");
        request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
        let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("connect");
        assert_eq!(
            response.headers().get("sec-websocket-protocol").map(|v| v.as_bytes()),
            Some(&b"graphql-transport-ws"[..])
        );
        socket.send(Message::text(json!({"type": "connection_init"}).to_string())).await.expect("init");
        assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
        let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription ($id: ID!) { orderUpdated(id: $id) { status } }", "variables": {"id": id}}});
        socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
        let next = next_json(&mut socket).await;
        assert_eq!(next["type"], "next", "{next}");
        assert_eq!(next["id"], "1");
        let status = if path == "/graphql/ws" { "PLACED" } else { "PAYMENT_CHARGED" };
        assert_eq!(next["payload"]["data"]["orderUpdated"]["status"], status);

        if path == "/graphql/ws" {
            f.orders.apply(&event("e-1", "PaymentCharged", &id)).await.expect("charged");
            let next = next_json(&mut socket).await;
            assert_eq!(next["payload"]["data"]["orderUpdated"]["status"], "PAYMENT_CHARGED");
            socket.close(None).await.expect("close");
            continue;
        }

        // Shutting down closes the socket and lets the server stop.
        let _ = stop.send(true);
        let closed = tokio::time::timeout(WAIT, async {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Close(frame) = message {
                    return frame.map(|frame| u16::from(frame.code));
                }
            }
            None
        })
        .await
        .expect("closed in time");
        assert_eq!(closed, Some(1001));
    }
    tokio::time::timeout(WAIT, server).await.expect("server stops").expect("task").expect("served");
    assert_eq!(f.orders.order(&id).await.expect("read").map(|order| order.status), Some(OrderStatus::PaymentCharged));
}

#[tokio::test]
async fn a_socket_offering_no_graphql_protocol_is_refused() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let f = fixture();
    let app = router(f.orders.clone(), f.stop.subscribe());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut request = format!("ws://{addr}/graphql/ws").into_client_request().expect("request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "mqtt".parse().expect("header"));
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
    server.abort();
}
