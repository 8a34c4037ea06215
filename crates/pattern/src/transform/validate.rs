//! The EventBridge API model's constraints on a target's `Input`,
//! `InputPath` and `InputTransformer`, checked before anything else, as AWS's
//! request validation does, and reported in its words.
//!
//! The message format is the one AWS recorded for a target id
//! (`test_events.snapshot.json`, `test_put_target_id_validation`):
//! `1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`.
//! No recording shows these particular members; their constraints come from
//! the API model (botocore `events` `service-2.json`): `Input` at most 8192
//! characters, `InputPath` at most 256, `InputTemplate` 1 to 8192,
//! `InputPathsMap` at most 100 entries, keys 1 to 256 characters matching
//! `[A-Za-z0-9\_\-]+`, values at most 256. The wording for map keys and values
//! (`Map keys must satisfy constraint: [...]`) and the `{key=value}` rendering
//! of a map follow AWS's request validator for other services; they are not
//! recorded for EventBridge.
//!
//! The key pattern has no `.`, so a key can neither start with `AWS.` (which
//! the API reference forbids) nor redefine a predefined variable such as
//! `aws.events.rule-arn`: both fail the pattern.

use super::InputTransformerSpec;

/// Most entries in `InputPathsMap`.
pub(crate) const MAX_PATHS: usize = 100;
const MAX_KEY_LENGTH: usize = 256;
const MAX_PATH_LENGTH: usize = 256;
const MAX_INPUT_LENGTH: usize = 8192;
const MAX_TEMPLATE_LENGTH: usize = 8192;
const KEY_PATTERN: &str = r"[A-Za-z0-9\_\-]+";

