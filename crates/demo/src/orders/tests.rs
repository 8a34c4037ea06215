use serde_json::Value;

use super::*;
use crate::envelope::ReceivedEvent;

fn open() -> (tempfile::TempDir, Orders) {
    let dir = tempfile::tempdir().expect("temp dir");
    let orders = Orders::new(DemoStore::open(dir.path()).expect("store"));
    (dir, orders)
}

fn pizza(items: Vec<(&str, u32)>) -> PlaceOrder {
    PlaceOrder {
        customer: "Ada".into(),
        restaurant_id: "r-pizza".into(),
        items: items.into_iter().map(|(id, quantity)| (id.to_owned(), quantity)).collect(),
    }
}

fn event(id: &str, event_type: &str, order_id: &str) -> ReceivedEvent {
    ReceivedEvent::for_test(id, event_type, order_id)
}

async fn count(orders: &Orders, table: &'static str) -> i64 {
    orders
        .store()
        .run(move |conn| conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| row.get(0)))
        .await
        .expect("count")
}

/// The PutEvents entries in the outbox, oldest first.
async fn outbox(orders: &Orders) -> Vec<Value> {
    let rows: Vec<String> = orders
        .store()
        .run(|conn| {
            let mut statement = conn.prepare("SELECT event_json FROM outbox ORDER BY seq")?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect()
        })
        .await
        .expect("outbox");
    rows.iter().map(|row| serde_json::from_str(row).expect("JSON")).collect()
}

fn statuses(order: &Order) -> Vec<OrderStatus> {
    order.history.iter().map(|change| change.status).collect()
}

#[tokio::test]
async fn the_catalog_is_seeded() {
    let (_dir, orders) = open();
    let restaurants = orders.restaurants().await.expect("restaurants");
    assert_eq!(restaurants.len(), 4);
    for restaurant in &restaurants {
        let menu = orders.menu(&restaurant.id).await.expect("menu");
        assert!((4..=6).contains(&menu.len()), "{}: {} items", restaurant.id, menu.len());
        assert!(menu.iter().all(|item| item.restaurant_id == restaurant.id && item.price_cents > 0));
    }
    assert!(orders.menu("r-nowhere").await.expect("menu").is_empty());
}

#[tokio::test]
async fn placing_writes_the_order_and_its_event_together() {
    let (_dir, orders) = open();
    let mut updates = orders.subscribe();
    let order = orders.place(pizza(vec![("m-margherita", 2), ("m-tiramisu", 1)])).await.expect("placed");

    assert!(order.id.starts_with("o-"));
    assert_eq!(order.status, OrderStatus::Placed);
    assert_eq!(order.total_cents, 2 * 850 + 550);
    assert_eq!(order.items.len(), 2);
    assert_eq!(order.items[0].name, "Pizza Margherita");
    assert_eq!(statuses(&order), [OrderStatus::Placed]);
    assert_eq!(order.history[0].event_type, "OrderPlaced");
    assert_eq!(orders.order(&order.id).await.expect("read"), Some(order.clone()));

    let entries = outbox(&orders).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["EventBusName"], "food-delivery");
    assert_eq!(entries[0]["Source"], "food-delivery.orders");
    assert_eq!(entries[0]["DetailType"], "OrderPlaced");
    let detail: Value = serde_json::from_str(entries[0]["Detail"].as_str().expect("detail")).expect("JSON");
    assert_eq!(detail["metadata"]["correlationId"], order.id.as_str());
    assert_eq!(detail["metadata"]["idempotencyKey"], format!("{}:OrderPlaced", order.id));
    assert!(detail["metadata"]["causationId"].as_str().is_some_and(|id| !id.is_empty()));
    let data = &detail["data"];
    assert_eq!(data["orderId"], order.id.as_str());
    assert_eq!(data["customer"], "Ada");
    assert_eq!(data["restaurantId"], "r-pizza");
    assert_eq!(data["totalCents"], 2250);
    assert_eq!(data["currency"], "EUR");
    assert_eq!(data["placedAt"], order.placed_at.as_str());
    assert_eq!(
        data["items"][0],
        serde_json::json!({"menuItemId": "m-margherita", "name": "Pizza Margherita", "quantity": 2, "unitPriceCents": 850})
    );

    let update = updates.try_recv().expect("broadcast");
    assert_eq!(
        (update.order_id.as_str(), update.status, update.previous),
        (order.id.as_str(), OrderStatus::Placed, None)
    );
    // The relay was woken: the permit is waiting for it.
    tokio::time::timeout(std::time::Duration::from_millis(100), orders.outbox_ready().notified())
        .await
        .expect("relay notified");
}

