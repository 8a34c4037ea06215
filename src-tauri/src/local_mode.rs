//! Local mode: run the bundled local system in-process with the food-delivery
//! demo on it (or, with `--no-demo`, the small sample topology), created
//! through the same AWS APIs any client uses; start, stop and reset it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::config::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION};
use choreoscope_local::{Config, LocalSystem, PreparedSystem};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, Observer};

use crate::options::Options;

/// The topology of `--no-demo`.
const SAMPLE_TOPOLOGY: &str = include_str!("../../assets/sample-topology.json");

/// What local mode runs.
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
        self.system().endpoint_url()
    }

    fn system(&self) -> &LocalSystem {
        match self {
            Self::Demo(demo) => demo.system(),
            Self::Bare(system) => system,
        }
    }

    /// Stops the demo's tasks, then the local system, finishing the requests
    /// and deliveries under way.
    async fn shutdown(self) {
        match self {
            Self::Demo(demo) => demo.shutdown().await,
            Self::Bare(system) => system.shutdown().await,
        }
    }
}

/// How local mode runs, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalSettings {
    /// The folder of its databases; `None`: the platform's data folder.
    pub data_dir: Option<PathBuf>,
    /// The loopback port asked for (0: a free one).
    pub port: u16,
    /// The sample topology instead of the demo.
    pub no_demo: bool,
    /// The demo's traffic.
    pub orders_per_sec: f64,
}

impl LocalSettings {
    /// The local-mode options of the command line.
    pub fn from_options(options: &Options) -> Self {
        Self {
            data_dir: options.data_dir.clone(),
            port: options.port,
            no_demo: options.no_demo,
            orders_per_sec: options.orders_per_sec,
        }
    }

    /// The folder of the local system's databases.
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => Config::default_data_dir().context("no data folder for this platform; pass --data-dir"),
        }
    }
}

/// The local system, running or not.
pub struct LocalMode {
    settings: LocalSettings,
    running: Option<Local>,
    /// The port it last listened on: a restart asks for it again, so an
    /// `aws --endpoint-url` the user copied keeps working.
    last_port: Option<u16>,
}

/// What a started local system gives the app.
pub struct Started {
    /// The clients pointed at it.
    pub observer: Observer,
    /// The bus "Put sample event" puts on.
    pub sample_bus: &'static str,
}

impl LocalMode {
    /// Local mode, not started.
    pub fn new(settings: LocalSettings) -> Self {
        Self { settings, running: None, last_port: None }
    }

    /// Whether the local system is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The folder of its databases.
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        self.settings.data_dir()
    }

    /// Starts the local system on loopback and the demo (or creates the
    /// sample topology; a restart keeps what exists), and connects an
    /// observer to it. Already running: connects to it again.
    pub async fn start(&mut self) -> anyhow::Result<Started> {
        if self.running.is_none() {
            let local = self.launch().await?;
            self.last_port = url_port(&local.endpoint_url());
            self.running = Some(local);
        }
        let local = self.running.as_ref().context("the local system is not running")?;
        let endpoint_url = local.endpoint_url();
        let observer =
            Observer::connect(Connection::Local { endpoint_url: endpoint_url.clone(), region: DEFAULT_REGION.into() })
                .await;
        if let Local::Bare(_) = local {
            let topology = TopologyFile::parse(SAMPLE_TOPOLOGY, DEFAULT_REGION, DEFAULT_ACCOUNT_ID)?;
            topology.apply(observer.eventbridge()).await.context("the sample topology could not be created")?;
        }
        tracing::info!(endpoint = %endpoint_url, "local system ready");
        Ok(Started { observer, sample_bus: local.sample_bus() })
    }

    async fn launch(&self) -> anyhow::Result<Local> {
        let data_dir = self.settings.data_dir()?;
        let prepared = self.prepare(&data_dir).await?;
        Ok(if self.settings.no_demo {
            Local::Bare(prepared.start(axum::Router::new()))
        } else {
            let settings = DemoSettings { orders_per_sec: self.settings.orders_per_sec, ..DemoSettings::default() };
            Local::Demo(Box::new(
                Demo::start(prepared, settings).await.context("the food-delivery demo could not start")?,
            ))
        })
    }

    /// Binds the port it had before when it can, else the one asked for.
    async fn prepare(&self, data_dir: &Path) -> anyhow::Result<PreparedSystem> {
        if let Some(port) = self.last_port.filter(|port| *port != self.settings.port) {
            match LocalSystem::prepare(Config::new(data_dir).with_port(port)).await {
                Ok(prepared) => return Ok(prepared),
                Err(error) => tracing::info!(%error, port, "the previous port is taken; using another"),
            }
        }
        LocalSystem::prepare(Config::new(data_dir).with_port(self.settings.port))
            .await
            .with_context(|| format!("the local system could not start (data in {})", data_dir.display()))
    }

    /// Stops the local system (nothing to do when stopped).
    pub async fn stop(&mut self) {
        if let Some(local) = self.running.take() {
            local.shutdown().await;
            tracing::info!("local system stopped");
        }
    }

    /// Stops the local system, deletes its databases and starts it afresh
    /// (the demo deploys itself again on start).
    pub async fn reset(&mut self) -> anyhow::Result<Started> {
        self.stop().await;
        let data_dir = self.settings.data_dir()?;
        delete_databases(&data_dir)?;
        self.start().await
    }
}

/// Deletes the SQLite databases (with their WAL, shared-memory and journal
/// files) in `dir`; other files, such as the secrets key, stay.
pub fn delete_databases(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut deleted = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("cannot read {}", dir.display()))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let database = [".sqlite", ".sqlite3"]
            .iter()
            .any(|ext| ["", "-wal", "-shm", "-journal"].iter().any(|suffix| name.ends_with(&format!("{ext}{suffix}"))));
        if database && path.is_file() {
            std::fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
            deleted.push(path);
        }
    }
    Ok(deleted)
}

fn url_port(url: &str) -> Option<u16> {
    url.rsplit_once(':').and_then(|(_, port)| port.parse().ok())
}
