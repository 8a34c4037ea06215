//! Scheduled rules: a rule with a `ScheduleExpression` fires a
//! `Scheduled Event` to its own targets at every time the expression names.
//!
//! A firing missed while the local system was stopped is made once at
//! start-up (not once per missed time), then the schedule goes on from now.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::names::{DEFAULT_BUS, rule_arn};
use super::routing::route_target;
use super::schedule::Schedule;
use super::{buses, ingest, targets};
use crate::clock::rfc3339_seconds;
use crate::shared::Shared;

/// A scheduled rule as the scheduler sees it.
struct ScheduledRule {
    name: String,
    expression: String,
    created_ms: i64,
    fired_ms: Option<i64>,
}

/// Fires every scheduled rule whose time has come; returns how many fired
/// and when the next one is due.
pub fn step(shared: &Shared) -> rusqlite::Result<(usize, Option<i64>)> {
    let now = shared.clock.now_ms();
    let mut conn = shared.store.conn();
    let tx = conn.transaction()?;
    let Some(bus) = buses::find(&tx, DEFAULT_BUS)? else {
        return Ok((0, None));
    };
    let mut fired = 0;
    let mut next_due: Option<i64> = None;
    for rule in scheduled_rules(&tx)? {
        let Ok(schedule) = Schedule::parse(&rule.expression) else {
            continue;
        };
        let after = rule.fired_ms.unwrap_or(rule.created_ms);
        let Some(due) = schedule.next_after(rule.created_ms, after) else {
            continue;
        };
        if due > now {
            next_due = Some(next_due.map_or(due, |next: i64| next.min(due)));
            continue;
        }
        fire(shared, &tx, &bus, &rule.name, now)?;
        fired += 1;
        if let Some(next) = schedule.next_after(rule.created_ms, now) {
            next_due = Some(next_due.map_or(next, |n: i64| n.min(next)));
        }
    }
    tx.commit()?;
    Ok((fired, next_due))
}

fn scheduled_rules(conn: &Connection) -> rusqlite::Result<Vec<ScheduledRule>> {
    let mut statement = conn.prepare_cached(
        "SELECT r.name, r.schedule_expression, r.created_ms, f.fired_ms
         FROM rules r LEFT JOIN rule_firings f ON f.bus = r.bus AND f.rule = r.name
         WHERE r.bus = ?1 AND r.schedule_expression IS NOT NULL AND r.state != 'DISABLED'",
    )?;
    statement
        .query_map([DEFAULT_BUS], |row| {
            Ok(ScheduledRule {
                name: row.get(0)?,
                expression: row.get(1)?,
                created_ms: row.get(2)?,
                fired_ms: row.get(3)?,
            })
        })?
        .collect()
}

/// The event EventBridge sends for a scheduled rule.
pub fn scheduled_event(shared: &Shared, rule: &str, now: i64) -> Value {
    json!({
        "version": "0",
        "id": crate::ids::time_ordered(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": shared.account_id,
        "time": rfc3339_seconds(now),
        "region": shared.region,
        "resources": [rule_arn(shared, DEFAULT_BUS, rule)],
        "detail": {},
    })
}

fn fire(shared: &Shared, conn: &Connection, bus: &buses::Bus, rule: &str, now: i64) -> rusqlite::Result<()> {
    let targets: Vec<_> = targets::of_rule(conn, DEFAULT_BUS, rule)?.iter().filter_map(route_target).collect();
    let event = scheduled_event(shared, rule, now);
    let request_id = uuid::Uuid::new_v4().to_string();
    ingest::accept_scheduled(shared, conn, bus, rule, &targets, &event, now, &request_id)?;
    conn.prepare_cached(
        "INSERT INTO rule_firings (bus, rule, fired_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (bus, rule) DO UPDATE SET fired_ms = excluded.fired_ms",
    )?
    .execute(params![DEFAULT_BUS, rule, now])?;
    Ok(())
}

/// When a rule last fired, if it has.
pub fn last_fired(conn: &Connection, rule: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT fired_ms FROM rule_firings WHERE bus = ?1 AND rule = ?2", params![DEFAULT_BUS, rule], |r| {
        r.get(0)
    })
    .optional()
}

/// Fires scheduled rules until the system stops.
pub async fn run(shared: Arc<Shared>) {
    while !shared.shutdown.has_begun() {
        let stepped = tokio::task::spawn_blocking({
            let shared = shared.clone();
            move || step(&shared)
        })
        .await;
        let next = match stepped {
            Ok(Ok((_, next))) => next,
            Ok(Err(error)) => {
                tracing::error!(%error, "scheduled rules could not fire");
                None
            }
            Err(error) => {
                tracing::error!(%error, "the scheduler failed");
                None
            }
        };
        // Look again at least every second: rules come and go.
        let wait_ms = next.map_or(1_000, |due| (due - shared.clock.now_ms()).clamp(10, 1_000));
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_millis(wait_ms as u64)) => {}
            () = shared.shutdown.wait() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::{last_fired, step};
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::shared::Shared;
    use crate::store::Store;

    const START_MS: i64 = 1_795_000_000_000;

    #[test]
    fn a_rate_rule_fires_scheduled_events_to_its_targets() {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::at(START_MS);
        let mut config = Config::new(dir.path());
        config.clock = clock.clone();
        let shared = Shared::new(&config, Arc::new(Store::open(dir.path()).expect("store")));
        crate::eventbridge::buses::ensure_default(&shared).expect("default bus");
        let call = |operation: &str, input: serde_json::Value| {
            crate::eventbridge::handle(&shared, operation, input.to_string().as_bytes(), "r").expect(operation)
        };
        call("PutRule", json!({"Name": "tick", "ScheduleExpression": "rate(5 minutes)"}));
        call(
            "PutTargets",
            json!({"Rule": "tick", "Targets": [
            {"Id": "q", "Arn": "arn:aws:sqs:us-east-1:123456789012:ticks"}]}),
        );

        assert_eq!(step(&shared).expect("step"), (0, Some(START_MS + 300_000)), "not yet");
        clock.advance(300_000);
        assert_eq!(step(&shared).expect("step").0, 1);
        assert_eq!(step(&shared).expect("step").0, 0, "once per time");
        assert_eq!(last_fired(&shared.store.conn(), "tick").expect("read"), Some(START_MS + 300_000));

        // Stopped for an hour: one catch-up firing, not twelve.
        clock.advance(3_600_000);
        assert_eq!(step(&shared).expect("step").0, 1);

        let conn = shared.store.conn();
        let events: Vec<String> = conn
            .prepare("SELECT event_json FROM events ORDER BY seq")
            .expect("q")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(events.len(), 2);
        let event: serde_json::Value = serde_json::from_str(&events[0]).expect("JSON");
        assert_eq!(event["detail-type"], "Scheduled Event");
        assert_eq!(event["source"], "aws.events");
        assert_eq!(event["resources"], json!(["arn:aws:events:us-east-1:123456789012:rule/tick"]));
        assert_eq!(event["detail"], json!({}));
        let deliveries: i64 = conn.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0)).expect("count");
        assert_eq!(deliveries, 2, "one delivery per firing to the rule's target");
    }
}
