//! What the crate's tests share: a local system over a temporary store on a
//! manual clock.

use std::sync::Arc;

use crate::clock::ManualClock;
use crate::config::Config;
use crate::shared::Shared;
use crate::store::Store;

/// The time tests start at (November 2026).
pub const START_MS: i64 = 1_795_000_000_000;

/// The engines' shared state over the store in `dir`, reading `clock`, with
/// the default bus in place; opened again over the same `dir`, it is the
/// system after a restart.
pub fn open(dir: &std::path::Path, clock: &Arc<ManualClock>) -> Arc<Shared> {
    let mut config = Config::new(dir);
    config.clock = clock.clone();
    let shared = Shared::new(&config, Arc::new(Store::open(dir).expect("store")));
    crate::eventbridge::buses::ensure_default(&shared).expect("default bus");
    Arc::new(shared)
}
