//! Event patterns for the event explorer, with EventBridge's semantics
//! (`choreoscope-pattern`): matching many events in one call, explaining why
//! one event does or does not match, and finding the rules that match it.

use choreoscope_model::{AppError, EdgeKind, NodeKind, PatternCheck, PatternTest, RuleMatch, Topology};
use choreoscope_pattern::{Matcher, Pattern, PatternError};
use serde_json::{Map, Value};

/// Parses and validates a pattern; the error is EventBridge's
/// (`Event pattern is not valid. Reason: ...`, `InvalidEventPatternException`).
pub fn compile(text: &str) -> Result<Pattern, AppError> {
    Pattern::parse(text).map_err(invalid_pattern)
}

fn invalid_pattern(error: PatternError) -> AppError {
    AppError { message: error.to_string(), code: Some(PatternError::CODE.to_owned()) }
}

/// Parses an event given as JSON text.
pub fn parse_event(text: &str) -> Result<Value, AppError> {
    let event: Value =
        serde_json::from_str(text).map_err(|error| AppError::new(format!("The event is not valid JSON: {error}")))?;
    if !event.is_object() {
        return Err(AppError::new("The event must be a JSON object"));
    }
    Ok(event)
}

/// Whether each event matches the pattern, in the events' order.
pub fn match_events(pattern: &str, events: &[Value]) -> Result<Vec<bool>, AppError> {
    let mut matcher = Matcher::new();
    matcher.add_rule((), compile(pattern)?);
    Ok(events.iter().map(|event| !matcher.matching_rules(event).is_empty()).collect())
}

/// Tests the pattern against one event, and each of its fields alone.
pub fn test_pattern(pattern: &str, event: &Value) -> Result<PatternTest, AppError> {
    let compiled = compile(pattern)?;
    // It parsed as a pattern, so it is a JSON object.
    let value: Value = serde_json::from_str(pattern).map_err(|error| AppError::new(error.to_string()))?;
    let mut checks = Vec::new();
    if let Value::Object(fields) = &value {
        explain(fields, &mut Vec::new(), event, &mut checks);
    }
    Ok(PatternTest { matches: compiled.matches(event), checks })
}

/// One check per leaf of the pattern (and per `$or` group), each tested as
/// a pattern of its own: `{"detail": {"total": [...]}}`.
fn explain(fields: &Map<String, Value>, path: &mut Vec<String>, event: &Value, checks: &mut Vec<PatternCheck>) {
    for (key, value) in fields {
        if let (Value::Object(nested), false) = (value, key == "$or") {
            path.push(key.clone());
            explain(nested, path, event, checks);
            path.pop();
            continue;
        }
        let alone =
            path.iter().rev().fold(Value::Object(Map::from_iter([(key.clone(), value.clone())])), |inner, outer| {
                Value::Object(Map::from_iter([(outer.clone(), inner)]))
            });
        let matches = Pattern::from_value(&alone).ok().map(|pattern| pattern.matches(event));
        let field: Vec<&str> = path.iter().map(String::as_str).chain([key.as_str()]).collect();
        let actual = if key == "$or" { None } else { value_at(event, &field).map(Value::to_string) };
        checks.push(PatternCheck { field: field.join("."), condition: value.to_string(), actual, matches });
    }
}

fn value_at<'a>(event: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(event, |value, key| value.get(key))
}

/// The rules of the topology whose event pattern matches the event, on any
/// bus, sorted by bus and rule. Rules without a pattern (scheduled) or with
/// one that does not parse never match.
pub fn matching_rules(topology: &Topology, event: &Value) -> Vec<RuleMatch> {
    let rules: Vec<RuleMatch> = topology
        .nodes
        .iter()
        .filter(|node| node.kind == NodeKind::Rule)
        .filter_map(|node| {
            let pattern = node.event_pattern.clone()?;
            Some(RuleMatch {
                bus_name: bus_of(topology, &node.id, node.arn.as_deref()),
                rule_name: node.label.clone(),
                node_id: node.id.clone(),
                enabled: node.state.as_deref() != Some("DISABLED"),
                event_pattern: pattern,
            })
        })
        .collect();
    let mut matcher = Matcher::new();
    for (index, rule) in rules.iter().enumerate() {
        if let Ok(pattern) = Pattern::parse(&rule.event_pattern) {
            matcher.add_rule(index, pattern);
        }
    }
    let mut matched: Vec<RuleMatch> =
        matcher.matching_rules(event).into_iter().filter_map(|&index| rules.get(index).cloned()).collect();
    matched.sort_by(|a, b| (&a.bus_name, &a.rule_name).cmp(&(&b.bus_name, &b.rule_name)));
    matched
}

