//! The index of one tested path: which anchor conditions a leaf value at
//! the path satisfies, found without trying the conditions one by one.

use rustc_hash::FxHashMap as HashMap;

use crate::affixes::Affixes;
use crate::ast::{Condition, Range};
use crate::checks::Run;
use crate::numeric_index::NumericIndex;
use crate::text_map::{Refs, TextMap, push_ref};
use crate::value::{Leaf, Scalar, fold_case_into, number_key};
use crate::wildcard::Wildcard;

/// What a hit on the anchor field test of an alternative leads to, known
/// without reading the alternative (with many rules it is rarely cached):
/// the rule, when the anchor is the alternative's only field, or else the
/// alternative's run of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TestRef {
    /// The rule slot when `len` is 0, else where the run starts.
    id: u32,
    /// The run's length, or 0 when a hit is a match.
    len: u32,
    /// The anchor field's index in the alternative.
    field: u32,
}

/// What a [`TestRef`] says.
pub(crate) enum Anchor {
    /// The rule slot matched.
    Match(usize),
    /// The alternative's other fields need checking; the anchor is field `field`.
    Check { run: Run, field: u32 },
}

impl TestRef {
    /// The only field of an alternative of rule slot `rule`.
    pub(crate) fn matching(rule: usize) -> Self {
        Self { id: rule as u32, len: 0, field: 0 }
    }

    /// Field `field` of the alternative checked by `run`.
    pub(crate) fn checking(run: Run, field: usize) -> Self {
        Self { id: run.start, len: run.len, field: field as u32 }
    }

    #[inline]
    pub(crate) fn anchor(self) -> Anchor {
        match self.len {
            0 => Anchor::Match(self.id as usize),
            len => Anchor::Check { run: Run { start: self.id, len }, field: self.field },
        }
    }
}

/// Wildcards, found by the literal text they start with and then by the
/// text they end with (both are needed to match, and either alone is often a
/// single character); only those with stars at both ends are tried on every
/// value.
#[derive(Debug, Clone, Default)]
struct Wildcards {
    /// Leading text to a group of `groups`.
    by_leading: Affixes<u32>,
    groups: Vec<LeadingGroup>,
    /// Wildcards starting with a star, by their trailing text.
    by_trailing: Affixes<(Wildcard, TestRef)>,
    unanchored: Vec<(Wildcard, TestRef)>,
}

/// The wildcards with one leading text.
#[derive(Debug, Clone, Default)]
struct LeadingGroup {
    by_trailing: Affixes<(Wildcard, TestRef)>,
    /// Those ending with a star.
    open: Vec<(Wildcard, TestRef)>,
}

impl Wildcards {
    fn insert(&mut self, wildcard: &Wildcard, test: TestRef) {
        let entry = (wildcard.clone(), test);
        let (leading, trailing) = (wildcard.leading(), wildcard.trailing());
        if !leading.is_empty() {
            let groups = &mut self.groups;
            let group = *self.by_leading.first_or_insert_with(leading, || {
                groups.push(LeadingGroup::default());
                groups.len() as u32 - 1
            });
            let group = &mut groups[group as usize];
            if trailing.is_empty() {
                group.open.push(entry);
            } else {
                group.by_trailing.insert(trailing, entry);
            }
        } else if !trailing.is_empty() {
            self.by_trailing.insert(trailing, entry);
        } else {
            self.unanchored.push(entry);
        }
    }

    fn is_empty(&self) -> bool {
        self.by_leading.is_empty() && self.by_trailing.is_empty() && self.unanchored.is_empty()
    }

    /// The lookups and tries a value takes, at least.
    fn cost(&self) -> usize {
        self.by_leading.lengths() + self.by_trailing.lengths() + self.unanchored.len()
    }

    fn hits(&self, text: &str, hit: &mut impl FnMut(TestRef)) {
        let mut check = |(wildcard, test): &(Wildcard, TestRef)| {
            if wildcard.matches(text) {
                hit(*test);
            }
        };
        self.by_leading.prefixes_of(text, &mut |&group| {
            let group = &self.groups[group as usize];
            group.by_trailing.suffixes_of(text, &mut check);
            group.open.iter().for_each(&mut check);
        });
        self.by_trailing.suffixes_of(text, &mut check);
        self.unanchored.iter().for_each(check);
    }
}

/// The tests on one path.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathIndex {
    strings: TextMap<TestRef>,
    numbers: HashMap<u64, Refs<TestRef>>,
    trues: Vec<TestRef>,
    falses: Vec<TestRef>,
    nulls: Vec<TestRef>,
    folded: TextMap<TestRef>,
    prefixes: Affixes<TestRef>,
    suffixes: Affixes<TestRef>,
    folded_prefixes: Affixes<TestRef>,
    folded_suffixes: Affixes<TestRef>,
    wildcards: Wildcards,
    /// Numeric ranges while the index is built; `range_index` after.
    ranges: Vec<(Range, TestRef)>,
    range_index: Option<NumericIndex<TestRef>>,
    /// Whether no condition was added: the path is tested by rules, but
    /// never as an anchor.
    empty: bool,
    /// Whether a string takes enough lookups here to be worth remembering
    /// (see [`crate::memo`]).
    remembered: bool,
}

