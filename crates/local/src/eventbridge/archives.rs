//! Archives: the events a bus keeps for replay. CreateArchive,
//! DescribeArchive, ListArchives, UpdateArchive, DeleteArchive, and
//! [`keep`], which ingestion calls for every event a bus accepts.
//!
//! An archive keeps every event its bus accepts that matches its pattern (all
//! of them without one), except replayed events, which AWS never archives
//! again. Events are written in the transaction that accepts them and are
//! replayable as soon as it commits; AWS takes some minutes before archived
//! events show in `EventCount` and can be replayed. `SizeBytes` counts the
//! bytes of the event JSON as the local system stores it, which is not
//! AWS's (undocumented) measure. Events older than `RetentionDays` (0 keeps
//! them forever) are removed lazily: when archives are described or listed,
//! and by the replay runner.

mod keep;
#[cfg(test)]
mod tests;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

pub use keep::{ArchiveRoutes, keep, purge_expired};

use super::buses;
use super::names::{bus_arn, bus_name, check_name, no_such_bus};
use super::routing::parse_pattern;
use crate::clock::epoch_seconds;
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

/// AWS's limit on archive names.
const MAX_NAME: usize = 48;
/// AWS's limit on descriptions of archives and replays.
pub(super) const MAX_DESCRIPTION: usize = 512;
/// The pattern AWS checks event source ARNs against.
pub(super) const ARN_PATTERN: &str = r"^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:.+\/.+$";
/// The states an archive can be in, as AWS lists them.
const STATES: &str = "[ENABLED, DISABLED, CREATING, UPDATING, CREATE_FAILED, UPDATE_FAILED]";

/// An archive as stored.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Its name.
    pub name: String,
    /// The bus whose events it keeps.
    pub bus: String,
    /// Its description.
    pub description: Option<String>,
    /// The pattern events must match to be kept; `None` keeps all.
    pub event_pattern: Option<String>,
    /// Days events are kept; 0 keeps them forever.
    pub retention_days: i64,
    /// Always `ENABLED` locally: archives are ready when created.
    pub state: String,
    created_ms: i64,
}

/// `arn:aws:events:<region>:<account>:archive/<name>`.
pub fn archive_arn(shared: &Shared, name: &str) -> String {
    shared.arn("events", &format!("archive/{name}"))
}

/// `Archive <name> does not exist.`
pub(super) fn no_such_archive(name: &str) -> AwsError {
    AwsError::not_found(format!("Archive {name} does not exist."))
}

/// The archive an ARN names (whatever its account), and whether the ARN is
/// one of this local system's.
pub(super) fn archive_of_arn<'a>(shared: &Shared, arn: &'a str) -> (&'a str, bool) {
    let name = arn.rsplit_once(":archive/").map_or(arn, |(_, name)| name);
    (name, archive_arn(shared, name) == arn)
}

/// Checks an event source or destination ARN against AWS's pattern.
pub(super) fn check_arn(value: &str, field: &str) -> Result<(), AwsError> {
    let well_formed =
        value.strip_prefix("arn:aws").and_then(|rest| rest.split_once(":events:")).is_some_and(|(partition, rest)| {
            let fields: Vec<&str> = rest.splitn(3, ':').collect();
            partition.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && fields.len() == 3
                && fields[0].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && (fields[1].is_empty() || (fields[1].len() == 12 && fields[1].chars().all(|c| c.is_ascii_digit())))
                && fields[2].split_once('/').is_some_and(|(kind, name)| !kind.is_empty() && !name.is_empty())
        });
    if well_formed {
        Ok(())
    } else {
        Err(AwsError::constraint(
            value,
            field,
            &format!("Member must satisfy regular expression pattern: {ARN_PATTERN}"),
        ))
    }
}

