//! Command-line options of the app: local mode (default) or an AWS connection.

use std::path::PathBuf;

use clap::Parser;

/// Choreoscope: see and operate event-driven serverless systems.
///
/// Without options it runs the bundled local system and shows it. With
/// `--aws` (or `--profile`) it shows an AWS account instead, through the
/// standard AWS credential chain.
#[derive(Debug, Clone, Parser)]
#[command(name = "choreoscope", version)]
pub struct Options {
    /// Connect to AWS instead of running the local system.
    #[arg(long)]
    pub aws: bool,
    /// AWS profile from ~/.aws/config (implies --aws).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// AWS region (default: the profile's).
    #[arg(long)]
    pub region: Option<String>,
    /// An AWS-compatible endpoint URL (LocalStack, moto, a remote choreoscope-local).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Local mode: folder of the local system's database
    /// [default: the platform's data folder].
    #[arg(long, env = "CHOREOSCOPE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Local mode: loopback port of the local system (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Local mode: run the local system with a small sample topology
    /// instead of the food-delivery demo.
    #[arg(long)]
    pub no_demo: bool,
    /// Local mode: orders per second the demo's traffic generator places.
    #[arg(long, default_value_t = 0.0)]
    pub orders_per_sec: f64,
}

impl Options {
    /// Whether the app should connect to AWS rather than run the local system.
    pub fn wants_aws(&self) -> bool {
        self.aws || self.profile.is_some() || self.endpoint_url.is_some()
    }
}
