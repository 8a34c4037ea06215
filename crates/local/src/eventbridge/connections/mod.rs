//! Connections: the credentials API destinations call their endpoints with.
//! CreateConnection, DescribeConnection, ListConnections, UpdateConnection,
//! DeleteConnection, DeauthorizeConnection.
//!
//! The credentials are kept sealed (see [`crate::secrets`]); Describe and
//! List show the parameters without any secret, as AWS does. A connection of
//! type `OAUTH_CLIENT_CREDENTIALS` starts `AUTHORIZING` and becomes
//! `AUTHORIZED` (or `DEAUTHORIZED`) once the local system has tried to get a
//! token from its authorization endpoint, in the background.

pub(crate) mod auth;
mod authorize;
mod checks;
mod ops;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
pub(crate) mod violations;

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

pub(super) use ops::{create, deauthorize, delete, describe, list, update};

use self::auth::AuthParameters;
use crate::clock::epoch_seconds;
use crate::protocol::AwsError;
use crate::secrets::{SecretsError, Vault};
use crate::shared::Shared;

/// A connection as stored. Its credentials stay sealed until the invoker needs them.
#[derive(Clone)]
pub struct StoredConnection {
    /// Its name.
    pub name: String,
    /// The UUID that ends its ARN.
    pub id: String,
    /// Its description.
    pub description: Option<String>,
    /// `BASIC`, `API_KEY` or `OAUTH_CLIENT_CREDENTIALS`.
    pub authorization_type: String,
    /// `AUTHORIZED`, `AUTHORIZING`, `DEAUTHORIZED`, ...
    pub state: String,
    /// Why it is in its state, when that needs telling (a failed OAuth authorization).
    pub state_reason: Option<String>,
    /// `AuthParameters` without secrets, as JSON text.
    auth_public: String,
    /// `AuthParameters` with secrets, sealed; `None` once deauthorized.
    auth_sealed: Option<Vec<u8>>,
    /// `<uuid>-<6 characters>`: what ends its SecretArn; `None` once deauthorized.
    secret_id: Option<String>,
    created_ms: i64,
    modified_ms: i64,
    authorized_ms: i64,
}

impl std::fmt::Debug for StoredConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredConnection")
            .field("name", &self.name)
            .field("authorization_type", &self.authorization_type)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl StoredConnection {
    /// `arn:aws:events:<region>:<account>:connection/<name>/<uuid>`.
    pub fn arn(&self, shared: &Shared) -> String {
        connection_arn(shared, &self.name, &self.id)
    }

    /// Opens the sealed credentials; `None` once deauthorized.
    pub(crate) fn credentials(&self, shared: &Shared, vault: &Vault) -> Result<Option<AuthParameters>, SecretsError> {
        let Some(sealed) = &self.auth_sealed else { return Ok(None) };
        let plain = vault.unseal(&self.arn(shared), sealed)?;
        serde_json::from_slice(&plain).map(Some).map_err(|_| SecretsError::Open)
    }

    /// The fields ListConnections shows.
    fn summary_json(&self, shared: &Shared) -> Value {
        let mut json = serde_json::json!({
            "AuthorizationType": self.authorization_type,
            "ConnectionArn": self.arn(shared),
            "ConnectionState": self.state,
            "CreationTime": epoch_seconds(self.created_ms),
            "LastAuthorizedTime": epoch_seconds(self.authorized_ms),
            "LastModifiedTime": epoch_seconds(self.modified_ms),
            "Name": self.name,
        });
        if let Some(reason) = &self.state_reason {
            json["StateReason"] = reason.clone().into();
        }
        json
    }

    /// The fields DescribeConnection shows: the summary, the description,
    /// the secret-free AuthParameters and the SecretArn.
    fn describe_json(&self, shared: &Shared) -> Value {
        let mut json = self.summary_json(shared);
        json["AuthParameters"] = serde_json::from_str(&self.auth_public).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(description) = &self.description {
            json["Description"] = description.clone().into();
        }
        if let Some(secret_id) = &self.secret_id {
            json["SecretArn"] = secret_arn(shared, &self.name, secret_id).into();
        }
        json
    }

    /// The answer of Update, Delete and Deauthorize: ARN, state, times.
    fn change_json(&self, shared: &Shared, state: &str, modified_ms: i64) -> Value {
        serde_json::json!({
            "ConnectionArn": self.arn(shared),
            "ConnectionState": state,
            "CreationTime": epoch_seconds(self.created_ms),
            "LastAuthorizedTime": epoch_seconds(self.authorized_ms),
            "LastModifiedTime": epoch_seconds(modified_ms),
        })
    }
}

