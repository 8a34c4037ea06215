//! OAuth client credentials: fetching an access token from a connection's
//! authorization endpoint, and keeping it until it is about to expire.
//!
//! AWS does not document the token request's wire format; it follows RFC
//! 6749 §4.4: the client id and secret as HTTP Basic credentials,
//! `grant_type=client_credentials` (unless the connection's body parameters
//! name a grant type) with the body parameters as a form, the query string
//! and header parameters as given. A `GET` carries the form in its query.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderName, HeaderValue, USER_AGENT};
use serde_json::Value;

use super::classify::{self, Callee, transport_failure};
use super::{OAuthClient, USER_AGENT_VALUE};
use crate::delivery::outcome::Failure;

/// How long before its expiry a token is replaced ("proactively during an
/// HTTPS invocation, if the token is about to expire", EventBridge's guide).
const REFRESH_LEAD_MS: i64 = 60_000;
/// The most of a token response read; the same 1 MiB the invocations' `Range` asks for.
const MAX_TOKEN_RESPONSE: usize = 1_048_576;

/// An access token and when it stops being used.
pub(crate) struct Token {
    pub(crate) access_token: String,
    pub(crate) refresh_at_ms: i64,
}

struct Cached {
    token: Token,
    /// Which credentials got it: an updated connection must not reuse it.
    fingerprint: u64,
}

/// The access tokens of OAuth connections, by connection ARN, in memory
/// only: a restart fetches new ones.
#[derive(Default)]
pub struct OAuthTokens {
    cache: Mutex<HashMap<String, Cached>>,
    /// One lock per connection, held while its token is fetched, so calls
    /// that find no token together fetch one, not one each.
    fetching: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuthTokens { .. }")
    }
}

impl OAuthTokens {
    /// A token for `connection_arn`: the cached one while it is fresh, else a new one.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        connection_arn: &str,
        client: &OAuthClient,
        timeout: Duration,
        now_ms: i64,
    ) -> Result<String, Failure> {
        let fingerprint = fingerprint(client);
        if let Some(token) = self.cached(connection_arn, fingerprint, now_ms) {
            return Ok(token);
        }
        let lock = self
            .fetching
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(connection_arn.to_owned())
            .or_default()
            .clone();
        let _fetching = lock.lock().await;
        // Another call may have fetched it while this one waited.
        if let Some(token) = self.cached(connection_arn, fingerprint, now_ms) {
            return Ok(token);
        }
        let token = fetch_token(http, client, timeout, now_ms).await?;
        let access_token = token.access_token.clone();
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(connection_arn.to_owned(), Cached { token, fingerprint });
        Ok(access_token)
    }

    /// The token of `connection_arn`, if one is cached for these client
    /// settings and not due for refresh.
    fn cached(&self, connection_arn: &str, fingerprint: u64, now_ms: i64) -> Option<String> {
        let cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .get(connection_arn)
            .filter(|cached| cached.fingerprint == fingerprint && now_ms < cached.token.refresh_at_ms)
            .map(|cached| cached.token.access_token.clone())
    }

    /// Drops the token of `connection_arn`: the endpoint refused it (401, 407).
    pub fn forget(&self, connection_arn: &str) {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(connection_arn);
    }
}

fn fingerprint(client: &OAuthClient) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (&client.endpoint, &client.http_method, &client.client_id, &client.client_secret).hash(&mut hasher);
    (&client.parameters.headers, &client.parameters.query, &client.parameters.body).hash(&mut hasher);
    hasher.finish()
}

/// Asks the authorization endpoint for a token.
pub(crate) async fn fetch_token(
    http: &reqwest::Client,
    client: &OAuthClient,
    timeout: Duration,
    now_ms: i64,
) -> Result<Token, Failure> {
    let invalid = |what: &str| Failure::permanent("INVALID_PARAMETER", classify::message(what));
    let method = Method::from_bytes(client.http_method.as_bytes())
        .map_err(|_| invalid("The connection's OAuth HttpMethod is not valid."))?;
    let mut url = reqwest::Url::parse(&client.endpoint)
        .map_err(|_| invalid("The connection's OAuth AuthorizationEndpoint is not a valid URL."))?;
    let mut form = client.parameters.body.clone();
    if !form.iter().any(|(key, _)| key == "grant_type") {
        form.insert(0, ("grant_type".to_owned(), "client_credentials".to_owned()));
    }
    let carries_form_in_query = method == Method::GET;
    {
        let mut query = url.query_pairs_mut();
        query.extend_pairs(&client.parameters.query);
        if carries_form_in_query {
            query.extend_pairs(&form);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let mut request = http
        .request(method, url)
        .timeout(timeout)
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(ACCEPT, "application/json");
    for (key, value) in &client.parameters.headers {
        if let (Ok(name), Ok(mut value)) = (HeaderName::try_from(key.as_str()), HeaderValue::try_from(value.as_str())) {
            value.set_sensitive(true);
            request = request.header(name, value);
        }
    }
    if !carries_form_in_query {
        request = request.form(&form);
    }
    let mut response = request.send().await.map_err(|error| transport_failure(&error, Callee::Authorization))?;
    let status = response.status();
    if !status.is_success() {
        let retry_after = response.headers().get(reqwest::header::RETRY_AFTER).cloned();
        return Err(classify::status_failure(status.as_u16(), retry_after.as_ref(), now_ms, Callee::Authorization));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| transport_failure(&error, Callee::Authorization))? {
        if body.len() + chunk.len() > MAX_TOKEN_RESPONSE {
            break;
        }
        body.extend_from_slice(&chunk);
    }
    parse_token(&body, now_ms).ok_or_else(|| {
        Failure::retryable(
            "SDK_CLIENT_ERROR",
            classify::message("The OAuth authorization endpoint did not return an access_token."),
        )
    })
}

/// Reads `access_token` and `expires_in` (seconds, a number or a numeric
/// string) from a token response. A token without `expires_in` is kept until
/// the endpoint refuses it.
fn parse_token(body: &[u8], now_ms: i64) -> Option<Token> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let access_token = json.get("access_token")?.as_str().filter(|token| !token.is_empty())?.to_owned();
    let expires_in = match json.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let refresh_at_ms = match expires_in {
        Some(seconds) => {
            let lifetime_ms = (seconds * 1000.0) as i64;
            // A short-lived token is still used for half its life.
            now_ms + lifetime_ms - REFRESH_LEAD_MS.min(lifetime_ms / 2)
        }
        None => i64::MAX,
    };
    Some(Token { access_token, refresh_at_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_token_and_lifetime() {
        let token =
            parse_token(br#"{"access_token":"abc","expires_in":3600,"token_type":"Bearer"}"#, 1_000).expect("token");
        assert_eq!(token.access_token, "abc");
        assert_eq!(token.refresh_at_ms, 1_000 + 3_600_000 - 60_000);
        let short = parse_token(br#"{"access_token":"abc","expires_in":"10"}"#, 0).expect("token");
        assert_eq!(short.refresh_at_ms, 5_000);
        let forever = parse_token(br#"{"access_token":"abc"}"#, 0).expect("token");
        assert_eq!(forever.refresh_at_ms, i64::MAX);
        assert!(parse_token(br#"{"error":"invalid_client"}"#, 0).is_none());
        assert!(parse_token(b"not json", 0).is_none());
    }
}
