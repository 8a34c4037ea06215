//! The choreography graph: the inventory as a `petgraph` graph, and its
//! serialisable form for the UI.

mod details;
mod learned;
mod state_machines;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use choreoscope_model::{Detail, Edge, EdgeKind, Node, NodeKind, TargetKind, Topology};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::inventory::{Inventory, StateMachineInfo};

pub use learned::event_type_id;

/// The id of the node of the resource with this ARN (a bus, rule or any
/// target): the ARN itself, so the bus logs' ARNs name graph nodes.
pub fn node_id(arn: &str) -> String {
    arn.to_owned()
}

/// The id of the edge between two nodes: there is one edge per pair.
pub fn edge_id(source: &str, target: &str) -> String {
    format!("{source} -> {target}")
}

/// The choreography graph. Nodes are buses, rules, the resources rules and
/// state machines deliver to (dead-letter queues included), archives and
/// connections. A resource is one node whatever its roles (a target shared
/// by rules, a queue that is a target and a DLQ, a state machine that is a
/// target), so fan-in is visible; node ids are ARNs.
#[derive(Debug, Default)]
pub struct ChoreographyGraph {
    graph: DiGraph<Node, Edge>,
    by_id: HashMap<String, NodeIndex>,
    edges: HashMap<(NodeIndex, NodeIndex), EdgeIndex>,
}

impl ChoreographyGraph {
    /// Builds the graph of an inventory.
    pub fn build(inventory: &Inventory) -> Self {
        let mut graph = Self::default();
        for bus in &inventory.buses {
            let mut node = Node::new(node_id(&bus.arn), NodeKind::Bus, bus.name.clone());
            node.arn = Some(bus.arn.clone());
            node.description = bus.description.clone();
            graph.add_node(node);
        }
        // Target → DLQ → the rules that send there, gathered first so the
        // edge's details do not depend on the order rules are listed in.
        let mut dead_letters: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for rule in &inventory.rules {
            let mut node = Node::new(node_id(&rule.arn), NodeKind::Rule, rule.name.clone());
            node.arn = Some(rule.arn.clone());
            node.event_pattern = rule.event_pattern.clone();
            node.schedule_expression = rule.schedule_expression.clone();
            node.state = rule.state.clone();
            node.description = rule.description.clone();
            let rule_index = graph.add_node(node);
            if let Some(bus) = inventory.buses.iter().find(|b| b.name == rule.bus) {
                let bus_index = graph.by_id[&node_id(&bus.arn)];
                graph.add_edge(bus_index, rule_index, EdgeKind::BusToRule, None, Vec::new());
            }
            for target in &rule.targets {
                let target_index = graph.resource(&target.arn);
                graph.add_edge(rule_index, target_index, EdgeKind::RuleToTarget, None, details::delivery(target));
                if let Some(dlq) = &target.dead_letter_arn {
                    dead_letters.entry((target.arn.clone(), dlq.clone())).or_default().insert(rule.name.clone());
                }
            }
        }
        for ((target, dlq), rules) in dead_letters {
            let (from, to) = (graph.resource(&target), graph.resource(&dlq));
            let rules = rules.into_iter().collect::<Vec<_>>().join(", ");
            graph.add_edge(from, to, EdgeKind::DeadLetter, None, vec![Detail::text("For rules", rules)]);
        }
        graph.add_archives(inventory);
        graph.add_connections(inventory);
        for machine in &inventory.state_machines {
            graph.add_state_machine(machine);
        }
        graph.describe_queues(inventory);
        graph
    }

    fn add_archives(&mut self, inventory: &Inventory) {
        for archive in &inventory.archives {
            // ListArchives has no ARN; DescribeArchive does, and its absence
            // (a race with a deletion) still needs a stable, unique id.
            let id = archive.arn.clone().unwrap_or_else(|| format!("{}#archive/{}", archive.source_arn, archive.name));
            let mut node = Node::new(id, NodeKind::Archive, archive.name.clone());
            node.arn = archive.arn.clone();
            node.state = archive.state.clone();
            node.description = archive.description.clone();
            node.details = details::archive(archive);
            let index = self.add_node(node);
            if let Some(bus) = self.by_id.get(&archive.source_arn).copied() {
                self.add_edge(bus, index, EdgeKind::BusToArchive, None, Vec::new());
            }
        }
    }

    fn add_connections(&mut self, inventory: &Inventory) {
        for connection in &inventory.connections {
            let mut node = Node::new(connection.arn.clone(), NodeKind::Connection, connection.name.clone());
            node.arn = Some(connection.arn.clone());
            node.state = connection.state.clone();
            node.details = details::connection(connection);
            self.add_node(node);
        }
        for destination in &inventory.api_destinations {
            let index = self.resource(&destination.arn);
            let node = &mut self.graph[index];
            node.label = destination.name.clone();
            node.state = destination.state.clone();
            node.details = details::api_destination(destination);
            let Some(connection_arn) = &destination.connection_arn else { continue };
            let connection = match self.by_id.get(connection_arn) {
                Some(index) => *index,
                None => {
                    // Listed destinations name connections the caller may not list.
                    let name = connection_arn
                        .split_once(":connection/")
                        .map_or(connection_arn.as_str(), |(_, rest)| rest.split('/').next().unwrap_or(rest));
                    let mut node = Node::new(connection_arn.clone(), NodeKind::Connection, name);
                    node.arn = Some(connection_arn.clone());
                    self.add_node(node)
                }
            };
            self.add_edge(index, connection, EdgeKind::ApiDestinationToConnection, None, Vec::new());
        }
    }

