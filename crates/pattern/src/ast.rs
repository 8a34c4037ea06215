//! A parsed event pattern, and how each kind of condition tests one value.

use serde_json::Value;

use crate::cidr::Cidr;
use crate::error::PatternError;
use crate::value::{Leaf, Scalar, folded_ends_with, folded_eq, folded_starts_with};
use crate::wildcard::Wildcard;

/// A parsed and validated event pattern.
///
/// ```
/// use choreoscope_pattern::Pattern;
///
/// let pattern = Pattern::parse(r#"{"source": ["shop"], "detail": {"total": [{"numeric": [">", 10]}]}}"#)?;
/// assert!(pattern.matches(&serde_json::json!({"source": "shop", "detail": {"total": 12}})));
/// assert!(!pattern.matches(&serde_json::json!({"source": "shop", "detail": {"total": "12"}})));
///
/// let error = Pattern::parse(r#"{"source": "shop"}"#).unwrap_err();
/// assert_eq!(error.to_string(), r#"Event pattern is not valid. Reason: "source" must be an object or an array"#);
/// # Ok::<(), choreoscope_pattern::PatternError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub(crate) root: ObjectPattern,
}

impl Pattern {
    /// Parses and validates a pattern given as JSON text.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        crate::parse::parse_text(text)
    }

    /// Parses and validates a pattern given as a JSON value.
    pub fn from_value(value: &Value) -> Result<Self, PatternError> {
        crate::parse::parse_value(value)
    }

    /// Whether one event matches. To test many rules against many events,
    /// put them in a [`Matcher`](crate::Matcher).
    pub fn matches(&self, event: &Value) -> bool {
        let mut matcher = crate::Matcher::new();
        matcher.add_rule((), self.clone());
        !matcher.matching_rules(event).is_empty()
    }

    /// The pattern as alternatives (`$or` expanded): each is a list of field
    /// tests that must all pass.
    pub(crate) fn conjunctions(&self) -> Vec<Vec<FieldTest>> {
        let mut alternatives = vec![Vec::new()];
        self.root.expand("", &mut alternatives);
        alternatives
    }
}

/// An object level of a pattern: its fields, and its `$or` groups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectPattern {
    pub(crate) fields: Vec<(String, FieldPattern)>,
    /// Each group is an `$or`: one of its objects must match.
    pub(crate) ors: Vec<Vec<ObjectPattern>>,
}

/// What a field of a pattern holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldPattern {
    /// A nested object.
    Object(ObjectPattern),
    /// A list of conditions, one of which must hold.
    Leaf(Vec<Condition>),
}

/// One test of the values at one path: one of its conditions must hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldTest {
    /// Dotted path of the field (`detail.state`).
    pub(crate) path: String,
    /// The conditions; one must hold.
    pub(crate) conditions: Vec<Condition>,
}

impl FieldTest {
    /// Whether the field also passes when the event has no value at its path.
    pub(crate) fn absence_passes(&self) -> bool {
        self.conditions.contains(&Condition::Exists(false))
    }
}

impl ObjectPattern {
    fn expand(&self, prefix: &str, alternatives: &mut Vec<Vec<FieldTest>>) {
        for (name, field) in &self.fields {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            match field {
                FieldPattern::Leaf(conditions) => {
                    for alternative in alternatives.iter_mut() {
                        alternative.push(FieldTest { path: path.clone(), conditions: conditions.clone() });
                    }
                }
                FieldPattern::Object(object) => object.expand(&path, alternatives),
            }
        }
        for group in &self.ors {
            let mut expanded = Vec::new();
            for branch in group {
                let mut branch_alternatives = alternatives.clone();
                branch.expand(prefix, &mut branch_alternatives);
                expanded.extend(branch_alternatives);
            }
            *alternatives = expanded;
        }
    }

    /// How many alternatives the pattern expands into, without expanding it.
    pub(crate) fn combinations(&self) -> usize {
        let nested: usize = self
            .fields
            .iter()
            .map(|(_, field)| match field {
                FieldPattern::Object(object) => object.combinations(),
                FieldPattern::Leaf(_) => 1,
            })
            .fold(1, usize::saturating_mul);
        self.ors.iter().fold(nested, |count, group| {
            count.saturating_mul(group.iter().map(ObjectPattern::combinations).fold(0, usize::saturating_add))
        })
    }
}

