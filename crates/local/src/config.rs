//! How a local system is set up.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::delivery::DeliverySettings;

/// The account id the local system reports in ARNs and events.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The region the local system reports in ARNs and events.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The port `choreoscope-local` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 4599;

/// Settings of a [`LocalSystem`](crate::LocalSystem).
#[derive(Clone)]
pub struct Config {
    /// Loopback port to listen on; `0` picks a free one.
    pub port: u16,
    /// Folder holding the SQLite database.
    pub data_dir: PathBuf,
    /// Account id used in ARNs and events.
    pub account_id: String,
    /// Region used in ARNs and events.
    pub region: String,
    /// The clock every engine reads.
    pub clock: Arc<dyn Clock>,
    /// How deliveries to targets are paced.
    pub delivery: DeliverySettings,
}

impl Config {
    /// Defaults for everything but the data folder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            port: DEFAULT_PORT,
            data_dir: data_dir.into(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            clock: Arc::new(SystemClock),
            delivery: DeliverySettings::default(),
        }
    }

    /// The same settings on another port (`0` for any free one).
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The platform's data folder for Choreoscope's local system
    /// (`~/.local/share/choreoscope/local` on Linux).
    pub fn default_data_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("dev", "Choreoscope", "choreoscope").map(|dirs| dirs.data_dir().join("local"))
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("data_dir", &self.data_dir)
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("delivery", &self.delivery)
            .finish_non_exhaustive()
    }
}
