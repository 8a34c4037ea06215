//! Invoking an API destination: one HTTP call, by EventBridge's rules, with
//! no SQLite in sight. The caller loads what it needs with
//! [`super::load`], renders the target's input, and turns the [`Outcome`]
//! into a retry, a DLQ message or a success.
//!
//! Rules: a 5 s timeout; the documented fixed headers; the connection's
//! credentials (Basic, API key header, OAuth bearer token fetched with the
//! client credentials and cached until about to expire) and its extra
//! parameters, merged over the target's `HttpParameters`; on 401/407 an OAuth
//! connection drops its token, fetches another and tries once more; a token
//! bucket per destination holds `InvocationRateLimitPerSecond`. Secrets are
//! never logged: `Debug` of every type here redacts them.

mod classify;
pub(crate) mod oauth;
mod rate;
mod request;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, RETRY_AFTER};
use serde::Deserialize;

pub(crate) use self::classify::PREFIX as MESSAGE_PREFIX;
use self::classify::{Callee, message, status_failure, transport_failure};
pub use self::oauth::OAuthTokens;
pub use self::rate::RateLimiter;
use crate::delivery::outcome::{Failure, FailureKind, Outcome};

/// The `User-Agent` of every API destination request.
pub const USER_AGENT_VALUE: &str = "Amazon/EventBridge/ApiDestinations";
/// How long EventBridge waits for an endpoint to answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The rate limit of a destination that sets none.
pub const DEFAULT_RATE_LIMIT_PER_SECOND: u32 = 300;

/// An API destination, as the invoker needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// `arn:aws:events:<region>:<account>:api-destination/<name>/<uuid>`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// `InvocationEndpoint`, with `*` wildcards for path values.
    pub endpoint: String,
    /// `HttpMethod`.
    pub http_method: String,
    /// `InvocationRateLimitPerSecond`.
    pub rate_limit_per_second: u32,
    /// `ACTIVE` or `INACTIVE` (its connection is not authorized).
    pub state: String,
}

/// A connection with its secrets opened, as the invoker needs it. Its
/// `Debug` shows no secret.
#[derive(Clone)]
pub struct Connection {
    /// `arn:aws:events:<region>:<account>:connection/<name>/<uuid>`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// `AUTHORIZED`, `AUTHORIZING`, `DEAUTHORIZED`, ...
    pub state: String,
    /// The credentials.
    pub auth: Auth,
    /// `InvocationHttpParameters`: sent with every invocation.
    pub invocation: RequestParameters,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("arn", &self.arn)
            .field("state", &self.state)
            .field("auth", &self.auth)
            .field("invocation", &self.invocation)
            .finish()
    }
}

/// A connection's credentials.
#[derive(Clone)]
pub enum Auth {
    /// None: the connection was deauthorized.
    None,
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// The key sent as the header `name`.
    ApiKey {
        /// The header's name.
        name: String,
        /// The key.
        value: String,
    },
    /// `Authorization: Bearer <token>`, the token got with client credentials.
    OAuth(OAuthClient),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Basic { username, .. } => f.debug_struct("Basic").field("username", username).finish_non_exhaustive(),
            Self::ApiKey { name, .. } => f.debug_struct("ApiKey").field("name", name).finish_non_exhaustive(),
            Self::OAuth(client) => f.debug_tuple("OAuth").field(client).finish(),
        }
    }
}

/// OAuth client credentials and where to exchange them for a token.
#[derive(Clone)]
pub struct OAuthClient {
    /// `AuthorizationEndpoint`.
    pub endpoint: String,
    /// `GET`, `POST` or `PUT`.
    pub http_method: String,
    /// `ClientID`.
    pub client_id: String,
    /// `ClientSecret`.
    pub client_secret: String,
    /// `OAuthHttpParameters`: sent with the token request.
    pub parameters: RequestParameters,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("endpoint", &self.endpoint)
            .field("http_method", &self.http_method)
            .field("client_id", &self.client_id)
            .field("parameters", &self.parameters)
            .finish_non_exhaustive()
    }
}

/// Extra header, query string and body parameters, values in the clear
/// (some may be secret: `Debug` shows keys only).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestParameters {
    /// Header name and value pairs.
    pub headers: Vec<(String, String)>,
    /// Query string key and value pairs.
    pub query: Vec<(String, String)>,
    /// Keys and values added to a JSON object body.
    pub body: Vec<(String, String)>,
}

impl std::fmt::Debug for RequestParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = |pairs: &[(String, String)]| pairs.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        f.debug_struct("RequestParameters")
            .field("headers", &keys(&self.headers))
            .field("query", &keys(&self.query))
            .field("body", &keys(&self.body))
            .finish()
    }
}

/// A target's `HttpParameters`, as PutTargets stored them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TargetHttpParameters {
    /// Values for the endpoint's `*` wildcards, in order.
    pub path_parameter_values: Vec<String>,
    /// Headers to send.
    pub header_parameters: BTreeMap<String, String>,
    /// Query string parameters to send.
    pub query_string_parameters: BTreeMap<String, String>,
}