/// The bus a rule is on: the bus node with an edge to it, else from the
/// rule's ARN (`rule/<bus>/<name>`, or `rule/<name>` on the default bus).
fn bus_of(topology: &Topology, rule_id: &str, arn: Option<&str>) -> String {
    let from_edge = topology
        .edges
        .iter()
        .filter(|edge| edge.kind == EdgeKind::BusToRule && edge.target == rule_id)
        .find_map(|edge| topology.nodes.iter().find(|node| node.id == edge.source))
        .map(|bus| bus.label.clone());
    from_edge
        .or_else(|| {
            let resource = arn?.split_once(":rule/")?.1;
            Some(resource.split_once('/').map_or("default", |(bus, _)| bus).to_owned())
        })
        .unwrap_or_else(|| "default".to_owned())
}

#[cfg(test)]
mod tests {
    use choreoscope_model::{Edge, Node};
    use serde_json::json;

    use super::*;

    fn order(total: i64) -> Value {
        json!({
            "id": "e1", "detail-type": "OrderPlaced", "source": "shop.orders",
            "time": "2024-01-01T00:00:00Z", "resources": [],
            "detail": {"metadata": {"type": "OrderPlaced"}, "data": {"total": total, "city": "Lyon"}}
        })
    }

    #[test]
    fn matches_a_batch_in_order() {
        let pattern = r#"{"detail": {"data": {"total": [{"numeric": [">", 100]}]}}}"#;
        let events = [order(250), order(12), order(101)];
        assert_eq!(match_events(pattern, &events).expect("should succeed"), [true, false, true]);
        assert_eq!(match_events(pattern, &[]).expect("should succeed"), Vec::<bool>::new());
    }

