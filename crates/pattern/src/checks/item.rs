//! The items of the checks list, kept small: with thousands of rules a run
//! of items is rarely cached, and each cache line it spans, or pointer it
//! holds, is one more trip to memory on a check.

use crate::ast::{AnythingBut, Bound, Condition, Range};
use crate::event::PathId;
use crate::value::{Leaf, Scalar, folded_eq};

/// An item of the list: 24 bytes, so that the run of an alternative with
/// two fields spans two cache lines rather than four.
#[derive(Debug, Clone)]
pub(super) enum Item {
    /// Starts an alternative's run: its rule slot.
    Rule(u32),
    /// A field, followed by its `conditions` conditions.
    Field { path: PathId, absence_passes: bool, conditions: u32 },
    /// A condition on strings whose text is held here (see [`InlineText`]).
    Text(InlineText),
    /// A numeric range, `bounds` saying which bounds there are and which
    /// are inclusive (see [`InlineRange`]). Fields of the variant rather
    /// than an `InlineRange`, so that the tag shares `bounds`' word and the
    /// item stays 24 bytes.
    Numeric { lower: f64, upper: f64, bounds: u8 },
    /// Any other condition, out of line: they are rarer, and larger.
    Condition(Box<Condition>),
}

const _: () = assert!(std::mem::size_of::<Item>() <= 24);

impl Item {
    /// The item of a condition.
    pub(super) fn condition(condition: &Condition) -> Self {
        if let Condition::Numeric(range) = condition {
            return InlineRange::of(range).item();
        }
        match InlineText::of(condition) {
            Some(text) => Self::Text(text),
            None => Self::Condition(Box::new(condition.clone())),
        }
    }

    /// Whether a condition item holds for a leaf value.
    #[inline]
    pub(super) fn passes(&self, leaf: &Leaf<'_>) -> bool {
        match self {
            Self::Text(text) => text.passes(leaf),
            &Self::Numeric { lower, upper, bounds } => {
                matches!(leaf, Leaf::Num(x) if (InlineRange { lower, upper, bounds }).contains(*x))
            }
            Self::Condition(condition) => condition.passes(leaf),
            Self::Rule(_) | Self::Field { .. } => false,
        }
    }
}

/// A numeric range in 17 bytes instead of 32: its bounds' values and four
/// flags.
#[derive(Debug, Clone, Copy)]
struct InlineRange {
    lower: f64,
    upper: f64,
    bounds: u8,
}

const HAS_LOWER: u8 = 1;
const LOWER_INCLUSIVE: u8 = 2;
const HAS_UPPER: u8 = 4;
const UPPER_INCLUSIVE: u8 = 8;

impl InlineRange {
    fn of(range: &Range) -> Self {
        let flag = |on: bool, flag: u8| if on { flag } else { 0 };
        let bounds = range.lower.map_or(0, |b| HAS_LOWER | flag(b.inclusive, LOWER_INCLUSIVE))
            | range.upper.map_or(0, |b| HAS_UPPER | flag(b.inclusive, UPPER_INCLUSIVE));
        let (lower, upper) = (range.lower.map_or(0.0, |b| b.value), range.upper.map_or(0.0, |b| b.value));
        Self { lower, upper, bounds }
    }

    fn item(self) -> Item {
        Item::Numeric { lower: self.lower, upper: self.upper, bounds: self.bounds }
    }

    /// The range it packs.
    fn range(self) -> Range {
        let bound = |has: u8, inclusive: u8, value: f64| {
            (self.bounds & has != 0).then_some(Bound { value, inclusive: self.bounds & inclusive != 0 })
        };
        Range {
            lower: bound(HAS_LOWER, LOWER_INCLUSIVE, self.lower),
            upper: bound(HAS_UPPER, UPPER_INCLUSIVE, self.upper),
        }
    }

    #[inline]
    fn contains(self, x: f64) -> bool {
        self.range().contains(x)
    }
}

/// The commonest conditions of checked fields, an exact string and
/// `anything-but` one string, prefix, suffix or string in any case, with a
/// text of at most [`INLINE`] bytes held in the item itself. A [`Condition`]
/// holds its text elsewhere on the heap, and with thousands of rules, reading
/// it was one more trip to memory on every check.
#[derive(Debug, Clone, Copy)]
pub(super) struct InlineText {
    test: TextTest,
    len: u8,
    bytes: [u8; INLINE],
}

/// The most bytes an [`InlineText`] holds.
const INLINE: usize = 16;

/// What an [`InlineText`] tests: a value of another type passes every
/// `anything-but` and no `Equals`, as the [`Condition`] it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextTest {
    Equals,
    AnythingBut,
    AnythingButPrefix,
    AnythingButSuffix,
    /// The text is stored lower-cased, as the condition's.
    AnythingButIgnoreCase,
}

impl InlineText {
    /// The inline form of a condition, if it has one.
    fn of(condition: &Condition) -> Option<Self> {
        let single = |texts: &[String]| match texts {
            [text] => Some(text.clone()),
            _ => None,
        };
        let (test, text) = match condition {
            Condition::Exact(Scalar::Str(text)) => (TextTest::Equals, text.clone()),
            Condition::AnythingBut(AnythingBut::Values(values)) => match values.as_slice() {
                [Scalar::Str(text)] => (TextTest::AnythingBut, text.clone()),
                _ => return None,
            },
            Condition::AnythingBut(AnythingBut::Prefixes(texts)) => (TextTest::AnythingButPrefix, single(texts)?),
            Condition::AnythingBut(AnythingBut::Suffixes(texts)) => (TextTest::AnythingButSuffix, single(texts)?),
            Condition::AnythingBut(AnythingBut::IgnoreCase(texts)) => (TextTest::AnythingButIgnoreCase, single(texts)?),
            _ => return None,
        };
        let mut bytes = [0; INLINE];
        bytes.get_mut(..text.len())?.copy_from_slice(text.as_bytes());
        Some(Self { test, len: text.len() as u8, bytes })
    }

