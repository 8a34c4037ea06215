//! Local mode: run the bundled local system in-process with the food-delivery
//! demo on it (or, with `--no-demo`, the small sample topology), created
//! through the same AWS APIs any client uses.

use anyhow::Context;
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::config::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, Observer};

use crate::options::Options;

/// The topology of `--no-demo`.
const SAMPLE_TOPOLOGY: &str = include_str!("../../assets/sample-topology.json");

/// What local mode runs; kept alive as long as the app.
pub enum Local {
    /// The food-delivery demo on the local system.
    Demo(Box<Demo>),
    /// The local system with the sample topology.
    Bare(LocalSystem),
}

impl Local {
    /// The bus the "Put sample event" button puts on.
    pub fn sample_bus(&self) -> &'static str {
        match self {
            Self::Demo(_) => choreoscope_demo::envelope::INTERNAL_BUS,
            Self::Bare(_) => "orders",
        }
    }

    /// `http://127.0.0.1:<port>` of the local system.
    pub fn endpoint_url(&self) -> String {
        match self {
            Self::Demo(demo) => demo.system().endpoint_url(),
            Self::Bare(system) => system.endpoint_url(),
        }
    }
}

/// Starts the local system on loopback, connects an observer to it, and
/// starts the demo (or creates the sample topology; a restart keeps what exists).
pub async fn start(options: &Options) -> anyhow::Result<(Local, Observer)> {
    let data_dir = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => Config::default_data_dir().context("no data folder for this platform; pass --data-dir")?,
    };
    let prepared = LocalSystem::prepare(Config::new(&data_dir).with_port(options.port))
        .await
        .with_context(|| format!("the local system could not start (data in {})", data_dir.display()))?;
    let local = if options.no_demo {
        Local::Bare(prepared.start(axum::Router::new()))
    } else {
        let settings = DemoSettings { orders_per_sec: options.orders_per_sec, ..DemoSettings::default() };
        Local::Demo(Box::new(Demo::start(prepared, settings).await.context("the food-delivery demo could not start")?))
    };
    let endpoint_url = local.endpoint_url();
    let observer =
        Observer::connect(Connection::Local { endpoint_url: endpoint_url.clone(), region: DEFAULT_REGION.into() })
            .await;
    if let Local::Bare(_) = local {
        let topology = TopologyFile::parse(SAMPLE_TOPOLOGY, DEFAULT_REGION, DEFAULT_ACCOUNT_ID)?;
        topology.apply(observer.eventbridge()).await.context("the sample topology could not be created")?;
    }
    tracing::info!(endpoint = %endpoint_url, "local system ready");
    Ok((local, observer))
}