#[tokio::test]
async fn placing_refuses_bad_orders_and_writes_nothing() {
    let (_dir, orders) = open();
    let cases: Vec<(PlaceOrder, &str)> = vec![
        (PlaceOrder { customer: " ".into(), ..pizza(vec![("m-margherita", 1)]) }, "the customer's name is missing"),
        (
            PlaceOrder { restaurant_id: "r-nowhere".into(), ..pizza(vec![("m-margherita", 1)]) },
            "there is no restaurant r-nowhere",
        ),
        (pizza(vec![]), "an order needs at least one item"),
        (pizza(vec![("m-margherita", 1); 51]), "an order can have at most 50 items, this one has 51"),
        (pizza(vec![("m-margherita", 1), ("m-dragon-roll", 1)]), "Luigi's Pizzeria has no menu item m-dragon-roll"),
        (pizza(vec![("m-margherita", 0)]), "the quantity of m-margherita must be between 1 and 99, not 0"),
        (pizza(vec![("m-margherita", 100)]), "the quantity of m-margherita must be between 1 and 99, not 100"),
    ];
    for (request, message) in cases {
        let error = orders.place(request).await.expect_err(message);
        assert!(error.is_user_error());
        assert_eq!(error.to_string(), message);
    }
    assert!(orders.place(pizza(vec![("m-margherita", 99); 50])).await.is_ok(), "the limits themselves are fine");
    assert_eq!(count(&orders, "orders").await, 1);
    assert_eq!(count(&orders, "outbox").await, 1);
}

#[tokio::test]
async fn an_order_is_never_written_without_its_event() {
    let (_dir, orders) = open();
    // Writing the outbox row fails, so the whole transaction must roll back.
    orders.store().run(|conn| conn.execute_batch("DROP TABLE outbox")).await.expect("drop");
    let error = orders.place(pizza(vec![("m-margherita", 1)])).await.expect_err("no outbox");
    assert!(matches!(error, OrderError::Store(_)), "{error}");
    assert_eq!(count(&orders, "orders").await, 0);
    assert_eq!(count(&orders, "order_items").await, 0);
    assert_eq!(count(&orders, "order_status_history").await, 0);
}

#[tokio::test]
async fn orders_are_listed_newest_first_and_filtered_by_status() {
    let (_dir, orders) = open();
    let first = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("first");
    let second = orders.place(pizza(vec![("m-diavola", 1)])).await.expect("second");
    orders.cancel(&first.id).await.expect("cancelled");

    let all = orders.orders(50, None).await.expect("list");
    assert_eq!(all.iter().map(|order| order.id.as_str()).collect::<Vec<_>>(), [second.id.as_str(), first.id.as_str()]);
    let cancelled = orders.orders(50, Some(OrderStatus::Cancelled)).await.expect("list");
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].id, first.id);
    assert_eq!(orders.orders(1, None).await.expect("list").len(), 1);
    assert_eq!(orders.order("o-nothing").await.expect("read"), None);
}

#[tokio::test]
async fn cancelling_is_allowed_until_the_restaurant_confirms() {
    let (_dir, orders) = open();
    let order = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    orders.apply(&event("e-1", "PaymentCharged", &order.id)).await.expect("applied");

    let cancelled = orders.cancel(&order.id).await.expect("cancelled");
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(statuses(&cancelled), [OrderStatus::Placed, OrderStatus::PaymentCharged, OrderStatus::Cancelled]);
    let entries = outbox(&orders).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["DetailType"], "OrderCancelled");
    let detail: Value = serde_json::from_str(entries[1]["Detail"].as_str().expect("detail")).expect("JSON");
    assert_eq!(detail["data"], serde_json::json!({"orderId": order.id, "reason": "cancelled by the customer"}));

    let again = orders.cancel(&order.id).await.expect_err("terminal");
    assert_eq!(again.to_string(), format!("order {} is CANCELLED and can no longer be cancelled", order.id));

    let confirmed = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    orders.apply(&event("e-2", "RestaurantConfirmed", &confirmed.id)).await.expect("applied");
    let error = orders.cancel(&confirmed.id).await.expect_err("confirmed");
    assert_eq!(error.to_string(), format!("order {} is CONFIRMED and can no longer be cancelled", confirmed.id));
    assert_eq!(orders.cancel("o-nothing").await.expect_err("unknown").to_string(), "there is no order o-nothing");
    assert_eq!(count(&orders, "outbox").await, 3, "refused cancellations write no event");
}

