//! Event patterns against EventBridge's recorded behaviour and aws/event-ruler's
//! test data, read from `../shared/conformance/eventbridge/` (not copied here).

mod conformance;

use conformance::{data, read};

use choreoscope_pattern::{Matcher, Pattern};
use serde_json::Value;

/// Matches through both entry points (parsed value and raw text); they must agree.
fn matches(pattern: &Pattern, event: &Value) -> bool {
    let mut matcher = Matcher::new();
    matcher.add_rule(0, pattern.clone());
    let by_value = !matcher.matching_rules(event).is_empty();
    let by_text = !matcher.matching_rules_json(&event.to_string()).expect("valid JSON").is_empty();
    assert_eq!(by_value, by_text, "value and text disagree for {event}");
    by_value
}

#[test]
fn every_aws_validated_localstack_case() {
    let cases = read("localstack_event_pattern_cases.json");
    let cases = cases.as_array().expect("a list");
    assert_eq!(cases.len(), 155);
    let mut failures = Vec::new();
    let (mut matched, mut unmatched, mut rejected) = (0, 0, 0);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let parsed = Pattern::from_value(&case["pattern"]);
        match (&case["expected"], parsed) {
            (Value::String(exception), Err(error)) if exception == "exception" => {
                rejected += 1;
                let expected = case["aws_error"]["message"].as_str().expect("AWS message");
                if error.to_string() != expected {
                    failures.push(format!("{name}: rejected as {error:?}, AWS says {expected:?}"));
                }
            }
            (Value::String(_), Ok(_)) => failures.push(format!("{name}: accepted, AWS rejects it")),
            (Value::Bool(expected), Ok(pattern)) => {
                if *expected {
                    matched += 1
                } else {
                    unmatched += 1
                }
                if matches(&pattern, &case["event"]) != *expected {
                    failures.push(format!("{name}: expected match = {expected}"));
                }
            }
            (Value::Bool(_), Err(error)) => failures.push(format!("{name}: rejected: {error}")),
            (other, _) => failures.push(format!("{name}: unknown expectation {other}")),
        }
    }
    assert!(failures.is_empty(), "{} of 155 cases fail:\n{}", failures.len(), failures.join("\n"));
    assert_eq!((matched, unmatched, rejected), (66, 51, 38));
}

#[test]
fn every_event_ruler_case() {
    let cases = read("ruler_cases.json");
    let cases = cases.as_array().expect("a list");
    assert_eq!(cases.len(), 42);
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let expected = case["matches"].as_bool().expect("matches");
        match Pattern::from_value(&case["pattern"]) {
            Ok(pattern) if matches(&pattern, &case["event"]) == expected => {}
            Ok(_) => failures.push(format!("case {index} ({}): expected match = {expected}", case["source"])),
            Err(error) => failures.push(format!("case {index} ({}): rejected: {error}", case["source"])),
        }
    }
    assert!(failures.is_empty(), "{} of 42 cases fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn nested_array_rules_and_events() {
    let mut matcher = Matcher::new();
    for n in 1..=4 {
        matcher.add_rule(n, Pattern::from_value(&read(&format!("event-ruler-data/arrayRule{n}.json"))).expect("valid"));
    }
    // Rule 3 wants CPUUtilization and AWS/ES in one element of `metrics`;
    // event 3 has them in two different elements, so only rule 4 matches it.
    // Event 2's metrics are all DynamoDB ones.
    let expected: [&[i32]; 4] = [&[1, 2], &[], &[4], &[3, 4]];
    for (n, expected) in (1..=4).zip(expected) {
        let text = std::fs::read_to_string(data(&format!("event-ruler-data/arrayEvent{n}.json"))).expect("event");
        let mut matched: Vec<i32> =
            matcher.matching_rules_json(&text).expect("valid JSON").into_iter().copied().collect();
        matched.sort();
        assert_eq!(matched, expected, "arrayEvent{n}.json");
    }
}

#[test]
fn the_big_event_matches_its_rule() {
    let text = std::fs::read_to_string(data("event-ruler-data/bigEvent.json")).expect("event");
    assert!(text.len() > 250_000, "bigEvent.json is the near-256 KB one");
    let mut matcher = Matcher::new();
    matcher.add_rule("big", Pattern::from_value(&read("event-ruler-data/bigEventRule.json")).expect("valid"));
    assert_eq!(matcher.matching_rules_json(&text).expect("valid JSON"), [&"big"]);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(matcher.matching_rules(&value), [&"big"]);
}

