//! Local mode: run the bundled local system in-process and seed it with the
//! sample topology, through the same AWS APIs any client uses.

use anyhow::Context;
use choreoscope_local::config::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, Observer};

use crate::options::Options;

/// The topology the local system starts with.
const SAMPLE_TOPOLOGY: &str = include_str!("../../assets/sample-topology.json");

/// Starts the local system on loopback, connects an observer to it, and
/// creates the sample topology (idempotently: a restart keeps what exists).
pub async fn start(options: &Options) -> anyhow::Result<(LocalSystem, Observer)> {
    let data_dir = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => Config::default_data_dir().context("no data folder for this platform; pass --data-dir")?,
    };
    let system = LocalSystem::start(Config::new(&data_dir).with_port(options.port))
        .await
        .with_context(|| format!("the local system could not start (data in {})", data_dir.display()))?;
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: DEFAULT_REGION.into() })
            .await;
    let topology = TopologyFile::parse(SAMPLE_TOPOLOGY, DEFAULT_REGION, DEFAULT_ACCOUNT_ID)?;
    topology.apply(observer.eventbridge()).await.context("the sample topology could not be created")?;
    tracing::info!(endpoint = %system.endpoint_url(), "local system ready");
    Ok((system, observer))
}
