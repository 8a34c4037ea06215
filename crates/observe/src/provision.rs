//! Creating a system from a declarative file, through the same EventBridge
//! APIs any client uses. The app seeds the local system with it.

use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::types::{DeadLetterConfig, IncludeDetail, Level, LogConfig, RuleState, Target};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ObserveError, Result};

/// A system to create: buses, and rules with their targets.
///
/// In the file, `${region}` and `${account}` stand for the region and account
/// of the connection, so one file serves any account.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TopologyFile {
    /// Buses to create (`default` always exists and is only configured).
    pub buses: Vec<BusSpec>,
    /// Rules to put, with their targets.
    pub rules: Vec<RuleSpec>,
}

/// A bus to create.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusSpec {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Bus log level (`OFF`, `ERROR`, `INFO`, `TRACE`); its records carry
    /// full detail, so the dashboard can list the events.
    pub log_level: Option<String>,
}

/// A rule to put.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSpec {
    /// The bus it goes on.
    pub bus: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Event pattern, as a JSON object.
    pub event_pattern: Option<Value>,
    /// Schedule expression.
    pub schedule_expression: Option<String>,
    /// Whether the rule starts disabled.
    #[serde(default)]
    pub disabled: bool,
    /// Its targets.
    #[serde(default)]
    pub targets: Vec<TargetSpec>,
}

/// A target of a rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetSpec {
    /// Id within the rule.
    pub id: String,
    /// ARN of the resource delivered to.
    pub arn: String,
    /// ARN of the dead-letter queue.
    pub dead_letter_arn: Option<String>,
    /// JSONPath of the part of the event delivered.
    pub input_path: Option<String>,
}

impl TopologyFile {
    /// Parses a file, putting `region` and `account` in place of
    /// `${region}` and `${account}`.
    pub fn parse(text: &str, region: &str, account: &str) -> Result<Self> {
        let text = text.replace("${region}", region).replace("${account}", account);
        serde_json::from_str(&text).map_err(|e| ObserveError::Invalid(format!("invalid topology file: {e}")))
    }

    /// Creates everything the file declares. Idempotent: buses that exist
    /// are kept, rules and targets are put again.
    pub async fn apply(&self, client: &Client) -> Result<()> {
        for bus in &self.buses {
            create_bus(client, bus).await?;
        }
        for rule in &self.rules {
            put_rule(client, rule).await?;
        }
        Ok(())
    }
}

async fn create_bus(client: &Client, bus: &BusSpec) -> Result<()> {
    if bus.name != "default" {
        let created = client.create_event_bus().name(&bus.name).set_description(bus.description.clone()).send().await;
        if let Err(error) = created {
            let error = ObserveError::from_sdk("CreateEventBus", error);
            if error.code() != Some("ResourceAlreadyExistsException") {
                return Err(error);
            }
        }
    }
    if let Some(level) = &bus.log_level {
        let log_config =
            LogConfig::builder().level(Level::from(level.as_str())).include_detail(IncludeDetail::Full).build();
        client
            .update_event_bus()
            .name(&bus.name)
            .log_config(log_config)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("UpdateEventBus", e))?;
    }
    Ok(())
}

async fn put_rule(client: &Client, rule: &RuleSpec) -> Result<()> {
    client
        .put_rule()
        .event_bus_name(&rule.bus)
        .name(&rule.name)
        .set_description(rule.description.clone())
        .set_event_pattern(rule.event_pattern.as_ref().map(Value::to_string))
        .set_schedule_expression(rule.schedule_expression.clone())
        .state(if rule.disabled { RuleState::Disabled } else { RuleState::Enabled })
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("PutRule", e))?;
    if rule.targets.is_empty() {
        return Ok(());
    }
    let targets = rule
        .targets
        .iter()
        .map(|t| {
            Target::builder()
                .id(&t.id)
                .arn(&t.arn)
                .set_input_path(t.input_path.clone())
                .set_dead_letter_config(
                    t.dead_letter_arn.as_ref().map(|arn| DeadLetterConfig::builder().arn(arn).build()),
                )
                .build()
                .map_err(|e| ObserveError::Invalid(format!("target {} of rule {}: {e}", t.id, rule.name)))
        })
        .collect::<Result<Vec<_>>>()?;
    client
        .put_targets()
        .event_bus_name(&rule.bus)
        .rule(&rule.name)
        .set_targets(Some(targets))
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("PutTargets", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_the_connection_region_and_account() {
        let text = r#"{"buses": [], "rules": [{"bus": "b", "name": "r",
            "targets": [{"id": "t", "arn": "arn:aws:sqs:${region}:${account}:q"}]}]}"#;
        let file = TopologyFile::parse(text, "eu-west-1", "111122223333").expect("valid");
        assert_eq!(file.rules[0].targets[0].arn, "arn:aws:sqs:eu-west-1:111122223333:q");
    }

    #[test]
    fn unknown_fields_are_reported() {
        let error = TopologyFile::parse(r#"{"buses": [], "rules": [], "extra": 1}"#, "r", "a").expect_err("extra");
        assert!(error.to_string().contains("unknown field `extra`"), "{error}");
    }
}
