//! The replay runner: re-ingests the archived events of every running
//! replay, a bounded batch per [`step`], each batch with its cursor in one
//! transaction, so a replay a crash cut short resumes after the last event
//! it re-ingested (none twice, none lost).

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, Transaction, params};
use serde_json::Value;

use super::{COLUMNS, REPLAY_NAME, Replay, from_row};
use crate::eventbridge::archives::{self, purge_expired};
use crate::eventbridge::buses;
use crate::eventbridge::ingest::{self, BusRoutes, Origin};
use crate::protocol::AwsError;
use crate::shared::Shared;

/// Events re-ingested per [`step`] by [`run`]: small enough that requests
/// waiting for the store are not held up long.
const STEP_EVENTS: usize = 100;
/// How often [`run`] looks without being woken: retention and replays
/// started before a restart need no wake-up.
const IDLE_WAIT: Duration = Duration::from_millis(500);

/// Runs replays until the system stops: wakes when a replay is started or
/// cancelled (`Shared::replays_ready`) or every 500 ms, and steps while
/// there is work.
pub async fn run(shared: Arc<Shared>) {
    while !shared.shutdown.has_begun() {
        let ready = shared.replays_ready.notified();
        tokio::pin!(ready);
        ready.as_mut().enable();
        let worker = shared.clone();
        match tokio::task::spawn_blocking(move || step(&worker, STEP_EVENTS)).await {
            Ok(Ok(true)) => continue,
            Ok(Ok(false)) => {}
            Ok(Err(error)) => tracing::error!(%error, "replay step failed"),
            Err(error) => tracing::error!(%error, "replay step panicked"),
        }
        tokio::select! {
            () = &mut ready => {}
            () = tokio::time::sleep(IDLE_WAIT) => {}
            () = shared.shutdown.wait() => {}
        }
    }
}

/// Does up to `max_events` events' worth of replay work: cancelled replays
/// become CANCELLED, the others re-ingest their next archived events, oldest
/// replay first, and become COMPLETED when their window is done. Also drops
/// archived events past their retention. Returns whether work is left.
pub fn step(shared: &Shared, max_events: usize) -> rusqlite::Result<bool> {
    let now = shared.clock.now_ms();
    let mut conn = shared.store.conn();
    purge_expired(&conn, now)?;
    let replays: Vec<Replay> = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING')
             ORDER BY replay_start_ms, name"
        ))?
        .query_map([], from_row)?
        .collect::<Result<_, _>>()?;
    let mut budget = max_events;
    for replay in replays {
        if replay.state == "CANCELLING" {
            end(&conn, &replay.name, "CANCELLED", None, now)?;
            continue;
        }
        if budget == 0 {
            return Ok(true);
        }
        let tx = conn.transaction()?;
        let (replayed, finished) = advance(shared, &tx, &replay, budget, now)?;
        tx.commit()?;
        budget -= replayed;
        if !finished {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Marks a replay as ended in `state`.
fn end(conn: &Connection, name: &str, state: &str, reason: Option<String>, now: i64) -> rusqlite::Result<()> {
    tracing::info!(replay = name, state, reason = reason.as_deref().unwrap_or_default(), "replay ended");
    conn.execute(
        "UPDATE replays SET state = ?2, state_reason = ?3, replay_end_ms = ?4 WHERE name = ?1",
        params![name, state, reason, now],
    )?;
    Ok(())
}

/// Re-ingests up to `budget` of the replay's next events; returns how many,
/// and whether the replay has ended.
fn advance(
    shared: &Shared,
    tx: &Transaction<'_>,
    replay: &Replay,
    budget: usize,
    now: i64,
) -> rusqlite::Result<(usize, bool)> {
    if archives::find(tx, &replay.archive)?.is_none() {
        end(tx, &replay.name, "FAILED", Some(format!("Archive {} does not exist.", replay.archive)), now)?;
        return Ok((0, true));
    }
    if buses::find(tx, &replay.bus)?.is_none() {
        end(tx, &replay.name, "FAILED", Some(format!("Event bus {} does not exist.", replay.bus)), now)?;
        return Ok((0, true));
    }
    let events: Vec<(i64, i64, String)> = tx
        .prepare_cached(
            "SELECT seq, event_time_ms, event_json FROM archived_events
             WHERE archive = ?1 AND event_time_ms < ?2
               AND (event_time_ms > ?3 OR (event_time_ms = ?3 AND seq > ?4))
             ORDER BY event_time_ms, seq LIMIT ?5",
        )?
        .query_map(
            params![replay.archive, replay.event_end_ms, replay.cursor_time_ms, replay.cursor_seq, budget as i64 + 1],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?
        .collect::<Result<_, _>>()?;
    let finished = events.len() <= budget;
    let filter_rules: Vec<String> = replay
        .filter_arns
        .iter()
        .flatten()
        .filter_map(|arn| arn.rsplit_once('/').map(|(_, rule)| rule.to_owned()))
        .collect();
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut routes = BusRoutes::default();
    let route = routes.of(shared, tx, &replay.bus)?;
    let origin = Origin { replay: Some((&replay.name, &filter_rules)) };
    let mut cursor = (replay.cursor_time_ms, replay.cursor_seq);
    let mut replayed = 0;
    for (seq, time, json) in events.into_iter().take(budget) {
        cursor = (time, seq);
        replayed += 1;
        // Archived events were valid JSON objects when kept.
        let Ok(Value::Object(event)) = serde_json::from_str::<Value>(&json) else {
            continue;
        };
        let event = with_replay_name(event, &replay.name);
        ingest::accept(shared, tx, route, &event, now, &request_id, origin).map_err(store_error)?;
    }
    let state = if finished { "COMPLETED" } else { "RUNNING" };
    let last_replayed = (replayed > 0).then_some(cursor.0).or(replay.last_replayed_ms);
    tx.execute(
        "UPDATE replays SET state = ?2, cursor_time_ms = ?3, cursor_seq = ?4, last_replayed_ms = ?5,
                replay_end_ms = CASE WHEN ?6 THEN ?7 END
         WHERE name = ?1",
        params![replay.name, state, cursor.0, cursor.1, last_replayed, finished, now],
    )?;
    if finished {
        tracing::info!(replay = %replay.name, "replay completed");
    }
    Ok((replayed, finished))
}

/// The event as its replay sends it: `replay-name` right after `region`,
/// where AWS puts it.
fn with_replay_name(mut event: serde_json::Map<String, Value>, replay: &str) -> Value {
    let at = event.keys().position(|key| key == "region").map_or(event.len(), |index| index + 1);
    event.shift_insert(at, REPLAY_NAME.to_owned(), Value::String(replay.to_owned()));
    Value::Object(event)
}

/// Ingestion fails only when the store does; its error, for the runner.
fn store_error(error: AwsError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(error))
}
