//! The order service's commands. Each runs in one transaction that writes
//! the order's new state and the outbox row of the event saying so; a
//! refused command rolls back and writes nothing.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde_json::json;

use super::model::{MenuItem, Order, OrderStatus, OrderUpdate, PlaceOrder};
use super::{MAX_LINES, MAX_QUANTITY, OrderError, now_rfc3339, read};
use crate::envelope::DemoEvent;
use crate::outbox;

/// The `service` of the events the order service publishes.
const SERVICE: &str = "orders";
/// The longest customer name accepted.
const MAX_CUSTOMER_CHARS: usize = 200;

/// A command's outcome: the store failed (outer), or the command was refused
/// or done (inner).
type Outcome = rusqlite::Result<Result<(Order, OrderUpdate), OrderError>>;

/// Validates and writes a new order with its `OrderPlaced` outbox row.
pub(super) fn place(conn: &mut Connection, request: PlaceOrder) -> Outcome {
    let customer = request.customer.trim();
    if customer.is_empty() {
        return Ok(Err(OrderError::MissingCustomer));
    }
    if customer.chars().count() > MAX_CUSTOMER_CHARS {
        return Ok(Err(OrderError::CustomerTooLong { max: MAX_CUSTOMER_CHARS }));
    }
    if request.items.is_empty() {
        return Ok(Err(OrderError::NoItems));
    }
    if request.items.len() > MAX_LINES {
        return Ok(Err(OrderError::TooManyItems(request.items.len())));
    }
    // Validating inside the transaction that writes means the order is
    // checked against the catalog it is written with.
    let tx = conn.transaction()?;
    let Some(restaurant) = read::restaurant(&tx, &request.restaurant_id)? else {
        return Ok(Err(OrderError::UnknownRestaurant(request.restaurant_id)));
    };
    let menu: HashMap<String, MenuItem> =
        read::menu(&tx, &restaurant.id)?.into_iter().map(|item| (item.id.clone(), item)).collect();
    let mut lines = Vec::with_capacity(request.items.len());
    for (item_id, quantity) in &request.items {
        let Some(item) = menu.get(item_id) else {
            return Ok(Err(OrderError::UnknownMenuItem { restaurant: restaurant.name, item: item_id.clone() }));
        };
        if !(1..=MAX_QUANTITY).contains(quantity) {
            return Ok(Err(OrderError::BadQuantity { item: item_id.clone(), quantity: i64::from(*quantity) }));
        }
        lines.push((item, i64::from(*quantity)));
    }
    let total_cents: i64 = lines.iter().map(|(item, quantity)| item.price_cents * quantity).sum();

    let id = format!("o-{}", uuid::Uuid::new_v4().simple());
    // The GraphQL request is the cause of the order's first event.
    let causation_id = uuid::Uuid::new_v4().to_string();
    let now = now_rfc3339();
    tx.execute(
        "INSERT INTO orders (id, customer, restaurant_id, total_cents, status, placed_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, customer, restaurant.id, total_cents, OrderStatus::Placed, now],
    )?;
    let mut items = Vec::with_capacity(lines.len());
    for (line, (item, quantity)) in lines.iter().enumerate() {
        tx.execute(
            "INSERT INTO order_items (order_id, line, menu_item_id, name, quantity, unit_price_cents) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, line as i64 + 1, item.id, item.name, quantity, item.price_cents],
        )?;
        items.push(json!({
            "menuItemId": item.id,
            "name": item.name,
            "quantity": quantity,
            "unitPriceCents": item.price_cents,
        }));
    }
    let data = json!({
        "orderId": id,
        "customer": customer,
        "restaurantId": restaurant.id,
        "items": items,
        "totalCents": total_cents,
        "currency": "EUR",
        "placedAt": now,
    });
    let event = DemoEvent::new(SERVICE, "OrderPlaced", &id, &causation_id, data);
    let update = record(&tx, &id, OrderStatus::Placed, None, &event, &now)?;
    outbox::enqueue(&tx, &event)?;
    let order = read::order(&tx, &id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.commit()?;
    Ok(Ok((order, update)))
}

/// Cancels order `id` if it is not yet `CONFIRMED`, with its `OrderCancelled` outbox row.
pub(super) fn cancel(conn: &mut Connection, id: &str) -> Outcome {
    let tx = conn.transaction()?;
    let Some(status) = read::status(&tx, id)? else {
        return Ok(Err(OrderError::UnknownOrder(id.to_owned())));
    };
    // Once the restaurant confirmed, it is cooking: the customer can no
    // longer back out (and a terminal order has nothing left to cancel).
    if status.rank() >= OrderStatus::Confirmed.rank() {
        return Ok(Err(OrderError::NotCancellable { id: id.to_owned(), status }));
    }
    let causation_id = uuid::Uuid::new_v4().to_string();
    let data = json!({"orderId": id, "reason": "cancelled by the customer"});
    let event = DemoEvent::new(SERVICE, "OrderCancelled", id, &causation_id, data);
    let now = now_rfc3339();
    let update = record(&tx, id, OrderStatus::Cancelled, Some(status), &event, &now)?;
    outbox::enqueue(&tx, &event)?;
    let order = read::order(&tx, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.commit()?;
    Ok(Ok((order, update)))
}

/// Records the order's move to `status` because of `event` (identified by
/// its idempotency key: it has no EventBridge id before the relay sends it).
fn record(
    conn: &Connection,
    id: &str,
    status: OrderStatus,
    previous: Option<OrderStatus>,
    event: &DemoEvent,
    now: &str,
) -> rusqlite::Result<OrderUpdate> {
    let event_id = &event.metadata.idempotency_key;
    read::record_status(conn, id, status, &event.event_type, event_id, now)?;
    Ok(OrderUpdate {
        order_id: id.to_owned(),
        status,
        previous,
        event_type: event.event_type.clone(),
        event_id: event_id.clone(),
        at: now.to_owned(),
    })
}
