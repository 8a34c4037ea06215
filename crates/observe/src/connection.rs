//! How to reach the system under observation: the local system, or AWS.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use choreoscope_model::{ConnectionInfo, ConnectionMode};

/// Where the AWS SDK clients point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// The bundled local system at `endpoint_url` (it does not check
    /// signatures, so fixed local credentials are used).
    Local {
        /// `http://127.0.0.1:<port>`.
        endpoint_url: String,
        /// Region to sign for.
        region: String,
    },
    /// An AWS account through the standard credential chain; optionally an
    /// AWS-compatible endpoint (LocalStack, moto, …).
    Aws {
        /// Named profile from the AWS config, or the default chain.
        profile: Option<String>,
        /// Region, or the profile's.
        region: Option<String>,
        /// Endpoint URL override.
        endpoint_url: Option<String>,
    },
}

impl Connection {
    /// Loads the SDK configuration for this connection.
    pub async fn sdk_config(&self) -> SdkConfig {
        match self {
            Self::Local { endpoint_url, region } => {
                aws_config::defaults(BehaviorVersion::latest())
                    .endpoint_url(endpoint_url)
                    .region(Region::new(region.clone()))
                    .credentials_provider(Credentials::new("choreoscope", "local", None, None, "choreoscope-local"))
                    .load()
                    .await
            }
            Self::Aws { profile, region, endpoint_url } => {
                let mut loader = aws_config::defaults(BehaviorVersion::latest());
                if let Some(profile) = profile {
                    loader = loader.profile_name(profile);
                }
                if let Some(region) = region {
                    loader = loader.region(Region::new(region.clone()));
                }
                if let Some(url) = endpoint_url {
                    loader = loader.endpoint_url(url);
                }
                loader.load().await
            }
        }
    }

    /// How the connection is shown to the user.
    pub fn info(&self, sdk: &SdkConfig) -> ConnectionInfo {
        let region = sdk.region().map(ToString::to_string).unwrap_or_else(|| "(no region)".to_owned());
        match self {
            Self::Local { endpoint_url, .. } => ConnectionInfo {
                mode: ConnectionMode::Local,
                region,
                endpoint_url: Some(endpoint_url.clone()),
                profile: None,
            },
            Self::Aws { profile, endpoint_url, .. } => ConnectionInfo {
                mode: ConnectionMode::Aws,
                region,
                endpoint_url: endpoint_url.clone(),
                profile: profile.clone(),
            },
        }
    }
}
