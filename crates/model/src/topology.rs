//! The choreography graph as the UI receives it: nodes and edges.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a node of the choreography graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NodeKind {
    /// An event bus.
    Bus,
    /// A rule on a bus.
    Rule,
    /// A resource events or calls are delivered to: a rule's target, a
    /// dead-letter queue, or a resource a state machine uses (its
    /// `target_kind` says which). One node per ARN, whatever its roles.
    Target,
    /// An archive of a bus's events.
    Archive,
    /// An EventBridge connection (the authorisation API destinations use).
    Connection,
    /// A type of event (a `detail-type` on one bus), learned from traffic:
    /// who emits it, and whether any rule consumes it.
    EventType,
}

/// The kind of resource a target delivers to, read from its ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TargetKind {
    /// An AWS Lambda function (or a function of the local functions host).
    Function,
    /// An SQS queue.
    Queue,
    /// Another event bus (cross-bus routing).
    EventBus,
    /// A CloudWatch Logs log group.
    LogGroup,
    /// A Step Functions state machine.
    StateMachine,
    /// An EventBridge API destination.
    ApiDestination,
    /// Any other AWS service.
    Other,
}

impl TargetKind {
    /// Reads the kind of a target from its ARN
    /// (`arn:partition:service:region:account:resource`).
    ///
    /// ```
    /// use choreoscope_model::TargetKind;
    /// let arn = "arn:aws:sqs:eu-west-1:123456789012:orders";
    /// assert_eq!(TargetKind::from_arn(arn), TargetKind::Queue);
    /// ```
    pub fn from_arn(arn: &str) -> Self {
        let mut parts = arn.splitn(6, ':');
        let service = parts.nth(2).unwrap_or_default();
        let resource = parts.nth(2).unwrap_or_default();
        match service {
            "lambda" => Self::Function,
            "sqs" => Self::Queue,
            "logs" => Self::LogGroup,
            "states" => Self::StateMachine,
            "events" if resource.starts_with("event-bus/") => Self::EventBus,
            "events" if resource.starts_with("api-destination/") => Self::ApiDestination,
            _ => Self::Other,
        }
    }

    /// The short name of the resource a target ARN points at: the function,
    /// queue, bus, log group, state machine or API destination name.
    ///
    /// ```
    /// use choreoscope_model::TargetKind;
    /// let arn = "arn:aws:lambda:eu-west-1:123456789012:function:charge-payment";
    /// assert_eq!(TargetKind::resource_name(arn), "charge-payment");
    /// ```
    pub fn resource_name(arn: &str) -> &str {
        let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
        if let Some(group) = resource.strip_prefix("log-group:") {
            // Log group names contain slashes; a trailing `:*` is not part of the name.
            return group.strip_suffix(":*").unwrap_or(group);
        }
        let resource = ["function:", "stateMachine:", "event-bus/", "api-destination/"]
            .iter()
            .find_map(|prefix| resource.strip_prefix(prefix))
            .unwrap_or(resource);
        // Drop qualifiers: `charge:live`, `notify/uuid`.
        resource.split([':', '/']).next().unwrap_or(resource)
    }
}

/// What an edge of the choreography graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum EdgeKind {
    /// A bus hands its events to a rule.
    BusToRule,
    /// A rule delivers the events it matched to a target.
    RuleToTarget,
    /// A target's undeliverable events go to this dead-letter queue.
    DeadLetter,
    /// A bus keeps (some of) its events in this archive.
    BusToArchive,
    /// An API destination authorises its calls with this connection.
    ApiDestinationToConnection,
    /// A state machine invokes this function.
    Invokes,
    /// A state machine puts events on this bus.
    PutsEvents,
    /// A state machine sends messages to this queue.
    SendsMessage,
    /// A state machine starts executions of this state machine.
    StartsExecution,
    /// A function or workflow emits events of this type (learned from
    /// traffic: the events' causation ids).
    Emits,
    /// Events of this type are put on this bus.
    PutOn,
}

/// How the UI shows a [`Detail`]'s value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DetailFormat {
    /// Prose.
    Text,
    /// An identifier, URL or expression, shown in a fixed-width font.
    Code,
    /// JSON text, shown indented.
    Json,
}

/// One named fact about a node or an edge, for the details panel. An
/// ordered list rather than a map: the order is the order shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Detail {
    /// What the value is ("Retry policy").
    pub name: String,
    /// The value, as text.
    pub value: String,
    /// How to show it.
    pub format: DetailFormat,
}

impl Detail {
    /// Prose.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into(), format: DetailFormat::Text }
    }

    /// An identifier or expression.
    pub fn code(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into(), format: DetailFormat::Code }
    }

    /// JSON text.
    pub fn json(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into(), format: DetailFormat::Json }
    }
}

