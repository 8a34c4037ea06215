//! Alternatives laid out for checking, once their anchor field got a hit.
//!
//! With thousands of rules the alternative a hit points to is rarely
//! cached, and every pointer followed on the way to its conditions costs a
//! trip to memory. So each alternative is one run of a single list: its
//! rule, then each field followed by its conditions. The hit carries where
//! the run starts, and checking reads that run and little else.

use std::ops::Range;

use crate::ast::{AnythingBut, Condition};
use crate::event::{Flattened, PathId};
use crate::scratch::{ByPath, Check, Choice, Hit};
use crate::value::{Leaf, Scalar, folded_eq};

/// One field of an alternative: it passes when one of its conditions holds
/// for a value at its path (or, with `absence_passes`, when there is none).
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) path: PathId,
    pub(crate) conditions: Vec<Condition>,
    /// The field also passes when the event has no value at the path.
    pub(crate) absence_passes: bool,
}

/// An item of the list.
#[derive(Debug, Clone)]
enum Item {
    /// Starts an alternative's run: its rule slot.
    Rule(u32),
    /// A field, followed by its `conditions` conditions.
    Field {
        path: PathId,
        absence_passes: bool,
        conditions: u32,
    },
    /// A condition on strings whose text is held here (see [`InlineText`]).
    Text(InlineText),
    Condition(Condition),
}

impl Item {
    /// Whether a condition item holds for a leaf value.
    #[inline]
    fn passes(&self, leaf: &Leaf<'_>) -> bool {
        match self {
            Self::Text(text) => text.passes(leaf),
            Self::Condition(condition) => condition.passes(leaf),
            Self::Rule(_) | Self::Field { .. } => false,
        }
    }
}

/// The commonest conditions of checked fields, an exact string and
/// `anything-but` one string, prefix, suffix or string in any case, with a
/// text of at most [`INLINE`] bytes held in the item itself. A [`Condition`]
/// holds its text elsewhere on the heap, and with thousands of rules, reading
/// it was one more trip to memory on every check.
#[derive(Debug, Clone, Copy)]
struct InlineText {
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

/// Where an alternative's run is; runs never overlap, so the start also
/// tells alternatives apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Run {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Run {
    fn items(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// Every alternative's run, one after another.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checks {
    items: Vec<Item>,
}

impl Checks {
    /// Adds the run of an alternative of rule slot `rule`.
    pub(crate) fn push(&mut self, rule: usize, fields: &[Field]) -> Run {
        let start = self.items.len();
        self.items.push(Item::Rule(rule as u32));
        for field in fields {
            self.items.push(Item::Field {
                path: field.path,
                absence_passes: field.absence_passes,
                conditions: field.conditions.len() as u32,
            });
            self.items.extend(field.conditions.iter().map(|condition| match InlineText::of(condition) {
                Some(text) => Item::Text(text),
                None => Item::Condition(condition.clone()),
            }));
        }
        Run { start: start as u32, len: (self.items.len() - start) as u32 }
    }

    /// The rule slot of an alternative, if it passes: each field has a
    /// matching value (or, with `exists: false`, none at all), drawn
    /// consistently from arrays. `anchor` is the anchor field's index and its
    /// hits, from the index. A removed rule's alternatives may pass: the
    /// caller leaves them out.
    pub(crate) fn passes(
        &self,
        run: Run,
        mut anchor: Option<(usize, &[Hit])>,
        by_path: &ByPath,
        event: &Flattened<'_>,
        check: &mut Check,
    ) -> Option<usize> {
        let items = &self.items[run.items()];
        let Some((Item::Rule(rule), mut rest)) = items.split_first() else {
            unreachable!("a run starts with its rule")
        };
        let Check { leaves, choices, chosen, absent } = check;
        leaves.clear();
        choices.clear();
        let mut index = 0;
        while let Some((Item::Field { path, absence_passes, conditions }, after)) = rest.split_first() {
            let (conditions, after) = after.split_at(*conditions as usize);
            rest = after;
            let at_path = by_path.get(*path);
            let start = leaves.len();
            match anchor.take_if(|(field, _)| *field == index) {
                Some((_, hits)) => leaves.extend(hits.iter().map(|hit| hit.leaf)),
                None => leaves.extend(at_path.iter().copied().filter(|&leaf| {
                    let value = &event.leaves[leaf as usize].value;
                    conditions.iter().any(|item| item.passes(value))
                })),
            }
            index += 1;
            let found = start..leaves.len();
            if found.is_empty() && !absence_passes {
                return None;
            }
            // A field nothing in the event has passes on absence outright.
            if !found.is_empty() || !at_path.is_empty() {
                choices.push(Choice { leaves: found, absence: absence_passes.then_some(*path) });
            }
        }
        let passes = if event.has_arrays() {
            chosen.clear();
            absent.clear();
            consistent(choices, leaves, chosen, absent, event)
        } else {
            // Without arrays every leaf is compatible with every other, so a
            // field that has values cannot pass on absence.
            choices.iter().all(|choice| !choice.leaves.is_empty())
        };
        passes.then_some(*rule as usize)
    }
}

/// Whether one option per field can be chosen such that no two chosen
/// leaves sit in different elements of the same array, and no path chosen as
/// absent has a leaf in the elements the chosen leaves sit in.
fn consistent(
    choices: &[Choice],
    leaves: &[u32],
    chosen: &mut Vec<usize>,
    absent: &mut Vec<PathId>,
    event: &Flattened<'_>,
) -> bool {
    let Some((first, rest)) = choices.split_first() else {
        return absent
            .iter()
            .all(|&path| event.at_path(path).all(|leaf| chosen.iter().any(|&other| !event.compatible(other, leaf))));
    };
    for &leaf in &leaves[first.leaves.clone()] {
        let leaf = leaf as usize;
        if chosen.iter().all(|&other| event.compatible(other, leaf)) {
            chosen.push(leaf);
            if consistent(rest, leaves, chosen, absent, event) {
                return true;
            }
            chosen.pop();
        }
    }
    if let Some(path) = first.absence {
        absent.push(path);
        if consistent(rest, leaves, chosen, absent, event) {
            return true;
        }
        absent.pop();
    }
    false
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
