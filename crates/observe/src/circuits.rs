//! Circuits over time: each circuit's transitions from its `Circuit State
//! Changed` events in the bus logs (read as the live activity reads them,
//! [`circuit_change`]), its state now, and the replay each closing started.
//!
//! A circuit manager that heals an outage (the food-delivery demo's) starts,
//! when a circuit goes HALF_OPEN → CLOSED, a replay named
//! `heal-<circuit>-<epoch seconds>[-<seq>]` of the archive window
//! `[opened − 1 s, now]`. A closing's replay is therefore the first replay of
//! that name whose window ends at or after the closing was logged (and before
//! the next closing): the closing's event is put on the bus before the
//! replay starts, and the window ends when it starts.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::primitives::DateTime;
use choreoscope_model::{CircuitHistory, CircuitReplay, CircuitStatus, CircuitTransition, CircuitsReport};

use crate::Observer;
use crate::activity::{CIRCUIT_FILTER, circuit_change};
use crate::bus_log::{LogRecord, LogTail};
use crate::error::{ObserveError, Result};

/// How far back circuits are read: a circuit that last changed within a day
/// is known, whatever the window.
pub const HISTORY_MS: i64 = 24 * 60 * 60 * 1000;
/// A replay's window may end this long before its closing was logged
/// (clocks and the log's timestamp resolution).
const CLOSING_SLACK_MS: i64 = 1_000;
/// A closing's replay starts within this long of it, or it started none.
const REPLAY_WITHIN_MS: i64 = 60_000;
/// The longest circuit name kept in a replay's name prefix: the demo cuts
/// names to fit AWS's 64 characters with its suffix.
const MAX_PREFIX_CIRCUIT: usize = 40;
/// The states a replay no longer leaves.
const FINAL_REPLAY_STATES: [&str; 3] = ["COMPLETED", "CANCELLED", "FAILED"];

impl Observer {
    /// Every circuit whose `Circuit State Changed` events the bus logs hold
    /// (a day back, or `window_ms` if longer), with its state now, its
    /// transitions over the last `window_ms` and the replays its closings in
    /// that window started (ListReplays, then DescribeReplay of each).
    pub async fn circuits(&self, window_ms: i64, now_ms: i64) -> Result<CircuitsReport> {
        if window_ms <= 0 {
            return Err(ObserveError::Invalid(format!("the window must be longer than 0 ms, not {window_ms}")));
        }
        let window_start_ms = now_ms - window_ms;
        let since = window_start_ms.min(now_ms - HISTORY_MS);
        let buses = self.bus_names().await?;
        let records = LogTail::since(since).poll(&self.logs, &buses, Some(CIRCUIT_FILTER)).await?;
        let mut circuits = histories(&records, window_start_ms);
        let mut replays_error = None;
        for circuit in &mut circuits {
            // A caller who may read the logs but not the replays still sees the circuits.
            if let Err(error) = self.add_replays(circuit).await {
                replays_error = Some(error.to_string());
                break;
            }
        }
        Ok(CircuitsReport { at_ms: now_ms, window_start_ms, circuits, replays_error })
    }

    /// The replays the closings of `circuit` within its transitions started.
    async fn add_replays(&self, circuit: &mut CircuitHistory) -> Result<()> {
        let closings = closings(&circuit.transitions);
        if closings.is_empty() {
            return Ok(());
        }
        let candidates = self.healing_replays(&circuit.name).await?;
        for (closed_at_ms, name) in match_replays(&closings, &candidates) {
            circuit.replays.push(self.describe_healing_replay(&name, closed_at_ms).await?);
        }
        Ok(())
    }

    /// The replays named as a closing of `circuit` names them: (name, end of
    /// their window in epoch ms).
    async fn healing_replays(&self, circuit: &str) -> Result<Vec<(String, i64)>> {
        let prefix = replay_prefix(circuit);
        let mut replays = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .eventbridge
                .list_replays()
                .name_prefix(&prefix)
                .set_next_token(token)
                .send()
                .await
                .map_err(|error| ObserveError::from_sdk("ListReplays", error))?;
            for replay in page.replays() {
                if let (Some(name), Some(end)) = (replay.replay_name(), replay.event_end_time().and_then(millis)) {
                    replays.push((name.to_owned(), end));
                }
            }
            token = page.next_token().map(ToOwned::to_owned);
            if token.is_none() {
                return Ok(replays);
            }
        }
    }

    /// DescribeReplay of the replay that the closing at `closed_at_ms` started.
    async fn describe_healing_replay(&self, name: &str, closed_at_ms: i64) -> Result<CircuitReplay> {
        let replay = self
            .eventbridge
            .describe_replay()
            .replay_name(name)
            .send()
            .await
            .map_err(|error| ObserveError::from_sdk("DescribeReplay", error))?;
        let state = replay.state().map(|state| state.as_str().to_owned()).unwrap_or_default();
        let event_start_ms = replay.event_start_time().and_then(millis);
        let event_end_ms = replay.event_end_time().and_then(millis);
        let event_last_replayed_ms = replay.event_last_replayed_time().and_then(millis);
        Ok(CircuitReplay {
            name: name.to_owned(),
            closed_at_ms,
            progress: progress(&state, event_start_ms, event_end_ms, event_last_replayed_ms),
            state,
            state_reason: replay.state_reason().map(ToOwned::to_owned),
            description: replay.description().map(ToOwned::to_owned),
            archive_arn: replay.event_source_arn().map(ToOwned::to_owned),
            event_start_ms,
            event_end_ms,
            event_last_replayed_ms,
            replay_start_ms: replay.replay_start_time().and_then(millis),
            replay_end_ms: replay.replay_end_time().and_then(millis),
        })
    }
}

