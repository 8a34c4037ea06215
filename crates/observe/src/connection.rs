//! How to reach the system under observation: the local system, or AWS.

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use choreoscope_model::{ConnectionInfo, ConnectionKind, ConnectionMode, ConnectionSpec};

use crate::{ObserveError, Observer};

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

/// Credentials sent to an AWS-compatible endpoint when the credential chain
/// has none: emulators (LocalStack, moto, the local system) accept any.
/// Not the user's: the app never reads or stores those.
const ENDPOINT_FALLBACK: (&str, &str) = ("test", "test");

impl Connection {
    /// The connection a saved (or typed) spec describes, checked: a profile
    /// connection names its profile, an endpoint connection a `http(s)://`
    /// URL and a region. The local system has no spec-only connection (its
    /// endpoint is the running system's), so `local` is refused here.
    pub fn from_spec(spec: &ConnectionSpec) -> Result<Self, ObserveError> {
        let profile = non_empty(spec.profile.as_deref());
        let region = non_empty(spec.region.as_deref());
        if let Some(region) = &region {
            check_region(region)?;
        }
        match spec.kind {
            ConnectionKind::Local => {
                Err(ObserveError::Invalid("the local system's endpoint is the one the app runs".into()))
            }
            ConnectionKind::Profile => {
                let Some(profile) = profile else {
                    return Err(ObserveError::Invalid("Pick an AWS profile.".into()));
                };
                Ok(Self::Aws { profile: Some(profile), region, endpoint_url: None })
            }
            ConnectionKind::Endpoint => {
                let Some(url) = non_empty(spec.endpoint_url.as_deref()) else {
                    return Err(ObserveError::Invalid("Give the endpoint URL, e.g. http://localhost:4566.".into()));
                };
                check_endpoint_url(&url)?;
                if region.is_none() {
                    return Err(ObserveError::Invalid("Pick the region the endpoint serves.".into()));
                }
                Ok(Self::Aws { profile, region, endpoint_url: Some(url) })
            }
        }
    }

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
                    loader = loader.endpoint_url(url).credentials_provider(endpoint_credentials(profile, region).await);
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

/// The standard credential chain for an endpoint. Without a named profile,
/// fixed credentials stand in when the chain has none (or fails: no
/// credentials, no instance metadata), so an emulator is reachable without an
/// AWS account; a named profile's failure is the user's to see.
async fn endpoint_credentials(profile: &Option<String>, region: &Option<String>) -> SharedCredentialsProvider {
    let mut chain = DefaultCredentialsChain::builder();
    if let Some(profile) = profile {
        chain = chain.profile_name(profile);
    }
    if let Some(region) = region {
        chain = chain.region(Region::new(region.clone()));
    }
    let chain = chain.build().await;
    if profile.is_some() {
        SharedCredentialsProvider::new(chain)
    } else {
        SharedCredentialsProvider::new(ChainOrFallback { chain })
    }
}

/// The standard chain, else fixed emulator credentials.
#[derive(Debug)]
struct ChainOrFallback {
    chain: DefaultCredentialsChain,
}

impl ProvideCredentials for ChainOrFallback {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            match self.chain.provide_credentials().await {
                Ok(credentials) => Ok(credentials),
                Err(error) => {
                    tracing::debug!(%error, "no credentials from the chain; using the endpoint fallback");
                    let (key, secret) = ENDPOINT_FALLBACK;
                    Ok(Credentials::new(key, secret, None, None, "choreoscope-endpoint"))
                }
            }
        })
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Regions look like `eu-west-1`; emulators accept any such name.
fn check_region(region: &str) -> Result<(), ObserveError> {
    let valid = region.len() <= 32
        && region.split('-').count() >= 2
        && region
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err(ObserveError::Invalid(format!("\"{region}\" is not a region name like eu-west-1.")))
    }
}

