//! `choreoscope-local`: runs the local system until interrupted.

use std::path::PathBuf;

use anyhow::Context;
use choreoscope_local::config::DEFAULT_PORT;
use choreoscope_local::{Config, LocalSystem};
use clap::Parser;

/// An AWS-compatible endpoint on loopback (EventBridge, CloudWatch Logs, SQS) that
/// keeps its state in SQLite. Point the `aws` CLI or any AWS SDK at it with
/// `--endpoint-url http://127.0.0.1:<port>`.
#[derive(Debug, Parser)]
#[command(name = "choreoscope-local", version)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT, env = "CHOREOSCOPE_LOCAL_PORT")]
    port: u16,
    /// Folder for the database [default: the platform's data folder].
    #[arg(long, env = "CHOREOSCOPE_LOCAL_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Region reported in ARNs and events.
    #[arg(long, default_value = choreoscope_local::config::DEFAULT_REGION)]
    region: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "choreoscope_local=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => {
            Config::default_data_dir().context("no data folder could be found for this platform; pass --data-dir")?
        }
    };
    let mut config = Config::new(data_dir).with_port(args.port);
    config.region = args.region;
    let system = LocalSystem::start(config).await.context("the local system could not start")?;
    // One line on stdout, so scripts and tests can read the endpoint.
    println!("choreoscope-local listening on {}", system.endpoint_url());
    stopped().await?;
    tracing::info!("shutting down");
    system.shutdown().await;
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM.
async fn stopped() -> anyhow::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("cannot wait for Ctrl-C"),
        _ = terminate.recv() => Ok(()),
    }
}
