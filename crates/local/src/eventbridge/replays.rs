//! Replays: re-sending an archive's events of a time window to its bus.
//! StartReplay, DescribeReplay, ListReplays, CancelReplay here; the work is
//! done by the runner in the background ([`run`], through [`step`]).
//!
//! A replay goes STARTING → RUNNING → COMPLETED (or CANCELLING → CANCELLED
//! when cancelled, FAILED when its archive or bus is deleted under it). Its
//! events keep their id and `time` and gain `"replay-name": "<name>"`; only
//! the rules named in `Destination.FilterArns` (all rules when empty) see
//! them, and no archive keeps them again. Events are replayed in order of
//! their `time` (AWS replays minute by minute, not strictly in order), and
//! as soon as they are archived (AWS needs some minutes).

mod runner;
#[cfg(test)]
mod tests;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

pub use runner::{run, step};

use super::archives::{self, MAX_DESCRIPTION, archive_arn, archive_of_arn, check_arn};
use super::names::{bus_arn, bus_name, check_name, no_such_bus, no_such_rule};
use super::rules;
use crate::clock::epoch_seconds;
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

/// The field a replayed event carries, naming its replay.
pub const REPLAY_NAME: &str = "replay-name";
/// AWS's limit on replay names.
const MAX_NAME: usize = 64;
/// How many replays may be STARTING or RUNNING at once (AWS's quota).
const MAX_ACTIVE: i64 = 10;
/// The states a replay can be in, as AWS lists them.
const STATES: [&str; 6] = ["STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"];

/// A replay as stored.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Its name.
    pub name: String,
    /// The archive it reads.
    pub archive: String,
    /// Its description.
    pub description: Option<String>,
    /// The bus it sends to (the archive's own).
    pub bus: String,
    /// `Destination.FilterArns`, if given.
    pub filter_arns: Option<Vec<String>>,
    /// Start of the window of event times, inclusive (epoch ms).
    pub event_start_ms: i64,
    /// End of the window of event times, exclusive (epoch ms).
    pub event_end_ms: i64,
    /// STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED or FAILED.
    pub state: String,
    /// Why it is in that state, when it failed.
    pub state_reason: Option<String>,
    /// When it was started.
    pub replay_start_ms: i64,
    /// When it completed, was cancelled or failed.
    pub replay_end_ms: Option<i64>,
    /// Event time of the last event replayed.
    pub last_replayed_ms: Option<i64>,
    /// Event time of the last event replayed, or the window's start.
    cursor_time_ms: i64,
    /// Archive sequence of the last event replayed (0 before the first).
    cursor_seq: i64,
}

const COLUMNS: &str = "name, archive, description, bus, filter_arns, event_start_ms, event_end_ms, state, \
                       state_reason, replay_start_ms, replay_end_ms, last_replayed_ms, cursor_time_ms, cursor_seq";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Replay> {
    let filter_arns: Option<String> = row.get(4)?;
    Ok(Replay {
        name: row.get(0)?,
        archive: row.get(1)?,
        description: row.get(2)?,
        bus: row.get(3)?,
        filter_arns: filter_arns.and_then(|text| serde_json::from_str(&text).ok()),
        event_start_ms: row.get(5)?,
        event_end_ms: row.get(6)?,
        state: row.get(7)?,
        state_reason: row.get(8)?,
        replay_start_ms: row.get(9)?,
        replay_end_ms: row.get(10)?,
        last_replayed_ms: row.get(11)?,
        cursor_time_ms: row.get(12)?,
        cursor_seq: row.get(13)?,
    })
}

/// Reads one replay, if it exists.
pub fn find(conn: &Connection, name: &str) -> rusqlite::Result<Option<Replay>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM replays WHERE name = ?1"), [name], from_row).optional()
}

/// `arn:aws:events:<region>:<account>:replay/<name>`.
pub fn replay_arn(shared: &Shared, name: &str) -> String {
    shared.arn("events", &format!("replay/{name}"))
}

