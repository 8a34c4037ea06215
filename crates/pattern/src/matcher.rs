//! Many rules compiled into one index.
//!
//! Every rule is expanded into alternatives (one per `$or` branch), each a
//! list of field tests. Each alternative is indexed by one anchor field (see
//! [`Compiled`]); for each tested path the index holds hash maps from exact
//! values, folded values, prefixes and suffixes to the anchors they satisfy,
//! an index of numeric ranges, and wildcards keyed by the literal text they
//! start and end with (see [`PathIndex`]). An event is read only at tested
//! paths; each leaf looks up the anchors it satisfies, and only those
//! alternatives (and the few with no field fit to be an anchor) are checked,
//! by testing their other fields directly, so the cost per event follows the
//! event, not the number of rules. The per-event buffers live in a
//! per-thread [`scratch`] and are reused from event to event.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::ast::{Condition, Pattern};
use crate::checks::{Checks, Field, Run};
use crate::event::{Flattened, PathId, PathTrie};
use crate::memo::Recall;
use crate::path_index::{Anchor, PathIndex, TestRef};
use crate::scratch::{self, Hit, Scratch};
use crate::value::{Leaf, Scalar, number_key};

/// One alternative of a rule: all its fields must pass.
#[derive(Debug, Clone)]
struct Alternative {
    rule: usize,
    fields: Vec<Field>,
}

/// What an indexed condition is looked up by; conditions with the same key
/// on the same path are hit by the same values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IndexKey {
    Exact(Box<str>),
    Number(u64),
    Bool(bool),
    Null,
    Folded(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    FoldedPrefix(Box<str>),
    FoldedSuffix(Box<str>),
    Wildcard(Box<str>),
    Range,
}

/// The index key of a condition, or `None` for conditions that hold for
/// most values (anything-but, exists, cidr) and so cannot pick out the few
/// alternatives worth checking.
fn index_key(condition: &Condition) -> Option<IndexKey> {
    Some(match condition {
        Condition::Exact(Scalar::Str(s)) => IndexKey::Exact(s.as_str().into()),
        Condition::Exact(Scalar::Num(n)) => IndexKey::Number(number_key(*n)),
        Condition::Exact(Scalar::Bool(b)) => IndexKey::Bool(*b),
        Condition::Exact(Scalar::Null) => IndexKey::Null,
        Condition::EqualsIgnoreCase(f) => IndexKey::Folded(f.as_str().into()),
        Condition::Prefix(p) => IndexKey::Prefix(p.as_str().into()),
        Condition::Suffix(s) => IndexKey::Suffix(s.as_str().into()),
        Condition::PrefixIgnoreCase(p) => IndexKey::FoldedPrefix(p.as_str().into()),
        Condition::SuffixIgnoreCase(s) => IndexKey::FoldedSuffix(s.as_str().into()),
        Condition::Wildcard(w) => IndexKey::Wildcard(format!("{}*{}", w.leading(), w.trailing()).into()),
        Condition::Numeric(_) => IndexKey::Range,
        Condition::AnythingBut(_) | Condition::Exists(_) | Condition::Cidr(_) => return None,
    })
}

/// Up to this many matches of one event are told apart without the
/// bitset (see [`Matcher::ids`]).
const FEW_MATCHES: usize = 32;

/// Ranges on one path share one key but rarely hold the same values; count
/// them as this many times less shared than an exact value.
const RANGE_SPREAD: usize = 16;

/// The index built from the alternatives: each alternative is indexed by
/// one anchor field, the one whose keys the fewest alternatives share. An
/// alternative can only pass when its anchor field has a matching value, so
/// only alternatives whose anchor got a hit need checking.
#[derive(Debug, Clone, Default)]
struct Compiled {
    /// Tells this index from every other built in the process, for the
    /// per-thread memos of string hits (see [`crate::memo`]).
    id: u64,
    indexes: Vec<PathIndex>,
    /// The alternatives with more fields than their anchor, laid out for
    /// checking.
    checks: Checks,
    /// Alternatives with no field fit to be an anchor: checked for every event.
    unanchored: Vec<Run>,
}

