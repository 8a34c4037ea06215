//! The flows traffic taught (see [`crate::traffic`]) merged into the graph:
//! a node per event type, producer → event type (`emits`) and event type →
//! the bus it is put on (`putOn`).
//!
//! The UI lays the graph out left to right with entry buses pinned to the
//! first column, so an event type sits right of the targets that emit it
//! and its `putOn` edge is drawn back to its bus, like a state machine's
//! `putsEvents`.

use choreoscope_model::{Detail, EdgeKind, Node, NodeKind};

use super::{ChoreographyGraph, node_id};
use crate::traffic::EventTypeFlow;

/// The id of an event type's node: its bus's ARN and its detail-type, which
/// no AWS ARN can be.
pub fn event_type_id(bus_arn: &str, detail_type: &str) -> String {
    format!("{bus_arn}#event-type/{detail_type}")
}

impl ChoreographyGraph {
    /// Adds the event types traffic showed, with their producers and buses.
    /// A bus or producer not in the inventory gets a node of its own.
    pub fn add_flows(&mut self, flows: &[EventTypeFlow]) {
        for flow in flows {
            let mut node =
                Node::new(event_type_id(&flow.bus_arn, &flow.detail_type), NodeKind::EventType, &flow.detail_type);
            node.details = details(flow);
            if flow.unconsumed() {
                node.state = Some("UNCONSUMED".into());
            }
            let index = self.add_node(node);
            let bus = self.resource(&node_id(&flow.bus_arn));
            self.add_edge(index, bus, EdgeKind::PutOn, None, Vec::new());
            for producer in flow.producers() {
                let from = self.resource(producer);
                let votes = flow.candidates.get(producer).copied().unwrap_or_default();
                let attributed = Detail::text("Events attributed", format!("{votes} of {}", flow.attributed));
                self.add_edge(from, index, EdgeKind::Emits, None, vec![attributed]);
            }
        }
    }
}

/// The details panel's facts about an event type.
fn details(flow: &EventTypeFlow) -> Vec<Detail> {
    let bus = flow.bus_arn.rsplit_once("event-bus/").map_or(flow.bus_arn.as_str(), |(_, name)| name);
    let sources: Vec<&str> = flow.sources.iter().map(String::as_str).collect();
    let consumed = if flow.unconsumed() {
        "No rule consumes it: no rule matched any of its events".to_owned()
    } else if flow.unmatched > 0 {
        format!("{} of its events matched no rule", flow.unmatched)
    } else {
        "Rules matched its events".to_owned()
    };
    vec![
        Detail::code("Bus", bus),
        Detail::code(if sources.len() == 1 { "Source" } else { "Sources" }, sources.join("\n")),
        Detail::text("Events seen", flow.count.to_string()),
        Detail::text("Consumed", consumed),
    ]
}

#[cfg(test)]
mod tests {
    use choreoscope_model::Topology;

    use super::*;
    use crate::inventory::{BusInfo, Inventory};

    const BUS: &str = "arn:aws:events:us-east-1:1:event-bus/orders";
    const PAYMENT: &str = "arn:aws:lambda:us-east-1:1:function:payment";

    fn flow(detail_type: &str, producer: Option<&str>, unmatched: u64) -> EventTypeFlow {
        let mut flow = EventTypeFlow {
            bus_arn: BUS.into(),
            detail_type: detail_type.into(),
            sources: ["shop".to_owned()].into(),
            count: 2,
            matched: 2 - unmatched,
            unmatched,
            ..EventTypeFlow::default()
        };
        if let Some(producer) = producer {
            flow.attributed = 2;
            flow.candidates.insert(producer.into(), 2);
        }
        flow
    }

    fn topology(flows: &[EventTypeFlow]) -> Topology {
        let inventory = Inventory {
            buses: vec![BusInfo { name: "orders".into(), arn: BUS.into(), description: None }],
            ..Inventory::default()
        };
        let mut graph = ChoreographyGraph::build(&inventory);
        graph.add_flows(flows);
        graph.to_topology()
    }

    #[test]
    fn an_event_type_is_a_node_between_its_producer_and_its_bus() {
        let topology = topology(&[flow("PaymentCharged", Some(PAYMENT), 0), flow("Orphan", None, 2)]);
        let id = event_type_id(BUS, "PaymentCharged");
        let node = topology.nodes.iter().find(|n| n.id == id).expect("the event type");
        assert_eq!(
            (node.kind, node.label.as_str(), node.state.as_deref()),
            (NodeKind::EventType, "PaymentCharged", None)
        );
        let detail = |node: &Node, name: &str| node.details.iter().find(|d| d.name == name).map(|d| d.value.clone());
        assert_eq!(detail(node, "Bus").as_deref(), Some("orders"));
        assert_eq!(detail(node, "Events seen").as_deref(), Some("2"));
        let edge =
            |source: &str, target: &str| topology.edges.iter().find(|e| e.source == source && e.target == target);
        assert_eq!(edge(PAYMENT, &id).map(|e| e.kind), Some(EdgeKind::Emits));
        assert_eq!(edge(&id, BUS).map(|e| e.kind), Some(EdgeKind::PutOn));
        // The producer, not in the inventory, got a node of its own.
        assert!(topology.nodes.iter().any(|n| n.id == PAYMENT && n.kind == NodeKind::Target));
        let orphan = topology.nodes.iter().find(|n| n.label == "Orphan").expect("the orphan");
        assert_eq!(orphan.state.as_deref(), Some("UNCONSUMED"));
        assert!(detail(orphan, "Consumed").is_some_and(|text| text.starts_with("No rule consumes it")));
        assert!(!topology.edges.iter().any(|e| e.target == orphan.id), "no producer known");
    }
}
