//! The EventBridge side of the inventory: buses, rules, targets, archives,
//! connections and API destinations, each list followed to its last page.

use aws_sdk_eventbridge::Client;
use serde_json::json;

use super::{ApiDestinationInfo, ArchiveInfo, BusInfo, ConnectionSummary, RetryPolicyInfo, RuleInfo, TargetInfo};
use crate::error::{ObserveError, Result};

/// Every bus, following every page.
pub async fn list_buses(client: &Client) -> Result<Vec<BusInfo>> {
    let mut buses = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_event_buses()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListEventBuses", e))?;
        for bus in page.event_buses() {
            let (Some(name), Some(arn)) = (bus.name(), bus.arn()) else { continue };
            buses.push(BusInfo {
                name: name.to_owned(),
                arn: arn.to_owned(),
                description: bus.description().map(Into::into),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(buses);
        }
    }
}

pub(crate) async fn list_rules(client: &Client, bus: &str) -> Result<Vec<RuleInfo>> {
    let mut rules = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_rules()
            .event_bus_name(bus)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListRules", e))?;
        for rule in page.rules() {
            let (Some(name), Some(arn)) = (rule.name(), rule.arn()) else { continue };
            rules.push(RuleInfo {
                bus: bus.to_owned(),
                name: name.to_owned(),
                arn: arn.to_owned(),
                event_pattern: rule.event_pattern().map(Into::into),
                schedule_expression: rule.schedule_expression().map(Into::into),
                state: rule.state().map(|s| s.as_str().to_owned()),
                description: rule.description().map(Into::into),
                targets: Vec::new(),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(rules);
        }
    }
}

pub(crate) async fn list_targets(client: &Client, bus: &str, rule: &str) -> Result<Vec<TargetInfo>> {
    let mut targets = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_targets_by_rule()
            .event_bus_name(bus)
            .rule(rule)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListTargetsByRule", e))?;
        for target in page.targets() {
            targets.push(TargetInfo {
                id: target.id().to_owned(),
                arn: target.arn().to_owned(),
                dead_letter_arn: target.dead_letter_config().and_then(|d| d.arn()).map(Into::into),
                input: target.input().map(Into::into),
                input_path: target.input_path().map(Into::into),
                input_transformer: target.input_transformer().map(|t| {
                    // A BTreeMap, so the same transformer always reads the same.
                    let paths: std::collections::BTreeMap<_, _> = t.input_paths_map().into_iter().flatten().collect();
                    json!({"InputPathsMap": paths, "InputTemplate": t.input_template()}).to_string()
                }),
                retry_policy: target.retry_policy().map(|r| RetryPolicyInfo {
                    maximum_retry_attempts: r.maximum_retry_attempts(),
                    maximum_event_age_seconds: r.maximum_event_age_in_seconds(),
                }),
                role_arn: target.role_arn().map(Into::into),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(targets);
        }
    }
}

/// Every archive, with its pattern and ARN from DescribeArchive.
pub(super) async fn list_archives(client: &Client) -> Result<Vec<ArchiveInfo>> {
    let mut archives = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_archives()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListArchives", e))?;
        for archive in page.archives() {
            let (Some(name), Some(source)) = (archive.archive_name(), archive.event_source_arn()) else { continue };
            let mut info = ArchiveInfo {
                name: name.to_owned(),
                arn: None,
                source_arn: source.to_owned(),
                description: None,
                event_pattern: None,
                state: archive.state().map(|s| s.as_str().to_owned()),
                retention_days: archive.retention_days(),
                event_count: archive.event_count(),
                size_bytes: archive.size_bytes(),
            };
            match client.describe_archive().archive_name(name).send().await {
                Ok(described) => {
                    info.arn = described.archive_arn().map(Into::into);
                    info.description = described.description().map(Into::into);
                    info.event_pattern = described.event_pattern().map(Into::into);
                }
                // Deleted since it was listed: what the list said is all there is.
                Err(error) => tracing::debug!(error = %ObserveError::from_sdk("DescribeArchive", error)),
            }
            archives.push(info);
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(archives);
        }
    }
}

/// Every connection (names, states and authorisation types; never secrets).
pub(super) async fn list_connections(client: &Client) -> Result<Vec<ConnectionSummary>> {
    let mut connections = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_connections()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListConnections", e))?;
        for connection in page.connections() {
            let (Some(name), Some(arn)) = (connection.name(), connection.connection_arn()) else { continue };
            connections.push(ConnectionSummary {
                name: name.to_owned(),
                arn: arn.to_owned(),
                state: connection.connection_state().map(|s| s.as_str().to_owned()),
                authorization_type: connection.authorization_type().map(|t| t.as_str().to_owned()),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(connections);
        }
    }
}

/// Every API destination.
pub(super) async fn list_api_destinations(client: &Client) -> Result<Vec<ApiDestinationInfo>> {
    let mut destinations = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_api_destinations()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListApiDestinations", e))?;
        for destination in page.api_destinations() {
            let (Some(name), Some(arn)) = (destination.name(), destination.api_destination_arn()) else { continue };
            destinations.push(ApiDestinationInfo {
                name: name.to_owned(),
                arn: arn.to_owned(),
                state: destination.api_destination_state().map(|s| s.as_str().to_owned()),
                connection_arn: destination.connection_arn().map(Into::into),
                endpoint: destination.invocation_endpoint().map(Into::into),
                http_method: destination.http_method().map(|m| m.as_str().to_owned()),
                rate_limit_per_second: destination.invocation_rate_limit_per_second(),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(destinations);
        }
    }
}
