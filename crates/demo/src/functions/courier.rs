//! `courier-assignment`: the choreography after the workflow. A ready order
//! gets a courier (`CourierAssigned`); the courier rides and delivers it
//! (`OrderDelivered`).

use choreoscope_local::functions::{FunctionError, FunctionResult};
use serde_json::{Value, json};

use super::{Services, idempotency, publish, received, text};
use crate::envelope::DemoEvent;

const CONSUMER: &str = "courier-assignment";
const COURIERS: [&str; 6] = ["Ada", "Brian", "Chen", "Dolores", "Emeka", "Farah"];

/// Handles `OrderReadyForPickup` and `CourierAssigned`.
pub async fn handle(services: &Services, payload: Value) -> FunctionResult {
    let event = received(&payload)?;
    if idempotency::seen(services, CONSUMER, &event).await? {
        return Ok(json!({"outcome": "already done"}));
    }
    let order_id = text(&event.data, "orderId")?.to_owned();
    let next = match event.detail_type.as_str() {
        "OrderReadyForPickup" => {
            let courier = COURIERS[order_id.bytes().map(usize::from).sum::<usize>() % COURIERS.len()];
            DemoEvent::new(
                "couriers",
                "CourierAssigned",
                &order_id,
                &event.id,
                json!({"orderId": order_id, "courier": courier, "etaMinutes": 12}),
            )
        }
        "CourierAssigned" => {
            tokio::time::sleep(services.courier_ride).await;
            let courier = event.data["courier"].clone();
            DemoEvent::new(
                "couriers",
                "OrderDelivered",
                &order_id,
                &event.id,
                json!({"orderId": order_id, "courier": courier}),
            )
        }
        other => return Err(FunctionError::permanent("InvalidEvent", format!("unexpected event {other}"))),
    };
    let event_type = next.event_type.clone();
    publish(services, next).await?;
    idempotency::remember(services, CONSUMER, &event).await?;
    Ok(json!({"orderId": order_id, "published": event_type}))
}