/// The bus an event source ARN names, if it is a bus of this local system
/// that exists; AWS's error otherwise.
fn source_bus<'a>(shared: &Shared, conn: &Connection, arn: &'a str) -> Result<&'a str, AwsError> {
    check_arn(arn, "eventSourceArn")?;
    let bus = bus_name(Some(arn));
    if bus_arn(shared, bus) != arn || buses::find(conn, bus)?.is_none() {
        return Err(no_such_bus(bus));
    }
    Ok(bus)
}

/// Reads one archive, if it exists.
pub fn find(conn: &Connection, name: &str) -> rusqlite::Result<Option<Archive>> {
    conn.query_row(
        "SELECT name, bus, description, event_pattern, retention_days, state, created_ms FROM archives WHERE name = ?1",
        [name],
        |row| {
            Ok(Archive {
                name: row.get(0)?,
                bus: row.get(1)?,
                description: row.get(2)?,
                event_pattern: row.get(3)?,
                retention_days: row.get(4)?,
                state: row.get(5)?,
                created_ms: row.get(6)?,
            })
        },
    )
    .optional()
}

/// How many events an archive holds and their size in bytes.
fn stats(conn: &Connection, name: &str) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM archived_events WHERE archive = ?1")?
        .query_row([name], |row| Ok((row.get(0)?, row.get(1)?)))
}

impl Archive {
    /// The archive as ListArchives shows it.
    fn summary(&self, shared: &Shared, conn: &Connection) -> rusqlite::Result<Value> {
        let (count, size) = stats(conn, &self.name)?;
        Ok(json!({
            "ArchiveName": self.name,
            "CreationTime": epoch_seconds(self.created_ms),
            "EventCount": count,
            "EventSourceArn": bus_arn(shared, &self.bus),
            "RetentionDays": self.retention_days,
            "SizeBytes": size,
            "State": self.state,
        }))
    }

    /// What CreateArchive and UpdateArchive answer.
    fn created(&self, shared: &Shared) -> Value {
        json!({
            "ArchiveArn": archive_arn(shared, &self.name),
            "CreationTime": epoch_seconds(self.created_ms),
            "State": self.state,
        })
    }
}

fn check_description(description: Option<&str>) -> Result<(), AwsError> {
    match description {
        Some(text) if text.chars().count() > MAX_DESCRIPTION => Err(AwsError::constraint(
            text,
            "description",
            &format!("Member must have length less than or equal to {MAX_DESCRIPTION}"),
        )),
        _ => Ok(()),
    }
}