/// Length as Java counts it (UTF-16 units).
fn java_length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn is_valid_key(key: &str) -> bool {
    let length = java_length(key);
    (1..=MAX_KEY_LENGTH).contains(&length) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A map as Java's `Map.toString` writes it.
fn java_map(entries: &[(String, String)]) -> String {
    let inner: Vec<String> = entries.iter().map(|(key, value)| format!("{key}={value}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn violation(value: &str, at: &str, constraint: &str) -> String {
    format!("Value '{value}' at '{at}' failed to satisfy constraint: {constraint}")
}

/// The model violations of one target (`position`: its 1-based place in the
/// request's `Targets`), joined as AWS joins them; `None` when there are none.
pub(crate) fn model_errors(
    position: usize,
    input: Option<&str>,
    input_path: Option<&str>,
    transformer: Option<&InputTransformerSpec>,
) -> Option<String> {
    let member = format!("targets.{position}.member");
    let mut errors = Vec::new();
    if let Some(input) = input
        && java_length(input) > MAX_INPUT_LENGTH
    {
        errors.push(violation(
            input,
            &format!("{member}.input"),
            &format!("Member must have length less than or equal to {MAX_INPUT_LENGTH}"),
        ));
    }
    if let Some(path) = input_path
        && java_length(path) > MAX_PATH_LENGTH
    {
        errors.push(violation(
            path,
            &format!("{member}.inputPath"),
            &format!("Member must have length less than or equal to {MAX_PATH_LENGTH}"),
        ));
    }
    if let Some(spec) = transformer {
        let map = &spec.input_paths_map;
        let at = format!("{member}.inputTransformer.inputPathsMap");
        if map.len() > MAX_PATHS {
            errors.push(violation(
                &java_map(map),
                &at,
                &format!("Member must have length less than or equal to {MAX_PATHS}"),
            ));
        }
        if map.iter().any(|(key, _)| !is_valid_key(key)) {
            errors.push(violation(
                &java_map(map),
                &at,
                &format!(
                    "Map keys must satisfy constraint: [Member must have length less than or equal to {MAX_KEY_LENGTH}, \
                     Member must have length greater than or equal to 1, \
                     Member must satisfy regular expression pattern: {KEY_PATTERN}]"
                ),
            ));
        }
        if map.iter().any(|(_, path)| java_length(path) > MAX_PATH_LENGTH) {
            errors.push(violation(
                &java_map(map),
                &at,
                &format!("Map values must satisfy constraint: [Member must have length less than or equal to {MAX_PATH_LENGTH}]"),
            ));
        }
        let length = java_length(&spec.input_template);
        let at = format!("{member}.inputTransformer.inputTemplate");
        if length == 0 {
            errors.push(violation("", &at, "Member must have length greater than or equal to 1"));
        } else if length > MAX_TEMPLATE_LENGTH {
            errors.push(violation(
                &spec.input_template,
                &at,
                &format!("Member must have length less than or equal to {MAX_TEMPLATE_LENGTH}"),
            ));
        }
    }
    match errors.len() {
        0 => None,
        1 => Some(format!("1 validation error detected: {}", errors[0])),
        n => Some(format!("{n} validation errors detected: {}", errors.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(keys: &[&str], template: &str) -> InputTransformerSpec {
        InputTransformerSpec {
            input_paths_map: keys.iter().map(|k| (k.to_string(), "$.detail".to_string())).collect(),
            input_template: template.into(),
        }
    }

    #[test]
    fn accepts_what_the_model_allows() {
        let keys = ["a", "A-b_9", &"k".repeat(256)];
        assert_eq!(model_errors(1, Some("{}"), None, Some(&spec(&keys, "<a>"))), None);
        assert_eq!(model_errors(1, Some(&"1".repeat(8192)), Some(&"$".repeat(256)), None), None);
    }

    #[test]
    fn rejects_keys_outside_the_pattern_such_as_aws_prefixed_ones() {
        for key in ["AWS.x", "aws.events.rule-arn", "has space", "", &"k".repeat(257), "é"] {
            let message = model_errors(2, None, None, Some(&spec(&[key], "\"x\""))).expect("rejected");
            assert_eq!(
                message,
                format!(
                    "1 validation error detected: Value '{{{key}=$.detail}}' at 'targets.2.member.inputTransformer.inputPathsMap' \
                     failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or \
                     equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular \
                     expression pattern: [A-Za-z0-9\\_\\-]+]"
                )
            );
        }
    }

    #[test]
    fn rejects_more_than_100_paths() {
        let keys: Vec<String> = (0..101).map(|i| format!("k{i}")).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let message = model_errors(1, None, None, Some(&spec(&keys, "\"x\""))).expect("rejected");
        assert!(message.starts_with("1 validation error detected: Value '{k0=$.detail, k1=$.detail,"), "{message}");
        assert!(message.ends_with("failed to satisfy constraint: Member must have length less than or equal to 100"));
        assert!(model_errors(1, None, None, Some(&spec(&keys[..100], "\"x\""))).is_none());
    }

    #[test]
    fn rejects_long_values_and_empty_or_long_templates() {
        let long_path = InputTransformerSpec {
            input_paths_map: vec![("k".into(), format!("$.{}", "a".repeat(255)))],
            input_template: "\"<k>\"".into(),
        };
        let message = model_errors(1, None, None, Some(&long_path)).expect("rejected");
        assert!(
            message
                .ends_with("Map values must satisfy constraint: [Member must have length less than or equal to 256]")
        );
        assert_eq!(
            model_errors(1, None, None, Some(&spec(&[], ""))),
            Some(
                "1 validation error detected: Value '' at 'targets.1.member.inputTransformer.inputTemplate' failed to \
                 satisfy constraint: Member must have length greater than or equal to 1"
                    .into()
            )
        );
        assert!(model_errors(1, None, None, Some(&spec(&[], &"x".repeat(8193)))).is_some());
    }

    #[test]
    fn counts_and_joins_several_violations() {
        let message = model_errors(3, Some(&"1".repeat(8193)), Some(&"$".repeat(257)), None).expect("rejected");
        assert!(message.starts_with("2 validation errors detected: Value '111"), "{message}");
        assert!(message.contains(
            "at 'targets.3.member.input' failed to satisfy constraint: Member must have length less than or equal to \
             8192; Value '$$$"
        ));
        assert!(message.ends_with(
            "at 'targets.3.member.inputPath' failed to satisfy constraint: Member must have length less than or equal to 256"
        ));
    }
}
