//! What a system is made of, as read from the EventBridge APIs: buses, their
//! rules, and each rule's targets.

use aws_sdk_eventbridge::Client;

use crate::error::{ObserveError, Result};

/// An event bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusInfo {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Description, if any.
    pub description: Option<String>,
}

/// A rule and its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// The bus it is on.
    pub bus: String,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Event pattern (JSON text), if any.
    pub event_pattern: Option<String>,
    /// Schedule expression, if any.
    pub schedule_expression: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: Option<String>,
    /// Description, if any.
    pub description: Option<String>,
    /// Its targets.
    pub targets: Vec<TargetInfo>,
}

/// A target of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    /// The target's id within its rule.
    pub id: String,
    /// The ARN of the resource it delivers to.
    pub arn: String,
    /// The ARN of its dead-letter queue, if any.
    pub dead_letter_arn: Option<String>,
}

/// Buses and rules of one account and region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Every bus.
    pub buses: Vec<BusInfo>,
    /// Every rule of every bus, with its targets.
    pub rules: Vec<RuleInfo>,
}

impl Inventory {
    /// Reads every bus, rule and target, following every page.
    pub async fn read(client: &Client) -> Result<Self> {
        let buses = list_buses(client).await?;
        let mut rules = Vec::new();
        for bus in &buses {
            for mut rule in list_rules(client, &bus.name).await? {
                rule.targets = list_targets(client, &bus.name, &rule.name).await?;
                rules.push(rule);
            }
        }
        Ok(Self { buses, rules })
    }
}

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

async fn list_rules(client: &Client, bus: &str) -> Result<Vec<RuleInfo>> {
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

async fn list_targets(client: &Client, bus: &str, rule: &str) -> Result<Vec<TargetInfo>> {
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
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(targets);
        }
    }
}