/// `arn:aws:events:<region>:<account>:connection/<name>/<uuid>`.
pub fn connection_arn(shared: &Shared, name: &str, id: &str) -> String {
    shared.arn("events", &format!("connection/{name}/{id}"))
}

/// `arn:aws:secretsmanager:<region>:<account>:secret:events!connection/<name>/<uuid>-<6 characters>`:
/// where AWS would keep the credentials (the local system keeps them sealed in its database).
fn secret_arn(shared: &Shared, name: &str, secret_id: &str) -> String {
    shared.arn("secretsmanager", &format!("secret:events!connection/{name}/{secret_id}"))
}

/// `Failed to describe the connection(s). Connection '<name>' does not exist.`
pub(crate) fn no_such_connection(name: &str) -> AwsError {
    AwsError::not_found(format!("Failed to describe the connection(s). Connection '{name}' does not exist."))
}

const COLUMNS: &str = "name, id, description, authorization_type, state, state_reason, auth_public, auth_sealed, \
     secret_id, created_ms, modified_ms, authorized_ms";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredConnection> {
    Ok(StoredConnection {
        name: row.get(0)?,
        id: row.get(1)?,
        description: row.get(2)?,
        authorization_type: row.get(3)?,
        state: row.get(4)?,
        state_reason: row.get(5)?,
        auth_public: row.get(6)?,
        auth_sealed: row.get(7)?,
        secret_id: row.get(8)?,
        created_ms: row.get(9)?,
        modified_ms: row.get(10)?,
        authorized_ms: row.get(11)?,
    })
}

/// Reads one connection by name.
pub fn find(conn: &rusqlite::Connection, name: &str) -> rusqlite::Result<Option<StoredConnection>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM connections WHERE name = ?1"), [name], from_row).optional()
}

/// Reads the connection an ARN names, if that very connection (not a later
/// one of the same name) still exists.
pub fn find_by_arn(
    conn: &rusqlite::Connection,
    shared: &Shared,
    arn: &str,
) -> rusqlite::Result<Option<StoredConnection>> {
    let Some(name) = arn.split_once(":connection/").and_then(|(_, rest)| rest.split('/').next()) else {
        return Ok(None);
    };
    Ok(find(conn, name)?.filter(|connection| connection.arn(shared) == arn))
}

/// Seals `auth` for the connection `arn` with the vault of the database.
fn seal(shared: &Shared, conn: &rusqlite::Connection, arn: &str, auth: &AuthParameters) -> Result<Vec<u8>, AwsError> {
    let plain = serde_json::to_vec(auth).map_err(|error| AwsError::internal(error.to_string()))?;
    Ok(shared.vault.open(conn)?.seal(arn, &plain)?)
}

/// Records the end of an OAuth authorization of the connection `name` as it
/// was when the authorization began (same id, same modification time): an
/// update or deletion since then wins.
pub(crate) fn record_authorization(
    shared: &Shared,
    name: &str,
    id: &str,
    modified_ms: i64,
    result: Result<(), String>,
) -> rusqlite::Result<()> {
    let (state, reason) = match result {
        Ok(()) => ("AUTHORIZED", None),
        Err(why) => ("DEAUTHORIZED", Some(format!("Failed to authorize the connection: {why}"))),
    };
    let changed = shared.store.conn().execute(
        "UPDATE connections SET state = ?1, state_reason = ?2,
                authorized_ms = CASE WHEN ?1 = 'AUTHORIZED' THEN ?3 ELSE authorized_ms END
         WHERE name = ?4 AND id = ?5 AND modified_ms = ?6 AND state = 'AUTHORIZING'",
        params![state, reason, shared.clock.now_ms(), name, id, modified_ms],
    )?;
    tracing::info!(connection = %name, %state, recorded = changed > 0, "connection authorization finished");
    Ok(())
}
