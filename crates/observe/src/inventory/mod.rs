//! What a system is made of, as read from the AWS APIs: buses, their rules
//! and each rule's targets, archives, connections and API destinations
//! (EventBridge), state machines (Step Functions) and queues (SQS).

mod eventbridge;
mod resources;
pub(crate) use resources::state_machine_items;

pub use eventbridge::list_buses;
pub(crate) use eventbridge::{list_rules, list_targets};

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

/// A target of a rule, with what ListTargetsByRule tells of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetInfo {
    /// The target's id within its rule.
    pub id: String,
    /// The ARN of the resource it delivers to.
    pub arn: String,
    /// The ARN of its dead-letter queue, if any.
    pub dead_letter_arn: Option<String>,
    /// Constant JSON delivered instead of the event, if any.
    pub input: Option<String>,
    /// JSONPath of the part of the event delivered, if any.
    pub input_path: Option<String>,
    /// The input transformer as JSON text (`InputPathsMap`, `InputTemplate`), if any.
    pub input_transformer: Option<String>,
    /// Its retry policy, if one is set.
    pub retry_policy: Option<RetryPolicyInfo>,
    /// The role EventBridge assumes to deliver, if any.
    pub role_arn: Option<String>,
}

impl TargetInfo {
    /// A target with only its id and ARN.
    pub fn new(id: impl Into<String>, arn: impl Into<String>) -> Self {
        Self { id: id.into(), arn: arn.into(), ..Self::default() }
    }
}

/// How long and how often EventBridge retries a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicyInfo {
    /// Attempts after the first, if set.
    pub maximum_retry_attempts: Option<i32>,
    /// Age after which an event is no longer retried, if set.
    pub maximum_event_age_seconds: Option<i32>,
}

/// An archive of a bus's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    /// Name.
    pub name: String,
    /// ARN (DescribeArchive gives it; ListArchives does not).
    pub arn: Option<String>,
    /// The bus it archives.
    pub source_arn: String,
    /// Description, if any.
    pub description: Option<String>,
    /// The events it keeps (JSON text); none keeps every event.
    pub event_pattern: Option<String>,
    /// `ENABLED`, `DISABLED`, `CREATING`…
    pub state: Option<String>,
    /// Days events are kept; 0 or none is forever.
    pub retention_days: Option<i32>,
    /// Events kept.
    pub event_count: i64,
    /// Bytes kept.
    pub size_bytes: i64,
}

/// An EventBridge connection, without its secrets (the list never has them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSummary {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `AUTHORIZED`, `DEAUTHORIZED`…
    pub state: Option<String>,
    /// `BASIC`, `API_KEY` or `OAUTH_CLIENT_CREDENTIALS`.
    pub authorization_type: Option<String>,
}

/// An EventBridge API destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDestinationInfo {
    /// Name.
    pub name: String,
    /// ARN (what rule targets name).
    pub arn: String,
    /// `ACTIVE` or `INACTIVE`.
    pub state: Option<String>,
    /// The connection that authorises its calls.
    pub connection_arn: Option<String>,
    /// The URL called.
    pub endpoint: Option<String>,
    /// The HTTP method.
    pub http_method: Option<String>,
    /// Calls per second at most, if limited.
    pub rate_limit_per_second: Option<i32>,
}

/// A Step Functions state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMachineInfo {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `STANDARD` or `EXPRESS`.
    pub kind: Option<String>,
    /// `ACTIVE`, `DELETING`.
    pub status: Option<String>,
    /// The definition (Amazon States Language JSON text).
    pub definition: String,
    /// Its execution role.
    pub role_arn: Option<String>,
    /// Description, if any.
    pub description: Option<String>,
}

/// Everything the graph is built from, in one account and region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Every bus.
    pub buses: Vec<BusInfo>,
    /// Every rule of every bus, with its targets.
    pub rules: Vec<RuleInfo>,
    /// Every archive.
    pub archives: Vec<ArchiveInfo>,
    /// Every connection.
    pub connections: Vec<ConnectionSummary>,
    /// Every API destination.
    pub api_destinations: Vec<ApiDestinationInfo>,
    /// Every state machine, with its definition.
    pub state_machines: Vec<StateMachineInfo>,
    /// The URL of every queue; none when they could not be listed.
    pub queue_urls: Option<Vec<String>>,
}

/// The AWS clients an inventory is read with.
#[derive(Debug, Clone, Copy)]
pub struct Clients<'a> {
    /// EventBridge.
    pub eventbridge: &'a aws_sdk_eventbridge::Client,
    /// Step Functions.
    pub stepfunctions: &'a aws_sdk_sfn::Client,
    /// SQS.
    pub sqs: &'a aws_sdk_sqs::Client,
}

impl Inventory {
    /// Reads everything, following every page. Buses and rules must be
    /// readable; the rest is left out when the caller may not read it (an
    /// AWS role limited to EventBridge still gets its graph).
    pub async fn read(clients: Clients<'_>) -> Result<Self> {
        let eb = clients.eventbridge;
        let buses = list_buses(eb).await?;
        let mut rules = Vec::new();
        for bus in &buses {
            for mut rule in eventbridge::list_rules(eb, &bus.name).await? {
                rule.targets = eventbridge::list_targets(eb, &bus.name, &rule.name).await?;
                rules.push(rule);
            }
        }
        Ok(Self {
            buses,
            rules,
            archives: optional(eventbridge::list_archives(eb).await)?.unwrap_or_default(),
            connections: optional(eventbridge::list_connections(eb).await)?.unwrap_or_default(),
            api_destinations: optional(eventbridge::list_api_destinations(eb).await)?.unwrap_or_default(),
            state_machines: optional(resources::list_state_machines(clients.stepfunctions).await)?.unwrap_or_default(),
            queue_urls: optional(resources::list_queues(clients.sqs).await)?,
        })
    }
}

/// `None` for errors that say the caller may not (or cannot) use the API,
/// which are permanent; other errors fail the read, so a passing network
/// error does not make nodes vanish from the graph for one refresh.
fn optional<T>(result: Result<T>) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if is_not_permitted(&error) => {
            tracing::debug!(%error, "left out of the topology");
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

fn is_not_permitted(error: &ObserveError) -> bool {
    error.code().is_some_and(|code| {
        ["AccessDenied", "UnrecognizedClient", "UnknownOperation", "NotAuthorized", "InvalidAction"]
            .iter()
            .any(|prefix| code.starts_with(prefix))
    })
}
