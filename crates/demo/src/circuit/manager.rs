//! [`Circuits`]: the circuit manager. It applies the [`Breaker`] rules to each
//! named circuit, one caller at a time per circuit, keeps every change in
//! SQLite in the same transaction as the transition it makes, then publishes
//! the transition as `Circuit State Changed` on the internal bus and, when an
//! outage ends (HALF_OPEN → CLOSED), starts a replay of the outage's archive
//! window so the requests refused meanwhile are made again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use choreoscope_local::Api;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Value, json};

use super::breaker::{Breaker, BreakerConfig, BreakerRecord, CircuitState, Transition};
use super::{STATE_CHANGED, now_ms, rfc3339};
use crate::envelope::{self, DemoEvent};
use crate::settings::CircuitSettings;
use crate::store::DemoStore;

/// How often publishing a transition is tried before it is left for later.
const PUBLISH_ATTEMPTS: u32 = 4;
/// The first wait between publishing attempts; it doubles.
const PUBLISH_BACKOFF: Duration = Duration::from_millis(100);
/// AWS's limit on replay names.
const MAX_REPLAY_NAME: usize = 64;

/// What a closing circuit replays: the archive of `RETRYABLE` events on the
/// internal bus, sent back to the rules that retry them.
#[derive(Debug, Clone)]
pub struct Healing {
    /// The archive that keeps the events refused while the circuit was open.
    pub archive_name: String,
    /// The bus of that archive, where the replay sends the events.
    pub bus_name: String,
    /// The ARNs of the rules that should see the replayed events (all the
    /// bus's rules when empty).
    pub rule_arns: Vec<String>,
}

/// A circuit as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitSnapshot {
    /// The circuit's name.
    pub name: String,
    /// Its state.
    pub state: CircuitState,
    /// Failures within the window now.
    pub failures: u32,
    /// When the current (or last) outage began, epoch ms.
    pub opened_at: Option<i64>,
    /// When the state last changed, epoch ms.
    pub changed_at: i64,
    /// When an open circuit's cool-down ends, epoch ms (`None` unless OPEN).
    pub cool_down_ends_at: Option<i64>,
}

/// A transition as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionRecord {
    /// The circuit's name.
    pub circuit: String,
    /// Its number within the circuit, from 1.
    pub seq: i64,
    /// The state before.
    pub from: CircuitState,
    /// The state after.
    pub to: CircuitState,
    /// Why.
    pub reason: String,
    /// Failures within the window when it happened.
    pub failures: u32,
    /// When the outage began, epoch ms.
    pub opened_at: Option<i64>,
    /// When it happened, epoch ms.
    pub at: i64,
    /// The replay it started (HALF_OPEN → CLOSED only).
    pub replay_name: Option<String>,
    /// Whether `Circuit State Changed` was published for it.
    pub published: bool,
}

impl TransitionRecord {
    fn new(circuit: &str, seq: i64, transition: &Transition) -> Self {
        Self {
            circuit: circuit.to_owned(),
            seq,
            from: transition.from,
            to: transition.to,
            reason: transition.reason.clone(),
            failures: transition.failures,
            opened_at: transition.opened_at,
            at: transition.at,
            replay_name: None,
            published: false,
        }
    }

    /// `<circuit>:transition:<seq>`: the event's causation id and idempotency key.
    pub fn id(&self) -> String {
        format!("{}:transition:{}", self.circuit, self.seq)
    }

    /// The `Circuit State Changed` event that announces it.
    pub fn event(&self) -> DemoEvent {
        let data = json!({
            "circuit": self.circuit,
            "from": self.from,
            "to": self.to,
            "reason": self.reason,
            "failures": self.failures,
            "openedAt": self.opened_at.and_then(rfc3339),
            "at": rfc3339(self.at),
        });
        DemoEvent::new("circuits", STATE_CHANGED, &self.circuit, &self.id(), data).with_idempotency_key(self.id())
    }
}

/// The circuit manager. Cheap to clone; clones share the circuits.
#[derive(Clone)]
pub struct Circuits {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Circuits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Circuits").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

struct Inner {
    store: DemoStore,
    api: Api,
    config: BreakerConfig,
    healing: Healing,
    /// One lock per circuit, so callers of one circuit take turns (and see
    /// each other's transitions) while other circuits go on. `None` until the
    /// circuit is loaded from the store.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Slot>>>>>,
}

/// A loaded circuit.
struct Slot {
    breaker: Breaker,
    /// The `seq` of its next transition.
    next_seq: i64,
    /// Whether some transition may still be unpublished.
    unpublished: bool,
}

impl Circuits {
    /// A manager over `store`, publishing through `api`, with the thresholds
    /// of `settings`, healing as `healing` says.
    pub fn new(store: DemoStore, api: Api, settings: CircuitSettings, healing: Healing) -> Self {
        let config = BreakerConfig::from(&settings);
        Self { inner: Arc::new(Inner { store, api, config, healing, slots: Mutex::default() }) }
    }

