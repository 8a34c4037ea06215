//! `choreoscope-local`: runs the local system (with `--demo`, the bundled
//! food-delivery system on it) until interrupted; `choreoscope-local fault …`
//! and `choreoscope-local traffic …` steer a running demo.

use std::path::PathBuf;

use anyhow::{Context, bail};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::config::DEFAULT_PORT;
use choreoscope_local::{Config, LocalSystem};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

/// mimalloc: under load the local system allocates for every request, event
/// and row, and glibc's malloc took a sixth of its CPU time
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An AWS-compatible endpoint on loopback (EventBridge, CloudWatch Logs, SQS,
/// Step Functions) that keeps its state in SQLite. Point the `aws` CLI or any
/// AWS SDK at it with `--endpoint-url http://127.0.0.1:<port>`.
#[derive(Debug, Parser)]
#[command(name = "choreoscope-local", version, args_conflicts_with_subcommands = true)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT, env = "CHOREOSCOPE_LOCAL_PORT", global = true)]
    port: u16,
    /// Folder for the database [default: the platform's data folder].
    #[arg(long, env = "CHOREOSCOPE_LOCAL_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Region reported in ARNs and events.
    #[arg(long, default_value = choreoscope_local::config::DEFAULT_REGION)]
    region: String,
    /// Run the bundled 3factor food-delivery system (GraphQL at /graphql).
    #[arg(long)]
    demo: bool,
    /// With --demo: orders the traffic generator places per second.
    #[arg(long, default_value_t = 0.0, requires = "demo")]
    orders_per_sec: f64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Injects a fault into the running demo (on --port).
    Fault {
        /// `partner` or `notifications`.
        #[arg(value_parser = ["partner", "notifications"])]
        target: String,
        /// partner: healthy, down, slow, flaky=<percent>, rejecting or silent;
        /// notifications: healthy or down.
        mode: String,
    },
    /// Sets the running demo's traffic generator (orders per second; 0 stops it).
    Traffic {
        /// Orders per second.
        orders_per_sec: f64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "choreoscope_local=info,choreoscope_demo=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match args.command {
        Some(Command::Fault { target, mode }) => {
            let answer = control(args.port, "/_choreoscope/faults", json!({ target: mode })).await?;
            println!("{answer}");
            Ok(())
        }
        Some(Command::Traffic { orders_per_sec }) => {
            let answer = control(args.port, "/_choreoscope/traffic", json!({ "ordersPerSec": orders_per_sec })).await?;
            println!("{answer}");
            Ok(())
        }
        None => serve(args).await,
    }
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => {
            Config::default_data_dir().context("no data folder could be found for this platform; pass --data-dir")?
        }
    };
    let mut config = Config::new(data_dir).with_port(args.port);
    config.region = args.region;
    let prepared = LocalSystem::prepare(config).await.context("the local system could not start")?;
    if args.demo {
        let settings = DemoSettings { orders_per_sec: args.orders_per_sec, ..DemoSettings::default() };
        let demo = Demo::start(prepared, settings).await.context("the food-delivery demo could not start")?;
        // One line on stdout, so scripts and tests can read the endpoint.
        println!("choreoscope-local listening on {}", demo.system().endpoint_url());
        // stdout keeps its one line: scripts read it and may close the pipe.
        eprintln!("food-delivery demo: GraphQL at {}", demo.graphql_url());
        stopped().await?;
        tracing::info!("shutting down");
        demo.shutdown().await;
    } else {
        let system = prepared.start(axum::Router::new());
        println!("choreoscope-local listening on {}", system.endpoint_url());
        stopped().await?;
        tracing::info!("shutting down");
        system.shutdown().await;
    }
    Ok(())
}

/// POSTs `body` to a control endpoint of the demo running on `port`.
async fn control(port: u16, path: &str, body: Value) -> anyhow::Result<Value> {
    let url = format!("http://127.0.0.1:{port}{path}");
    let response =
        reqwest::Client::new().post(&url).json(&body).send().await.with_context(|| {
            format!("no demo answers at {url}: is `choreoscope-local --demo --port {port}` running?")
        })?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        bail!("the local system on port {port} runs without the demo: start it with --demo");
    }
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{}", answer["message"].as_str().unwrap_or("the demo refused the request"));
    }
    Ok(answer)
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
