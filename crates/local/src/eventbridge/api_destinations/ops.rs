//! The five API destination operations.

use serde::Deserialize;

use super::invoke::DEFAULT_RATE_LIMIT_PER_SECOND;
use super::{COLUMNS, StoredDestination, endpoint, find, from_row, save};
use crate::eventbridge::connections::{self, violations::Violations};
use crate::eventbridge::{NamePage, page_limit};
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

/// The highest `InvocationRateLimitPerSecond` (AWS's default quota).
const MAX_RATE_LIMIT_PER_SECOND: i64 = 300;
/// The methods an API destination may use, in AWS's order.
const METHODS: [&str; 7] = ["HEAD", "POST", "PATCH", "DELETE", "PUT", "GET", "OPTIONS"];
/// AWS's pattern of a connection ARN, as its messages print it.
const CONNECTION_ARN_PATTERN: &str =
    r"^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:connection\/[\.\-_A-Za-z0-9]+\/[\-A-Za-z0-9]+$";

/// Whether `arn` matches [`CONNECTION_ARN_PATTERN`].
fn is_connection_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else { return false };
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    prefix == "arn"
        && partition.strip_prefix("aws").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        && service == "events"
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && (account.is_empty() || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())))
        && resource.strip_prefix("connection/").and_then(|rest| rest.split_once('/')).is_some_and(|(name, id)| {
            !name.is_empty()
                && name.chars().all(name_char)
                && !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The members Create and Update share, checked in the order of the input's members.
struct Fields<'a> {
    description: Option<&'a str>,
    connection_arn: Option<&'a str>,
    endpoint: Option<&'a str>,
    http_method: Option<&'a str>,
    rate: Option<i64>,
}

impl Fields<'_> {
    /// Checks the members; `required` for Create, where all but the
    /// description and the rate must be there.
    fn check(&self, violations: &mut Violations, required: bool) {
        if let Some(description) = self.description {
            violations.length(description, "description", 0, 512);
        }
        match self.connection_arn {
            Some(arn) => {
                violations.length(arn, "connectionArn", 1, 1600);
                if !is_connection_arn(arn) {
                    let constraint =
                        format!("Member must satisfy regular expression pattern: {CONNECTION_ARN_PATTERN}");
                    violations.push(arn, "connectionArn", &constraint);
                }
            }
            None if required => violations.null("connectionArn"),
            None => {}
        }
        match self.endpoint {
            Some(url) => {
                violations.length(url, "invocationEndpoint", 1, 2048);
                if !endpoint::matches_pattern(url) {
                    let pattern = endpoint::ENDPOINT_PATTERN;
                    violations.push(
                        url,
                        "invocationEndpoint",
                        &format!("Member must satisfy regular expression pattern: {pattern}"),
                    );
                }
            }
            None if required => violations.null("invocationEndpoint"),
            None => {}
        }
        match self.http_method {
            Some(method) => violations.one_of(method, "httpMethod", &METHODS),
            None if required => violations.null("httpMethod"),
            None => {}
        }
        if let Some(rate) = self.rate
            && rate < 1
        {
            violations.push(
                &rate.to_string(),
                "invocationRateLimitPerSecond",
                "Member must have value greater than or equal to 1",
            );
        }
    }

    /// What the shape cannot say: the rate's quota, https, an existing connection.
    fn check_semantics(
        &self,
        conn: &rusqlite::Connection,
        shared: &Shared,
        name: &str,
        action: &str,
    ) -> Result<(), AwsError> {
        if let Some(rate) = self.rate
            && rate > MAX_RATE_LIMIT_PER_SECOND
        {
            return Err(AwsError::client(
                "LimitExceededException",
                format!(
                    "Failed to {action} the api-destination(s). Invalid Invocation Rate Limit: Rate specified '{rate}' for '{name}' exceeds maximum allowed of '{MAX_RATE_LIMIT_PER_SECOND}'."
                ),
            ));
        }
        if let Some(url) = self.endpoint
            && !endpoint::is_callable(url)
        {
            return Err(AwsError::validation(format!(
                "Failed to {action} the api-destination(s). Parameter InvocationEndpoint is not valid. Reason: Endpoint '{url}' is invalid, please provide a valid HTTPS endpoint URL."
            )));
        }
        if let Some(arn) = self.connection_arn
            && connections::find_by_arn(conn, shared, arn)?.is_none()
        {
            return Err(AwsError::not_found(format!(
                "Failed to {action} the api-destination(s). Connection '{arn}' does not exist."
            )));
        }
        Ok(())
    }
}

fn no_such_destination(action: &str, name: &str) -> AwsError {
    AwsError::not_found(format!(
        "Failed to {action} the api-destination(s). An api-destination '{name}' does not exist."
    ))
}

/// Checks a required name; answers it.
fn checked_name<'a>(name: Option<&'a str>, violations: &mut Violations) -> &'a str {
    let name = violations.required(name, "name");
    if let Some(name) = name {
        violations.name(name, "name");
    }
    name.unwrap_or_default()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct CreateInput {
    name: Option<String>,
    description: Option<String>,
    connection_arn: Option<String>,
    invocation_endpoint: Option<String>,
    http_method: Option<String>,
    invocation_rate_limit_per_second: Option<i64>,
}

