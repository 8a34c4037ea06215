//! The authorization of an OAuth connection, as EventBridge does it after
//! CreateConnection and UpdateConnection: try to get a token from the
//! authorization endpoint, in the background, and record whether it worked
//! (`AUTHORIZING` becomes `AUTHORIZED` or `DEAUTHORIZED`).

use super::auth::AuthParameters;
use super::record_authorization;
use crate::eventbridge::api_destinations::invoke::{self, Auth, oauth};
use crate::shared::Shared;

/// Starts authorizing the connection `name` (as it is at `modified_ms`) if
/// it is an OAuth connection and an async runtime is there to do it; without
/// one (a synchronous caller, a unit test), it stays `AUTHORIZING`.
pub(super) fn start(shared: &Shared, name: &str, id: &str, modified_ms: i64, kind: &str, auth: &AuthParameters) {
    let (Auth::OAuth(client), _) = auth.resolve(kind) else { return };
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::debug!(connection = %name, "no async runtime: the connection stays AUTHORIZING");
        return;
    };
    let (shared, name, id) = (shared.clone(), name.to_owned(), id.to_owned());
    runtime.spawn(async move {
        let result = match invoke::http_client() {
            Ok(http) => oauth::fetch_token(&http, &client, invoke::DEFAULT_TIMEOUT, shared.clock.now_ms())
                .await
                .map(|_| ())
                .map_err(|failure| failure.message.trim_start_matches(invoke::MESSAGE_PREFIX).to_owned()),
            Err(error) => Err(error.to_string()),
        };
        let recorded =
            tokio::task::spawn_blocking(move || record_authorization(&shared, &name, &id, modified_ms, result)).await;
        if let Ok(Err(error)) = recorded {
            tracing::warn!(%error, "could not record a connection's authorization");
        }
    });
}
