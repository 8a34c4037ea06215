//! The choreography graph: the inventory as a `petgraph` graph, and its
//! serialisable form for the UI.

use std::collections::HashMap;

use choreoscope_model::{Edge, EdgeKind, Node, NodeKind, TargetKind, Topology};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::inventory::Inventory;

/// The choreography graph. Nodes are buses, rules and targets; a target that
/// several rules deliver to is one node, so fan-in is visible.
#[derive(Debug, Default)]
pub struct ChoreographyGraph {
    graph: DiGraph<Node, EdgeKind>,
    by_id: HashMap<String, NodeIndex>,
}

impl ChoreographyGraph {
    /// Builds the graph of an inventory.
    pub fn build(inventory: &Inventory) -> Self {
        let mut graph = Self::default();
        for bus in &inventory.buses {
            let mut node = Node::new(bus.arn.clone(), NodeKind::Bus, bus.name.clone());
            node.arn = Some(bus.arn.clone());
            node.description = bus.description.clone();
            graph.add_node(node);
        }
        for rule in &inventory.rules {
            let mut node = Node::new(rule.arn.clone(), NodeKind::Rule, rule.name.clone());
            node.arn = Some(rule.arn.clone());
            node.event_pattern = rule.event_pattern.clone();
            node.schedule_expression = rule.schedule_expression.clone();
            node.state = rule.state.clone();
            node.description = rule.description.clone();
            let rule_index = graph.add_node(node);
            if let Some(bus) = inventory.buses.iter().find(|b| b.name == rule.bus) {
                graph.add_edge(&bus.arn.clone(), rule_index, EdgeKind::BusToRule);
            }
            for target in &rule.targets {
                let mut node =
                    Node::new(target.arn.clone(), NodeKind::Target, TargetKind::resource_name(&target.arn).to_owned());
                node.arn = Some(target.arn.clone());
                node.target_kind = Some(TargetKind::from_arn(&target.arn));
                let target_index = graph.add_node(node);
                graph.graph.add_edge(rule_index, target_index, EdgeKind::RuleToTarget);
            }
        }
        graph
    }

    fn add_node(&mut self, node: Node) -> NodeIndex {
        if let Some(index) = self.by_id.get(&node.id) {
            return *index;
        }
        let id = node.id.clone();
        let index = self.graph.add_node(node);
        self.by_id.insert(id, index);
        index
    }

    fn add_edge(&mut self, from_id: &str, to: NodeIndex, kind: EdgeKind) {
        if let Some(from) = self.by_id.get(from_id) {
            self.graph.add_edge(*from, to, kind);
        }
    }

    /// The underlying `petgraph` graph, for analyses.
    pub fn graph(&self) -> &DiGraph<Node, EdgeKind> {
        &self.graph
    }

    /// The graph as the UI receives it: nodes and edges sorted by id, so
    /// equal graphs serialise equally.
    pub fn to_topology(&self) -> Topology {
        let mut nodes: Vec<Node> = self.graph.node_weights().cloned().collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut edges: Vec<Edge> = self
            .graph
            .edge_references()
            .map(|edge| {
                let source = self.graph[edge.source()].id.clone();
                let target = self.graph[edge.target()].id.clone();
                Edge { id: format!("{source} -> {target}"), source, target, kind: *edge.weight() }
            })
            .collect();
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        edges.dedup_by(|a, b| a.id == b.id);
        Topology { nodes, edges }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{BusInfo, RuleInfo, TargetInfo};

    const QUEUE: &str = "arn:aws:sqs:us-east-1:1:audit";

    fn rule(bus: &str, name: &str, targets: &[&str]) -> RuleInfo {
        RuleInfo {
            bus: bus.into(),
            name: name.into(),
            arn: format!("arn:aws:events:us-east-1:1:rule/{bus}/{name}"),
            event_pattern: Some(r#"{"source":["shop"]}"#.into()),
            schedule_expression: None,
            state: Some("ENABLED".into()),
            description: None,
            targets: targets
                .iter()
                .enumerate()
                .map(|(i, arn)| TargetInfo { id: format!("t{i}"), arn: (*arn).into(), dead_letter_arn: None })
                .collect(),
        }
    }

    fn inventory() -> Inventory {
        let bus = |name: &str| BusInfo {
            name: name.into(),
            arn: format!("arn:aws:events:us-east-1:1:event-bus/{name}"),
            description: None,
        };
        Inventory {
            buses: vec![bus("default"), bus("orders")],
            rules: vec![
                rule("orders", "placed", &["arn:aws:lambda:us-east-1:1:function:pay", QUEUE]),
                rule("default", "all", &[QUEUE]),
            ],
        }
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
        let a = ChoreographyGraph::build(&inventory()).to_topology();
        let mut reversed = inventory();
        reversed.rules.reverse();
        reversed.buses.reverse();
        assert_eq!(a, ChoreographyGraph::build(&reversed).to_topology());
    }
}
