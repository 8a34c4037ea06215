//! The local system of Choreoscope: an AWS-compatible endpoint on loopback.
//!
//! It speaks the AWS JSON protocols, so the AWS SDKs and the `aws` CLI work
//! against it unchanged, and keeps its state in SQLite so nothing accepted is
//! lost across a restart. It serves EventBridge (buses, rules, targets,
//! PutEvents, TestEventPattern, bus logs), CloudWatch Logs, SQS and Step
//! Functions ([`stepfunctions`]).
//! [`Requests`] answers the same requests in-process, without HTTP.
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

mod api;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod eventbridge;
pub mod functions;
mod ids;
pub mod logs;
pub mod protocol;
pub mod secrets;
mod server;
mod shared;
pub mod sqs;
pub mod stepfunctions;
pub mod store;
#[cfg(test)]
mod test_support;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub use api::{Api, ApiError};
use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
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
        Ok(Self::prepare(config).await?.start(Router::new()))
    }

    /// Opens the store and binds the port, but runs nothing yet: register
    /// functions and build extra routes with the [`PreparedSystem`], then
    /// [`PreparedSystem::start`] it. Deliveries left pending by an earlier
    /// run wait until then, so they find their functions registered.
    pub async fn prepare(config: Config) -> Result<PreparedSystem, StartError> {
        let shared = open_shared(&config)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| StartError::Bind { port: config.port, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;
        Ok(PreparedSystem { config, shared, listener, addr, functions: Functions::default() })
    }

    /// In-process access to the AWS JSON API of this system.
    pub fn api(&self) -> Api {
        Api::new(self.shared.clone())
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

/// A local system with its store open and its port bound, not yet serving;
/// see [`LocalSystem::prepare`].
pub struct PreparedSystem {
    config: Config,
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    functions: Functions,
}

impl PreparedSystem {
    /// `http://127.0.0.1:<port>`, as it will be served.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The functions host, to register handlers before anything is delivered.
    pub fn functions(&self) -> &Functions {
        &self.functions
    }

    /// In-process access to the AWS JSON API; usable before and after start.
    pub fn api(&self) -> Api {
        Api::new(self.shared.clone())
    }

    /// The folder holding the store: extensions keep their own files beside it.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.config.data_dir
    }

    /// Starts the engines and serves the AWS API at `/`, plus `routes`
    /// (an extension's own HTTP endpoints, such as the demo's `/graphql`).
    pub fn start(self, routes: Router) -> LocalSystem {
        let Self { config, shared, listener, addr, functions } = self;
        let engines = vec![
            tokio::spawn(delivery::Dispatcher::new(shared.clone(), functions.clone(), config.delivery).run()),
            tokio::spawn(eventbridge::scheduler::run(shared.clone())),
            tokio::spawn(eventbridge::replays::run(shared.clone())),
            tokio::spawn(stepfunctions::run(shared.clone(), functions.clone())),
        ];
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(shared.clone()).merge(routes);
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "local system server stopped");
            }
        });
        tracing::info!(%addr, data_dir = %config.data_dir.display(), "local system listening");
        LocalSystem { addr, shared, functions, stop, server, engines }
    }
}

/// Opens the store of `config` and makes sure its default bus exists.
fn open_shared(config: &Config) -> Result<Arc<Shared>, StartError> {
    let store = Arc::new(Store::open(&config.data_dir)?);
    let shared = Arc::new(Shared::new(config, store));
    eventbridge::buses::ensure_default(&shared)?;
    Ok(shared)
}

/// The AWS JSON front of a local system without its HTTP server: requests go
/// in as an `X-Amz-Target` value and a body, and come out as a status and a
/// body, exactly as the server would answer them (without its limit on the
/// body's size). No engine runs in the background (no delivery to targets,
/// no scheduled rules, no replays), so what a request does is in the store
/// when [`Requests::call`] returns; only an OAuth connection's authorization
/// is tried in the background, on the caller's runtime, as CreateConnection
/// does in the server. This is for fuzz targets and tests of the request
/// decoders.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use choreoscope_local::{Config, Requests};
///
/// let requests = Requests::open(Config::new("/tmp/choreoscope-requests"))?;
/// let (status, body) = requests.call("AWSEvents.ListEventBuses", b"{}").await;
/// assert_eq!(status, 200);
/// let buses: serde_json::Value = serde_json::from_slice(&body)?;
/// assert_eq!(buses["EventBuses"][0]["Name"], "default");
/// # Ok(()) }
/// ```
pub struct Requests {
    shared: Arc<Shared>,
}

impl Requests {
    /// Opens (creating if need be) the store in `config.data_dir` and makes
    /// sure the default bus exists. `config.port` and `config.delivery` are
    /// not used: nothing listens and nothing delivers.
    pub fn open(config: Config) -> Result<Self, StartError> {
        Ok(Self { shared: open_shared(&config)? })
    }

    /// Answers one request: `target` is what the `X-Amz-Target` header would
    /// say (`AWSEvents.PutEvents`, `Logs_20140328.PutLogEvents`,
    /// `AmazonSQS.SendMessage`, ...), `body` the JSON input. Returns the
    /// HTTP status and the response body (the operation's JSON output, or an
    /// AWS JSON error: `{"__type": ..., "message": ...}`). SQS answers as to
    /// a caller at `127.0.0.1` signing as the local account.
    ///
    /// Must run inside a Tokio runtime: the store is used from its blocking
    /// pool, as the server does.
    pub async fn call(&self, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let response = server::run(self.shared.clone(), target, &HeaderMap::new(), Bytes::copy_from_slice(body)).await;
        let status = response.status().as_u16();
        // Every response is built from a complete string, so reading it back
        // cannot fail; answer as the server's own fault if it ever does.
        match axum::body::to_bytes(response.into_body(), usize::MAX).await {
            Ok(body) => (status, body.to_vec()),
            Err(error) => {
                let error = protocol::AwsError::internal(format!("The response could not be read: {error}"));
                (
                    error.status,
                    serde_json::json!({ "__type": error.code, "message": error.message }).to_string().into_bytes(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_answered_as_the_server_answers_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let requests = Requests::open(Config::new(dir.path())).expect("opens");
        let (status, body) = requests.call("AWSEvents.ListEventBuses", b"").await;
        assert_eq!(status, 200);
        let buses: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(buses["EventBuses"][0]["Name"], "default");

        let (status, body) = requests.call("AmazonSQS.CreateQueue", br#"{"QueueName":"q"}"#).await;
        assert_eq!(status, 200);
        let created: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(created["QueueUrl"], "http://127.0.0.1/123456789012/q");

        let (status, body) = requests.call("Logs_20140328.CreateLogGroup", b"{not json").await;
        assert_eq!(status, 400);
        let error: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(error["__type"], "SerializationException");

        let (status, body) = requests.call("", b"{}").await;
        assert_eq!(status, 400);
        let error: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(error["__type"], "UnknownOperationException");
    }
}
