//! Wake-ups for long polls: one `Notify` per queue, signalled whenever a
//! message may have become receivable (sent, made visible, moved in by a
//! redrive) or the queue changed.
//!
//! The registry is process-wide because `Shared` belongs to every engine;
//! it is keyed by the store's address and the queue name, so two local
//! systems in one process (tests) never share a queue. A stale key after a
//! store is dropped can only cause a spurious wake-up, which a waiter
//! survives by looking again.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use tokio::sync::Notify;

use crate::shared::Shared;

type Key = (usize, String);

static WAITERS: LazyLock<Mutex<HashMap<Key, Arc<Notify>>>> = LazyLock::new(Default::default);

fn key(shared: &Shared, queue: &str) -> Key {
    (Arc::as_ptr(&shared.store) as usize, queue.to_owned())
}

/// The `Notify` of a queue, for a receive about to wait on it.
pub fn waiter(shared: &Shared, queue: &str) -> Arc<Notify> {
    // Entries are never removed: a waiter that outlives a DeleteQueue and a
    // CreateQueue of the same name must still hear about new messages.
    let mut waiters = WAITERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    waiters.entry(key(shared, queue)).or_default().clone()
}

/// Wakes every receive waiting on `queue`. Safe to call before the change is
/// committed: a woken receive needs the store's connection to look, and gets
/// it only once the writer has released it.
pub fn notify(shared: &Shared, queue: &str) {
    let waiters = WAITERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(notify) = waiters.get(&key(shared, queue)) {
        notify.notify_waiters();
    }
}