pub(in crate::eventbridge) fn create(shared: &Shared, input: CreateInput) -> OpResult {
    let fields = Fields {
        description: input.description.as_deref(),
        connection_arn: input.connection_arn.as_deref(),
        endpoint: input.invocation_endpoint.as_deref(),
        http_method: input.http_method.as_deref(),
        rate: input.invocation_rate_limit_per_second,
    };
    let mut violations = Violations::default();
    let name = checked_name(input.name.as_deref(), &mut violations);
    fields.check(&mut violations, true);
    violations.finish()?;
    let conn = shared.store.conn();
    if find(&conn, name)?.is_some() {
        return Err(AwsError::already_exists(format!(
            "Failed to create the api-destination(s). An api-destination with name '{name}' already exists."
        )));
    }
    fields.check_semantics(&conn, shared, name, "create")?;
    let now = shared.clock.now_ms();
    let destination = StoredDestination {
        name: name.to_owned(),
        id: uuid::Uuid::new_v4().to_string(),
        description: input.description.clone(),
        connection_arn: input.connection_arn.clone().unwrap_or_default(),
        endpoint: input.invocation_endpoint.clone().unwrap_or_default(),
        http_method: input.http_method.clone().unwrap_or_default(),
        rate_limit_per_second: rate_of(input.invocation_rate_limit_per_second),
        created_ms: now,
        modified_ms: now,
    };
    save(&conn, &destination)?;
    let state = destination.state(&conn, shared)?;
    Ok(destination.change_json(shared, state))
}

/// A validated rate (1 to 300) as stored; the default when none was given.
fn rate_of(rate: Option<i64>) -> u32 {
    rate.and_then(|rate| u32::try_from(rate).ok()).unwrap_or(DEFAULT_RATE_LIMIT_PER_SECOND)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct NameInput {
    name: Option<String>,
}

impl NameInput {
    fn existing(&self, conn: &rusqlite::Connection, action: &str) -> Result<StoredDestination, AwsError> {
        let mut violations = Violations::default();
        let name = checked_name(self.name.as_deref(), &mut violations);
        violations.finish()?;
        find(conn, name)?.ok_or_else(|| no_such_destination(action, name))
    }
}

pub(in crate::eventbridge) fn describe(shared: &Shared, input: NameInput) -> OpResult {
    let conn = shared.store.conn();
    let destination = input.existing(&conn, "describe")?;
    let mut json = destination.to_json(shared, destination.state(&conn, shared)?);
    if let Some(description) = &destination.description {
        json["Description"] = description.clone().into();
    }
    Ok(json)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(in crate::eventbridge) struct ListInput {
    name_prefix: Option<String>,
    connection_arn: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub(in crate::eventbridge) fn list(shared: &Shared, input: ListInput) -> OpResult {
    let mut violations = Violations::default();
    if let Some(prefix) = &input.name_prefix {
        violations.name(prefix, "namePrefix");
    }
    Fields {
        description: None,
        connection_arn: input.connection_arn.as_deref(),
        endpoint: None,
        http_method: None,
        rate: None,
    }
    .check(&mut violations, false);
    violations.finish()?;
    if input.name_prefix.is_some() && input.connection_arn.is_some() {
        return Err(AwsError::validation(
            "Failed to list the api-destination(s). Request failed because only one filter is supported per request, either ConnectionArn or NamePrefix.",
        ));
    }
    let limit = page_limit(input.limit, 100)?;
    let conn = shared.store.conn();
    let (page, more) = NamePage {
        prefix: input.name_prefix,
        after: input.next_token,
        filter_column: "connection_arn",
        filter: input.connection_arn,
        limit,
    }
    .read(&conn, &format!("SELECT {COLUMNS} FROM api_destinations"), from_row)?;
    let mut destinations = Vec::with_capacity(page.len());
    for destination in &page {
        destinations.push(destination.to_json(shared, destination.state(&conn, shared)?));
    }
    let mut json = serde_json::json!({ "ApiDestinations": destinations });
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
    connection_arn: Option<String>,
    invocation_endpoint: Option<String>,
    http_method: Option<String>,
    invocation_rate_limit_per_second: Option<i64>,
}

pub(in crate::eventbridge) fn update(shared: &Shared, input: UpdateInput) -> OpResult {
    let fields = Fields {
        description: input.description.as_deref(),
        connection_arn: input.connection_arn.as_deref(),
        endpoint: input.invocation_endpoint.as_deref(),
        http_method: input.http_method.as_deref(),
        rate: input.invocation_rate_limit_per_second,
    };
    let mut violations = Violations::default();
    checked_name(input.name.as_deref(), &mut violations);
    fields.check(&mut violations, false);
    violations.finish()?;
    let conn = shared.store.conn();
    let mut destination = NameInput { name: input.name.clone() }.existing(&conn, "update")?;
    fields.check_semantics(&conn, shared, &destination.name, "update")?;
    if let Some(description) = &input.description {
        destination.description = Some(description.clone());
    }
    if let Some(arn) = &input.connection_arn {
        destination.connection_arn = arn.clone();
    }
    if let Some(url) = &input.invocation_endpoint {
        destination.endpoint = url.clone();
    }
    if let Some(method) = &input.http_method {
        destination.http_method = method.clone();
    }
    if input.invocation_rate_limit_per_second.is_some() {
        destination.rate_limit_per_second = rate_of(input.invocation_rate_limit_per_second);
    }
    destination.modified_ms = shared.clock.now_ms();
    save(&conn, &destination)?;
    let state = destination.state(&conn, shared)?;
    Ok(destination.change_json(shared, state))
}

pub(in crate::eventbridge) fn delete(shared: &Shared, input: NameInput) -> OpResult {
    let conn = shared.store.conn();
    let destination = input.existing(&conn, "delete")?;
    conn.execute("DELETE FROM api_destinations WHERE name = ?1", [&destination.name])?;
    Ok(serde_json::json!({}))
}
