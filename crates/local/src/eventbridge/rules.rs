//! Rules: PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule.

use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::Value;

use super::names::{DEFAULT_BUS, bus_name, check_name, no_such_bus, no_such_rule, rule_arn};
use super::{buses, page_limit, split_page};
use crate::protocol::{AwsError, OpResult, required};
use crate::shared::Shared;

/// A rule as stored.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The bus it belongs to.
    pub bus: String,
    /// Its name.
    pub name: String,
    /// Its event pattern (JSON text), if any.
    pub event_pattern: Option<String>,
    /// Its schedule expression, if any.
    pub schedule_expression: Option<String>,
    /// `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: String,
    description: Option<String>,
    role_arn: Option<String>,
}

impl Rule {
    /// Whether the rule takes part in matching.
    pub fn is_enabled(&self) -> bool {
        self.state != "DISABLED"
    }

    fn to_json(&self, shared: &Shared) -> Value {
        let mut json = serde_json::json!({
            "Name": self.name,
            "Arn": rule_arn(shared, &self.bus, &self.name),
            "State": self.state,
            "EventBusName": self.bus,
        });
        let optional = [
            ("EventPattern", &self.event_pattern),
            ("ScheduleExpression", &self.schedule_expression),
            ("Description", &self.description),
            ("RoleArn", &self.role_arn),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                json[key] = value.clone().into();
            }
        }
        json
    }
}

const COLUMNS: &str = "bus, name, event_pattern, schedule_expression, state, description, role_arn";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Rule> {
    Ok(Rule {
        bus: row.get(0)?,
        name: row.get(1)?,
        event_pattern: row.get(2)?,
        schedule_expression: row.get(3)?,
        state: row.get(4)?,
        description: row.get(5)?,
        role_arn: row.get(6)?,
    })
}

/// Reads one rule, if it exists.
pub fn find(conn: &rusqlite::Connection, bus: &str, name: &str) -> rusqlite::Result<Option<Rule>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM rules WHERE bus = ?1 AND name = ?2"), params![bus, name], from_row)
        .optional()
}

/// Every rule of a bus, by name.
pub fn on_bus(conn: &rusqlite::Connection, bus: &str) -> rusqlite::Result<Vec<Rule>> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM rules WHERE bus = ?1 ORDER BY name"))?;
    statement.query_map([bus], from_row)?.collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PutInput {
    name: Option<String>,
    event_bus_name: Option<String>,
    event_pattern: Option<String>,
    schedule_expression: Option<String>,
    state: Option<String>,
    description: Option<String>,
    role_arn: Option<String>,
}

pub(super) fn put(shared: &Shared, input: PutInput) -> OpResult {
    let name = required(&input.name, "name")?;
    check_name(name, "name", 64, false)?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let pattern = input.event_pattern.as_deref().filter(|p| !p.is_empty());
    let schedule = input.schedule_expression.as_deref().filter(|s| !s.is_empty());
    if pattern.is_none() && schedule.is_none() {
        return Err(AwsError::validation("Parameter(s) EventPattern or ScheduleExpression must be specified."));
    }
    if let Some(pattern) = pattern {
        super::routing::parse_pattern(pattern)?;
    }
    if let Some(schedule) = schedule {
        if bus != DEFAULT_BUS {
            return Err(AwsError::validation("ScheduleExpression is supported only on the default event bus."));
        }
        if super::schedule::Schedule::parse(schedule).is_err() {
            return Err(AwsError::validation("Parameter ScheduleExpression is not valid."));
        }
    }
    let state = input.state.as_deref().unwrap_or("ENABLED");
    if !matches!(state, "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") {
        return Err(AwsError::constraint(
            state,
            "state",
            "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
        ));
    }
    let conn = shared.store.conn();
    if buses::find(&conn, bus)?.is_none() {
        return Err(no_such_bus(bus));
    }
    // An upsert: putting an existing rule replaces its settings and keeps its targets.
    conn.execute(
        "INSERT INTO rules (bus, name, event_pattern, schedule_expression, state, description, role_arn, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (bus, name) DO UPDATE SET
           event_pattern = excluded.event_pattern, schedule_expression = excluded.schedule_expression,
           state = excluded.state, description = excluded.description, role_arn = excluded.role_arn",
        params![bus, name, pattern, schedule, state, input.description, input.role_arn, shared.clock.now_ms()],
    )?;
    shared.routes.invalidate();
    Ok(serde_json::json!({ "RuleArn": rule_arn(shared, bus, name) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct NamedInput {
    name: Option<String>,
    event_bus_name: Option<String>,
}

pub(super) fn describe(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.name, "name")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let rule = find(&shared.store.conn(), bus, name)?.ok_or_else(|| no_such_rule(bus, name))?;
    let mut json = rule.to_json(shared);
    json["CreatedBy"] = shared.account_id.clone().into();
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListInput {
    name_prefix: Option<String>,
    event_bus_name: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(super) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let limit = page_limit(input.limit, 100)?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let conn = shared.store.conn();
    if buses::find(&conn, bus)?.is_none() {
        return Err(no_such_bus(bus));
    }
    let prefix = input.name_prefix.unwrap_or_default();
    let after = input.next_token.unwrap_or_default();
    let rules: Vec<Rule> = on_bus(&conn, bus)?
        .into_iter()
        .filter(|rule| rule.name.starts_with(&prefix) && rule.name.as_str() > after.as_str())
        .take(limit + 1)
        .collect();
    let (page, more) = split_page(rules, limit);
    let mut json = serde_json::json!({
        "Rules": page.iter().map(|rule| rule.to_json(shared)).collect::<Vec<_>>(),
    });
    if let Some(last) = page.last().filter(|_| more) {
        json["NextToken"] = last.name.clone().into();
    }
    Ok(json)
}

pub(super) fn delete(shared: &Shared, input: NamedInput) -> OpResult {
    let name = required(&input.name, "name")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let conn = shared.store.conn();
    let targets: i64 =
        conn.query_row("SELECT count(*) FROM targets WHERE bus = ?1 AND rule = ?2", params![bus, name], |row| {
            row.get(0)
        })?;
    if targets > 0 {
        return Err(AwsError::validation("Rule can't be deleted since it has targets."));
    }
    // Like AWS, deleting a rule that does not exist succeeds.
    conn.execute("DELETE FROM rules WHERE bus = ?1 AND name = ?2", params![bus, name])?;
    shared.routes.invalidate();
    Ok(serde_json::json!({}))
}

pub(super) fn set_state(shared: &Shared, input: NamedInput, state: &str) -> OpResult {
    let name = required(&input.name, "name")?;
    let bus = bus_name(input.event_bus_name.as_deref());
    let changed = shared
        .store
        .conn()
        .execute("UPDATE rules SET state = ?3 WHERE bus = ?1 AND name = ?2", params![bus, name, state])?;
    if changed == 0 {
        return Err(no_such_rule(bus, name));
    }
    shared.routes.invalidate();
    Ok(serde_json::json!({}))
}
