//! Which rules of a bus an event reaches, and which targets each rule has:
//! the bus's enabled rules compiled into one [`Matcher`], with their targets'
//! inputs parsed, kept until a rule or target changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use choreoscope_pattern::transform::TargetInput;
use choreoscope_pattern::{Matcher, Pattern, PatternError};
use serde_json::Value;

use super::{rules, targets};
use crate::protocol::AwsError;

/// Parses an event pattern, with EventBridge's error for an invalid one.
pub fn parse_pattern(text: &str) -> Result<Pattern, AwsError> {
    Pattern::parse(text).map_err(invalid_pattern)
}

/// `InvalidEventPatternException` with the pattern's reason.
pub fn invalid_pattern(error: PatternError) -> AwsError {
    AwsError::client(PatternError::CODE, error.to_string())
}

/// A target as delivery needs it at match time.
#[derive(Debug)]
pub struct RouteTarget {
    /// The target's `Id`.
    pub id: String,
    /// The target's `Arn`.
    pub arn: String,
    /// How its input is shaped.
    pub input: TargetInput,
}

/// The enabled rules of one bus and their targets.
#[derive(Default)]
pub struct BusRules {
    /// The rules' patterns; rule names are the ids.
    pub matcher: Matcher<String>,
    /// Each enabled rule's targets, by rule name.
    pub targets: HashMap<String, Vec<RouteTarget>>,
}

impl BusRules {
    /// The targets of a rule (none if it has none).
    pub fn targets_of(&self, rule: &str) -> &[RouteTarget] {
        self.targets.get(rule).map_or(&[], Vec::as_slice)
    }
}

/// A bus's compiled rules, and the version they were built from.
type Compiled = (u64, Arc<BusRules>);

/// The compiled rules of every bus, rebuilt lazily after any change to rules
/// or targets.
#[derive(Default)]
pub struct Routes {
    version: AtomicU64,
    buses: Mutex<HashMap<String, Compiled>>,
}

impl Routes {
    /// Marks every compiled bus as out of date; call after any change to
    /// rules or targets.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The compiled rules of a bus if they are current, without the store:
    /// a request matches its events against them before it takes the
    /// store's connection, and the writer keeps those matches only if the
    /// rules it reads then are these very ones (`Arc::ptr_eq`).
    pub fn cached(&self, bus: &str) -> Option<Arc<BusRules>> {
        let version = self.version.load(Ordering::SeqCst);
        let buses = self.buses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        buses.get(bus).filter(|(built, _)| *built == version).map(|(_, rules)| rules.clone())
    }

    /// The enabled rules of a bus, compiled, with their targets.
    pub fn of_bus(&self, conn: &rusqlite::Connection, bus: &str) -> rusqlite::Result<Arc<BusRules>> {
        let version = self.version.load(Ordering::SeqCst);
        let mut buses = self.buses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((built, rules)) = buses.get(bus)
            && *built == version
        {
            return Ok(rules.clone());
        }
        let compiled = Arc::new(compile(conn, bus)?);
        buses.insert(bus.to_owned(), (version, compiled.clone()));
        Ok(compiled)
    }
}

fn compile(conn: &rusqlite::Connection, bus: &str) -> rusqlite::Result<BusRules> {
    let mut compiled = BusRules::default();
    for rule in rules::on_bus(conn, bus)?.into_iter().filter(rules::Rule::is_enabled) {
        // Stored patterns passed PutRule's validation; schedule-only rules have none.
        let Some(pattern) = rule.event_pattern.as_deref().and_then(|text| Pattern::parse(text).ok()) else {
            continue;
        };
        let targets = targets::of_rule(conn, bus, &rule.name)?.iter().filter_map(route_target).collect();
        compiled.targets.insert(rule.name.clone(), targets);
        compiled.matcher.add_rule(rule.name, pattern);
    }
    Ok(compiled)
}

/// A stored target as delivery needs it; stored targets passed PutTargets'
/// validation, so one that no longer parses is skipped.
pub fn route_target(target: &Value) -> Option<RouteTarget> {
    let id = target.get("Id")?.as_str()?;
    let arn = target.get("Arn")?.as_str()?;
    let input = targets::target_input(target, 1, id).ok()?;
    Some(RouteTarget { id: id.to_owned(), arn: arn.to_owned(), input })
}