impl Compiled {
    fn build(alternatives: &[Alternative], paths: usize) -> Self {
        let keys = |field: &Field| -> Option<Vec<(PathId, IndexKey)>> {
            if field.absence_passes {
                return None;
            }
            field.conditions.iter().map(|c| index_key(c).map(|key| (field.path, key))).collect()
        };
        let mut shared: HashMap<(PathId, IndexKey), usize> = HashMap::default();
        for alternative in alternatives {
            for field in &alternative.fields {
                for key in keys(field).into_iter().flatten() {
                    *shared.entry(key).or_default() += 1;
                }
            }
        }
        let cost = |key: &(PathId, IndexKey)| {
            let count = shared.get(key).copied().unwrap_or(1);
            if key.1 == IndexKey::Range { 1 + count / RANGE_SPREAD } else { count }
        };
        static BUILT: AtomicU64 = AtomicU64::new(0);
        let mut compiled = Self {
            id: BUILT.fetch_add(1, Ordering::Relaxed),
            indexes: vec![PathIndex::default(); paths],
            checks: Checks::default(),
            unanchored: Vec::new(),
        };
        for alternative in alternatives {
            let anchor = alternative
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, field)| keys(field).map(|keys| (keys.iter().map(cost).sum::<usize>(), i)))
                .min()
                .map(|(_, i)| i);
            match anchor {
                Some(field_index) => {
                    let field = &alternative.fields[field_index];
                    let reference = if alternative.fields.len() == 1 {
                        TestRef::matching(alternative.rule)
                    } else {
                        TestRef::checking(compiled.checks.push(alternative.rule, &alternative.fields), field_index)
                    };
                    for condition in &field.conditions {
                        compiled.indexes[field.path as usize].insert(condition, reference);
                    }
                }
                None => compiled.unanchored.push(compiled.checks.push(alternative.rule, &alternative.fields)),
            }
        }
        compiled.indexes.iter_mut().for_each(PathIndex::finish);
        compiled
    }
}

/// A set of rules, each an event pattern, matched against events together.
///
/// ```
/// use choreoscope_pattern::{Matcher, Pattern};
///
/// let mut matcher = Matcher::new();
/// matcher.add_rule(1, Pattern::parse(r#"{"detail": {"items": {"sku": ["a"], "qty": [2]}}}"#)?);
/// // Fields drawn from different elements of an array never combine.
/// let event = r#"{"detail": {"items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]}}"#;
/// assert!(matcher.matching_rules_json(event).expect("valid JSON").is_empty());
/// matcher.add_rule(2, Pattern::parse(r#"{"detail": {"items": {"sku": ["b"], "qty": [2]}}}"#)?);
/// assert_eq!(matcher.matching_rules_json(event).expect("valid JSON"), [&2]);
/// assert!(matcher.remove_rule(&2));
/// # Ok::<(), choreoscope_pattern::PatternError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Matcher<R> {
    trie: PathTrie,
    alternatives: Vec<Alternative>,
    /// Built on the first match after a change.
    compiled: OnceLock<Compiled>,
    /// Rule ids by slot; a removed rule's id stays until the index is rebuilt.
    ids: Vec<R>,
    /// Rule patterns by slot; `None` once removed.
    patterns: Vec<Option<Pattern>>,
    /// Which slots hold a rule, a bit each: read for every match, and small
    /// enough to stay cached whatever the number of rules.
    live: Vec<u64>,
    slots: HashMap<R, usize>,
}

impl<R> Default for Matcher<R> {
    fn default() -> Self {
        Self {
            trie: PathTrie::default(),
            alternatives: Vec::new(),
            compiled: OnceLock::new(),
            ids: Vec::new(),
            patterns: Vec::new(),
            live: Vec::new(),
            slots: HashMap::default(),
        }
    }
}

impl<R: Clone + Eq + Hash> Matcher<R> {
    /// An empty matcher.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many rules it holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether it holds no rule.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds a rule, replacing any rule with the same id.
    pub fn add_rule(&mut self, id: R, pattern: Pattern) {
        self.remove_rule(&id);
        let slot = self.ids.len();
        self.index(slot, &pattern);
        self.ids.push(id.clone());
        self.patterns.push(Some(pattern));
        if slot.is_multiple_of(64) {
            self.live.push(0);
        }
        self.live[slot / 64] |= 1 << (slot % 64);
        self.slots.insert(id, slot);
    }

    /// Removes a rule; `false` if there was none with that id.
    pub fn remove_rule(&mut self, id: &R) -> bool {
        let Some(slot) = self.slots.remove(id) else { return false };
        self.patterns[slot] = None;
        self.live[slot / 64] &= !(1 << (slot % 64));
        // Removed rules' tests stay in the index, pointing at nothing, until
        // they outnumber the live ones; then the index is rebuilt.
        if self.ids.len() > 2 * self.slots.len() + 16 {
            self.rebuild();
        }
        true
    }