#[tokio::test]
async fn the_projection_applies_an_event_once() {
    let (_dir, orders) = open();
    let order = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    let mut updates = orders.subscribe();

    let charged = event("e-1", "PaymentCharged", &order.id);
    let update = orders.apply(&charged).await.expect("apply").expect("applied");
    assert_eq!(update.status, OrderStatus::PaymentCharged);
    assert_eq!(update.previous, Some(OrderStatus::Placed));
    assert_eq!(update.event_id, "e-1");
    assert_eq!(updates.try_recv().expect("broadcast"), update);

    assert_eq!(orders.apply(&charged).await.expect("again"), None);
    // The relay's re-send after a crash: a new event id, the same idempotency key.
    assert_eq!(
        orders.project(&event("e-1b", "PaymentCharged", &order.id)).await.expect("re-sent"),
        Projection::Duplicate(OrderStatus::PaymentCharged)
    );
    assert!(updates.try_recv().is_err(), "nothing more is broadcast");
    let read = orders.order(&order.id).await.expect("read").expect("order");
    assert_eq!(statuses(&read), [OrderStatus::Placed, OrderStatus::PaymentCharged]);

    // The order's own OrderPlaced coming back changes nothing either.
    assert_eq!(orders.apply(&event("e-0", "OrderPlaced", &order.id)).await.expect("placed"), None);
    assert_eq!(orders.apply(&event("e-9", "LoyaltyPointsAwarded", &order.id)).await.expect("other"), None);
    assert_eq!(
        orders.project(&event("e-8", "PaymentCharged", "o-unknown")).await.expect("unknown"),
        Projection::UnknownOrder
    );
}

#[tokio::test]
async fn late_events_never_move_an_order_back() {
    let (_dir, orders) = open();
    let order = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    for (id, event_type) in [("e-3", "CourierAssigned"), ("e-1", "PaymentCharged"), ("e-2", "RestaurantConfirmed")] {
        orders.apply(&event(id, event_type, &order.id)).await.expect("apply");
    }
    let read = orders.order(&order.id).await.expect("read").expect("order");
    assert_eq!(read.status, OrderStatus::CourierAssigned);
    assert_eq!(statuses(&read), [OrderStatus::Placed, OrderStatus::CourierAssigned]);

    let delivered = orders.apply(&event("e-4", "OrderDelivered", &order.id)).await.expect("apply").expect("applied");
    assert_eq!(delivered.previous, Some(OrderStatus::CourierAssigned));
    // A delivered order stays delivered, whatever comes late.
    assert_eq!(orders.apply(&event("e-5", "OrderFailed", &order.id)).await.expect("late"), None);
    assert_eq!(orders.order(&order.id).await.expect("read").expect("order").status, OrderStatus::Delivered);
}

#[tokio::test]
async fn terminal_statuses_are_final() {
    let (_dir, orders) = open();
    let order = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    orders.apply(&event("e-1", "RestaurantConfirmationRequested", &order.id)).await.expect("apply");
    let rejected = orders.apply(&event("e-2", "OrderRejected", &order.id)).await.expect("apply").expect("applied");
    assert_eq!((rejected.previous, rejected.status), (Some(OrderStatus::AwaitingRestaurant), OrderStatus::Rejected));
    for (id, event_type) in [("e-3", "RestaurantConfirmed"), ("e-4", "OrderFailed"), ("e-5", "OrderCancelled")] {
        assert_eq!(orders.apply(&event(id, event_type, &order.id)).await.expect("apply"), None, "{event_type}");
    }
    let read = orders.order(&order.id).await.expect("read").expect("order");
    assert_eq!(statuses(&read), [OrderStatus::Placed, OrderStatus::AwaitingRestaurant, OrderStatus::Rejected]);

    // The customer's cancellation comes back from the bus: nothing changes.
    let cancelled = orders.place(pizza(vec![("m-margherita", 1)])).await.expect("placed");
    orders.cancel(&cancelled.id).await.expect("cancelled");
    assert_eq!(orders.apply(&event("e-6", "OrderCancelled", &cancelled.id)).await.expect("apply"), None);
    assert_eq!(orders.order(&cancelled.id).await.expect("read").expect("order").history.len(), 2);
}

#[test]
fn statuses_have_ranks_names_and_events() {
    for status in OrderStatus::ALL {
        assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(status));
        assert_eq!(serde_json::to_value(status).expect("JSON"), status.as_str());
    }
    let ranks: Vec<u8> = OrderStatus::ALL.iter().map(|status| status.rank()).collect();
    assert_eq!(ranks, [0, 1, 2, 3, 4, 5, 6, 7, 7, 7]);
    assert_eq!(OrderStatus::from_event_type("RestaurantConfirmationRequested"), Some(OrderStatus::AwaitingRestaurant));
    assert_eq!(OrderStatus::from_event_type("OrderReadyForPickup"), Some(OrderStatus::ReadyForPickup));
    assert_eq!(OrderStatus::from_event_type("DiscountCodeIssued"), None);
    assert!(OrderStatus::Placed.can_move_to(OrderStatus::Failed));
    assert!(!OrderStatus::Cancelled.can_move_to(OrderStatus::Failed));
    assert!(!OrderStatus::Confirmed.can_move_to(OrderStatus::PaymentCharged));
    assert!("SHIPPED".parse::<OrderStatus>().is_err());
}
