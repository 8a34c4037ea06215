//! Wake-ups for long polls: one `Notify` per queue, signalled whenever a
//! message may have become receivable (sent, made visible, moved in by a
//! redrive) or the queue changed.
//!
//! Each local system keeps its own registry in [`Shared`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::shared::Shared;

/// The `Notify` of every queue a receive has waited on, by queue name.
#[derive(Debug, Default)]
pub struct QueueWaiters(Mutex<HashMap<String, Arc<Notify>>>);

impl QueueWaiters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The `Notify` of a queue, for a receive about to wait on it.
pub fn waiter(shared: &Shared, queue: &str) -> Arc<Notify> {
    // Entries are never removed: a waiter that outlives a DeleteQueue and a
    // CreateQueue of the same name must still hear about new messages.
    shared.queue_waiters.lock().entry(queue.to_owned()).or_default().clone()
}

/// Wakes every receive waiting on `queue`. Safe to call before the change is
/// committed: a woken receive needs the store's connection to look, and gets
/// it only once the writer has released it.
pub fn notify(shared: &Shared, queue: &str) {
    if let Some(notify) = shared.queue_waiters.lock().get(queue) {
        notify.notify_waiters();
    }
}
