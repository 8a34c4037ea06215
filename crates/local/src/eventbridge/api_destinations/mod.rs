//! API destinations: HTTP endpoints as rule targets. CreateApiDestination,
//! DescribeApiDestination, ListApiDestinations, UpdateApiDestination,
//! DeleteApiDestination; [`load`] reads what [`invoke`] needs to call one.
//!
//! A destination is `ACTIVE` while its connection is `AUTHORIZED`, else
//! `INACTIVE` (as AWS shows right after creating one on an OAuth connection
//! that is still `AUTHORIZING`).

pub(crate) mod endpoint;
pub mod invoke;
mod ops;
#[cfg(test)]
mod tests;

use rusqlite::types::Type;
use rusqlite::{OptionalExtension, params};
use serde_json::Value;

pub(super) use ops::{create, delete, describe, list, update};

use self::invoke::{Auth, Connection, Destination};
use super::connections::{self, StoredConnection};
use crate::clock::epoch_seconds;
use crate::shared::Shared;

/// An API destination as stored.
#[derive(Debug, Clone)]
struct StoredDestination {
    name: String,
    id: String,
    description: Option<String>,
    connection_arn: String,
    endpoint: String,
    http_method: String,
    rate_limit_per_second: u32,
    created_ms: i64,
    modified_ms: i64,
}

impl StoredDestination {
    fn arn(&self, shared: &Shared) -> String {
        destination_arn(shared, &self.name, &self.id)
    }

    /// `ACTIVE` when its connection exists and is authorized.
    fn state(&self, conn: &rusqlite::Connection, shared: &Shared) -> rusqlite::Result<&'static str> {
        let connection = connections::find_by_arn(conn, shared, &self.connection_arn)?;
        Ok(state_of(connection.as_ref()))
    }

    /// The fields ListApiDestinations shows (Describe adds the description).
    fn to_json(&self, shared: &Shared, state: &str) -> Value {
        serde_json::json!({
            "ApiDestinationArn": self.arn(shared),
            "ApiDestinationState": state,
            "ConnectionArn": self.connection_arn,
            "CreationTime": epoch_seconds(self.created_ms),
            "HttpMethod": self.http_method,
            "InvocationEndpoint": self.endpoint,
            "InvocationRateLimitPerSecond": self.rate_limit_per_second,
            "LastModifiedTime": epoch_seconds(self.modified_ms),
            "Name": self.name,
        })
    }

    /// The answer of Create and Update.
    fn change_json(&self, shared: &Shared, state: &str) -> Value {
        serde_json::json!({
            "ApiDestinationArn": self.arn(shared),
            "ApiDestinationState": state,
            "CreationTime": epoch_seconds(self.created_ms),
            "LastModifiedTime": epoch_seconds(self.modified_ms),
        })
    }
}

fn state_of(connection: Option<&StoredConnection>) -> &'static str {
    match connection {
        Some(connection) if connection.state == "AUTHORIZED" => "ACTIVE",
        _ => "INACTIVE",
    }
}

/// `arn:aws:events:<region>:<account>:api-destination/<name>/<uuid>`.
pub fn destination_arn(shared: &Shared, name: &str, id: &str) -> String {
    shared.arn("events", &format!("api-destination/{name}/{id}"))
}

const COLUMNS: &str = "name, id, description, connection_arn, invocation_endpoint, http_method, \
     rate_limit_per_second, created_ms, modified_ms";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDestination> {
    Ok(StoredDestination {
        name: row.get(0)?,
        id: row.get(1)?,
        description: row.get(2)?,
        connection_arn: row.get(3)?,
        endpoint: row.get(4)?,
        http_method: row.get(5)?,
        rate_limit_per_second: row.get(6)?,
        created_ms: row.get(7)?,
        modified_ms: row.get(8)?,
    })
}

fn find(conn: &rusqlite::Connection, name: &str) -> rusqlite::Result<Option<StoredDestination>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM api_destinations WHERE name = ?1"), [name], from_row).optional()
}

/// Reads what invoking the API destination `arn` takes: the destination
/// and its connection with the credentials opened. `None` when the
/// destination (that very one, not a later one of the same name) or its
/// connection no longer exists.
pub fn load(
    conn: &rusqlite::Connection,
    shared: &Shared,
    arn: &str,
) -> rusqlite::Result<Option<(Destination, Connection)>> {
    let Some(name) = arn.split_once(":api-destination/").and_then(|(_, rest)| rest.split('/').next()) else {
        return Ok(None);
    };
    let Some(stored) = find(conn, name)?.filter(|destination| destination.arn(shared) == arn) else {
        return Ok(None);
    };
    let Some(connection) = connections::find_by_arn(conn, shared, &stored.connection_arn)? else {
        return Ok(None);
    };
    let sealed_failure = |error: crate::secrets::SecretsError| {
        tracing::error!(%error, connection = %connection.name, "cannot open a connection's credentials");
        rusqlite::Error::FromSqlConversionFailure(7, Type::Blob, Box::new(error))
    };
    let vault = shared.vault.open(conn).map_err(sealed_failure)?;
    let (auth, invocation) = match connection.credentials(shared, &vault).map_err(sealed_failure)? {
        Some(credentials) => credentials.resolve(&connection.authorization_type),
        None => (Auth::None, Default::default()),
    };
    let destination = Destination {
        arn: arn.to_owned(),
        name: stored.name.clone(),
        endpoint: stored.endpoint.clone(),
        http_method: stored.http_method.clone(),
        rate_limit_per_second: stored.rate_limit_per_second,
        state: state_of(Some(&connection)).to_owned(),
    };
    let connection = Connection {
        arn: connection.arn(shared),
        name: connection.name.clone(),
        state: connection.state.clone(),
        auth,
        invocation,
    };
    Ok(Some((destination, connection)))
}

/// Inserts or replaces a destination row.
fn save(conn: &rusqlite::Connection, destination: &StoredDestination) -> rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO api_destinations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            destination.name,
            destination.id,
            destination.description,
            destination.connection_arn,
            destination.endpoint,
            destination.http_method,
            destination.rate_limit_per_second,
            destination.created_ms,
            destination.modified_ms
        ],
    )?;
    Ok(())
}
