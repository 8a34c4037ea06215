//! The six connection operations.

use rusqlite::params;
use serde::Deserialize;
use serde_json::Value;

use super::auth::{AUTHORIZATION_TYPES, AuthParameters};
use super::checks::{check_complete, check_shape};
use super::violations::Violations;
use super::{COLUMNS, StoredConnection, authorize, connection_arn, find, from_row, no_such_connection, seal};
use crate::clock::epoch_seconds;
use crate::eventbridge::{NamePage, page_limit};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

/// Every state a connection can be in, in AWS's order.
const STATES: [&str; 9] = [
    "CREATING",
    "UPDATING",
    "DELETING",
    "AUTHORIZED",
    "DEAUTHORIZED",
    "AUTHORIZING",
    "DEAUTHORIZING",
    "ACTIVE",
    "FAILED_CONNECTIVITY",
];

/// The state a connection takes when it gets credentials: OAuth must fetch a token first.
fn initial_state(authorization_type: &str) -> &'static str {
    if authorization_type == "OAUTH_CLIENT_CREDENTIALS" { "AUTHORIZING" } else { "AUTHORIZED" }
}

/// What ends a SecretArn: a UUID, a dash and six random letters or digits,
/// as Secrets Manager names its secrets.
fn new_secret_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let random = uuid::Uuid::new_v4();
    let suffix: String =
        random.as_bytes()[..6].iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{suffix}", uuid::Uuid::new_v4())
}