    /// Whether a request through `circuit` may go now. In HALF_OPEN only one
    /// trial at a time may; its caller must report the outcome.
    pub async fn permit(&self, circuit: &str) -> bool {
        let lock = self.lock_of(circuit);
        let mut guard = lock.lock().await;
        let slot = self.loaded(circuit, &mut guard).await;
        slot.breaker.permit(now_ms()).is_allowed()
    }

    /// A request through `circuit` succeeded (closes it when HALF_OPEN).
    pub async fn record_success(&self, circuit: &str) {
        self.change(circuit, |breaker, now| breaker.on_success(now)).await;
    }

    /// A request through `circuit` failed because of `reason` (counts toward
    /// opening it; opens it again when HALF_OPEN).
    pub async fn record_failure(&self, circuit: &str, reason: &str) {
        self.change(circuit, |breaker, now| breaker.on_failure(now, reason)).await;
    }

    /// Moves `circuit` to HALF_OPEN if it is OPEN and its cool-down has
    /// passed; returns whether it did.
    pub async fn try_half_open(&self, circuit: &str) -> bool {
        self.change(circuit, |breaker, now| breaker.try_half_open(now)).await.is_some()
    }

    /// `circuit` as it is now.
    pub async fn snapshot(&self, circuit: &str) -> CircuitSnapshot {
        let lock = self.lock_of(circuit);
        let mut guard = lock.lock().await;
        let breaker = &self.loaded(circuit, &mut guard).await.breaker;
        CircuitSnapshot {
            name: circuit.to_owned(),
            state: breaker.state(),
            failures: breaker.failures_at(now_ms()),
            opened_at: breaker.opened_at(),
            changed_at: breaker.changed_at(),
            cool_down_ends_at: breaker.cool_down_ends_at(),
        }
    }

    /// Every transition `circuit` made, oldest first (empty if the store
    /// cannot be read; the error is logged).
    pub async fn transitions(&self, circuit: &str) -> Vec<TransitionRecord> {
        let name = circuit.to_owned();
        let read = self.inner.store.run(move |conn| read_transitions(conn, &name, false)).await;
        read.unwrap_or_else(|error| {
            tracing::error!(circuit, %error, "cannot read the circuit's transitions");
            Vec::new()
        })
    }

    /// Publishes the transitions of `circuit` that could not be published
    /// when they happened. The health check calls it on every tick.
    pub async fn flush(&self, circuit: &str) {
        let lock = self.lock_of(circuit);
        let mut guard = lock.lock().await;
        let slot = self.loaded(circuit, &mut guard).await;
        if slot.unpublished {
            slot.unpublished = !self.publish_pending(circuit).await;
        }
    }

    fn lock_of(&self, circuit: &str) -> Arc<tokio::sync::Mutex<Option<Slot>>> {
        let mut slots = self.inner.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(circuit.to_owned()).or_default().clone()
    }

