//! Keeping accepted events in archives, on PutEvents' hot path: each bus's
//! enabled archives are compiled once into a [`Matcher`] and kept until an
//! archive changes, like [`Routes`](crate::eventbridge::routing::Routes)
//! keeps rules.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use choreoscope_pattern::{Matcher, Pattern};
use rusqlite::{Connection, params};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::rfc3339_seconds;
use crate::eventbridge::replays::REPLAY_NAME;
use crate::shared::Shared;

/// The enabled archives of one bus.
#[derive(Default)]
struct BusArchives {
    /// Archives with a pattern; archive names are the ids.
    matcher: Matcher<String>,
    /// Archives without a pattern: they keep every event.
    keep_all: Vec<String>,
}

/// The compiled archives of every bus, rebuilt lazily after any change to
/// archives.
#[derive(Default)]
pub struct ArchiveRoutes {
    version: AtomicU64,
    buses: Mutex<HashMap<String, (u64, Arc<BusArchives>)>>,
}

impl ArchiveRoutes {
    /// Marks every compiled bus as out of date; call after any change to
    /// archives.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The enabled archives of `bus`, compiled.
    fn of_bus(&self, conn: &Connection, bus: &str) -> rusqlite::Result<Arc<BusArchives>> {
        let version = self.version.load(Ordering::SeqCst);
        let mut buses = self.buses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((built, archives)) = buses.get(bus)
            && *built == version
        {
            return Ok(archives.clone());
        }
        let archives = Arc::new(compile(conn, bus)?);
        buses.insert(bus.to_owned(), (version, archives.clone()));
        Ok(archives)
    }
}

fn compile(conn: &Connection, bus: &str) -> rusqlite::Result<BusArchives> {
    let mut compiled = BusArchives::default();
    let mut statement =
        conn.prepare_cached("SELECT name, event_pattern FROM archives WHERE bus = ?1 AND state = 'ENABLED'")?;
    let rows = statement.query_map([bus], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))?;
    for row in rows {
        let (name, pattern) = row?;
        match pattern {
            None => compiled.keep_all.push(name),
            // Stored patterns passed CreateArchive's validation.
            Some(text) => {
                if let Ok(pattern) = Pattern::parse(&text) {
                    compiled.matcher.add_rule(name, pattern);
                }
            }
        }
    }
    Ok(compiled)
}

/// Keeps `event`, just accepted by `bus`, in every enabled archive of the
/// bus whose pattern it matches, in the caller's transaction. Replayed
/// events (they carry `replay-name`) are not archived again, as in AWS.
pub fn keep(shared: &Shared, conn: &Connection, bus: &str, event: &Value, now: i64) -> rusqlite::Result<()> {
    if event.get(REPLAY_NAME).is_some() {
        return Ok(());
    }
    let archives = shared.archives.of_bus(conn, bus)?;
    if archives.keep_all.is_empty() && archives.matcher.is_empty() {
        // The usual bus, without archives: nothing to match.
        return Ok(());
    }
    let mut names: Vec<&String> = archives.keep_all.iter().collect();
    names.extend(archives.matcher.matching_rules(event));
    if names.is_empty() {
        return Ok(());
    }
    let json = event.to_string();
    let id = event["id"].as_str().unwrap_or_default();
    let time = event_time_ms(event, now);
    let mut insert = conn.prepare_cached(
        "INSERT INTO archived_events (archive, event_id, event_time_ms, received_ms, event_json, size_bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for name in names {
        insert.execute(params![name, id, time, now, json, json.len() as i64])?;
    }
    Ok(())
}

/// The time of an event, which replay windows select on. `time` has whole
/// seconds; an event stamped at ingestion (the usual case) gets the exact
/// instant instead, so a window that starts mid-second still holds the
/// events sent after it started.
fn event_time_ms(event: &Value, now: i64) -> i64 {
    let Some(text) = event["time"].as_str() else {
        return now;
    };
    if text == rfc3339_seconds(now) {
        return now;
    }
    OffsetDateTime::parse(text, &Rfc3339).map_or(now, |time| (time.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Removes the archived events older than their archive's `RetentionDays`.
pub fn purge_expired(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "DELETE FROM archived_events WHERE seq IN (
             SELECT e.seq FROM archives a
             JOIN archived_events e ON e.archive = a.name AND e.received_ms < ?1 - a.retention_days * 86400000
             WHERE a.retention_days > 0)",
    )?
    .execute([now])
}
