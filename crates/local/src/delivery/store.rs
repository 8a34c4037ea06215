//! The `deliveries` table: deliveries still to be made, when each is due,
//! and how many attempts it has had.

use rusqlite::{Connection, OptionalExtension, params};

/// A delivery to schedule, written with the event it delivers.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    /// `events.seq` of the event.
    pub event_seq: i64,
    /// The event's id.
    pub event_id: &'a str,
    /// The PutEvents request that brought it (for the bus log).
    pub request_id: &'a str,
    /// The bus whose rule matched.
    pub bus: &'a str,
    /// The rule that matched.
    pub rule: &'a str,
    /// The target's `Id`.
    pub target_id: &'a str,
    /// The target's `Arn`.
    pub target_arn: &'a str,
    /// What the target receives, or why it could not be rendered; `Ok(None)`
    /// when it receives the event as it is (not stored twice).
    pub payload: Result<Option<String>, String>,
    /// When the bus received the event.
    pub ingested_ms: i64,
}

/// A delivery taken for an attempt.
#[derive(Debug, Clone)]
pub struct Due {
    /// Row id.
    pub id: i64,
    /// The id the bus log gives this invocation.
    pub invocation_id: String,
    /// `events.seq` of the event.
    pub event_seq: i64,
    /// The event's id.
    pub event_id: String,
    /// The PutEvents request that brought it.
    pub request_id: String,
    /// The bus whose rule matched.
    pub bus: String,
    /// The rule that matched.
    pub rule: String,
    /// The target's `Id`.
    pub target_id: String,
    /// The target's `Arn`.
    pub target_arn: String,
    /// What the target receives, or why it could not be rendered.
    pub payload: Result<String, String>,
    /// When the bus received the event.
    pub ingested_ms: i64,
    /// Attempts made before this one.
    pub attempts: u32,
    /// Whether the invocation was already held back by a rate limit.
    pub throttled: bool,
}

/// Schedules a delivery due at once.
pub fn schedule(conn: &Connection, delivery: &NewDelivery<'_>) -> rusqlite::Result<()> {
    let (payload, render_error) = match &delivery.payload {
        Ok(payload) => (payload.as_deref(), None),
        Err(error) => (None, Some(error.as_str())),
    };
    conn.prepare_cached(
        "INSERT INTO deliveries (invocation_id, event_seq, event_id, request_id, bus, rule, target_id, target_arn,
                                 payload, render_error, ingested_ms, due_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        delivery.event_seq,
        delivery.event_id,
        delivery.request_id,
        delivery.bus,
        delivery.rule,
        delivery.target_id,
        delivery.target_arn,
        payload,
        render_error,
        delivery.ingested_ms,
    ])?;
    Ok(())
}

/// Takes up to `limit` deliveries due at `now_ms`, oldest first, and marks
/// them in flight.
pub fn claim_due(conn: &Connection, now_ms: i64, limit: usize) -> rusqlite::Result<Vec<Due>> {
    let due = select_due(conn, now_ms, limit)?;
    for delivery in &due {
        mark_in_flight(conn, delivery.id)?;
    }
    Ok(due)
}

/// Marks a delivery in flight: an attempt of it is under way outside the store.
pub fn mark_in_flight(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE deliveries SET in_flight = 1 WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Up to `limit` deliveries due at `now_ms` and not in flight, oldest first.
pub fn select_due(conn: &Connection, now_ms: i64, limit: usize) -> rusqlite::Result<Vec<Due>> {
    let mut select = conn.prepare_cached(
        "SELECT d.id, d.invocation_id, d.event_seq, d.event_id, d.request_id, d.bus, d.rule, d.target_id,
                d.target_arn, COALESCE(d.payload, CASE WHEN d.render_error IS NULL THEN e.event_json END),
                d.render_error, d.ingested_ms, d.attempts, d.throttled
         FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
         WHERE d.in_flight = 0 AND d.due_ms <= ?1 ORDER BY d.due_ms, d.id LIMIT ?2",
    )?;
    let due: Vec<Due> = select
        .query_map(params![now_ms, limit as i64], |row| {
            let payload: Option<String> = row.get(9)?;
            let render_error: Option<String> = row.get(10)?;
            Ok(Due {
                id: row.get(0)?,
                invocation_id: row.get(1)?,
                event_seq: row.get(2)?,
                event_id: row.get(3)?,
                request_id: row.get(4)?,
                bus: row.get(5)?,
                rule: row.get(6)?,
                target_id: row.get(7)?,
                target_arn: row.get(8)?,
                payload: payload.ok_or_else(|| render_error.unwrap_or_default()),
                ingested_ms: row.get(11)?,
                attempts: row.get(12)?,
                throttled: row.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(due)
}

/// When the next delivery not in flight is due, if any.
pub fn next_due_ms(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT min(due_ms) FROM deliveries WHERE in_flight = 0")?
        .query_row([], |row| row.get::<_, Option<i64>>(0))
        .optional()
        .map(Option::flatten)
}

/// Removes a delivery that is done with (delivered, dead-lettered, dropped).
pub fn finish(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM deliveries WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Puts a delivery back, due again at `due_ms`, with `attempts` made.
pub fn retry_at(conn: &Connection, id: i64, attempts: u32, throttled: bool, due_ms: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE deliveries SET attempts = ?2, throttled = ?3, due_ms = ?4, in_flight = 0 WHERE id = ?1",
    )?
    .execute(params![id, attempts, throttled, due_ms])?;
    Ok(())
}

/// Makes every delivery an earlier run left in flight due again: the attempt
/// was cut short, so its outcome is unknown and it is made again (at least
/// once, never lost).
pub fn release_in_flight(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute("UPDATE deliveries SET in_flight = 0 WHERE in_flight = 1", [])
}

/// The event a delivery carries, as the bus received it.
pub fn event_json(conn: &Connection, event_seq: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT event_json FROM events WHERE seq = ?1")?
        .query_row([event_seq], |row| row.get(0))
        .optional()
}

/// How many deliveries are pending (waiting or in flight).
pub fn pending(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
}