    /// The circuit, loaded from the store on first use.
    async fn loaded<'a>(&self, circuit: &str, guard: &'a mut Option<Slot>) -> &'a mut Slot {
        if let Some(slot) = guard.take() {
            return guard.insert(slot);
        }
        let config = self.inner.config;
        let name = circuit.to_owned();
        let slot = match self.inner.store.run(move |conn| load(conn, &name, config)).await {
            Ok(slot) => slot,
            Err(error) => {
                // Protecting the partner matters more than the record: go on
                // in memory. Seqs start at the clock so that they cannot repeat
                // the idempotency keys of transitions the store may hold.
                tracing::error!(circuit, %error, "cannot load the circuit; starting it CLOSED in memory");
                let now = now_ms();
                Slot { breaker: Breaker::new(config, now), next_seq: now, unpublished: false }
            }
        };
        guard.insert(slot)
    }

    /// Applies `step` to `circuit`; records, publishes and heals the
    /// transition it makes, if any.
    async fn change(
        &self,
        circuit: &str,
        step: impl FnOnce(&mut Breaker, i64) -> Option<Transition>,
    ) -> Option<Transition> {
        let lock = self.lock_of(circuit);
        let mut guard = lock.lock().await;
        let slot = self.loaded(circuit, &mut guard).await;
        let before = slot.breaker.record().clone();
        let transition = step(&mut slot.breaker, now_ms());
        let after = slot.breaker.record().clone();
        if after == before {
            return transition;
        }
        let Some(transition) = transition else {
            // Only the failures in the window changed.
            let name = circuit.to_owned();
            if let Err(error) = self.inner.store.run(move |conn| upsert_state(conn, &name, &after)).await {
                tracing::error!(circuit, %error, "cannot save the circuit's failures");
            }
            return None;
        };
        let record = TransitionRecord::new(circuit, slot.next_seq, &transition);
        // Taken even if saving fails, so a seq (an idempotency key) is never reused.
        slot.next_seq += 1;
        tracing::info!(circuit, from = %record.from, to = %record.to, reason = %record.reason,
            failures = record.failures, "circuit changed state");
        let row = record.clone();
        let saved = self
            .inner
            .store
            .transaction(move |tx| {
                upsert_state(tx, &row.circuit, &after)?;
                insert_transition(tx, &row)
            })
            .await;
        match saved {
            Ok(()) => {
                // Set first: should this be cut short, a later flush publishes it.
                slot.unpublished = true;
                slot.unpublished = !self.publish_pending(circuit).await;
            }
            Err(error) => {
                tracing::error!(circuit, %error, "cannot save the circuit's transition; publishing it anyway");
                self.publish(&record).await;
            }
        }
        if record.from == CircuitState::HalfOpen && record.to == CircuitState::Closed {
            self.heal(&record).await;
        }
        Some(transition)
    }

    /// Publishes the unpublished transitions of `circuit` in order, marking
    /// each; stops at the first that cannot be published (so the order is
    /// kept). Returns whether none is left.
    async fn publish_pending(&self, circuit: &str) -> bool {
        let name = circuit.to_owned();
        let pending = match self.inner.store.run(move |conn| read_transitions(conn, &name, true)).await {
            Ok(pending) => pending,
            Err(error) => {
                tracing::error!(circuit, %error, "cannot read the circuit's unpublished transitions");
                return false;
            }
        };
        for record in pending {
            if !self.publish(&record).await {
                return false;
            }
            let (name, seq) = (record.circuit.clone(), record.seq);
            let marked = self
                .inner
                .store
                .run(move |conn| {
                    conn.execute(
                        "UPDATE circuit_transitions SET published = 1 WHERE name = ?1 AND seq = ?2",
                        params![name, seq],
                    )
                })
                .await;
            if let Err(error) = marked {
                // It was published; publishing it again is what the idempotency key is for.
                tracing::error!(circuit, seq = record.seq, %error, "cannot mark the transition as published");
                return false;
            }
        }
        true
    }

    /// Puts `record`'s event on the internal bus, trying a few times.
    async fn publish(&self, record: &TransitionRecord) -> bool {
        let event = record.event();
        let mut backoff = PUBLISH_BACKOFF;
        for attempt in 1..=PUBLISH_ATTEMPTS {
            match envelope::publish(&self.inner.api, envelope::INTERNAL_BUS, std::slice::from_ref(&event)).await {
                Ok(_) => return true,
                Err(error) if attempt < PUBLISH_ATTEMPTS => {
                    tracing::warn!(id = %record.id(), %error, attempt, "cannot publish the circuit's transition; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                Err(error) => {
                    tracing::error!(id = %record.id(), %error, "cannot publish the circuit's transition; it is kept for later");
                }
            }
        }
        false
    }

    /// Starts the replay of the outage that `record` (HALF_OPEN → CLOSED)
    /// ends: the archive's events from a second before the circuit opened
    /// until now, sent to the healing rules.
    async fn heal(&self, record: &TransitionRecord) {
        let Some(opened_at) = record.opened_at else {
            tracing::warn!(circuit = %record.circuit, "the circuit closed without a known outage; nothing to replay");
            return;
        };
        let api = &self.inner.api;
        let healing = &self.inner.healing;
        let (region, account) = (api.region(), api.account_id());
        let start_ms = opened_at.saturating_sub(1_000);
        // StartReplay wants the end after the start.
        let end_ms = now_ms().max(start_ms + 1_000);
        let mut destination =
            json!({ "Arn": format!("arn:aws:events:{region}:{account}:event-bus/{}", healing.bus_name) });
        // Left out when empty: no filter means every rule of the bus.
        if !healing.rule_arns.is_empty() {
            destination["FilterArns"] = json!(healing.rule_arns);
        }
        let base = replay_name(&record.circuit, end_ms / 1_000, None);
        let mut input = json!({
            "ReplayName": base,
            "Description": format!("Heals the outage of circuit {} ({})", record.circuit, record.id()),
            "EventSourceArn": format!("arn:aws:events:{region}:{account}:archive/{}", healing.archive_name),
            // Epoch seconds as numbers, as the AWS SDKs send timestamps.
            "EventStartTime": start_ms as f64 / 1_000.0,
            "EventEndTime": end_ms as f64 / 1_000.0,
            "Destination": destination,
        });
        let mut started = api.call("AWSEvents.StartReplay", input.clone()).await;
        if started.as_ref().is_err_and(choreoscope_local::ApiError::already_exists) {
            // Two outages ended within one second: tell them apart by seq.
            input["ReplayName"] = replay_name(&record.circuit, end_ms / 1_000, Some(record.seq)).into();
            started = api.call("AWSEvents.StartReplay", input.clone()).await;
        }
        let name = input["ReplayName"].as_str().unwrap_or_default().to_owned();
        match started {
            Ok(_) => tracing::info!(circuit = %record.circuit, replay = %name, from_ms = start_ms, to_ms = end_ms,
                "started the replay of the outage"),
            Err(error) => {
                tracing::error!(circuit = %record.circuit, %error, "cannot start the replay of the outage");
                return;
            }
        }
        let (circuit, seq) = (record.circuit.clone(), record.seq);
        let noted = self
            .inner
            .store
            .run(move |conn| {
                conn.execute(
                    "UPDATE circuit_transitions SET replay_name = ?3 WHERE name = ?1 AND seq = ?2",
                    params![circuit, seq, name],
                )
            })
            .await;
        if let Err(error) = noted {
            tracing::error!(circuit = %record.circuit, %error, "cannot record the replay's name");
        }
    }
}