    fn rebuild(&mut self) {
        let ids = std::mem::take(&mut self.ids);
        let patterns = std::mem::take(&mut self.patterns);
        let rules: Vec<(R, Pattern)> =
            ids.into_iter().zip(patterns).filter_map(|(id, pattern)| Some((id, pattern?))).collect();
        *self = Self::default();
        for (id, pattern) in rules {
            self.add_rule(id, pattern);
        }
    }

    fn index(&mut self, slot: usize, pattern: &Pattern) {
        for tests in pattern.conjunctions() {
            let fields = tests
                .into_iter()
                .map(|test| Field {
                    path: self.trie.insert(&test.path),
                    absence_passes: test.absence_passes(),
                    conditions: test.conditions,
                })
                .collect();
            self.alternatives.push(Alternative { rule: slot, fields });
        }
        self.compiled = OnceLock::new();
    }

    /// The ids of the rules an event (a JSON value) matches, each once.
    pub fn matching_rules(&self, event: &Value) -> Vec<&R> {
        scratch::with(|scratch| {
            let flat = Flattened::from_value(&self.trie, event, std::mem::take(&mut scratch.flat));
            let matched = self.matching(&flat, scratch);
            scratch.flat = flat.recycle();
            matched
        })
    }

    /// The ids of the rules an event given as JSON text matches, each once.
    /// Faster than parsing first: only the tested paths are read.
    pub fn matching_rules_json(&self, event: &str) -> Result<Vec<&R>, serde_json::Error> {
        scratch::with(|scratch| {
            let flat = Flattened::from_json(&self.trie, event, std::mem::take(&mut scratch.flat))?;
            let matched = self.matching(&flat, scratch);
            scratch.flat = flat.recycle();
            Ok(matched)
        })
    }

    fn matching(&self, event: &Flattened<'_>, scratch: &mut Scratch) -> Vec<&R> {
        let compiled = self.compiled.get_or_init(|| Compiled::build(&self.alternatives, self.trie.len()));
        let Scratch { by_path, hits, matched, check, folded, seen, memos, .. } = scratch;
        hits.clear();
        matched.clear();
        let memo = memos.of(compiled.id);
        for (leaf_index, leaf) in event.leaves.iter().enumerate() {
            let index = &compiled.indexes[leaf.path as usize];
            if index.is_empty() {
                continue;
            }
            let mut hit = |test: TestRef| {
                // The anchor is the only field: the hit is a match, found
                // without reading the alternative (removed rules are
                // dropped below).
                match test.anchor() {
                    Anchor::Match(rule) => matched.push(rule),
                    Anchor::Check { run, field } => hits.push(Hit { run, leaf: leaf_index as u32, field }),
                }
            };
            match &leaf.value {
                Leaf::Str(text) if index.remembered() => match memo.recall(leaf.path, text) {
                    Recall::Known(known) => known.iter().copied().for_each(hit),
                    Recall::Learn(learning) => {
                        index.string_hits(text, folded, &mut |test| {
                            memo.push(test);
                            hit(test);
                        });
                        memo.learn(learning);
                    }
                    Recall::Skip => index.string_hits(text, folded, &mut hit),
                },
                value => index.hits(value, folded, &mut hit),
            }
        }
        if hits.is_empty() && compiled.unanchored.is_empty() {
            return self.ids(matched, seen);
        }
        by_path.fill(self.trie.len(), event.leaves.iter().map(|leaf| leaf.path));
        hits.sort_unstable();
        hits.dedup();
        let mut rest = hits.as_slice();
        while let Some(&Hit { run, field, .. }) = rest.first() {
            let count = rest.iter().take_while(|hit| hit.run == run).count();
            let anchor = Some((field as usize, &rest[..count]));
            rest = &rest[count..];
            matched.extend(compiled.checks.passes(run, anchor, by_path, event, check));
        }
        for &run in &compiled.unanchored {
            matched.extend(compiled.checks.passes(run, None, by_path, event, check));
        }
        self.ids(matched, seen)
    }

