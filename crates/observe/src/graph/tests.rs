use serde_json::json;

use super::*;
use crate::inventory::{
    ApiDestinationInfo, ArchiveInfo, BusInfo, ConnectionSummary, RetryPolicyInfo, RuleInfo, TargetInfo,
};

const QUEUE: &str = "arn:aws:sqs:us-east-1:1:audit";
const DLQ: &str = "arn:aws:sqs:us-east-1:1:pay-dlq";
const PAY: &str = "arn:aws:lambda:us-east-1:1:function:pay";
const MACHINE: &str = "arn:aws:states:us-east-1:1:stateMachine:fulfil";
const DESTINATION: &str = "arn:aws:events:us-east-1:1:api-destination/notify/abc";
const CONNECTION: &str = "arn:aws:events:us-east-1:1:connection/provider/def";

fn bus_arn(name: &str) -> String {
    format!("arn:aws:events:us-east-1:1:event-bus/{name}")
}

fn rule(bus: &str, name: &str, targets: Vec<TargetInfo>) -> RuleInfo {
    RuleInfo {
        bus: bus.into(),
        name: name.into(),
        arn: format!("arn:aws:events:us-east-1:1:rule/{bus}/{name}"),
        event_pattern: Some(r#"{"source":["shop"]}"#.into()),
        schedule_expression: None,
        state: Some("ENABLED".into()),
        description: None,
        targets,
    }
}

fn targets(arns: &[&str]) -> Vec<TargetInfo> {
    arns.iter().enumerate().map(|(i, arn)| TargetInfo::new(format!("t{i}"), *arn)).collect()
}

fn with_dlq(arn: &str, dlq: &str) -> TargetInfo {
    TargetInfo { dead_letter_arn: Some(dlq.into()), ..TargetInfo::new("dlq-target", arn) }
}

fn bus(name: &str) -> BusInfo {
    BusInfo { name: name.into(), arn: bus_arn(name), description: None }
}

fn inventory() -> Inventory {
    Inventory {
        buses: vec![bus("default"), bus("orders")],
        rules: vec![rule("orders", "placed", targets(&[PAY, QUEUE])), rule("default", "all", targets(&[QUEUE]))],
        ..Inventory::default()
    }
}

/// The demo's shape in small: a DLQ, an archive, an API destination and
/// its connection, a state machine started by a rule that invokes a
/// function and waits for a task token on the bus.
fn full_inventory() -> Inventory {
    let definition = json!({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": PAY}, "Next": "Ask"},
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
                "Parameters": {"Entries": [{"EventBusName": "orders", "DetailType": "Asked"}]}, "Next": "Tell"},
        "Tell": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                 "Parameters": {"Entries": [{"EventBusName": "orders", "DetailType": "Told"}]}, "Next": "Park"},
        "Park": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "http://127.0.0.1:4599/1/pay-dlq"}, "End": true}
    }});
    let mut notify = with_dlq(DESTINATION, DLQ);
    notify.input_path = Some("$.detail".into());
    notify.retry_policy = Some(RetryPolicyInfo { maximum_retry_attempts: Some(2), maximum_event_age_seconds: None });
    Inventory {
        buses: vec![bus("default"), bus("orders")],
        rules: vec![
            rule("orders", "placed", vec![with_dlq(PAY, DLQ), TargetInfo::new("fulfil", MACHINE)]),
            rule("orders", "tell", vec![notify]),
        ],
        archives: vec![ArchiveInfo {
            name: "keep".into(),
            arn: Some("arn:aws:events:us-east-1:1:archive/keep".into()),
            source_arn: bus_arn("orders"),
            description: None,
            event_pattern: Some(r#"{"source":["shop"]}"#.into()),
            state: Some("ENABLED".into()),
            retention_days: Some(7),
            event_count: 42,
            size_bytes: 2048,
        }],
        connections: vec![ConnectionSummary {
            name: "provider".into(),
            arn: CONNECTION.into(),
            state: Some("AUTHORIZED".into()),
            authorization_type: Some("API_KEY".into()),
        }],
        api_destinations: vec![ApiDestinationInfo {
            name: "notify".into(),
            arn: DESTINATION.into(),
            state: Some("ACTIVE".into()),
            connection_arn: Some(CONNECTION.into()),
            endpoint: Some("https://example.com/send".into()),
            http_method: Some("POST".into()),
            rate_limit_per_second: Some(20),
        }],
        state_machines: vec![StateMachineInfo {
            name: "fulfil".into(),
            arn: MACHINE.into(),
            kind: Some("STANDARD".into()),
            status: Some("ACTIVE".into()),
            definition: definition.to_string(),
            role_arn: None,
            description: None,
        }],
        queue_urls: Some(vec!["http://127.0.0.1:4599/1/pay-dlq".into()]),
    }
}

