//! A pattern and an event from the same input: matching never panics, and
//! reading the event from text agrees with reading it from a parsed value.
#![no_main]

use choreoscope_pattern::{Matcher, Pattern};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let Some((pattern, event)) = input.split_once('\n') else { return };
    let Ok(pattern) = Pattern::parse(pattern) else { return };
    let mut matcher = Matcher::new();
    matcher.add_rule(0u8, pattern);
    let from_text = matcher.matching_rules_json(event);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(event) {
        let from_value = matcher.matching_rules(&value);
        assert_eq!(from_text.ok(), Some(from_value), "text and value disagree");
    }
});