    /// The ids of the matched rule slots, each once, in the order they were
    /// found; removed rules are left out. A few matches (the usual case) are
    /// told apart by comparing each with those before it, which reads
    /// nothing else; more by a bitset of slots (`seen`, all clear before and
    /// after). With thousands of rules, the bitset's words a match reads are
    /// rarely cached, and sorting the matches cost more than finding them.
    fn ids(&self, matched: &[usize], seen: &mut Vec<u64>) -> Vec<&R> {
        // No rule removed since the index was built: every slot is live.
        let all_live = self.ids.len() == self.slots.len();
        let live = |slot: usize| all_live || self.live[slot / 64] & (1 << (slot % 64)) != 0;
        let mut ids = Vec::with_capacity(matched.len());
        if matched.len() <= FEW_MATCHES {
            for (i, &slot) in matched.iter().enumerate() {
                if !matched[..i].contains(&slot) && live(slot) {
                    ids.push(&self.ids[slot]);
                }
            }
            return ids;
        }
        if seen.len() < self.live.len() {
            seen.resize(self.live.len(), 0);
        }
        for &slot in matched {
            let (word, bit) = (slot / 64, 1 << (slot % 64));
            if seen[word] & bit == 0 && live(slot) {
                seen[word] |= bit;
                ids.push(&self.ids[slot]);
            }
        }
        for &slot in matched {
            seen[slot / 64] = 0;
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(matcher: &Matcher<usize>, event: &str) -> Vec<usize> {
        let mut ids: Vec<usize> = matcher.matching_rules_json(event).expect("JSON").into_iter().copied().collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "each rule once: {ids:?}");
        ids.sort_unstable();
        ids
    }

    /// Few matches are told apart one way, many another (see `Matcher::ids`):
    /// both give each live rule once, however many leaves or alternatives
    /// matched it.
    #[test]
    fn each_matching_rule_comes_back_once_with_few_or_many_matches_and_removed_rules() {
        // Two values of the array match every rule, and so does its other
        // alternative: three matches a rule, up to 24 and then 288 in all.
        let event = r#"{"detail": {"tags": ["a", "b", "c"], "n": 5}}"#;
        for rules in [3, FEW_MATCHES / 4, FEW_MATCHES * 3] {
            let mut matcher = Matcher::new();
            for id in 0..rules {
                let pattern = format!(
                    r#"{{"$or": [{{"detail": {{"tags": ["a", "b", "x{id}"]}}}}, {{"detail": {{"n": [5]}}}}]}}"#
                );
                matcher.add_rule(id, Pattern::parse(&pattern).expect("valid"));
            }
            assert_eq!(matched(&matcher, event), (0..rules).collect::<Vec<_>>());
            for id in (0..rules).step_by(2) {
                assert!(matcher.remove_rule(&id));
            }
            assert_eq!(matched(&matcher, event), (1..rules).step_by(2).collect::<Vec<_>>());
            matcher.add_rule(0, Pattern::parse(r#"{"detail": {"n": [5]}}"#).expect("valid"));
            let mut expected: Vec<usize> = (1..rules).step_by(2).collect();
            expected.insert(0, 0);
            assert_eq!(matched(&matcher, event), expected);
        }
    }

    /// Values at a path with many affixes are remembered (see
    /// `crate::memo`): repeated or not, they match as the first time.
    #[test]
    fn remembered_values_match_as_the_first_time_and_so_do_values_never_repeated() {
        let mut matcher = Matcher::new();
        for (id, affix) in ["a", "ab", "abc", "abcd"].iter().enumerate() {
            let prefix = format!(r#"{{"street": [{{"prefix": "{affix}"}}]}}"#);
            let suffix = format!(r#"{{"street": [{{"suffix": "{affix}"}}], "n": [1]}}"#);
            matcher.add_rule(id, Pattern::parse(&prefix).expect("valid"));
            matcher.add_rule(10 + id, Pattern::parse(&suffix).expect("valid"));
        }
        let event = |street: &str, n: u32| format!(r#"{{"street": "{street}", "n": {n}}}"#);
        for round in 0..2_000 {
            assert_eq!(matched(&matcher, &event("abcde", 1)), [0, 1, 2, 3], "round {round}");
            assert_eq!(matched(&matcher, &event("xab", 1)), [11], "round {round}");
            assert_eq!(matched(&matcher, &event("xab", 2)), Vec::<usize>::new(), "round {round}");
            // A value never seen before, so the path soon stops being remembered.
            assert_eq!(matched(&matcher, &event(&format!("ab{round}a"), 1)), [0, 1, 10], "round {round}");
        }
        // A new rule set is a new index, whose memo knows nothing of the old hits.
        matcher.add_rule(20, Pattern::parse(r#"{"street": [{"prefix": "abcde"}]}"#).expect("valid"));
        assert_eq!(matched(&matcher, &event("abcde", 1)), [0, 1, 2, 3, 20]);
    }
}