    /// The figure in docs/performance.md: one `match_events` call for a
    /// full list, from the JSON text the webview sends (as Tauri parses it).
    #[test]
    fn matches_100_000_events_in_one_call() {
        let events: Vec<Value> = (0..100_000).map(|i| order(i % 300)).collect();
        let text = serde_json::to_string(&events).expect("should succeed");
        let started = std::time::Instant::now();
        let parsed: Vec<Value> = serde_json::from_str(&text).expect("should succeed");
        let parse = started.elapsed();
        let verdicts = match_events(r#"{"detail": {"data": {"total": [{"numeric": [">=", 150]}]}}}"#, &parsed)
            .expect("should succeed");
        let total = started.elapsed();
        // 150 of every 300 totals, over 333 whole cycles (the last 100 are all below).
        assert_eq!(verdicts.iter().filter(|&&v| v).count(), 333 * 150);
        eprintln!(
            "match_events, 100,000 events ({} MB of JSON): parse {parse:?}, parse + match {total:?}",
            text.len() / 1_000_000
        );
    }

    #[test]
    fn an_invalid_pattern_gives_eventbridges_reason() {
        let error = match_events(r#"{"source": "shop"}"#, &[order(1)]).expect_err("should fail");
        assert_eq!(error.message, r#"Event pattern is not valid. Reason: "source" must be an object or an array"#);
        assert_eq!(error.code.as_deref(), Some("InvalidEventPatternException"));
        let error = compile("{not json").expect_err("should fail");
        assert!(error.message.starts_with("Event pattern is not valid. Reason: "), "{}", error.message);
    }

    #[test]
    fn explains_which_fields_fail() {
        let pattern = r#"{
            "source": ["shop.orders"],
            "detail-type": ["OrderCancelled"],
            "detail": {"data": {"total": [{"numeric": [">", 100]}], "city": ["Lyon"]}}
        }"#;
        let test = test_pattern(pattern, &order(12)).expect("should succeed");
        assert!(!test.matches);
        let summary: Vec<(&str, Option<bool>, Option<&str>)> =
            test.checks.iter().map(|c| (c.field.as_str(), c.matches, c.actual.as_deref())).collect();
        assert_eq!(
            summary,
            [
                ("source", Some(true), Some("\"shop.orders\"")),
                ("detail-type", Some(false), Some("\"OrderPlaced\"")),
                ("detail.data.total", Some(false), Some("12")),
                ("detail.data.city", Some(true), Some("\"Lyon\"")),
            ]
        );
        assert_eq!(test.checks[2].condition, r#"[{"numeric":[">",100]}]"#);

        let test = test_pattern(r#"{"source": ["shop.orders"]}"#, &order(12)).expect("should succeed");
        assert!(test.matches);
    }

    #[test]
    fn explains_an_or_group_as_one_check() {
        let pattern = r#"{"detail": {"$or": [{"data": {"city": ["Paris"]}}, {"data": {"total": [12]}}]}}"#;
        let test = test_pattern(pattern, &order(12)).expect("should succeed");
        assert!(test.matches);
        assert_eq!(test.checks.len(), 1);
        assert_eq!(test.checks[0].field, "detail.$or");
        assert_eq!(test.checks[0].matches, Some(true));
        assert_eq!(test.checks[0].actual, None);
    }

    #[test]
    fn a_missing_field_has_no_value() {
        let test =
            test_pattern(r#"{"detail": {"data": {"coupon": [{"exists": true}]}}}"#, &order(1)).expect("should succeed");
        assert_eq!(test.checks[0].actual, None);
        assert_eq!(test.checks[0].matches, Some(false));
    }

    #[test]
    fn an_event_must_be_a_json_object() {
        assert_eq!(parse_event("[1]").expect_err("should fail").message, "The event must be a JSON object");
        assert!(parse_event("{").expect_err("should fail").message.starts_with("The event is not valid JSON"));
        assert_eq!(parse_event(r#"{"a": 1}"#).expect("should succeed"), json!({"a": 1}));
    }

    fn node(id: &str, kind: NodeKind, label: &str, pattern: Option<&str>, state: Option<&str>) -> Node {
        Node {
            id: id.into(),
            kind,
            label: label.into(),
            arn: None,
            target_kind: None,
            event_pattern: pattern.map(Into::into),
            schedule_expression: None,
            state: state.map(Into::into),
            description: None,
            details: Vec::new(),
        }
    }

    fn bus_to_rule(bus: &str, rule: &str) -> Edge {
        Edge {
            id: format!("{bus}->{rule}"),
            source: bus.into(),
            target: rule.into(),
            kind: EdgeKind::BusToRule,
            label: None,
            details: Vec::new(),
        }
    }

    #[test]
    fn finds_the_rules_that_match_an_event() {
        let mut arn_only =
            node("rule:x", NodeKind::Rule, "audit-all", Some(r#"{"source": [{"prefix": "shop"}]}"#), None);
        arn_only.arn = Some("arn:aws:events:us-east-1:000000000000:rule/audit/audit-all".into());
        let topology = Topology {
            nodes: vec![
                node("bus:orders", NodeKind::Bus, "orders", None, None),
                node(
                    "rule:a",
                    NodeKind::Rule,
                    "order-placed",
                    Some(r#"{"detail-type": ["OrderPlaced"]}"#),
                    Some("ENABLED"),
                ),
                node("rule:b", NodeKind::Rule, "cancelled", Some(r#"{"detail-type": ["OrderCancelled"]}"#), None),
                node("rule:c", NodeKind::Rule, "legacy", Some(r#"{"source": ["shop.orders"]}"#), Some("DISABLED")),
                node("rule:d", NodeKind::Rule, "tick", None, Some("ENABLED")),
                node("rule:e", NodeKind::Rule, "broken", Some(r#"{"source": "x"}"#), None),
                arn_only,
            ],
            edges: vec![
                bus_to_rule("bus:orders", "rule:a"),
                bus_to_rule("bus:orders", "rule:b"),
                bus_to_rule("bus:orders", "rule:c"),
            ],
        };
        let matched: Vec<(String, String, bool)> =
            matching_rules(&topology, &order(1)).into_iter().map(|r| (r.bus_name, r.rule_name, r.enabled)).collect();
        assert_eq!(
            matched,
            [
                ("audit".to_owned(), "audit-all".to_owned(), true),
                ("orders".to_owned(), "legacy".to_owned(), false),
                ("orders".to_owned(), "order-placed".to_owned(), true),
            ]
        );
    }
}
