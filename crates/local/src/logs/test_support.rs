//! A local system for the logs unit tests: a fresh store, a clock that moves
//! only when told, and shorthands for calling operations.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::clock::ManualClock;
use crate::config::Config;
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::store::Store;

/// Where the tests' clock starts: 2026-11-18.
pub(super) const NOW: i64 = 1_795_000_000_000;

/// A store, its clock, and the operations.
pub(super) struct System {
    _dir: tempfile::TempDir,
    /// The state every operation reads.
    pub shared: Shared,
    /// The clock, to move time.
    pub clock: Arc<ManualClock>,
}

impl System {
    /// An empty system with the clock at [`NOW`].
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::at(NOW);
        let mut config = Config::new(dir.path());
        config.clock = clock.clone();
        let shared = Shared::new(&config, Arc::new(Store::open(dir.path()).expect("store")));
        Self { _dir: dir, shared, clock }
    }

    fn call(&self, operation: &str, input: &Value) -> Result<Value, AwsError> {
        super::handle(&self.shared, operation, input.to_string().as_bytes())
    }

    /// Runs an operation that must succeed.
    pub fn ok(&self, operation: &str, input: Value) -> Value {
        self.call(operation, &input).unwrap_or_else(|error| panic!("{operation} {input} failed: {error}"))
    }

    /// Runs an operation that must fail.
    pub fn err(&self, operation: &str, input: Value) -> AwsError {
        match self.call(operation, &input) {
            Ok(output) => panic!("{operation} {input} should have failed, returned {output}"),
            Err(error) => error,
        }
    }

    /// Creates a stream, and its group if need be.
    pub fn stream(&self, group: &str, stream: &str) {
        let _ = self.call("CreateLogGroup", &json!({"logGroupName": group}));
        self.ok("CreateLogStream", json!({"logGroupName": group, "logStreamName": stream}));
    }

    /// PutLogEvents of `(timestamp, message)` pairs.
    pub fn put(&self, group: &str, stream: &str, events: &[(i64, &str)]) -> Value {
        let events: Vec<Value> = events.iter().map(|(t, m)| json!({"timestamp": t, "message": m})).collect();
        self.ok("PutLogEvents", json!({"logGroupName": group, "logStreamName": stream, "logEvents": events}))
    }

    /// How many events of a group the store holds, hidden or not.
    pub fn stored_events(&self, group: &str) -> i64 {
        self.shared
            .store
            .conn()
            .query_row("SELECT count(*) FROM log_events WHERE log_group = ?1", [group], |row| row.get(0))
            .expect("count")
    }
}