fn no_such_replay(name: &str) -> AwsError {
    AwsError::not_found(format!("Replay {name} does not exist."))
}

/// `Parameter <field> is not valid. Reason: <reason>`, as StartReplay words it.
fn invalid_parameter(field: &str, reason: &str) -> AwsError {
    AwsError::validation(format!("Parameter {field} is not valid. Reason: {reason}"))
}

impl Replay {
    /// The replay as ListReplays shows it.
    fn summary(&self, shared: &Shared) -> Value {
        let mut json = json!({
            "EventEndTime": epoch_seconds(self.event_end_ms),
            "EventSourceArn": archive_arn(shared, &self.archive),
            "EventStartTime": epoch_seconds(self.event_start_ms),
            "ReplayName": self.name,
            "ReplayStartTime": epoch_seconds(self.replay_start_ms),
            "State": self.state,
        });
        if let Some(last) = self.last_replayed_ms {
            json["EventLastReplayedTime"] = epoch_seconds(last).into();
        }
        if let Some(end) = self.replay_end_ms {
            json["ReplayEndTime"] = epoch_seconds(end).into();
        }
        if let Some(reason) = &self.state_reason {
            json["StateReason"] = reason.clone().into();
        }
        json
    }
}

/// Epoch seconds (the JSON protocol's timestamps) as epoch milliseconds.
fn to_ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    arn: Option<String>,
    filter_arns: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct StartInput {
    replay_name: Option<String>,
    description: Option<String>,
    event_source_arn: Option<String>,
    event_start_time: Option<f64>,
    event_end_time: Option<f64>,
    destination: Option<Destination>,
}

pub(super) fn start(shared: &Shared, input: StartInput) -> OpResult {
    let name = required(&input.replay_name, "replayName")?;
    check_name(name, "replayName", MAX_NAME, false)?;
    let source = required(&input.event_source_arn, "eventSourceArn")?;
    check_arn(source, "eventSourceArn")?;
    let start_ms = to_ms(*required(&input.event_start_time, "eventStartTime")?);
    let end_ms = to_ms(*required(&input.event_end_time, "eventEndTime")?);
    let destination = required(&input.destination, "destination")?;
    let destination_arn = required(&destination.arn, "destination.arn")?;
    if let Some(description) = input.description.as_deref().filter(|text| text.chars().count() > MAX_DESCRIPTION) {
        return Err(AwsError::constraint(
            description,
            "description",
            &format!("Member must have length less than or equal to {MAX_DESCRIPTION}"),
        ));
    }
    if start_ms >= end_ms {
        return Err(invalid_parameter("EventEndTime", "EventStartTime must be before EventEndTime."));
    }
    let conn = shared.store.conn();
    if find(&conn, name)?.is_some() {
        return Err(AwsError::already_exists(format!("Replay {name} already exists.")));
    }
    let (archive_name, ours) = archive_of_arn(shared, source);
    let archive = match archives::find(&conn, archive_name)? {
        Some(archive) if ours => archive,
        _ => return Err(invalid_parameter("EventSourceArn", &format!("Archive {archive_name} does not exist."))),
    };
    let bus = bus_name(Some(destination_arn));
    if bus_arn(shared, bus) != *destination_arn || super::buses::find(&conn, bus)?.is_none() {
        return Err(no_such_bus(bus));
    }
    if bus != archive.bus {
        return Err(invalid_parameter("Destination.Arn", "Cross event bus replay is not permitted."));
    }
    for arn in destination.filter_arns.iter().flatten() {
        check_filter_arn(shared, &conn, bus, arn)?;
    }
    let active: i64 =
        conn.query_row("SELECT COUNT(*) FROM replays WHERE state IN ('STARTING', 'RUNNING')", [], |row| row.get(0))?;
    if active >= MAX_ACTIVE {
        return Err(AwsError::client(
            "LimitExceededException",
            "The requested resource exceeds the maximum number allowed.",
        ));
    }
    let now = shared.clock.now_ms();
    let filter_arns = destination.filter_arns.as_ref().map(|arns| json!(arns).to_string());
    conn.execute(
        "INSERT INTO replays (name, archive, description, bus, filter_arns, event_start_ms, event_end_ms, state,
                              replay_start_ms, cursor_time_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'STARTING', ?8, ?6)",
        params![name, archive.name, input.description, bus, filter_arns, start_ms, end_ms, now],
    )?;
    shared.replays_ready.notify_one();
    Ok(json!({
        "ReplayArn": replay_arn(shared, name),
        "ReplayStartTime": epoch_seconds(now),
        "State": "STARTING",
    }))
}