fn private_apis_unsupported(action: &str) -> AwsError {
    AwsError::validation(format!(
        "Failed to {action} the connection(s). Parameter InvocationConnectivityParameters is not valid. Reason: private APIs are not supported by the local system."
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct CreateInput {
    name: Option<String>,
    description: Option<String>,
    authorization_type: Option<String>,
    auth_parameters: Option<AuthParameters>,
    invocation_connectivity_parameters: Option<Value>,
}

pub(in crate::eventbridge) fn create(shared: &Shared, input: CreateInput) -> OpResult {
    let mut violations = Violations::default();
    if let Some(name) = violations.required(input.name.as_deref(), "name") {
        violations.name(name, "name");
    }
    if let Some(description) = &input.description {
        violations.length(description, "description", 0, 512);
    }
    if let Some(kind) = violations.required(input.authorization_type.as_deref(), "authorizationType") {
        violations.one_of(kind, "authorizationType", &AUTHORIZATION_TYPES);
    }
    match &input.auth_parameters {
        Some(auth) => check_shape(auth, &mut violations),
        None => violations.null("authParameters"),
    }
    violations.finish()?;
    let (Some(name), Some(kind), Some(auth)) = (input.name, input.authorization_type, input.auth_parameters) else {
        return Err(AwsError::internal("validated input lost a required member"));
    };
    check_complete(&kind, &auth, "create")?;
    if input.invocation_connectivity_parameters.is_some() {
        return Err(private_apis_unsupported("create"));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let arn = connection_arn(shared, &name, &id);
    let state = initial_state(&kind);
    let now = shared.clock.now_ms();
    let conn = shared.store.conn();
    if find(&conn, &name)?.is_some() {
        return Err(AwsError::already_exists(format!("Connection '{name}' already exists.")));
    }
    conn.execute(
        "INSERT INTO connections (name, id, description, authorization_type, state, auth_public, auth_sealed,
                                  secret_id, created_ms, modified_ms, authorized_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?9)",
        params![
            name,
            id,
            input.description,
            kind,
            state,
            auth.public().to_string(),
            seal(shared, &conn, &arn, &auth)?,
            new_secret_id(),
            now
        ],
    )?;
    drop(conn);
    authorize::start(shared, &name, &id, now, &kind, &auth);
    Ok(serde_json::json!({
        "ConnectionArn": arn,
        "ConnectionState": state,
        "CreationTime": epoch_seconds(now),
        "LastModifiedTime": epoch_seconds(now),
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct NameInput {
    name: Option<String>,
}

impl NameInput {
    /// The connection named, or AWS's errors for a missing name or connection.
    fn existing(&self, conn: &rusqlite::Connection) -> Result<StoredConnection, AwsError> {
        let mut violations = Violations::default();
        let name = violations.required(self.name.as_deref(), "name");
        if let Some(name) = name {
            violations.name(name, "name");
        }
        violations.finish()?;
        let name = name.unwrap_or_default();
        find(conn, name)?.ok_or_else(|| no_such_connection(name))
    }
}

pub(in crate::eventbridge) fn describe(shared: &Shared, input: NameInput) -> OpResult {
    let connection = input.existing(&shared.store.conn())?;
    Ok(connection.describe_json(shared))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct ListInput {
    name_prefix: Option<String>,
    connection_state: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(in crate::eventbridge) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let mut violations = Violations::default();
    if let Some(prefix) = &input.name_prefix {
        violations.name(prefix, "namePrefix");
    }
    if let Some(state) = &input.connection_state {
        violations.one_of(state, "connectionState", &STATES);
    }
    violations.finish()?;
    let limit = page_limit(input.limit, 100)?;
    let conn = shared.store.conn();
    let (page, more) = NamePage {
        prefix: input.name_prefix,
        after: input.next_token,
        filter_column: "state",
        filter: input.connection_state,
        limit,
    }
    .read(&conn, &format!("SELECT {COLUMNS} FROM connections"), from_row)?;
    let mut json =
        serde_json::json!({ "Connections": page.iter().map(|c| c.summary_json(shared)).collect::<Vec<_>>() });
    if let Some(last) = page.last().filter(|_| more) {
        json["NextToken"] = last.name.clone().into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct UpdateInput {
    name: Option<String>,
    description: Option<String>,
    authorization_type: Option<String>,
    auth_parameters: Option<AuthParameters>,
    invocation_connectivity_parameters: Option<Value>,
}

pub(in crate::eventbridge) fn update(shared: &Shared, input: UpdateInput) -> OpResult {
    let mut violations = Violations::default();
    if let Some(description) = &input.description {
        violations.length(description, "description", 0, 512);
    }
    if let Some(kind) = &input.authorization_type {
        violations.one_of(kind, "authorizationType", &AUTHORIZATION_TYPES);
    }
    violations.finish()?;
    if input.invocation_connectivity_parameters.is_some() {
        return Err(private_apis_unsupported("update"));
    }
    let conn = shared.store.conn();
    let mut connection = NameInput { name: input.name }.existing(&conn)?;
    let arn = connection.arn(shared);
    let now = shared.clock.now_ms();
    let kind = input.authorization_type.unwrap_or_else(|| connection.authorization_type.clone());
    let reauthorize = input.auth_parameters.is_some() || kind != connection.authorization_type;
    let mut credentials = None;
    if reauthorize {
        // Omitted credentials stay as they were, but only within the same type.
        let stored = if kind == connection.authorization_type {
            connection.credentials(shared, &*shared.vault.open(&conn)?)?.unwrap_or_default()
        } else {
            AuthParameters::default()
        };
        let merged = stored.merged(input.auth_parameters.unwrap_or_default());
        check_complete(&kind, &merged, "update")?;
        connection.auth_public = merged.public().to_string();
        connection.auth_sealed = Some(seal(shared, &conn, &arn, &merged)?);
        connection.secret_id = connection.secret_id.or_else(|| Some(new_secret_id()));
        connection.state = initial_state(&kind).to_owned();
        connection.state_reason = None;
        if connection.state == "AUTHORIZED" {
            connection.authorized_ms = now;
        }
        connection.authorization_type = kind;
        credentials = Some(merged);
    }
    if let Some(description) = input.description {
        connection.description = Some(description);
    }
    connection.modified_ms = now;
    conn.execute(
        "UPDATE connections SET description = ?2, authorization_type = ?3, state = ?4, state_reason = ?5,
                auth_public = ?6, auth_sealed = ?7, secret_id = ?8, modified_ms = ?9, authorized_ms = ?10
         WHERE name = ?1",
        params![
            connection.name,
            connection.description,
            connection.authorization_type,
            connection.state,
            connection.state_reason,
            connection.auth_public,
            connection.auth_sealed,
            connection.secret_id,
            connection.modified_ms,
            connection.authorized_ms
        ],
    )?;
    drop(conn);
    if let Some(credentials) = &credentials {
        authorize::start(shared, &connection.name, &connection.id, now, &connection.authorization_type, credentials);
    }
    Ok(connection.change_json(shared, &connection.state, connection.modified_ms))
}

pub(in crate::eventbridge) fn delete(shared: &Shared, input: NameInput) -> OpResult {
    let conn = shared.store.conn();
    let connection = input.existing(&conn)?;
    // AWS answers DELETING and removes it moments later; nothing here needs
    // those moments, so it goes at once. API destinations using it turn INACTIVE.
    conn.execute("DELETE FROM connections WHERE name = ?1", [&connection.name])?;
    Ok(connection.change_json(shared, "DELETING", connection.modified_ms))
}

pub(in crate::eventbridge) fn deauthorize(shared: &Shared, input: NameInput) -> OpResult {
    let conn = shared.store.conn();
    let connection = input.existing(&conn)?;
    // The credentials are destroyed, not just hidden: the sealed blob goes.
    conn.execute(
        "UPDATE connections SET state = 'DEAUTHORIZED', state_reason = NULL, auth_public = '{}', auth_sealed = NULL,
                secret_id = NULL, modified_ms = ?2
         WHERE name = ?1",
        params![connection.name, shared.clock.now_ms()],
    )?;
    Ok(connection.change_json(shared, "DEAUTHORIZING", connection.modified_ms))
}