fn edge<'a>(topology: &'a Topology, source: &str, target: &str) -> &'a Edge {
    topology
        .edges
        .iter()
        .find(|e| e.source == source && e.target == target)
        .unwrap_or_else(|| panic!("no edge {source} -> {target} in {:#?}", topology.edges))
}

fn detail<'a>(details: &'a [Detail], name: &str) -> &'a str {
    details.iter().find(|d| d.name == name).map_or_else(|| panic!("no {name} in {details:?}"), |d| d.value.as_str())
}

#[test]
fn buses_rules_and_targets_become_nodes_and_edges() {
    let topology = ChoreographyGraph::build(&inventory()).to_topology();
    let kinds = |kind| topology.nodes.iter().filter(|n| n.kind == kind).count();
    assert_eq!((kinds(NodeKind::Bus), kinds(NodeKind::Rule), kinds(NodeKind::Target)), (2, 2, 2));
    let bus_to_rule = topology.edges.iter().filter(|e| e.kind == EdgeKind::BusToRule).count();
    let rule_to_target = topology.edges.iter().filter(|e| e.kind == EdgeKind::RuleToTarget).count();
    assert_eq!((bus_to_rule, rule_to_target), (2, 3));
    let pay = topology.nodes.iter().find(|n| n.label == "pay").expect("function node");
    assert_eq!(pay.target_kind, Some(TargetKind::Function));
}

#[test]
fn a_target_shared_by_rules_is_one_node_with_two_incoming_edges() {
    let topology = ChoreographyGraph::build(&inventory()).to_topology();
    assert_eq!(topology.nodes.iter().filter(|n| n.id == QUEUE).count(), 1);
    assert_eq!(topology.edges.iter().filter(|e| e.target == QUEUE).count(), 2);
}

#[test]
fn equal_inventories_give_equal_topologies() {
    for inventory in [inventory(), full_inventory()] {
        let a = ChoreographyGraph::build(&inventory).to_topology();
        let mut reversed = inventory.clone();
        reversed.rules.reverse();
        reversed.buses.reverse();
        reversed.state_machines.reverse();
        assert_eq!(a, ChoreographyGraph::build(&reversed).to_topology());
    }
}

#[test]
fn dead_letter_queues_are_queue_nodes_shared_by_targets() {
    let topology = ChoreographyGraph::build(&full_inventory()).to_topology();
    let dlq = topology.nodes.iter().find(|n| n.id == DLQ).expect("DLQ node");
    assert_eq!((dlq.kind, dlq.target_kind, dlq.label.as_str()), (NodeKind::Target, Some(TargetKind::Queue), "pay-dlq"));
    assert_eq!(detail(&dlq.details, "Queue URL"), "http://127.0.0.1:4599/1/pay-dlq");
    // Two targets send their dead letters there, and the state machine sends to it: one node.
    assert_eq!(topology.nodes.iter().filter(|n| n.id == DLQ).count(), 1);
    assert_eq!(edge(&topology, PAY, DLQ).kind, EdgeKind::DeadLetter);
    assert_eq!(detail(&edge(&topology, PAY, DLQ).details, "For rules"), "placed");
    assert_eq!(edge(&topology, DESTINATION, DLQ).kind, EdgeKind::DeadLetter);
    assert_eq!(edge(&topology, MACHINE, DLQ).kind, EdgeKind::SendsMessage);
}

#[test]
fn delivery_settings_are_on_the_rule_to_target_edge() {
    let topology = ChoreographyGraph::build(&full_inventory()).to_topology();
    let delivery = edge(&topology, "arn:aws:events:us-east-1:1:rule/orders/tell", DESTINATION);
    assert_eq!(delivery.kind, EdgeKind::RuleToTarget);
    assert_eq!(detail(&delivery.details, "Input path"), "$.detail");
    assert_eq!(detail(&delivery.details, "Retry policy"), "2 retries");
    assert_eq!(detail(&delivery.details, "Dead-letter queue"), DLQ);
}