fn check_retention(days: Option<i64>) -> Result<(), AwsError> {
    match days {
        Some(days) if days < 0 => Err(AwsError::constraint(
            &days.to_string(),
            "retentionDays",
            "Member must have value greater than or equal to 0",
        )),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateInput {
    archive_name: Option<String>,
    event_source_arn: Option<String>,
    description: Option<String>,
    event_pattern: Option<String>,
    retention_days: Option<i64>,
}

pub(super) fn create(shared: &Shared, input: CreateInput) -> OpResult {
    let name = required(&input.archive_name, "archiveName")?;
    check_name(name, "archiveName", MAX_NAME, false)?;
    let source = required(&input.event_source_arn, "eventSourceArn")?;
    check_description(input.description.as_deref())?;
    check_retention(input.retention_days)?;
    if let Some(pattern) = &input.event_pattern {
        parse_pattern(pattern)?;
    }
    let conn = shared.store.conn();
    if find(&conn, name)?.is_some() {
        return Err(AwsError::already_exists(format!("Archive {name} already exists.")));
    }
    let bus = source_bus(shared, &conn, source)?;
    let archive = Archive {
        name: name.clone(),
        bus: bus.to_owned(),
        description: input.description,
        event_pattern: input.event_pattern,
        retention_days: input.retention_days.unwrap_or(0),
        state: "ENABLED".to_owned(),
        created_ms: shared.clock.now_ms(),
    };
    conn.execute(
        "INSERT INTO archives (name, bus, description, event_pattern, retention_days, state, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            archive.name,
            archive.bus,
            archive.description,
            archive.event_pattern,
            archive.retention_days,
            archive.state,
            archive.created_ms
        ],
    )?;
    shared.archives.invalidate();
    Ok(archive.created(shared))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct NamedInput {
    archive_name: Option<String>,
}

pub(super) fn describe(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.archive_name, "archiveName")?;
    let conn = shared.store.conn();
    purge_expired(&conn, shared.clock.now_ms())?;
    let archive = find(&conn, name)?.ok_or_else(|| no_such_archive(name))?;
    let mut json = archive.summary(shared, &conn)?;
    json["ArchiveArn"] = archive_arn(shared, name).into();
    if let Some(description) = archive.description {
        json["Description"] = description.into();
    }
    if let Some(pattern) = archive.event_pattern {
        json["EventPattern"] = pattern.into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    name_prefix: Option<String>,
    event_source_arn: Option<String>,
    state: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let limit = super::page_limit(input.limit, 100)?;
    if let Some(state) = &input.state
        && !STATES.trim_matches(['[', ']']).split(", ").any(|known| known == state)
    {
        return Err(AwsError::constraint(state, "state", &format!("Member must satisfy enum value set: {STATES}")));
    }
    let conn = shared.store.conn();
    let bus = input.event_source_arn.as_deref().map(|arn| source_bus(shared, &conn, arn)).transpose()?;
    purge_expired(&conn, shared.clock.now_ms())?;
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM archives
             WHERE substr(name, 1, length(?1)) = ?1 AND (?2 IS NULL OR bus = ?2) AND (?3 IS NULL OR state = ?3)
               AND name > ?4
             ORDER BY name LIMIT ?5",
        )?
        .query_map(
            params![
                input.name_prefix.unwrap_or_default(),
                bus,
                input.state,
                input.next_token.unwrap_or_default(),
                limit + 1
            ],
            |row| row.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let (page, more) = super::split_page(names, limit);
    let mut archives = Vec::with_capacity(page.len());
    for name in &page {
        if let Some(archive) = find(&conn, name)? {
            archives.push(archive.summary(shared, &conn)?);
        }
    }
    let mut json = json!({ "Archives": archives });
    if let Some(last) = page.last().filter(|_| more) {
        json["NextToken"] = last.clone().into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UpdateInput {
    archive_name: Option<String>,
    description: Option<String>,
    event_pattern: Option<String>,
    retention_days: Option<i64>,
}

pub(super) fn update(shared: &Shared, input: UpdateInput) -> OpResult {
    let name = required(&input.archive_name, "archiveName")?;
    if input.description.is_none() && input.event_pattern.is_none() && input.retention_days.is_none() {
        return Err(AwsError::validation(
            "At least one of EventPattern, RetentionDays or Description must be provided.",
        ));
    }
    check_description(input.description.as_deref())?;
    check_retention(input.retention_days)?;
    if let Some(pattern) = &input.event_pattern {
        parse_pattern(pattern)?;
    }
    let conn = shared.store.conn();
    let mut archive = find(&conn, name)?.ok_or_else(|| no_such_archive(name))?;
    if input.description.is_some() {
        archive.description = input.description;
    }
    if input.event_pattern.is_some() {
        archive.event_pattern = input.event_pattern;
    }
    if let Some(days) = input.retention_days {
        archive.retention_days = days;
    }
    conn.execute(
        "UPDATE archives SET description = ?2, event_pattern = ?3, retention_days = ?4 WHERE name = ?1",
        params![name, archive.description, archive.event_pattern, archive.retention_days],
    )?;
    shared.archives.invalidate();
    Ok(archive.created(shared))
}

pub(super) fn delete(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.archive_name, "archiveName")?;
    // Its events go with it (ON DELETE CASCADE); a replay still reading it
    // fails.
    if shared.store.conn().execute("DELETE FROM archives WHERE name = ?1", [name])? == 0 {
        return Err(no_such_archive(name));
    }
    shared.archives.invalidate();
    Ok(json!({}))
}
