//! Parsed definitions, kept between the steps of executions: every step
//! loads its execution from the store, and parsing and validating the
//! definition each time cost more than the step itself for small workflows.
//!
//! Entries are keyed by the definition's text (found by its hash, confirmed
//! by comparing the text), not by state machine ARN and revision: an
//! execution runs the definition it started with, whatever
//! UpdateStateMachine did since, and that text is what its row keeps. The
//! cache is bounded in entries and in bytes of text (AWS allows definitions
//! of up to 1 MiB); the least recently used entry makes room.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

use choreoscope_asl::{StateMachine, ValidationError};

/// Entries kept by default: far more distinct definitions than a local
/// system runs at once.
pub const DEFAULT_ENTRIES: usize = 256;
/// Bytes of definition text kept by default.
pub const DEFAULT_BYTES: usize = 16 * 1024 * 1024;

/// A bounded cache of parsed definitions, shared by every request and the
/// engine loop.
#[derive(Debug)]
pub struct Definitions {
    max_entries: usize,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<u64, Entry>,
    /// Bytes of text held by `entries`.
    bytes: usize,
    /// Incremented by every hit or insert, to tell the least recently used.
    tick: u64,
}

#[derive(Debug)]
struct Entry {
    text: Box<str>,
    machine: Arc<StateMachine>,
    used: u64,
}

impl Default for Definitions {
    fn default() -> Self {
        Self::new(DEFAULT_ENTRIES, DEFAULT_BYTES)
    }
}

impl Definitions {
    /// A cache of at most `max_entries` definitions and `max_bytes` of their text.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { max_entries, max_bytes, inner: Mutex::default() }
    }

    /// The parsed `definition`, from the cache or parsed now (and kept, if
    /// it is valid and fits).
    pub fn get(&self, definition: &str) -> Result<Arc<StateMachine>, ValidationError> {
        let key = hash(definition);
        {
            let mut inner = self.lock();
            inner.tick += 1;
            let tick = inner.tick;
            if let Some(entry) = inner.entries.get_mut(&key).filter(|entry| *entry.text == *definition) {
                entry.used = tick;
                return Ok(entry.machine.clone());
            }
        }
        // Parsed outside the lock: a large definition must not hold up the others.
        let machine = Arc::new(StateMachine::parse(definition)?);
        self.insert(key, definition, machine.clone());
        Ok(machine)
    }

    /// How many definitions are kept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn insert(&self, key: u64, definition: &str, machine: Arc<StateMachine>) {
        if self.max_entries == 0 || definition.len() > self.max_bytes {
            return;
        }
        let mut inner = self.lock();
        // Another thread may have parsed it meanwhile, or a colliding text
        // holds the key: the newest wins, the text check keeps both correct.
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.text.len();
        }
        while inner.entries.len() >= self.max_entries || inner.bytes + definition.len() > self.max_bytes {
            let Some(oldest) = inner.entries.iter().min_by_key(|(_, entry)| entry.used).map(|(key, _)| *key) else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.text.len();
            }
        }
        inner.tick += 1;
        let used = inner.tick;
        inner.bytes += definition.len();
        inner.entries.insert(key, Entry { text: definition.into(), machine, used });
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map is consistent after any panic (each change is one insert or remove).
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(state: &str) -> String {
        serde_json::json!({"StartAt": state, "States": {state: {"Type": "Succeed"}}}).to_string()
    }

    #[test]
    fn a_definition_is_parsed_once() {
        let cache = Definitions::default();
        let first = cache.get(&definition("A")).expect("valid");
        let again = cache.get(&definition("A")).expect("valid");
        assert!(Arc::ptr_eq(&first, &again));
        assert!(first.state("A").is_some());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn invalid_definitions_answer_their_error_and_are_not_kept() {
        let cache = Definitions::default();
        let error = cache.get(r#"{"StartAt": "Missing", "States": {}}"#).expect_err("invalid");
        assert!(!error.aws_message().is_empty());
        assert!(cache.is_empty());
    }

    #[test]
    fn the_least_recently_used_makes_room() {
        let cache = Definitions::new(2, DEFAULT_BYTES);
        let a = cache.get(&definition("A")).expect("valid");
        cache.get(&definition("B")).expect("valid");
        // A is used again, so B is the one to go.
        cache.get(&definition("A")).expect("valid");
        cache.get(&definition("C")).expect("valid");
        assert_eq!(cache.len(), 2);
        assert!(Arc::ptr_eq(&a, &cache.get(&definition("A")).expect("valid")), "A stayed");
        cache.get(&definition("B")).expect("valid");
        assert_eq!(cache.len(), 2, "B came back in place of C");
    }

    #[test]
    fn the_text_kept_is_bounded_in_bytes() {
        let (a, b) = (definition("A"), definition("B"));
        let cache = Definitions::new(10, a.len() + b.len() - 1);
        cache.get(&a).expect("valid");
        cache.get(&b).expect("valid");
        assert_eq!(cache.len(), 1, "both do not fit");
        let small = Definitions::new(10, 4);
        small.get(&a).expect("a definition too large to keep is still parsed");
        assert!(small.is_empty());
    }
}