#[test]
fn archives_hang_off_their_bus_with_their_statistics() {
    let topology = ChoreographyGraph::build(&full_inventory()).to_topology();
    let archive = topology.nodes.iter().find(|n| n.kind == NodeKind::Archive).expect("archive");
    assert_eq!((archive.id.as_str(), archive.label.as_str()), ("arn:aws:events:us-east-1:1:archive/keep", "keep"));
    assert_eq!(edge(&topology, &bus_arn("orders"), &archive.id).kind, EdgeKind::BusToArchive);
    assert_eq!(detail(&archive.details, "Events"), "42");
    assert_eq!(detail(&archive.details, "Size"), "2.0 KiB");
    assert_eq!(detail(&archive.details, "Retention"), "7 days");
    assert_eq!(detail(&archive.details, "Event pattern"), r#"{"source":["shop"]}"#);
}

#[test]
fn api_destinations_lead_to_their_connection() {
    let topology = ChoreographyGraph::build(&full_inventory()).to_topology();
    let destination = topology.nodes.iter().find(|n| n.id == DESTINATION).expect("destination");
    assert_eq!(destination.target_kind, Some(TargetKind::ApiDestination));
    assert_eq!(detail(&destination.details, "Endpoint"), "https://example.com/send");
    assert_eq!(detail(&destination.details, "Method"), "POST");
    assert_eq!(detail(&destination.details, "Rate limit"), "20 per second");
    let connection = topology.nodes.iter().find(|n| n.id == CONNECTION).expect("connection");
    assert_eq!((connection.kind, connection.label.as_str()), (NodeKind::Connection, "provider"));
    assert_eq!(detail(&connection.details, "Authorization"), "API_KEY");
    assert_eq!(edge(&topology, DESTINATION, CONNECTION).kind, EdgeKind::ApiDestinationToConnection);
}

#[test]
fn a_state_machine_target_is_one_node_with_edges_to_what_it_uses() {
    let topology = ChoreographyGraph::build(&full_inventory()).to_topology();
    let machines: Vec<&Node> = topology.nodes.iter().filter(|n| n.id == MACHINE).collect();
    assert_eq!(machines.len(), 1);
    assert_eq!(machines[0].target_kind, Some(TargetKind::StateMachine));
    assert!(detail(&machines[0].details, "Definition").contains("waitForTaskToken"));
    assert_eq!(edge(&topology, "arn:aws:events:us-east-1:1:rule/orders/placed", MACHINE).kind, EdgeKind::RuleToTarget);
    // The function it invokes is the same node as the rule's target.
    assert_eq!(edge(&topology, MACHINE, PAY).kind, EdgeKind::Invokes);
    assert_eq!(topology.nodes.iter().filter(|n| n.id == PAY).count(), 1);
    // Both putEvents states are one edge back to the bus, marked for the task token.
    let puts = edge(&topology, MACHINE, &bus_arn("orders"));
    assert_eq!(puts.kind, EdgeKind::PutsEvents);
    assert_eq!(puts.label.as_deref(), Some("waitForTaskToken"));
    assert_eq!(detail(&puts.details, "States"), "Ask (waitForTaskToken), Tell");
    assert_eq!(topology.edges.iter().filter(|e| e.source == MACHINE).count(), 3);
}

#[test]
fn queues_this_account_does_not_have_are_noted() {
    let mut inventory = inventory();
    inventory.queue_urls = Some(Vec::new());
    inventory.rules.push(rule("orders", "elsewhere", targets(&["arn:aws:sqs:us-east-1:2:theirs"])));
    let topology = ChoreographyGraph::build(&inventory).to_topology();
    let ours = topology.nodes.iter().find(|n| n.id == QUEUE).expect("queue");
    assert_eq!(detail(&ours.details, "Queue"), "Not found: ListQueues does not list it");
    let theirs = topology.nodes.iter().find(|n| n.label == "theirs").expect("queue");
    assert!(theirs.details.is_empty(), "another account's queues are not listed: {theirs:?}");
}