    /// The state machine's node (the same as a rule's target of that ARN)
    /// and an edge to each resource its states use; uses of one resource by
    /// several states are one edge that names them.
    fn add_state_machine(&mut self, machine: &StateMachineInfo) {
        let index = self.resource(&machine.arn);
        let node = &mut self.graph[index];
        node.label = machine.name.clone();
        node.state = machine.status.clone();
        node.description = machine.description.clone();
        node.details = details::state_machine(machine);
        let Ok(definition) = serde_json::from_str(&machine.definition) else { return };
        let mut grouped: Vec<((EdgeKind, String), Vec<state_machines::ResourceUse>)> = Vec::new();
        for used in state_machines::resource_uses(&machine.arn, &definition) {
            let key = (used.kind, used.arn.clone());
            match grouped.iter_mut().find(|(k, _)| *k == key) {
                Some((_, uses)) => uses.push(used),
                None => grouped.push((key, vec![used])),
            }
        }
        for ((kind, arn), uses) in grouped {
            let mut patterns: Vec<&str> = uses.iter().filter_map(|u| u.pattern.as_deref()).collect();
            patterns.dedup();
            let label = (!patterns.is_empty()).then(|| patterns.join(", "));
            let states = uses
                .iter()
                .map(|u| match &u.pattern {
                    Some(pattern) => format!("{} ({pattern})", u.state),
                    None => u.state.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut resources: Vec<&str> = uses.iter().map(|u| u.resource.as_str()).collect();
            resources.sort_unstable();
            resources.dedup();
            let details = vec![Detail::text("States", states), Detail::code("Resource", resources.join("\n"))];
            let to = self.resource(&arn);
            self.add_edge(index, to, kind, label, details);
        }
    }

    /// Queue URLs from ListQueues on the queue nodes, and a note on queues
    /// of this account and region that it does not list.
    fn describe_queues(&mut self, inventory: &Inventory) {
        let Some(urls) = &inventory.queue_urls else { return };
        // The default bus's ARN says which account and region were listed.
        let home = inventory.buses.first().map(|bus| account_and_region(&bus.arn));
        for node in self.graph.node_weights_mut() {
            if node.target_kind != Some(TargetKind::Queue) {
                continue;
            }
            let arn = node.arn.clone().unwrap_or_default();
            match urls.iter().find(|url| state_machines::queue_arn_near(url, &arn).as_deref() == Some(arn.as_str())) {
                Some(url) => node.details.push(Detail::code("Queue URL", url)),
                None if home == Some(account_and_region(&arn)) => {
                    node.details.push(Detail::text("Queue", "Not found: ListQueues does not list it"));
                }
                None => {}
            }
        }
    }

    /// The node of a resource: a bus ARN is the bus node, anything else a
    /// target node, made on first use.
    fn resource(&mut self, arn: &str) -> NodeIndex {
        if let Some(index) = self.by_id.get(arn) {
            return *index;
        }
        let mut node = Node::new(node_id(arn), NodeKind::Target, TargetKind::resource_name(arn));
        node.arn = Some(arn.to_owned());
        node.target_kind = Some(TargetKind::from_arn(arn));
        self.add_node(node)
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

    /// Adds an edge, or merges into the edge already between the two nodes:
    /// edge ids are `source -> target`, so there is one edge per pair.
    fn add_edge(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        kind: EdgeKind,
        label: Option<String>,
        details: Vec<Detail>,
    ) {
        if let Some(existing) = self.edges.get(&(from, to)) {
            let edge = &mut self.graph[*existing];
            edge.details.extend(details);
            if edge.label.is_none() {
                edge.label = label;
            }
            return;
        }
        let source = self.graph[from].id.clone();
        let target = self.graph[to].id.clone();
        let edge = Edge { id: edge_id(&source, &target), source, target, kind, label, details };
        let index = self.graph.add_edge(from, to, edge);
        self.edges.insert((from, to), index);
    }

    /// The underlying `petgraph` graph, for analyses.
    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    /// The graph as the UI receives it: nodes and edges sorted by id, so
    /// equal graphs serialise equally.
    pub fn to_topology(&self) -> Topology {
        let mut nodes: Vec<Node> = self.graph.node_weights().cloned().collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut edges: Vec<Edge> = self.graph.edge_weights().cloned().collect();
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        Topology { nodes, edges }
    }
}

/// `arn:aws:sqs:eu-west-1:123:q` → (`123`, `eu-west-1`).
fn account_and_region(arn: &str) -> (String, String) {
    let parts: Vec<&str> = arn.split(':').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default().to_owned();
    (part(4), part(3))
}