    fn text(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    #[inline]
    fn passes(&self, leaf: &Leaf<'_>) -> bool {
        let Some(value) = leaf.as_str() else {
            return self.test != TextTest::Equals;
        };
        let text = self.text();
        match self.test {
            TextTest::Equals => value.as_bytes() == text,
            TextTest::AnythingBut => value.as_bytes() != text,
            TextTest::AnythingButPrefix => !value.as_bytes().starts_with(text),
            TextTest::AnythingButSuffix => !value.as_bytes().ends_with(text),
            // The text came from a `String`, so it is UTF-8.
            TextTest::AnythingButIgnoreCase => !std::str::from_utf8(text).is_ok_and(|text| folded_eq(value, text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Pattern;
    use std::borrow::Cow;

    /// The conditions of a pattern's fields.
    fn conditions(pattern: &str) -> Vec<Condition> {
        let pattern = Pattern::parse(pattern).expect("a valid pattern");
        pattern.conjunctions().into_iter().flatten().flat_map(|field| field.conditions).collect()
    }

    #[test]
    fn inline_texts_pass_exactly_the_values_their_conditions_pass() {
        let patterns = [
            r#"{"a": ["MASON"]}"#,
            r#"{"a": [""]}"#,
            r#"{"a": ["sixteen bytes ok"]}"#,
            r#"{"a": ["é-accented"]}"#,
            r#"{"a": [{"anything-but": "MASON"}]}"#,
            r#"{"a": [{"anything-but": ["MASON"]}]}"#,
            r#"{"a": [{"anything-but": {"prefix": "MAS"}}]}"#,
            r#"{"a": [{"anything-but": {"suffix": "SON"}}]}"#,
            r#"{"a": [{"anything-but": {"equals-ignore-case": "MaSoN"}}]}"#,
            r#"{"a": [{"anything-but": {"equals-ignore-case": "ÉCOLE"}}]}"#,
        ];
        let leaves = [
            Leaf::Str(Cow::Borrowed("MASON")),
            Leaf::Str(Cow::Borrowed("mason")),
            Leaf::Str(Cow::Borrowed("MASONIC")),
            Leaf::Str(Cow::Borrowed("JACKSON")),
            Leaf::Str(Cow::Borrowed("")),
            Leaf::Str(Cow::Borrowed("sixteen bytes ok")),
            Leaf::Str(Cow::Borrowed("é-accented")),
            Leaf::Str(Cow::Borrowed("école")),
            Leaf::Str(Cow::Borrowed("ÉCOLE")),
            Leaf::Num(5.0),
            Leaf::Bool(true),
            Leaf::Null,
        ];
        for pattern in patterns {
            for condition in conditions(pattern) {
                let text = InlineText::of(&condition).unwrap_or_else(|| panic!("{pattern} is held inline"));
                for leaf in &leaves {
                    assert_eq!(text.passes(leaf), condition.passes(leaf), "{pattern} on {leaf:?}");
                }
            }
        }
    }

    #[test]
    fn numeric_items_pass_exactly_the_numbers_their_ranges_pass() {
        let patterns = [
            r#"{"a": [{"numeric": ["=", 5]}]}"#,
            r#"{"a": [{"numeric": ["<", 5]}]}"#,
            r#"{"a": [{"numeric": ["<=", 5]}]}"#,
            r#"{"a": [{"numeric": [">", -5.5]}]}"#,
            r#"{"a": [{"numeric": [">=", -5.5]}]}"#,
            r#"{"a": [{"numeric": [">", 0, "<=", 5]}]}"#,
            r#"{"a": [{"numeric": [">=", 0, "<", 5]}]}"#,
            r#"{"a": [{"numeric": [">", -1e300, "<", 1e300]}]}"#,
        ];
        let leaves = [-1e301, -5.5, -5.0, -0.0, 0.0, 0.5, 5.0, 5.000001, 1e300, f64::INFINITY, f64::NEG_INFINITY]
            .map(Leaf::Num)
            .into_iter()
            .chain([Leaf::Str(Cow::Borrowed("5")), Leaf::Null, Leaf::Bool(true)]);
        let leaves: Vec<Leaf<'_>> = leaves.collect();
        for pattern in patterns {
            for condition in conditions(pattern) {
                let item = Item::condition(&condition);
                assert!(matches!(item, Item::Numeric { .. }), "{pattern}");
                for leaf in &leaves {
                    assert_eq!(item.passes(leaf), condition.passes(leaf), "{pattern} on {leaf:?}");
                }
            }
        }
    }

    #[test]
    fn long_texts_lists_and_other_conditions_stay_conditions() {
        for pattern in [
            r#"{"a": ["seventeen bytes !"]}"#,
            r#"{"a": [{"anything-but": ["MASON", "HYDE"]}]}"#,
            r#"{"a": [{"anything-but": {"prefix": ["A", "B"]}}]}"#,
            r#"{"a": [{"anything-but": [5]}]}"#,
            r#"{"a": [{"wildcard": "M*N"}]}"#,
            r#"{"a": [{"prefix": "MAS"}]}"#,
            r#"{"a": [5]}"#,
        ] {
            for condition in conditions(pattern) {
                assert!(InlineText::of(&condition).is_none(), "{pattern}");
            }
        }
    }
}
