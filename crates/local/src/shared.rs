//! What every operation handler needs: the store, the clock, the identity.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::eventbridge::routing::Routes;
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
        }
    }

    /// `arn:aws:<service>:<region>:<account>:<resource>`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{resource}", self.region, self.account_id)
    }
}
