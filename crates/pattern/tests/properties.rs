//! Properties of pattern matching, checked on generated patterns and events.

use choreoscope_pattern::{Matcher, Pattern};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A field condition and a value that satisfies it.
#[derive(Debug, Clone)]
struct Satisfied {
    condition: Value,
    value: Value,
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_-]{1,8}"
}

/// Conditions of every kind, each with an event value built from its own text.
fn satisfied() -> impl Strategy<Value = Satisfied> {
    prop_oneof![
        word().prop_map(|w| Satisfied { condition: json!(w), value: json!(w) }),
        (-1_000_000i64..1_000_000).prop_map(|n| Satisfied { condition: json!(n), value: json!(n as f64) }),
        any::<bool>().prop_map(|b| Satisfied { condition: json!(b), value: json!(b) }),
        Just(Satisfied { condition: Value::Null, value: Value::Null }),
        (word(), word()).prop_map(|(p, rest)| Satisfied { condition: json!({"prefix": p}), value: json!(p + &rest) }),
        (word(), word()).prop_map(|(s, head)| Satisfied { condition: json!({"suffix": s}), value: json!(head + &s) }),
        word().prop_map(|w| Satisfied {
            condition: json!({"equals-ignore-case": w.to_uppercase()}),
            value: json!(w.to_lowercase())
        }),
        (word(), word(), word()).prop_map(|(a, b, fill)| Satisfied {
            condition: json!({"wildcard": format!("{a}*{b}")}),
            value: json!(format!("{a}{fill}{b}"))
        }),
        (-1000.0f64..1000.0, 0.5f64..100.0).prop_map(|(low, width)| Satisfied {
            condition: json!({"numeric": [">=", low, "<", low + width]}),
            value: json!(low + width / 2.0)
        }),
        word().prop_map(|w| Satisfied { condition: json!({"exists": true}), value: json!(w) }),
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| Satisfied {
            condition: json!({"cidr": format!("10.{a}.0.0/16")}),
            value: json!(format!("10.{a}.{b}.7"))
        }),
    ]
}

/// A pattern of up to three levels and the event built from its values.
fn pattern_and_event() -> impl Strategy<Value = (Value, Value)> {
    let leaf = prop::collection::vec(satisfied(), 1..4)
        .prop_map(|options| {
            let condition = Value::Array(options.iter().map(|o| o.condition.clone()).collect());
            // Any one of the listed conditions will do; use the first one's value.
            (condition, options[0].value.clone())
        })
        .boxed();
    let level = |inner: BoxedStrategy<(Value, Value)>| {
        prop::collection::btree_map(word(), inner, 1..4).prop_map(|fields| {
            let mut pattern = Map::new();
            let mut event = Map::new();
            for (name, (p, e)) in fields {
                pattern.insert(name.clone(), p);
                event.insert(name, e);
            }
            (Value::Object(pattern), Value::Object(event))
        })
    };
    let nested = level(leaf.clone().boxed()).boxed();
    let either = prop_oneof![leaf, nested].boxed();
    level(either)
}

proptest! {
    #[test]
    fn an_event_built_from_a_patterns_values_matches_it((pattern, event) in pattern_and_event()) {
        let parsed = Pattern::from_value(&pattern).map_err(|e| TestCaseError::fail(format!("{pattern}: {e}")))?;
        prop_assert!(parsed.matches(&event), "{} should match {}", pattern, event);
        let mut matcher = Matcher::new();
        matcher.add_rule(1, parsed);
        prop_assert_eq!(matcher.matching_rules_json(&event.to_string()).expect("JSON"), vec![&1]);
    }

    #[test]
    fn an_event_wrapped_in_an_array_still_matches((pattern, event) in pattern_and_event()) {
        // An array in the event matches when any element does.
        let parsed = Pattern::from_value(&pattern).expect("valid");
        let Value::Object(fields) = event else { unreachable!("events are objects") };
        let wrapped: Map<String, Value> = fields.into_iter().map(|(k, v)| (k, json!([json!("other"), v]))).collect();
        prop_assert!(parsed.matches(&Value::Object(wrapped)));
    }

    #[test]
    fn anything_but_is_the_complement_of_exact_match_on_present_fields(
        strings in prop::collection::vec(word(), 1..4),
        numbers in prop::collection::vec(-50i64..50, 1..4),
        use_numbers in any::<bool>(),
        value in prop_oneof![word().prop_map(Value::from), (-50i64..50).prop_map(Value::from), Just(Value::Null)],
    ) {
        let listed: Value = if use_numbers { json!(numbers) } else { json!(strings) };
        let exact = Pattern::from_value(&json!({"f": listed})).expect("valid");
        let anything_but = Pattern::from_value(&json!({"f": [{"anything-but": listed}]})).expect("valid");
        let event = json!({"f": value});
        prop_assert_ne!(exact.matches(&event), anything_but.matches(&event));
        // On a missing field neither matches.
        let missing = json!({});
        prop_assert!(!exact.matches(&missing), "exact on a missing field");
        prop_assert!(!anything_but.matches(&missing), "anything-but on a missing field");
    }

    #[test]
    fn adding_rules_never_changes_which_other_rules_match(
        first in prop::collection::vec(pattern_and_event(), 1..6),
        more in prop::collection::vec(pattern_and_event(), 1..6),
        pick in 0usize..100,
    ) {
        let events: Vec<&Value> = first.iter().chain(&more).map(|(_, e)| e).collect();
        let event = events[pick % events.len()];
        let mut matcher = Matcher::new();
        for (id, (pattern, _)) in first.iter().enumerate() {
            matcher.add_rule(id, Pattern::from_value(pattern).expect("valid"));
        }
        let mut before: Vec<usize> = matcher.matching_rules(event).into_iter().copied().collect();
        for (offset, (pattern, _)) in more.iter().enumerate() {
            matcher.add_rule(first.len() + offset, Pattern::from_value(pattern).expect("valid"));
        }
        let mut after: Vec<usize> =
            matcher.matching_rules(event).into_iter().copied().filter(|id| *id < first.len()).collect();
        before.sort();
        after.sort();
        prop_assert_eq!(&before, &after);
        // Each rule alone decides the same as in company.
        for (id, (pattern, _)) in first.iter().enumerate() {
            let alone = Pattern::from_value(pattern).expect("valid").matches(event);
            prop_assert_eq!(alone, after.contains(&id));
        }
    }
}