/// Each circuit's history from the records of its changes (any order, any
/// bus): its state now and its transitions since `window_start_ms`. A change
/// to the state a circuit is already in is the same transition told again
/// (published twice, or logged by two buses) and is skipped.
pub fn histories(records: &[LogRecord], window_start_ms: i64) -> Vec<CircuitHistory> {
    let mut changes: Vec<CircuitStatus> = records.iter().filter_map(circuit_change).collect();
    changes.sort_by_key(|change| change.since_ms);
    let mut by_circuit: BTreeMap<String, Vec<CircuitStatus>> = BTreeMap::new();
    for change in changes {
        let known = by_circuit.entry(change.name.clone()).or_default();
        if known.last().is_none_or(|last| last.state != change.state) {
            known.push(change);
        }
    }
    by_circuit
        .into_iter()
        .filter_map(|(name, changes)| {
            let last = changes.last()?.clone();
            let before = changes.iter().rev().find(|change| change.since_ms < window_start_ms);
            let within: Vec<&CircuitStatus> =
                changes.iter().filter(|change| change.since_ms >= window_start_ms).collect();
            let state_at_window_start = match (before, within.first()) {
                (Some(before), _) => Some(before.state.clone()),
                (None, Some(first)) => first.from.clone(),
                (None, None) => None,
            };
            Some(CircuitHistory {
                name,
                state: last.state,
                since_ms: last.since_ms,
                failures: last.failures,
                reason: last.reason,
                state_at_window_start,
                transitions: within
                    .into_iter()
                    .map(|change| CircuitTransition {
                        from: change.from.clone(),
                        to: change.state.clone(),
                        reason: change.reason.clone(),
                        failures: change.failures,
                        at_ms: change.since_ms,
                    })
                    .collect(),
                replays: Vec::new(),
            })
        })
        .collect()
}

/// When each closing that heals an outage (HALF_OPEN → CLOSED) was logged, oldest first.
fn closings(transitions: &[CircuitTransition]) -> Vec<i64> {
    transitions.iter().filter(|t| t.to == "CLOSED" && t.from.as_deref() == Some("HALF_OPEN")).map(|t| t.at_ms).collect()
}

/// Pairs each closing (epoch ms, oldest first) with the replay it started,
/// from `(name, end of its window)`: the earliest window ending at or after
/// the closing, within a minute and before the next closing. Closings that
/// started none (or whose replay was deleted) are left out.
pub fn match_replays(closings: &[i64], replays: &[(String, i64)]) -> Vec<(i64, String)> {
    let mut replays: Vec<&(String, i64)> = replays.iter().collect();
    replays.sort_by_key(|(_, end)| *end);
    let mut matched = Vec::new();
    let mut next = 0;
    for (index, closed_at) in closings.iter().enumerate() {
        let until = closings.get(index + 1).map_or(closed_at + REPLAY_WITHIN_MS, |after| {
            (*after - CLOSING_SLACK_MS).min(closed_at + REPLAY_WITHIN_MS)
        });
        while next < replays.len() && replays[next].1 < closed_at - CLOSING_SLACK_MS {
            next += 1;
        }
        if let Some((name, end)) = replays.get(next)
            && *end <= until
        {
            matched.push((*closed_at, name.clone()));
            next += 1;
        }
    }
    matched
}

/// How far a replay is through its window, 0 to 1.
fn progress(state: &str, start: Option<i64>, end: Option<i64>, last: Option<i64>) -> f64 {
    if state == "COMPLETED" {
        return 1.0;
    }
    let (Some(start), Some(end), Some(last)) = (start, end, last) else {
        return 0.0;
    };
    if end <= start || FINAL_REPLAY_STATES.contains(&state) && last >= end {
        return 1.0;
    }
    ((last - start) as f64 / (end - start) as f64).clamp(0.0, 1.0)
}

