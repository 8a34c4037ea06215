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

/// What kind of system a connection points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConnectionKind {
    /// The bundled local system, run by the app.
    Local,
    /// An AWS account through a profile of the user's AWS config.
    Profile,
    /// An AWS-compatible endpoint (LocalStack, moto, another local system).
    Endpoint,
}

/// Where a connection points. Never holds credentials: AWS connections use
/// the standard credential chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionSpec {
    /// Local system, AWS profile or endpoint URL.
    pub kind: ConnectionKind,
    /// The AWS profile (required for `profile`, optional for `endpoint`).
    pub profile: Option<String>,
    /// The region (for `profile`, none means the profile's own).
    pub region: Option<String>,
    /// The endpoint URL (required for `endpoint`).
    pub endpoint_url: Option<String>,
}

/// A connection the user saved to switch to later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedConnection {
    /// Stable id (the built-in local system is `local`).
    pub id: String,
    /// The name the user gave it.
    pub name: String,
    /// Where it points.
    pub spec: ConnectionSpec,
}

/// Whether the bundled local system is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LocalState {
    /// Serving at its endpoint.
    Running,
    /// Stopped by the user; nothing answers at its endpoint.
    Stopped,
}

/// The connection in use, with what the connections panel shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CurrentConnection {
    /// Its name: a saved connection's, or one made from the command line.
    pub name: String,
    /// The saved connection it is, if any (`local` for the local system).
    pub saved_id: Option<String>,
    /// Where it points.
    pub spec: ConnectionSpec,
    /// Region, endpoint and profile as the clients use them.
    pub info: ConnectionInfo,
    /// The local system's state; none for other connections.
    pub local: Option<LocalState>,
    /// The local system's data folder; none for other connections.
    pub data_dir: Option<String>,
}

/// The connections panel: the current connection and the saved ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionsOverview {
    /// The connection in use.
    pub current: CurrentConnection,
    /// The built-in local system first, then the saved connections by name.
    pub saved: Vec<SavedConnection>,
    /// Why the saved connections could not be read, if they could not.
    pub problem: Option<String>,
}

/// A profile of the user's AWS config or credentials file. Only its name and
/// settings that are not secret are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AwsProfile {
    /// The profile name (`default` for `[default]`).
    pub name: String,
    /// Its `region`, if set.
    pub region: Option<String>,
    /// Whether it signs in through IAM Identity Center (`sso_session` or `sso_start_url`).
    pub sso: bool,
    /// The `sso_session` it uses, if any.
    pub sso_session: Option<String>,
    /// Whether the config file declares it.
    pub in_config: bool,
    /// Whether the credentials file declares it.
    pub in_credentials: bool,
}

/// The user's AWS profiles and the regions to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AwsProfiles {
    /// Every profile, by name (`default` first).
    pub profiles: Vec<AwsProfile>,
    /// AWS's commercial regions.
    pub regions: Vec<String>,
    /// The config file read.
    pub config_file: Option<String>,
    /// The credentials file read.
    pub credentials_file: Option<String>,
    /// What could not be read, in words (a missing file is not a problem).
    pub problems: Vec<String>,
}
