//! Reading the catalog and the read model. The functions take a
//! [`Connection`] so they run inside a write transaction too (a
//! `Transaction` derefs to one) and see its uncommitted rows.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};

use super::model::{MenuItem, Order, OrderItem, OrderStatus, OrderUpdate, Restaurant, StatusChange};

impl ToSql for OrderStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for OrderStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str()?.parse().map_err(|error| FromSqlError::Other(Box::new(error)))
    }
}

/// Every restaurant, by name.
pub(super) fn restaurants(conn: &Connection) -> rusqlite::Result<Vec<Restaurant>> {
    let mut statement = conn.prepare_cached("SELECT id, name, cuisine FROM restaurants ORDER BY name")?;
    let rows =
        statement.query_map([], |row| Ok(Restaurant { id: row.get(0)?, name: row.get(1)?, cuisine: row.get(2)? }))?;
    rows.collect()
}

/// Restaurant `id`, if there is one.
pub(super) fn restaurant(conn: &Connection, id: &str) -> rusqlite::Result<Option<Restaurant>> {
    conn.query_row("SELECT id, name, cuisine FROM restaurants WHERE id = ?1", [id], |row| {
        Ok(Restaurant { id: row.get(0)?, name: row.get(1)?, cuisine: row.get(2)? })
    })
    .optional()
}

/// The menu of restaurant `restaurant_id` in menu order (empty for an unknown restaurant).
pub(super) fn menu(conn: &Connection, restaurant_id: &str) -> rusqlite::Result<Vec<MenuItem>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, restaurant_id, name, price_cents FROM menu_items WHERE restaurant_id = ?1 ORDER BY position, id",
    )?;
    let rows = statement.query_map([restaurant_id], |row| {
        Ok(MenuItem { id: row.get(0)?, restaurant_id: row.get(1)?, name: row.get(2)?, price_cents: row.get(3)? })
    })?;
    rows.collect()
}

/// The status of order `id`, if there is one.
pub(super) fn status(conn: &Connection, id: &str) -> rusqlite::Result<Option<OrderStatus>> {
    conn.query_row("SELECT status FROM orders WHERE id = ?1", [id], |row| row.get(0)).optional()
}

/// Order `id` with its items and history.
pub(super) fn order(conn: &Connection, id: &str) -> rusqlite::Result<Option<Order>> {
    let order = conn
        .query_row(
            "SELECT id, customer, restaurant_id, total_cents, status, placed_at, updated_at FROM orders WHERE id = ?1",
            [id],
            order_row,
        )
        .optional()?;
    order.map(|order| complete(conn, order)).transpose()
}

/// Up to `limit` orders, newest first, only those in `status` if given.
pub(super) fn orders(conn: &Connection, limit: usize, status: Option<OrderStatus>) -> rusqlite::Result<Vec<Order>> {
    // rowid grows with every insert, so it orders by placement even when two
    // orders share a timestamp.
    let mut statement = conn.prepare_cached(
        "SELECT id, customer, restaurant_id, total_cents, status, placed_at, updated_at FROM orders \
         WHERE ?1 IS NULL OR status = ?1 ORDER BY rowid DESC LIMIT ?2",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let heads = statement.query_map(params![status, limit], order_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    heads.into_iter().map(|order| complete(conn, order)).collect()
}

/// The latest change of order `id`, as the update a subscriber would have
/// received for it: what a subscription sends first.
pub(super) fn last_update(conn: &Connection, id: &str) -> rusqlite::Result<Option<OrderUpdate>> {
    conn.query_row(
        "SELECT status, event_type, event_id, at FROM order_status_history WHERE order_id = ?1 \
         ORDER BY seq DESC LIMIT 1",
        [id],
        |row| {
            Ok(OrderUpdate {
                order_id: id.to_owned(),
                status: row.get(0)?,
                previous: None,
                event_type: row.get(1)?,
                event_id: row.get(2)?,
                at: row.get(3)?,
            })
        },
    )
    .optional()
}

/// An `orders` row without items and history.
fn order_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: row.get(0)?,
        customer: row.get(1)?,
        restaurant_id: row.get(2)?,
        total_cents: row.get(3)?,
        status: row.get(4)?,
        placed_at: row.get(5)?,
        updated_at: row.get(6)?,
        items: Vec::new(),
        history: Vec::new(),
    })
}

/// Adds the items and the history to an `orders` row.
fn complete(conn: &Connection, mut order: Order) -> rusqlite::Result<Order> {
    let mut items = conn.prepare_cached(
        "SELECT menu_item_id, name, quantity, unit_price_cents FROM order_items WHERE order_id = ?1 ORDER BY line",
    )?;
    order.items = items
        .query_map([&order.id], |row| {
            Ok(OrderItem {
                menu_item_id: row.get(0)?,
                name: row.get(1)?,
                quantity: row.get(2)?,
                unit_price_cents: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut history = conn
        .prepare_cached("SELECT status, event_type, at FROM order_status_history WHERE order_id = ?1 ORDER BY seq")?;
    order.history = history
        .query_map([&order.id], |row| {
            Ok(StatusChange { status: row.get(0)?, event_type: row.get(1)?, at: row.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(order)
}

/// Appends a history row to order `id` and sets its status and `updated_at`.
pub(super) fn record_status(
    conn: &Connection,
    id: &str,
    status: OrderStatus,
    event_type: &str,
    event_id: &str,
    at: &str,
) -> rusqlite::Result<()> {
    conn.execute("UPDATE orders SET status = ?2, updated_at = ?3 WHERE id = ?1", params![id, status, at])?;
    conn.execute(
        "INSERT INTO order_status_history (order_id, seq, status, event_type, event_id, at) \
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_status_history WHERE order_id = ?1), ?2, ?3, ?4, ?5)",
        params![id, status, event_type, event_id, at],
    )?;
    Ok(())
}