/// A filter ARN must name an existing rule of the destination bus.
fn check_filter_arn(shared: &Shared, conn: &Connection, bus: &str, arn: &str) -> Result<(), AwsError> {
    check_arn(arn, "destination.filterArns.member")?;
    let resource = arn.rsplit_once(":rule/").map_or(arn, |(_, resource)| resource);
    let (rule_bus, rule) = resource.rsplit_once('/').unwrap_or((super::names::DEFAULT_BUS, resource));
    if rule_bus != bus
        || super::names::rule_arn(shared, rule_bus, rule) != arn
        || rules::find(conn, rule_bus, rule)?.is_none()
    {
        return Err(no_such_rule(bus, rule));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct NamedInput {
    replay_name: Option<String>,
}

pub(super) fn describe(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.replay_name, "replayName")?;
    let replay = find(&shared.store.conn(), name)?.ok_or_else(|| no_such_replay(name))?;
    let mut json = replay.summary(shared);
    json["ReplayArn"] = replay_arn(shared, name).into();
    let mut destination = json!({ "Arn": bus_arn(shared, &replay.bus) });
    if let Some(arns) = &replay.filter_arns {
        destination["FilterArns"] = json!(arns);
    }
    json["Destination"] = destination;
    if let Some(description) = replay.description {
        json["Description"] = description.into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    name_prefix: Option<String>,
    state: Option<String>,
    event_source_arn: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let limit = super::page_limit(input.limit, 100)?;
    if let Some(state) = &input.state
        && !STATES.contains(&state.as_str())
    {
        return Err(AwsError::constraint(
            state,
            "state",
            &format!("Member must satisfy enum value set: [{}]", STATES.join(", ")),
        ));
    }
    // An ARN naming no archive of this system lists nothing.
    let archive = input.event_source_arn.as_deref().map(|arn| match archive_of_arn(shared, arn) {
        (name, true) => name.to_owned(),
        _ => String::new(),
    });
    let conn = shared.store.conn();
    let replays: Vec<Replay> = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM replays
             WHERE substr(name, 1, length(?1)) = ?1 AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR archive = ?3)
               AND name > ?4
             ORDER BY name LIMIT ?5"
        ))?
        .query_map(
            params![
                input.name_prefix.unwrap_or_default(),
                input.state,
                archive,
                input.next_token.unwrap_or_default(),
                limit + 1
            ],
            from_row,
        )?
        .collect::<Result<_, _>>()?;
    let (page, more) = super::split_page(replays, limit);
    let mut json = json!({ "Replays": page.iter().map(|replay| replay.summary(shared)).collect::<Vec<_>>() });
    if let Some(last) = page.last().filter(|_| more) {
        json["NextToken"] = last.name.clone().into();
    }
    Ok(json)
}

pub(super) fn cancel(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.replay_name, "replayName")?;
    let conn = shared.store.conn();
    let replay = find(&conn, name)?.ok_or_else(|| no_such_replay(name))?;
    if !matches!(replay.state.as_str(), "STARTING" | "RUNNING") {
        // AWS's documented reason; its exact message is not recorded.
        return Err(AwsError::client(
            "IllegalStatusException",
            "An error occurred because a replay can be canceled only when the state is Running or Starting.",
        ));
    }
    conn.execute("UPDATE replays SET state = 'CANCELLING' WHERE name = ?1", [name])?;
    shared.replays_ready.notify_one();
    Ok(json!({ "ReplayArn": replay_arn(shared, name), "State": "CANCELLING" }))
}
