//! Event buses: CreateEventBus, DescribeEventBus, ListEventBuses,
//! UpdateEventBus, DeleteEventBus.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::names::{DEFAULT_BUS, bus_arn, bus_name, check_name, no_such_bus};
use crate::clock::epoch_seconds;
use crate::protocol::{AwsError, OpResult, output, required};
use crate::shared::Shared;

/// How much a bus writes to its log (EventBridge's `LogConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfig {
    /// `NONE` or `FULL`: whether records carry the event and target details.
    pub include_detail: Option<String>,
    /// `OFF`, `ERROR`, `INFO` or `TRACE`.
    pub level: Option<String>,
}

/// A bus as stored.
#[derive(Debug, Clone)]
pub struct Bus {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// `OFF`, `ERROR`, `INFO` or `TRACE`.
    pub log_level: String,
    /// `NONE` or `FULL`.
    pub log_include_detail: String,
    created_ms: i64,
    modified_ms: i64,
}

impl Bus {
    fn to_json(&self, shared: &Shared) -> Value {
        let mut json = serde_json::json!({
            "Name": self.name,
            "Arn": bus_arn(shared, &self.name),
            "CreationTime": epoch_seconds(self.created_ms),
            "LastModifiedTime": epoch_seconds(self.modified_ms),
        });
        if let Some(description) = &self.description {
            json["Description"] = description.clone().into();
        }
        json
    }

    fn log_config_json(&self) -> Value {
        serde_json::json!({ "IncludeDetail": self.log_include_detail, "Level": self.log_level })
    }
}

/// Creates the `default` bus if it does not exist yet.
pub fn ensure_default(shared: &Shared) -> rusqlite::Result<()> {
    let now = shared.clock.now_ms();
    shared.store.conn().execute(
        "INSERT OR IGNORE INTO event_buses (name, created_ms, modified_ms) VALUES (?1, ?2, ?2)",
        params![DEFAULT_BUS, now],
    )?;
    Ok(())
}

/// Reads one bus, if it exists.
pub fn find(conn: &rusqlite::Connection, name: &str) -> rusqlite::Result<Option<Bus>> {
    // Once per PutEvents request: kept prepared.
    conn.prepare_cached(
        "SELECT name, description, log_level, log_include_detail, created_ms, modified_ms
         FROM event_buses WHERE name = ?1",
    )?
    .query_row([name], |row| {
        Ok(Bus {
            name: row.get(0)?,
            description: row.get(1)?,
            log_level: row.get(2)?,
            log_include_detail: row.get(3)?,
            created_ms: row.get(4)?,
            modified_ms: row.get(5)?,
        })
    })
    .optional()
}

fn validate_log_config(config: &LogConfig) -> Result<(), AwsError> {
    if let Some(level) = &config.level
        && !matches!(level.as_str(), "OFF" | "ERROR" | "INFO" | "TRACE")
    {
        return Err(AwsError::constraint(
            level,
            "logConfig.level",
            "Member must satisfy enum value set: [OFF, ERROR, INFO, TRACE]",
        ));
    }
    if let Some(detail) = &config.include_detail
        && !matches!(detail.as_str(), "NONE" | "FULL")
    {
        return Err(AwsError::constraint(
            detail,
            "logConfig.includeDetail",
            "Member must satisfy enum value set: [NONE, FULL]",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateInput {
    name: Option<String>,
    description: Option<String>,
    log_config: Option<LogConfig>,
}

pub(super) fn create(shared: &Shared, input: CreateInput) -> OpResult {
    let name = required(&input.name, "name")?;
    check_name(name, "name", 256, true)?;
    let log = input.log_config.unwrap_or(LogConfig { include_detail: None, level: None });
    validate_log_config(&log)?;
    let now = shared.clock.now_ms();
    let inserted = shared.store.conn().execute(
        "INSERT OR IGNORE INTO event_buses (name, description, log_level, log_include_detail, created_ms, modified_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            name,
            input.description,
            log.level.as_deref().unwrap_or("OFF"),
            log.include_detail.as_deref().unwrap_or("NONE"),
            now
        ],
    )?;
    if inserted == 0 {
        return Err(AwsError::already_exists(format!("Event bus {name} already exists.")));
    }
    let mut json = serde_json::json!({ "EventBusArn": bus_arn(shared, name) });
    if let Some(description) = input.description {
        json["Description"] = description.into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DescribeInput {
    name: Option<String>,
}

pub(super) fn describe(shared: &Shared, input: DescribeInput) -> OpResult {
    let name = bus_name(input.name.as_deref());
    let bus = find(&shared.store.conn(), name)?.ok_or_else(|| no_such_bus(name))?;
    let mut json = bus.to_json(shared);
    json["LogConfig"] = bus.log_config_json();
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    name_prefix: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let limit = super::page_limit(input.limit, 100)?;
    let conn = shared.store.conn();
    let mut statement = conn.prepare(
        "SELECT name FROM event_buses
         WHERE name >= ?1 AND substr(name, 1, length(?1)) = ?1 AND name > ?2
         ORDER BY name LIMIT ?3",
    )?;
    let names: Vec<String> = statement
        .query_map(
            params![input.name_prefix.unwrap_or_default(), input.next_token.unwrap_or_default(), limit + 1],
            |row| row.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let (page, more) = super::split_page(names, limit);
    let mut buses = Vec::with_capacity(page.len());
    for name in &page {
        if let Some(bus) = find(&conn, name)? {
            buses.push(bus.to_json(shared));
        }
    }
    let mut json = serde_json::json!({ "EventBuses": buses });
    if let Some(last) = page.last().filter(|_| more) {
        json["NextToken"] = last.clone().into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UpdateInput {
    name: Option<String>,
    description: Option<String>,
    log_config: Option<LogConfig>,
}

pub(super) fn update(shared: &Shared, input: UpdateInput) -> OpResult {
    let name = bus_name(input.name.as_deref()).to_owned();
    if let Some(log) = &input.log_config {
        validate_log_config(log)?;
    }
    let conn = shared.store.conn();
    let mut bus = find(&conn, &name)?.ok_or_else(|| no_such_bus(&name))?;
    if let Some(description) = input.description {
        bus.description = Some(description);
    }
    if let Some(log) = input.log_config {
        bus.log_level = log.level.unwrap_or(bus.log_level);
        bus.log_include_detail = log.include_detail.unwrap_or(bus.log_include_detail);
    }
    conn.execute(
        "UPDATE event_buses SET description = ?2, log_level = ?3, log_include_detail = ?4, modified_ms = ?5
         WHERE name = ?1",
        params![name, bus.description, bus.log_level, bus.log_include_detail, shared.clock.now_ms()],
    )?;
    let mut json = serde_json::json!({
        "Name": name,
        "Arn": bus_arn(shared, &name),
        "LogConfig": bus.log_config_json(),
    });
    if let Some(description) = bus.description {
        json["Description"] = description.into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeleteInput {
    name: Option<String>,
}

pub(super) fn delete(shared: &Shared, input: DeleteInput) -> OpResult {
    let name = required(&input.name, "name")?;
    if bus_name(Some(name)) == DEFAULT_BUS {
        return Err(AwsError::validation("Cannot delete event bus default."));
    }
    // Like AWS, deleting a bus that does not exist succeeds.
    shared.store.conn().execute("DELETE FROM event_buses WHERE name = ?1", [bus_name(Some(name))])?;
    shared.routes.invalidate();
    output(&serde_json::json!({}))
}
