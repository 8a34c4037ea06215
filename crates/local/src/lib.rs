//! The local system of Choreoscope: an AWS-compatible endpoint on loopback.
//!
//! It speaks the AWS JSON protocols, so the AWS SDKs and the `aws` CLI work
//! against it unchanged, and keeps its state in SQLite so nothing accepted is
//! lost across a restart. It serves EventBridge (buses, rules, targets,
//! PutEvents, TestEventPattern, bus logs), CloudWatch Logs and SQS.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use choreoscope_local::{Config, LocalSystem};
//!
//! let system = LocalSystem::start(Config::new("/tmp/choreoscope").with_port(0)).await?;
//! println!("aws --endpoint-url {} events list-event-buses", system.endpoint_url());
//! system.shutdown().await;
//! # Ok(()) }
//! ```

pub mod clock;
pub mod config;
pub mod delivery;
pub mod eventbridge;
pub mod functions;
pub mod logs;
pub mod protocol;
pub mod secrets;
mod server;
mod shared;
pub mod sqs;
pub mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub use config::Config;
pub use delivery::DeliverySettings;
pub use functions::Functions;
use shared::Shared;
use store::{Store, StoreError};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Why a local system could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The default bus could not be created.
    #[error("cannot initialise the store: {0}")]
    Init(#[from] rusqlite::Error),
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
}

/// A running local system. Dropping it leaves the server running until the
/// runtime ends; call [`LocalSystem::shutdown`] to stop it cleanly.
pub struct LocalSystem {
    addr: SocketAddr,
    shared: Arc<Shared>,
    functions: Functions,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
    engines: Vec<JoinHandle<()>>,
}

impl LocalSystem {
    /// Opens the store and starts serving on `127.0.0.1`.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let store = Arc::new(Store::open(&config.data_dir)?);
        let shared = Arc::new(Shared::new(&config, store));
        eventbridge::buses::ensure_default(&shared)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| StartError::Bind { port: config.port, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;
        let functions = Functions::default();
        let engines = vec![
            tokio::spawn(delivery::Dispatcher::new(shared.clone(), functions.clone(), config.delivery).run()),
            tokio::spawn(eventbridge::scheduler::run(shared.clone())),
            tokio::spawn(eventbridge::replays::run(shared.clone())),
        ];
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(shared.clone());
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "local system server stopped");
            }
        });
        tracing::info!(%addr, data_dir = %config.data_dir.display(), "local system listening");
        Ok(Self { addr, shared, functions, stop, server, engines })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: what to give an SDK or the `aws` CLI as endpoint URL.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The functions host: register the handlers of the Lambda ARNs that
    /// rules target.
    pub fn functions(&self) -> &Functions {
        &self.functions
    }

    /// Stops accepting requests, finishes those under way and the delivery
    /// attempts in flight, and returns.
    pub async fn shutdown(self) {
        self.shared.shutdown.begin();
        let _ = self.stop.send(());
        let _ = self.server.await;
        for engine in self.engines {
            let _ = engine.await;
        }
    }
}