/// A string value taking at least this many lookups at a path is worth
/// remembering: one lookup then finds its hits.
const REMEMBERED_FROM: usize = 4;

impl PathIndex {
    /// Adds an anchor condition (only conditions with an index key are anchors).
    pub(crate) fn insert(&mut self, condition: &Condition, test: TestRef) {
        match condition {
            Condition::Exact(Scalar::Str(s)) => self.strings.insert(s.as_bytes(), test),
            Condition::Exact(Scalar::Num(n)) => push_ref(&mut self.numbers, number_key(*n), test),
            Condition::Exact(Scalar::Bool(true)) => self.trues.push(test),
            Condition::Exact(Scalar::Bool(false)) => self.falses.push(test),
            Condition::Exact(Scalar::Null) => self.nulls.push(test),
            Condition::EqualsIgnoreCase(folded) => self.folded.insert(folded.as_bytes(), test),
            Condition::Prefix(prefix) => self.prefixes.insert(prefix, test),
            Condition::Suffix(suffix) => self.suffixes.insert(suffix, test),
            Condition::PrefixIgnoreCase(prefix) => self.folded_prefixes.insert(prefix, test),
            Condition::SuffixIgnoreCase(suffix) => self.folded_suffixes.insert(suffix, test),
            Condition::Wildcard(wildcard) => self.wildcards.insert(wildcard, test),
            Condition::Numeric(range) => self.ranges.push((*range, test)),
            // Not selective: never an anchor, so never indexed (see `index_key`).
            Condition::AnythingBut(_) | Condition::Exists(_) | Condition::Cidr(_) => {}
        }
    }

    /// Builds the numeric range tree once every condition is in.
    pub(crate) fn finish(&mut self) {
        if !self.ranges.is_empty() {
            self.range_index = Some(NumericIndex::build(&std::mem::take(&mut self.ranges)));
        }
        self.empty = self.strings.is_empty()
            && self.numbers.is_empty()
            && self.trues.is_empty()
            && self.falses.is_empty()
            && self.nulls.is_empty()
            && !self.has_folded()
            && self.prefixes.is_empty()
            && self.suffixes.is_empty()
            && self.wildcards.is_empty()
            && self.range_index.is_none();
        let folded_lookups =
            if self.has_folded() { 1 + self.folded_prefixes.lengths() + self.folded_suffixes.lengths() } else { 0 };
        let lookups = 1 + self.prefixes.lengths() + self.suffixes.lengths() + self.wildcards.cost() + folded_lookups;
        self.remembered = lookups >= REMEMBERED_FROM;
    }

    /// Whether some test compares strings ignoring case (a value is then
    /// lower-cased and looked up again).
    #[inline]
    fn has_folded(&self) -> bool {
        !self.folded.is_empty() || !self.folded_prefixes.is_empty() || !self.folded_suffixes.is_empty()
    }

    /// Whether a string's hits here are worth remembering (known once finished).
    pub(crate) fn remembered(&self) -> bool {
        self.remembered
    }

    /// Whether no value can hit anything (known once finished).
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    /// Calls `hit` for every test one leaf value satisfies.
    /// `folded` is a buffer for the value lower-cased.
    pub(crate) fn hits(&self, leaf: &Leaf<'_>, folded: &mut String, hit: &mut impl FnMut(TestRef)) {
        let tests: &[TestRef] = match leaf {
            Leaf::Str(text) => {
                self.string_hits(text, folded, hit);
                &[]
            }
            Leaf::Num(n) => {
                if let Some(ranges) = &self.range_index {
                    ranges.stab(*n, hit);
                }
                // Hashing costs even a lookup in an empty map.
                if self.numbers.is_empty() {
                    return;
                }
                self.numbers.get(&number_key(*n)).map_or(&[], Refs::as_slice)
            }
            Leaf::Bool(true) => &self.trues,
            Leaf::Bool(false) => &self.falses,
            Leaf::Null => &self.nulls,
        };
        tests.iter().copied().for_each(&mut *hit);
    }

    /// Calls `hit` for every test a string value satisfies.
    pub(crate) fn string_hits(&self, text: &str, folded: &mut String, hit: &mut impl FnMut(TestRef)) {
        self.strings.get(text.as_bytes()).iter().copied().for_each(&mut *hit);
        self.prefixes.prefixes_of(text, &mut |t| hit(*t));
        self.suffixes.suffixes_of(text, &mut |t| hit(*t));
        self.wildcards.hits(text, hit);
        if self.has_folded() {
            fold_case_into(text, folded);
            self.folded.get(folded.as_bytes()).iter().copied().for_each(&mut *hit);
            self.folded_prefixes.prefixes_of(folded, &mut |t| hit(*t));
            self.folded_suffixes.suffixes_of(folded, &mut |t| hit(*t));
        }
    }
}