/// An inclusive or exclusive numeric bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bound {
    pub(crate) value: f64,
    pub(crate) inclusive: bool,
}

/// A numeric range; a missing bound is open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    pub(crate) lower: Option<Bound>,
    pub(crate) upper: Option<Bound>,
}

impl Range {
    pub(crate) fn contains(&self, x: f64) -> bool {
        let above = self.lower.is_none_or(|b| if b.inclusive { x >= b.value } else { x > b.value });
        let below = self.upper.is_none_or(|b| if b.inclusive { x <= b.value } else { x < b.value });
        above && below
    }
}

/// What `anything-but` excludes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AnythingBut {
    /// Values (all strings or all numbers).
    Values(Vec<Scalar>),
    /// Strings starting with one of these.
    Prefixes(Vec<String>),
    /// Strings ending with one of these.
    Suffixes(Vec<String>),
    /// Strings equal to one of these, ignoring case (stored folded).
    IgnoreCase(Vec<String>),
    /// Strings matching one of these wildcards.
    Wildcards(Vec<Wildcard>),
}

/// One condition on the values at a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    /// Equal to a value (numbers compare as numbers).
    Exact(Scalar),
    /// A string starting with this.
    Prefix(String),
    /// A string starting with this, ignoring case (stored folded).
    PrefixIgnoreCase(String),
    /// A string ending with this.
    Suffix(String),
    /// A string ending with this, ignoring case (stored folded).
    SuffixIgnoreCase(String),
    /// A string equal to this, ignoring case (stored folded).
    EqualsIgnoreCase(String),
    /// A string matching a wildcard.
    Wildcard(Wildcard),
    /// Any value but these.
    AnythingBut(AnythingBut),
    /// A number in a range.
    Numeric(Range),
    /// A value present (`true`) or none (`false`).
    Exists(bool),
    /// An IP address in a network.
    Cidr(Cidr),
}

impl Condition {
    /// Whether one leaf value of an event passes. `Exists(false)` never
    /// passes on a value: it passes on absence, which the matcher checks.
    pub(crate) fn passes(&self, leaf: &Leaf<'_>) -> bool {
        let text = leaf.as_str();
        match self {
            Self::Exact(scalar) => scalar.equals(leaf),
            Self::Prefix(prefix) => text.is_some_and(|t| t.starts_with(prefix.as_str())),
            Self::Suffix(suffix) => text.is_some_and(|t| t.ends_with(suffix.as_str())),
            Self::PrefixIgnoreCase(prefix) => text.is_some_and(|t| folded_starts_with(t, prefix)),
            Self::SuffixIgnoreCase(suffix) => text.is_some_and(|t| folded_ends_with(t, suffix)),
            Self::EqualsIgnoreCase(folded) => text.is_some_and(|t| folded_eq(t, folded)),
            Self::Wildcard(wildcard) => text.is_some_and(|t| wildcard.matches(t)),
            Self::Numeric(range) => matches!(leaf, Leaf::Num(x) if range.contains(*x)),
            Self::Exists(present) => *present,
            Self::Cidr(cidr) => text.is_some_and(|t| cidr.contains(t)),
            // A value the exclusion cannot apply to (null, or a number for a
            // string exclusion) is not excluded, so it passes.
            Self::AnythingBut(excluded) => match excluded {
                AnythingBut::Values(values) => !values.iter().any(|v| v.equals(leaf)),
                AnythingBut::Prefixes(prefixes) => {
                    !text.is_some_and(|t| prefixes.iter().any(|p| t.starts_with(p.as_str())))
                }
                AnythingBut::Suffixes(suffixes) => {
                    !text.is_some_and(|t| suffixes.iter().any(|s| t.ends_with(s.as_str())))
                }
                AnythingBut::IgnoreCase(values) => !text.is_some_and(|t| values.iter().any(|v| folded_eq(t, v))),
                AnythingBut::Wildcards(wildcards) => !text.is_some_and(|t| wildcards.iter().any(|w| w.matches(t))),
            },
        }
    }
}