/// `heal-<circuit>-<unix seconds>[-<seq>]`, within AWS's rules for replay
/// names (letters, digits, `.-_`, at most 64).
fn replay_name(circuit: &str, seconds: i64, seq: Option<i64>) -> String {
    let suffix = match seq {
        Some(seq) => format!("-{seconds}-{seq}"),
        None => format!("-{seconds}"),
    };
    let room = MAX_REPLAY_NAME.saturating_sub("heal-".len() + suffix.len());
    let circuit: String = circuit
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .take(room)
        .collect();
    format!("heal-{circuit}{suffix}")
}

/// Reads circuit `name`, or a new closed one.
fn load(conn: &mut rusqlite::Connection, name: &str, config: BreakerConfig) -> rusqlite::Result<Slot> {
    let saved = conn
        .query_row("SELECT state, failures_json, opened_at, changed_at FROM circuits WHERE name = ?1", [name], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    let last_seq: i64 =
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM circuit_transitions WHERE name = ?1", [name], |row| {
            row.get(0)
        })?;
    let breaker = match saved {
        Some((state, failures, opened_at, changed_at)) => {
            let state = state.parse().unwrap_or_else(|error| {
                tracing::warn!(circuit = name, %error, "the stored circuit state is unknown; taking it as CLOSED");
                CircuitState::Closed
            });
            let failures = serde_json::from_str(&failures).unwrap_or_default();
            Breaker::restore(config, BreakerRecord { state, failures, opened_at, changed_at })
        }
        None => Breaker::new(config, now_ms()),
    };
    // A transition a crash left unpublished is published on the next change or flush.
    Ok(Slot { breaker, next_seq: last_seq + 1, unpublished: true })
}

/// Saves a circuit's state.
fn upsert_state(conn: &rusqlite::Connection, name: &str, record: &BreakerRecord) -> rusqlite::Result<()> {
    let failures = Value::from(record.failures.clone()).to_string();
    conn.execute(
        "INSERT INTO circuits (name, state, failures_json, opened_at, changed_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name) DO UPDATE SET state = excluded.state, failures_json = excluded.failures_json,
             opened_at = excluded.opened_at, changed_at = excluded.changed_at",
        params![name, record.state.as_str(), failures, record.opened_at, record.changed_at],
    )?;
    Ok(())
}

fn insert_transition(tx: &rusqlite::Transaction<'_>, record: &TransitionRecord) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO circuit_transitions (name, seq, from_state, to_state, reason, failures, opened_at, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            record.circuit,
            record.seq,
            record.from.as_str(),
            record.to.as_str(),
            record.reason,
            record.failures,
            record.opened_at,
            record.at
        ],
    )?;
    Ok(())
}

fn read_transitions(
    conn: &mut rusqlite::Connection,
    name: &str,
    unpublished_only: bool,
) -> rusqlite::Result<Vec<TransitionRecord>> {
    let mut statement = conn.prepare(
        "SELECT seq, from_state, to_state, reason, failures, opened_at, at, replay_name, published
         FROM circuit_transitions WHERE name = ?1 AND (?2 = 0 OR published = 0) ORDER BY seq",
    )?;
    let state = |text: String| text.parse().unwrap_or(CircuitState::Closed);
    let rows = statement.query_map(params![name, unpublished_only], |row| {
        Ok(TransitionRecord {
            circuit: name.to_owned(),
            seq: row.get(0)?,
            from: state(row.get(1)?),
            to: state(row.get(2)?),
            reason: row.get(3)?,
            failures: row.get(4)?,
            opened_at: row.get(5)?,
            at: row.get(6)?,
            replay_name: row.get(7)?,
            published: row.get(8)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests;
