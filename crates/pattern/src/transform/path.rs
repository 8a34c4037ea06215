//! JSONPath, in the subset EventBridge documents for `InputPath` and
//! `InputPathsMap`.
//!
//! The user guide ("Amazon EventBridge input transformation") lists what it
//! supports: dot notation (`$.detail`), dashes, underscores, alphanumeric
//! characters, array indices (`$.resources[0]`), wildcards (`*`) and forward
//! slashes; the API reference adds "You must use JSON dot notation, not
//! bracket notation", so `$['detail']` is outside the subset, as are deep scan
//! (`..`), filters, slices and unions.
//!
//! EventBridge does not reject a path outside the subset when the target is
//! put (the user guide: "There is no validation when creating JSON path for
//! your template"; `$.` is accepted, per aws/aws-cdk#31851), so
//! [`JsonPath::parse`] never fails: a path it cannot read selects nothing,
//! and [`JsonPath::is_supported`] tells a caller that wants to warn about it.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// `.name`
    Key(String),
    /// `[3]`
    Index(usize),
    /// `.*` or `[*]`: every member of an object or element of an array.
    Wildcard,
}

/// A JSONPath from a target's `InputPath` or `InputPathsMap`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    /// `None` when the path is outside the supported subset.
    steps: Option<Vec<Step>>,
}

impl JsonPath {
    /// Reads a path. Never fails: see the module documentation.
    pub fn parse(text: &str) -> Self {
        Self { text: text.to_owned(), steps: parse_steps(text) }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the path is in the subset EventBridge documents; a path that
    /// is not selects nothing.
    pub fn is_supported(&self) -> bool {
        self.steps.is_some()
    }

    /// Whether the path selects at most one value (it has no wildcard).
    pub fn is_definite(&self) -> bool {
        self.steps.as_ref().is_some_and(|steps| !steps.contains(&Step::Wildcard))
    }

    /// What the path selects in `event`: the value for a definite path
    /// (`None` when it is absent), and for a path with a wildcard the array
    /// of every value it reaches, in document order (possibly empty, as
    /// Jayway JsonPath, the library behind EventBridge's paths, answers).
    pub fn select<'a>(&self, event: &'a Value) -> Option<Cow<'a, Value>> {
        let steps = self.steps.as_ref()?;
        let mut nodes = vec![event];
        for step in steps {
            let mut next = Vec::new();
            for node in nodes {
                match (step, node) {
                    (Step::Key(key), Value::Object(map)) => next.extend(map.get(key)),
                    (Step::Index(index), Value::Array(items)) => next.extend(items.get(*index)),
                    (Step::Wildcard, Value::Object(map)) => next.extend(map.values()),
                    (Step::Wildcard, Value::Array(items)) => next.extend(items.iter()),
                    _ => {}
                }
            }
            nodes = next;
        }
        if self.is_definite() {
            nodes.first().map(|node| Cow::Borrowed(*node))
        } else {
            Some(Cow::Owned(Value::Array(nodes.into_iter().cloned().collect())))
        }
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether `c` may appear in a key written in dot notation.
fn is_key_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '.' | '[' | ']' | '*' | '\'' | '"' | '(' | ')' | '?' | '@' | ',' | ':')
}

fn parse_steps(text: &str) -> Option<Vec<Step>> {
    let mut rest = text.strip_prefix('$')?;
    let mut steps = Vec::new();
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix(".*") {
            steps.push(Step::Wildcard);
            rest = after;
        } else if c == '.' {
            let after = &rest[1..];
            let end = after.find(|c: char| !is_key_char(c)).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            steps.push(Step::Key(after[..end].to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[*]") {
            steps.push(Step::Wildcard);
            rest = after;
        } else if c == '[' {
            let end = rest.find(']')?;
            let digits = &rest[1..end];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            steps.push(Step::Index(digits.parse().ok()?));
            rest = &rest[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event() -> Value {
        json!({
            "detail-type": "Order Placed",
            "resources": ["arn:one", "arn:two"],
            "detail": {
                "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"},
                "items": [{"sku": "a", "qty": 1}, {"sku": "b"}, {"qty": 3}],
                "a/b": "slash",
                "n": null
            }
        })
    }

    fn select(path: &str) -> Option<Value> {
        JsonPath::parse(path).select(&event()).map(Cow::into_owned)
    }

    #[test]
    fn dot_notation_and_indices() {
        assert_eq!(select("$"), Some(event()));
        assert_eq!(select("$.detail-type"), Some(json!("Order Placed")));
        assert_eq!(select("$.detail.payload.sf_id"), Some(json!("baz")));
        assert_eq!(select("$.resources[1]"), Some(json!("arn:two")));
        assert_eq!(select("$.detail.items[0].sku"), Some(json!("a")));
        assert_eq!(select("$.detail.a/b"), Some(json!("slash")));
        assert_eq!(select("$.detail.n"), Some(Value::Null));
    }

    #[test]
    fn absent_values_select_nothing() {
        assert_eq!(select("$.detail.notinmessage"), None);
        assert_eq!(select("$.resources[5]"), None);
        assert_eq!(select("$.detail-type.deeper"), None);
        assert_eq!(select("$.detail.payload[0]"), None);
    }

    #[test]
    fn wildcards_select_an_array() {
        assert_eq!(select("$.detail.items[*].sku"), Some(json!(["a", "b"])));
        assert_eq!(select("$.detail.payload.*"), Some(json!(["0a787ecb-4015", "baz"])));
        assert_eq!(select("$.detail.missing[*]"), Some(json!([])));
        assert!(!JsonPath::parse("$.a[*]").is_definite());
        assert!(JsonPath::parse("$.a[0]").is_definite());
    }

    #[test]
    fn paths_outside_the_subset_select_nothing() {
        for path in ["", "detail", "$.", "$..detail", "$['detail']", "$.a[-1]", "$.a[0:2]", "$.a[?(@.b)]", "$.a b"] {
            let parsed = JsonPath::parse(path);
            assert!(!parsed.is_supported(), "{path}");
            assert_eq!(parsed.select(&event()), None, "{path}");
            assert_eq!(parsed.as_str(), path);
        }
    }
}