/// A node of the choreography graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Node {
    /// Stable id, unique in the graph (derived from the resource's ARN).
    pub id: String,
    /// What the node stands for.
    pub kind: NodeKind,
    /// The name shown on the node.
    pub label: String,
    /// The resource's ARN, where it has one.
    pub arn: Option<String>,
    /// For targets: the kind of resource (function, queue, state machine…).
    pub target_kind: Option<TargetKind>,
    /// For rules: the event pattern (JSON text), if any.
    pub event_pattern: Option<String>,
    /// For rules: the schedule expression, if any.
    pub schedule_expression: Option<String>,
    /// The resource's state in AWS's words, where it has one: `ENABLED` or
    /// `DISABLED` for rules and archives, `AUTHORIZED`, `DEAUTHORIZED`… for
    /// connections, `ACTIVE` or `INACTIVE` for API destinations, `ACTIVE`
    /// or `DELETING` for state machines; `UNCONSUMED` for an event type
    /// that no rule matched whenever it was seen.
    pub state: Option<String>,
    /// Free-text description of the resource.
    pub description: Option<String>,
    /// Everything else worth showing, in order: archive statistics, a state
    /// machine's definition, an API destination's endpoint… Never secrets.
    pub details: Vec<Detail>,
}

impl Node {
    /// A node with only its identity; the optional details empty.
    pub fn new(id: impl Into<String>, kind: NodeKind, label: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            label: label.into(),
            arn: None,
            target_kind: None,
            event_pattern: None,
            schedule_expression: None,
            state: None,
            description: None,
            details: Vec::new(),
        }
    }
}

/// A directed edge of the choreography graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Edge {
    /// Stable id, unique in the graph.
    pub id: String,
    /// Id of the node the edge leaves.
    pub source: String,
    /// Id of the node the edge enters.
    pub target: String,
    /// What the edge stands for.
    pub kind: EdgeKind,
    /// A short label drawn on the edge (`waitForTaskToken`), if any.
    pub label: Option<String>,
    /// What the edge carries: a rule's input and retry settings for its
    /// target, the states of a state machine that use a resource…
    pub details: Vec<Detail>,
}

/// The choreography graph: every node and edge, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Topology {
    /// The nodes, sorted by id.
    pub nodes: Vec<Node>,
    /// The edges, sorted by id.
    pub edges: Vec<Edge>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_kinds_are_read_from_arns() {
        let cases = [
            ("arn:aws:lambda:us-east-1:1:function:f", TargetKind::Function),
            ("arn:aws:sqs:us-east-1:1:q", TargetKind::Queue),
            ("arn:aws:events:us-east-1:1:event-bus/b", TargetKind::EventBus),
            ("arn:aws:events:us-east-1:1:api-destination/d/1", TargetKind::ApiDestination),
            ("arn:aws:logs:us-east-1:1:log-group:/aws/events/x", TargetKind::LogGroup),
            ("arn:aws:states:us-east-1:1:stateMachine:sm", TargetKind::StateMachine),
            ("arn:aws:sns:us-east-1:1:topic", TargetKind::Other),
            ("not an arn", TargetKind::Other),
        ];
        for (arn, kind) in cases {
            assert_eq!(TargetKind::from_arn(arn), kind, "{arn}");
        }
    }

    #[test]
    fn resource_names_are_short() {
        let cases = [
            ("arn:aws:lambda:us-east-1:1:function:charge:live", "charge"),
            ("arn:aws:sqs:us-east-1:1:orders-dlq", "orders-dlq"),
            ("arn:aws:events:us-east-1:1:event-bus/partners", "partners"),
            ("arn:aws:events:us-east-1:1:api-destination/notify/abc", "notify"),
            ("arn:aws:logs:us-east-1:1:log-group:/aws/events/all:*", "/aws/events/all"),
            ("arn:aws:states:us-east-1:1:stateMachine:order-fulfilment", "order-fulfilment"),
        ];
        for (arn, name) in cases {
            assert_eq!(TargetKind::resource_name(arn), name, "{arn}");
        }
    }

    #[test]
    fn topology_serialises_in_camel_case() {
        let mut node = Node::new("rule/default/r", NodeKind::Rule, "r");
        node.event_pattern = Some(r#"{"source":["shop"]}"#.into());
        node.details.push(Detail::json("Input transformer", "{}"));
        let edge = Edge {
            id: "e".into(),
            source: "a".into(),
            target: "b".into(),
            kind: EdgeKind::DeadLetter,
            label: None,
            details: vec![Detail::code("Rule", "r")],
        };
        let json = serde_json::to_value(Topology { nodes: vec![node], edges: vec![edge] }).expect("serialisable");
        assert_eq!(json["nodes"][0]["kind"], "rule");
        assert_eq!(json["nodes"][0]["eventPattern"], r#"{"source":["shop"]}"#);
        assert_eq!(json["nodes"][0]["details"][0]["format"], "json");
        assert_eq!(json["edges"][0]["kind"], "deadLetter");
        assert_eq!(json["edges"][0]["details"][0]["name"], "Rule");
    }
}
