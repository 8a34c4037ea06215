//! What every operation handler needs: the store, the clock, the identity.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Config;
use crate::eventbridge::PutEventsQueue;
use crate::eventbridge::archives::ArchiveRoutes;
use crate::eventbridge::routing::Routes;
use crate::secrets::VaultCell;
use crate::sqs::QueueWaiters;
use crate::stepfunctions::definitions::Definitions;
use crate::store::Store;

/// State shared by every engine of one local system.
#[derive(Clone)]
pub struct Shared {
    /// The database.
    pub store: Arc<Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Account id used in ARNs and events.
    pub account_id: String,
    /// Region used in ARNs and events.
    pub region: String,
    /// The compiled rules of every bus.
    pub routes: Arc<Routes>,
    /// The compiled archives of every bus.
    pub archives: Arc<ArchiveRoutes>,
    /// The key that seals connection secrets, read on first use.
    pub vault: Arc<VaultCell>,
    /// The long polls waiting on each queue.
    pub queue_waiters: Arc<QueueWaiters>,
    /// Raised when the system stops, so requests that wait (SQS long polls)
    /// answer at once instead of holding the shutdown up.
    pub shutdown: Arc<Shutdown>,
    /// Raised when deliveries were scheduled, so the dispatcher looks at once.
    pub deliveries_ready: Arc<Notify>,
    /// Raised when a replay was started or cancelled, so the replay runner
    /// looks at once.
    pub replays_ready: Arc<Notify>,
    /// Raised when Step Functions calls or timers were recorded, so the
    /// engine loop looks at once.
    pub stepfunctions_ready: Arc<Notify>,
    /// Parsed state machine definitions, so executions do not parse theirs at every step.
    pub definitions: Arc<Definitions>,
    /// PutEvents requests waiting for the store, written together.
    pub put_events: Arc<PutEventsQueue>,
}

/// A one-way signal that the local system is stopping.
#[derive(Debug, Default)]
pub struct Shutdown {
    begun: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// Raises the signal and wakes everything waiting for it.
    pub fn begin(&self) {
        self.begun.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether the system is stopping.
    pub fn has_begun(&self) -> bool {
        self.begun.load(Ordering::SeqCst)
    }

    /// Resolves once the system is stopping.
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if !self.has_begun() {
            notified.await;
        }
    }
}

impl Shared {
    /// Shared state for `config` over `store`.
    pub fn new(config: &Config, store: Arc<Store>) -> Self {
        Self {
            store,
            clock: config.clock.clone(),
            account_id: config.account_id.clone(),
            region: config.region.clone(),
            routes: Arc::new(Routes::default()),
            archives: Arc::new(ArchiveRoutes::default()),
            vault: Arc::new(VaultCell::default()),
            queue_waiters: Arc::new(QueueWaiters::default()),
            shutdown: Arc::new(Shutdown::default()),
            deliveries_ready: Arc::new(Notify::new()),
            replays_ready: Arc::new(Notify::new()),
            stepfunctions_ready: Arc::new(Notify::new()),
            definitions: Arc::new(Definitions::default()),
            put_events: Arc::default(),
        }
    }

    /// `arn:aws:<service>:<region>:<account>:<resource>`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{resource}", self.region, self.account_id)
    }
}