/// An endpoint URL is `http://` or `https://`, a host, maybe a port and path.
fn check_endpoint_url(url: &str) -> Result<(), ObserveError> {
    let authority = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let valid = !url.chars().any(char::is_whitespace) && authority.is_some_and(valid_authority);
    if valid {
        Ok(())
    } else {
        Err(ObserveError::Invalid(format!(
            "\"{url}\" is not an endpoint URL: give http:// or https://, a host and maybe a port (http://localhost:4566)."
        )))
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn valid_authority(authority: &str) -> bool {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => return false,
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    !host.is_empty() && port.is_none_or(|port| port.parse::<u16>().is_ok())
}

impl Observer {
    /// Checks that the connection answers and its credentials work, with a
    /// cheap call (ListEventBuses, one page of one bus): the error in words
    /// that say what to do, else the name of the first bus.
    pub async fn check_connection(&self) -> Result<(), String> {
        let result = self.eventbridge().list_event_buses().limit(1).send().await;
        match result {
            Ok(_) => Ok(()),
            Err(error) => Err(explain(&ObserveError::from_sdk("ListEventBuses", error), self.info())),
        }
    }
}

/// An error of a connection's first call, in words that say what to do.
fn explain(error: &ObserveError, info: &ConnectionInfo) -> String {
    let text = error.to_string();
    let lower = text.to_lowercase();
    let profile = info.profile.as_deref();
    let login = match profile {
        Some(profile) => format!("aws sso login --profile {profile}"),
        None => "aws sso login".to_owned(),
    };
    let named = profile.map(|p| format!("profile {p}")).unwrap_or_else(|| "the default credentials".to_owned());
    let code = error.code().unwrap_or_default();
    if lower.contains("sso token") || lower.contains("sso session") {
        return format!(
            "The SSO session of {named} has expired or was never started. Run `{login}`, then connect again. ({text})"
        );
    }
    if matches!(code, "ExpiredTokenException" | "ExpiredToken" | "RequestExpired") {
        return format!(
            "The credentials of {named} have expired. Refresh them (for an SSO profile: `{login}`), then connect again. ({text})"
        );
    }
    if matches!(code, "UnrecognizedClientException" | "InvalidClientTokenId" | "InvalidSignatureException") {
        return format!("AWS does not accept the credentials of {named}: {}", service_message(error));
    }
    if matches!(code, "AccessDeniedException" | "AccessDenied") {
        return format!(
            "The credentials of {named} work, but may not list event buses (events:ListEventBuses): {}",
            service_message(error)
        );
    }
    if lower.contains("no providers in chain") || lower.contains("credentials") && lower.contains("not loaded") {
        return format!(
            "No AWS credentials were found for {named}. Sign in (`aws configure`, or `{login}` for SSO) and connect again."
        );
    }
    if lower.contains("profile") && (lower.contains("not defined") || lower.contains("could not find")) {
        return format!("{} is not in your AWS config: {text}", profile.unwrap_or("The profile"));
    }
    if code.is_empty() {
        let place = info.endpoint_url.clone().unwrap_or_else(|| format!("AWS in {}", info.region));
        return format!("Could not reach {place}: {text}");
    }
    format!("The connection failed: {text}")
}

fn service_message(error: &ObserveError) -> String {
    match error {
        ObserveError::Service { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ConnectionKind, profile: Option<&str>, region: Option<&str>, url: Option<&str>) -> ConnectionSpec {
        ConnectionSpec {
            kind,
            profile: profile.map(Into::into),
            region: region.map(Into::into),
            endpoint_url: url.map(Into::into),
        }
    }

    #[test]
    fn specs_become_connections_or_say_what_is_missing() {
        let profile = Connection::from_spec(&spec(ConnectionKind::Profile, Some("prod"), None, None));
        assert_eq!(
            profile.ok(),
            Some(Connection::Aws { profile: Some("prod".into()), region: None, endpoint_url: None })
        );
        let endpoint = Connection::from_spec(&spec(
            ConnectionKind::Endpoint,
            None,
            Some("us-east-1"),
            Some(" http://localhost:4566 "),
        ));
        assert_eq!(
            endpoint.ok(),
            Some(Connection::Aws {
                profile: None,
                region: Some("us-east-1".into()),
                endpoint_url: Some("http://localhost:4566".into())
            })
        );
        let refused = |spec: ConnectionSpec| Connection::from_spec(&spec).err().map(|e| e.to_string());
        assert_eq!(
            refused(spec(ConnectionKind::Profile, Some(" "), None, None)).as_deref(),
            Some("Pick an AWS profile.")
        );
        assert!(
            refused(spec(ConnectionKind::Endpoint, None, Some("us-east-1"), Some("localhost:4566")))
                .is_some_and(|m| m.contains("is not an endpoint URL"))
        );
        assert!(refused(spec(ConnectionKind::Endpoint, None, Some("us-east-1"), Some("http://:4566"))).is_some());
        assert!(refused(spec(ConnectionKind::Endpoint, None, Some("us-east-1"), Some("http://h:99999"))).is_some());
        assert!(
            refused(spec(ConnectionKind::Endpoint, None, None, Some("http://h:4566")))
                .is_some_and(|m| m.contains("region"))
        );
        assert!(
            refused(spec(ConnectionKind::Profile, Some("p"), Some("EU West"), None))
                .is_some_and(|m| m.contains("not a region name"))
        );
        assert!(refused(spec(ConnectionKind::Local, None, None, None)).is_some());
    }

    #[test]
    fn expired_sso_sessions_say_which_login_to_run() {
        let info = ConnectionInfo {
            mode: ConnectionMode::Aws,
            region: "eu-west-1".into(),
            endpoint_url: None,
            profile: Some("dev".into()),
        };
        let error = ObserveError::Unreachable {
            operation: "ListEventBuses",
            message: "dispatch failure: the SSO token has expired and cannot be refreshed".into(),
        };
        assert!(explain(&error, &info).contains("Run `aws sso login --profile dev`"));
        let denied = ObserveError::Service {
            operation: "ListEventBuses",
            code: "AccessDeniedException".into(),
            message: "User is not authorized".into(),
        };
        assert!(explain(&denied, &info).ends_with("User is not authorized"));
        let refused = ObserveError::Unreachable { operation: "ListEventBuses", message: "Connection refused".into() };
        assert!(explain(&refused, &info).starts_with("Could not reach AWS in eu-west-1"));
    }
}
