//! `loyalty-points` and `discount-codes`: the workflow's parallel branches,
//! invoked with `{"order": {...}, "causationId"}`. Each keeps one row per
//! order, so a retried task awards nothing twice.

use choreoscope_local::functions::FunctionResult;
use rusqlite::params;
use serde_json::{Value, json};

use super::{Services, publish, store_failed, text};
use crate::envelope::DemoEvent;

/// One point per euro spent.
pub async fn loyalty_points(services: &Services, payload: Value) -> FunctionResult {
    let order = &payload["order"];
    let order_id = text(order, "orderId")?.to_owned();
    let customer = order["customer"].as_str().unwrap_or("guest").to_owned();
    let points = order["totalCents"].as_i64().unwrap_or(0) / 100;
    let causation = payload["causationId"].as_str().unwrap_or_default().to_owned();
    services
        .store
        .run({
            let (order_id, customer) = (order_id.clone(), customer.clone());
            move |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO loyalty_points (order_id, customer, points) VALUES (?1, ?2, ?3)",
                    params![order_id, customer, points],
                )
            }
        })
        .await
        .map_err(store_failed)?;
    let data = json!({"orderId": order_id, "customer": customer, "points": points});
    publish(services, DemoEvent::new("loyalty", "LoyaltyPointsAwarded", &order_id, &causation, data)).await?;
    Ok(json!({"points": points}))
}

/// A code for 10 % off the customer's next order.
pub async fn discount_code(services: &Services, payload: Value) -> FunctionResult {
    let order = &payload["order"];
    let order_id = text(order, "orderId")?.to_owned();
    let customer = order["customer"].as_str().unwrap_or("guest").to_owned();
    let causation = payload["causationId"].as_str().unwrap_or_default().to_owned();
    let fresh = format!("THANKS-{}", &uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase());
    let code: String = services
        .store
        .run({
            let (order_id, customer) = (order_id.clone(), customer.clone());
            move |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO discount_codes (order_id, customer, code, percent) VALUES (?1, ?2, ?3, 10)",
                    params![order_id, customer, fresh],
                )?;
                conn.query_row("SELECT code FROM discount_codes WHERE order_id = ?1", [&order_id], |row| row.get(0))
            }
        })
        .await
        .map_err(store_failed)?;
    let data = json!({"orderId": order_id, "customer": customer, "code": code, "percent": 10});
    publish(services, DemoEvent::new("discounts", "DiscountCodeIssued", &order_id, &causation, data)).await?;
    Ok(json!({"code": code}))
}
