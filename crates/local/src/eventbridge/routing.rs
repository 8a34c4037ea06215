//! Which rules of a bus an event reaches: the bus's enabled rules compiled
//! into one [`Matcher`], kept until a rule changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use choreoscope_pattern::{Matcher, Pattern, PatternError};

use super::rules;
use crate::protocol::AwsError;

/// Parses an event pattern, with EventBridge's error for an invalid one.
pub fn parse_pattern(text: &str) -> Result<Pattern, AwsError> {
    Pattern::parse(text).map_err(invalid_pattern)
}

/// `InvalidEventPatternException` with the pattern's reason.
pub fn invalid_pattern(error: PatternError) -> AwsError {
    AwsError::client(PatternError::CODE, error.to_string())
}

/// A bus's compiled rules, and the rules version they were built from.
type Compiled = (u64, Arc<Matcher<String>>);

/// The compiled rules of every bus, rebuilt lazily after any rule change.
#[derive(Default)]
pub struct Routes {
    version: AtomicU64,
    matchers: Mutex<HashMap<String, Compiled>>,
}

impl Routes {
    /// Marks every compiled bus as out of date; call after any change to rules.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The enabled rules of a bus, compiled; rule names are the ids.
    pub fn of_bus(&self, conn: &rusqlite::Connection, bus: &str) -> rusqlite::Result<Arc<Matcher<String>>> {
        let version = self.version.load(Ordering::SeqCst);
        let mut matchers = self.matchers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((built, matcher)) = matchers.get(bus)
            && *built == version
        {
            return Ok(matcher.clone());
        }
        let mut matcher = Matcher::new();
        for rule in rules::on_bus(conn, bus)?.into_iter().filter(rules::Rule::is_enabled) {
            // Stored patterns passed PutRule's validation; schedule-only rules have none.
            if let Some(pattern) = rule.event_pattern.as_deref().and_then(|text| Pattern::parse(text).ok()) {
                matcher.add_rule(rule.name, pattern);
            }
        }
        let matcher = Arc::new(matcher);
        matchers.insert(bus.to_owned(), (version, matcher.clone()));
        Ok(matcher)
    }
}
