//! One order through the whole system: GraphQL → outbox → bus → workflow
//! (payment, restaurant task token, rewards) → couriers → delivered.

mod support;

use std::time::Duration;

use choreoscope_demo::orders::OrderStatus;
use serde_json::json;
use support::{delivered, graphql, place, quick, start, wait_for_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_is_delivered_and_its_story_is_told() {
    let (_dir, demo) = start(quick()).await;
    let id = place(&demo, "Alice", 2).await;
    let order = wait_for_order(&demo, &id, Duration::from_secs(30), delivered).await;
    let statuses: Vec<OrderStatus> = order.history.iter().map(|change| change.status).collect();
    assert_eq!(statuses.first(), Some(&OrderStatus::Placed));
    assert_eq!(statuses.last(), Some(&OrderStatus::Delivered));
    assert!(statuses.windows(2).all(|pair| pair[0].rank() < pair[1].rank()), "{statuses:?}");
    assert!(statuses.contains(&OrderStatus::Confirmed), "{statuses:?}");

    // The customer heard about it through the API destination.
    let notified = support::eventually(Duration::from_secs(10), "notifications", || async {
        let received = demo.notifications().received();
        let about: Vec<String> = received
            .iter()
            .filter(|body| body["orderId"] == json!(id))
            .filter_map(|body| body["about"].as_str().map(str::to_owned))
            .collect();
        about.contains(&"OrderDelivered".to_owned()).then_some(about)
    })
    .await;
    assert!(notified.contains(&"RestaurantConfirmed".to_owned()), "{notified:?}");

    // GraphQL reads the same order.
    let data =
        graphql(&demo, "query($id: ID!) { order(id: $id) { status history { status } } }", json!({"id": id})).await;
    assert_eq!(data["order"]["status"], "DELIVERED");
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restaurant_that_cannot_cook_that_many_rejects_and_the_order_is_refunded() {
    let (_dir, demo) = start(quick()).await;
    let id = place(&demo, "Bob", 25).await;
    let order =
        wait_for_order(&demo, &id, Duration::from_secs(30), |order| order.status == OrderStatus::Rejected).await;
    assert_eq!(order.status, OrderStatus::Rejected);
    demo.shutdown().await;
}