/// One invocation to make.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// Where to.
    pub destination: &'a Destination,
    /// With which credentials.
    pub connection: &'a Connection,
    /// The body: the target's input, already rendered.
    pub payload: &'a str,
    /// The target's `HttpParameters`, if any.
    pub http_parameters: Option<&'a TargetHttpParameters>,
    /// Now, from the system's clock: for the rate limit, token expiry and `Retry-After` dates.
    pub now_ms: i64,
}

/// Invokes API destinations: the HTTP client, the OAuth tokens and the rate
/// limits, kept for the life of the delivery engine.
#[derive(Debug)]
pub struct ApiDestinationsClient {
    /// The HTTP client (rustls; redirects are not followed, as EventBridge does not).
    pub http: reqwest::Client,
    /// OAuth access tokens by connection.
    pub tokens: OAuthTokens,
    /// Token buckets by destination.
    pub limits: RateLimiter,
    /// How long to wait for an answer ([`DEFAULT_TIMEOUT`]; tests shorten it).
    pub timeout: Duration,
}

/// A connection without credentials (deauthorized): nothing to call with.
fn no_credentials(connection: &Connection) -> Failure {
    Failure::permanent(
        "NO_PERMISSIONS",
        message(&format!("The connection {} has no credentials (state {}).", connection.name, connection.state)),
    )
}

/// The HTTP client API destinations and OAuth authorizations are called with.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()
}

impl ApiDestinationsClient {
    /// A client with EventBridge's 5 s timeout.
    pub fn new() -> reqwest::Result<Self> {
        Ok(Self {
            http: http_client()?,
            tokens: OAuthTokens::default(),
            limits: RateLimiter::default(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The same client with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Makes one invocation attempt and tells what came of it.
    pub async fn invoke(&self, request: &Invocation<'_>) -> Outcome {
        match self.attempt(request).await {
            Ok(()) => {
                tracing::debug!(destination = %request.destination.arn, "API destination invoked");
                Outcome::Delivered
            }
            Err(failure) => {
                tracing::debug!(destination = %request.destination.arn, code = %failure.code, kind = ?failure.kind, "API destination invocation failed");
                Outcome::Failed(failure)
            }
        }
    }

    async fn attempt(&self, request: &Invocation<'_>) -> Result<(), Failure> {
        if let Auth::None = request.connection.auth {
            return Err(no_credentials(request.connection));
        }
        let destination = request.destination;
        let rate = destination.rate_limit_per_second;
        if let Err(wait_ms) = self.limits.try_acquire(&destination.arn, rate, request.now_ms) {
            let mut failure = Failure::new(
                FailureKind::Throttled,
                "THROTTLING",
                message(&format!("The invocation rate limit of {rate} per second of the API destination was reached.")),
            );
            failure.retry_after_ms = Some(wait_ms);
            return Err(failure);
        }
        let prepared = request::prepare(request)?;
        let mut status = self.send(&prepared, request).await?;
        if matches!(status.0, StatusCode::UNAUTHORIZED | StatusCode::PROXY_AUTHENTICATION_REQUIRED)
            && matches!(request.connection.auth, Auth::OAuth(_))
        {
            // The token may have been revoked or expired early: one more try with a new one.
            self.tokens.forget(&request.connection.arn);
            status = self.send(&prepared, request).await?;
        }
        let (status, retry_after) = status;
        if status.is_success() {
            Ok(())
        } else {
            Err(status_failure(status.as_u16(), retry_after.as_ref(), request.now_ms, Callee::Endpoint))
        }
    }

    /// Sends the request with the connection's credentials; answers the
    /// status and `Retry-After`.
    async fn send(
        &self,
        prepared: &request::Prepared,
        request: &Invocation<'_>,
    ) -> Result<(StatusCode, Option<HeaderValue>), Failure> {
        let connection = request.connection;
        let mut headers = prepared.headers.clone();
        let mut builder = self
            .http
            .request(prepared.method.clone(), prepared.url.clone())
            .timeout(self.timeout)
            .body(prepared.body.clone());
        match &connection.auth {
            Auth::None => return Err(no_credentials(connection)),
            Auth::Basic { username, password } => {
                headers.remove(AUTHORIZATION);
                builder = builder.basic_auth(username, Some(password));
            }
            Auth::ApiKey { name, value } => {
                let (Ok(name), Ok(mut value)) =
                    (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
                else {
                    return Err(Failure::permanent(
                        "INVALID_PARAMETER",
                        message("The connection's API key is not a valid HTTP header."),
                    ));
                };
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            Auth::OAuth(client) => {
                let token =
                    self.tokens.token(&self.http, &connection.arn, client, self.timeout, request.now_ms).await?;
                headers.remove(AUTHORIZATION);
                builder = builder.bearer_auth(token);
            }
        }
        let response =
            builder.headers(headers).send().await.map_err(|error| transport_failure(&error, Callee::Endpoint))?;
        Ok((response.status(), response.headers().get(RETRY_AFTER).cloned()))
    }
}