#[test]
fn or_relationships_as_event_ruler_reads_them() {
    for rule in read("event-ruler-data/orRelationshipRules.json").as_array().expect("a list") {
        Pattern::from_value(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
    }
    for rule in read("event-ruler-data/normalRulesWithOrWording.json").as_array().expect("a list") {
        Pattern::from_value(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
    }
    let wrong = read("event-ruler-data/wrongOrRelationshipRules.json");
    let reasons: Vec<String> = wrong
        .as_array()
        .expect("a list")
        .iter()
        .map(|rule| Pattern::from_value(rule).expect_err("invalid").reason)
        .collect();
    assert_eq!(
        reasons,
        [
            "There must have at least 2 Objects in $or relationship.",
            "Only JSON object is allowed in array of $or relationship."
        ]
    );
}

#[test]
fn correctness_cases_agree_between_text_and_value() {
    // No expected values are recorded for these; what must hold is that the
    // two ways of reading an event agree, and nothing panics.
    for case in read("event-ruler-data/correctness-cases.json").as_array().expect("a list") {
        if let Ok(pattern) = Pattern::from_value(&case["rule"]) {
            matches(&pattern, &case["event"]);
        }
    }
}

/// A field name given twice in one object: the last value stands, as when
/// serde_json reads the event into a `Value`, whichever way it is matched
/// (found by the matcher fuzz target).
#[test]
fn a_field_name_given_twice_keeps_its_last_value() {
    let pattern =
        r#"{"source": [{"prefix": "shop"}], "detail": {"items": {"sku": ["a"], "qty": [{"numeric": [">", 0]}]}}}"#;
    let mut matcher = Matcher::new();
    matcher.add_rule("rule", Pattern::parse(pattern).expect("valid"));
    for (event, matches) in [
        (r#"{"source": "shop.orders", "detail": {"items": [{"sku": "a", "sku": "b", "qty": 1}]}}"#, false),
        (r#"{"source": "shop.orders", "detail": {"items": [{"sku": "b", "sku": "a", "qty": 1}]}}"#, true),
        // The same with an escape in the text, which the one-pass reader leaves to serde_json.
        (r#"{"source": "shop.or\u0064ers", "detail": {"items": [{"sku": "a", "sku": "b", "qty": 1}]}}"#, false),
    ] {
        let value: serde_json::Value = serde_json::from_str(event).expect("JSON");
        let expected: &[&&str] = if matches { &[&"rule"] } else { &[] };
        assert_eq!(matcher.matching_rules(&value), expected, "{event}");
        assert_eq!(matcher.matching_rules_json(event).expect("JSON"), expected, "{event}");
    }
}

/// The same past the 64th tested name of an object (those have no bit of
/// their own), and for a name with dots, which leads further down.
#[test]
fn a_field_name_given_twice_keeps_its_last_value_among_many_and_dotted() {
    let mut matcher = Matcher::new();
    for i in 0..70 {
        matcher
            .add_rule(format!("f{i}"), Pattern::parse(&format!(r#"{{"detail": {{"f{i}": ["a"]}}}}"#)).expect("valid"));
    }
    matcher.add_rule("dotted".to_string(), Pattern::parse(r#"{"detail": {"x": {"y": ["a"]}}}"#).expect("valid"));
    fn sorted(ids: Vec<&String>) -> Vec<&str> {
        let mut ids: Vec<&str> = ids.into_iter().map(String::as_str).collect();
        ids.sort();
        ids
    }
    for (event, expected) in [
        (r#"{"detail": {"f69": "a", "f69": "b"}}"#, vec![]),
        (r#"{"detail": {"f69": "b", "f69": "a", "f3": "a"}}"#, vec!["f3", "f69"]),
        (r#"{"detail": {"f3": "a", "f69": "a", "f3": "b"}}"#, vec!["f69"]),
        (r#"{"detail": {"x.y": "a", "x.y": "b"}}"#, vec![]),
        (r#"{"detail": {"x.y": "b", "x.y": "a"}}"#, vec!["dotted"]),
    ] {
        let value: serde_json::Value = serde_json::from_str(event).expect("JSON");
        assert_eq!(sorted(matcher.matching_rules(&value)), expected, "{event}");
        assert_eq!(sorted(matcher.matching_rules_json(event).expect("JSON")), expected, "{event}");
    }
}
