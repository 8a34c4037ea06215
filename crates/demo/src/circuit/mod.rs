//! The circuit breaker around the restaurant partner.
//!
//! - [`breaker`]: the rules, pure (CLOSED → OPEN → HALF_OPEN → CLOSED).
//! - [`manager`]: [`Circuits`], which keeps each circuit in SQLite, publishes
//!   `Circuit State Changed` on the internal bus and, when a circuit closes,
//!   replays the outage's archived `RETRYABLE` events.
//! - [`health`]: the scheduled health check that probes the partner and moves
//!   an open circuit to HALF_OPEN once its cool-down has passed.

pub mod breaker;
pub mod health;
pub mod manager;

pub use breaker::{Breaker, BreakerConfig, CircuitState, Permit, Transition};
pub use manager::{CircuitSnapshot, Circuits, Healing, TransitionRecord};

/// The circuit around the restaurant partner API.
pub const RESTAURANT_PARTNER: &str = "restaurant-partner";

/// The `detail-type` of the event every transition publishes.
pub const STATE_CHANGED: &str = "Circuit State Changed";

/// Each circuit's current state, and every transition it made.
///
/// `circuit_transitions.published` is the outbox flag: a transition is
/// committed with the state it leads to and published afterwards, so a
/// transition whose publishing failed (or was cut short by a crash) is
/// published later instead of lost.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS circuits (
    name          TEXT PRIMARY KEY,
    state         TEXT NOT NULL,
    failures_json TEXT NOT NULL DEFAULT '[]',
    opened_at     INTEGER,
    changed_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS circuit_transitions (
    name        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    failures    INTEGER NOT NULL,
    opened_at   INTEGER,
    at          INTEGER NOT NULL,
    replay_name TEXT,
    published   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (name, seq)
);
";

/// Now, in epoch milliseconds, from the system clock. Only the manager
/// reads it; the breaker's rules take their times as arguments.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

/// Epoch milliseconds as RFC 3339 (`None` if out of range).
fn rfc3339(ms: i64) -> Option<String> {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    time.format(&time::format_description::well_known::Rfc3339).ok()
}