/// `heal-<circuit>-`, the circuit's characters made safe as the demo makes
/// them (letters, digits, `.-_`; anything else `-`); a long name is cut, as
/// the demo may have cut it.
fn replay_prefix(circuit: &str) -> String {
    let safe: String = circuit
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .collect();
    if safe.len() > MAX_PREFIX_CIRCUIT {
        format!("heal-{}", &safe[..MAX_PREFIX_CIRCUIT])
    } else {
        format!("heal-{safe}-")
    }
}

fn millis(time: &DateTime) -> Option<i64> {
    time.to_millis().ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn changed(circuit: &str, from: &str, to: &str, at: i64) -> LogRecord {
        let event = json!({
            "id": format!("e-{at}"), "detail-type": "Circuit State Changed", "source": "food-delivery.circuits",
            "detail": {"metadata": {}, "data": {"circuit": circuit, "from": from, "to": to,
                "reason": format!("{from} to {to}"), "failures": 3, "openedAt": null}}
        });
        let record = json!({
            "resource_arn": "arn:aws:events:us-east-1:123456789012:event-bus/food-delivery",
            "event_id": format!("e-{at}"), "message_type": "EVENT_INGEST_SUCCESS",
            "details": {"event_detail": event.to_string()}
        });
        LogRecord { bus: "food-delivery".into(), id: format!("{at}"), timestamp_ms: at, message: record.to_string() }
    }

    #[test]
    fn a_history_has_the_state_now_and_the_transitions_in_the_window() {
        let records = [
            changed("partner", "HALF_OPEN", "CLOSED", 9_000),
            changed("partner", "CLOSED", "OPEN", 1_000),
            changed("partner", "OPEN", "HALF_OPEN", 6_000),
            // Told again (published twice): not a transition.
            changed("partner", "OPEN", "HALF_OPEN", 6_500),
            changed("other", "CLOSED", "OPEN", 2_000),
        ];
        let circuits = histories(&records, 5_000);
        let names: Vec<&str> = circuits.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["other", "partner"]);
        let partner = &circuits[1];
        assert_eq!((partner.state.as_str(), partner.since_ms), ("CLOSED", 9_000));
        assert_eq!(partner.state_at_window_start.as_deref(), Some("OPEN"));
        assert_eq!(partner.reason.as_deref(), Some("HALF_OPEN to CLOSED"));
        let steps: Vec<(&str, i64)> = partner.transitions.iter().map(|t| (t.to.as_str(), t.at_ms)).collect();
        assert_eq!(steps, [("HALF_OPEN", 6_000), ("CLOSED", 9_000)]);
        // Open since before the window: no transition in it, state known.
        let other = &circuits[0];
        assert!(other.transitions.is_empty());
        assert_eq!(other.state_at_window_start.as_deref(), Some("OPEN"));
        assert_eq!(closings(&partner.transitions), [9_000]);
    }

    #[test]
    fn a_first_transition_in_the_window_tells_the_state_before_it() {
        let circuits = histories(&[changed("p", "CLOSED", "OPEN", 6_000)], 5_000);
        assert_eq!(circuits[0].state_at_window_start.as_deref(), Some("CLOSED"));
    }

    #[test]
    fn each_closing_gets_the_first_replay_ending_after_it() {
        let replays = [
            ("heal-p-30".to_owned(), 30_400),
            ("heal-p-10".to_owned(), 10_050),
            ("heal-p-3".to_owned(), 3_000),
            ("heal-p-200".to_owned(), 200_000),
        ];
        // The closing at 70 s started none: the replay at 200 s is too late.
        let matched = match_replays(&[10_000, 30_000, 70_000], &replays);
        assert_eq!(matched, [(10_000, "heal-p-10".to_owned()), (30_000, "heal-p-30".to_owned())]);
        assert!(match_replays(&[10_000], &[]).is_empty());
    }

    #[test]
    fn progress_follows_the_last_replayed_event() {
        assert!((progress("RUNNING", Some(0), Some(100), Some(25)) - 0.25).abs() < 1e-9);
        assert!((progress("COMPLETED", Some(0), Some(100), None) - 1.0).abs() < 1e-9);
        assert!(progress("STARTING", Some(0), Some(100), None).abs() < 1e-9);
    }

    #[test]
    fn replay_prefixes_are_made_safe_as_the_demo_makes_them() {
        assert_eq!(replay_prefix("restaurant-partner"), "heal-restaurant-partner-");
        assert_eq!(replay_prefix("a b/c"), "heal-a-b-c-");
    }
}
