//! `notifications`: turns a status change into the message the customer
//! gets, and asks for it to be sent (`CustomerNotificationRequested`); the
//! gatekeeper rule takes it to the partner bus and the notification
//! provider's API destination.

use choreoscope_local::functions::FunctionResult;
use serde_json::{Value, json};

use super::{Services, idempotency, publish, received, text};
use crate::envelope::DemoEvent;

const CONSUMER: &str = "notifications";

/// Handles the status changes a customer hears about.
pub async fn handle(services: &Services, payload: Value) -> FunctionResult {
    let event = received(&payload)?;
    if idempotency::seen(services, CONSUMER, &event).await? {
        return Ok(json!({"outcome": "already notified"}));
    }
    let order_id = text(&event.data, "orderId")?.to_owned();
    let message = match event.detail_type.as_str() {
        "RestaurantConfirmed" => format!("The restaurant confirmed your order {order_id}."),
        "CourierAssigned" => {
            format!("{} is picking up your order {order_id}.", event.data["courier"].as_str().unwrap_or("A courier"))
        }
        "OrderDelivered" => format!("Your order {order_id} was delivered. Enjoy your meal!"),
        "OrderRejected" => format!("Sorry, the restaurant could not take your order {order_id}; you were refunded."),
        "OrderFailed" => format!("Sorry, your order {order_id} could not be completed; you were refunded."),
        other => return Ok(json!({"outcome": "nothing to tell", "eventType": other})),
    };
    let data = json!({"orderId": order_id, "channel": "sms", "message": message, "about": event.detail_type});
    let request = DemoEvent::new("notifications", "CustomerNotificationRequested", &order_id, &event.id, data)
        .with_idempotency_key(format!("{order_id}:CustomerNotificationRequested:{}", event.detail_type));
    publish(services, request).await?;
    idempotency::remember(services, CONSUMER, &event).await?;
    Ok(json!({"orderId": order_id, "notified": event.detail_type}))
}
