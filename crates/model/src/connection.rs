//! What the dashboard is connected to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether the dashboard looks at the bundled local system or at AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConnectionMode {
    /// The local system the app runs on loopback.
    Local,
    /// An AWS account (or any AWS-compatible endpoint).
    Aws,
}

/// The connection the dashboard currently uses, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    /// Local system or AWS.
    pub mode: ConnectionMode,
    /// The AWS region the clients sign for.
    pub region: String,
    /// The endpoint URL, when not AWS's own (always set in local mode, so the
    /// `aws` CLI can be pointed at it).
    pub endpoint_url: Option<String>,
    /// The AWS profile in use, if one was named.
    pub profile: Option<String>,
}
