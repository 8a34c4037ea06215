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

use serde_json::Value;

use crate::ast::{Condition, Pattern};
use crate::event::{Flattened, PathId, PathTrie};
use crate::path_index::{PathIndex, TestRef};
use crate::scratch::{self, ByPath, Check, Choice, Hit, Scratch};
use crate::value::{Scalar, number_key};

/// One field of an alternative.
#[derive(Debug, Clone)]
struct Field {
    path: PathId,
    conditions: Vec<Condition>,
    /// The field also passes when the event has no value at the path.
    absence_passes: bool,
}

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

/// Ranges on one path share one key but rarely hold the same values; count
/// them as this many times less shared than an exact value.
const RANGE_SPREAD: usize = 16;

/// The index built from the alternatives: each alternative is indexed by
/// one anchor field, the one whose keys the fewest alternatives share. An
/// alternative can only pass when its anchor field has a matching value, so
/// only alternatives whose anchor got a hit need checking.
#[derive(Debug, Clone, Default)]
struct Compiled {
    indexes: Vec<PathIndex>,
    /// A copy of the alternatives, made in one go so that each one's fields
    /// and conditions sit together in memory: with thousands of rules an
    /// alternative to check is rarely cached, and scattered parts would
    /// each cost a trip to memory.
    alternatives: Vec<Alternative>,
    /// Alternatives with no field fit to be an anchor: checked for every event.
    unanchored: Vec<u32>,
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
        let mut compiled = Self {
            indexes: vec![PathIndex::default(); paths],
            alternatives: alternatives.to_vec(),
            unanchored: Vec::new(),
        };
        for (index, alternative) in alternatives.iter().enumerate() {
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
                    let reference = TestRef {
                        alternative: index as u32,
                        field: field_index as u32,
                        rule: alternative.rule as u32,
                        single: alternative.fields.len() == 1,
                    };
                    for condition in &field.conditions {
                        compiled.indexes[field.path as usize].insert(condition, reference);
                    }
                }
                None => compiled.unanchored.push(index as u32),
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
        let Scratch { by_path, hits, matched, check, folded, .. } = scratch;
        hits.clear();
        matched.clear();
        for (leaf_index, leaf) in event.leaves.iter().enumerate() {
            let index = &compiled.indexes[leaf.path as usize];
            if index.is_empty() {
                continue;
            }
            index.hits(&leaf.value, folded, &mut |test| {
                // The anchor is the only field: the hit is a match, found
                // without reading the alternative (removed rules are
                // dropped below).
                if test.single {
                    matched.push(test.rule as usize);
                } else {
                    hits.push(Hit { alternative: test.alternative, leaf: leaf_index as u32, field: test.field });
                }
            });
        }
        if hits.is_empty() && compiled.unanchored.is_empty() {
            return self.ids(matched);
        }
        by_path.fill(self.trie.len(), event.leaves.iter().map(|leaf| leaf.path));
        hits.sort_unstable();
        hits.dedup();
        let mut rest = hits.as_slice();
        while let Some(&Hit { alternative, field, .. }) = rest.first() {
            let count = rest.iter().take_while(|hit| hit.alternative == alternative).count();
            let anchor = Some((field as usize, &rest[..count]));
            rest = &rest[count..];
            let alternative = &compiled.alternatives[alternative as usize];
            if Self::passes(alternative, anchor, by_path, event, check) {
                matched.push(alternative.rule);
            }
        }
        for &alternative in &compiled.unanchored {
            let alternative = &compiled.alternatives[alternative as usize];
            if Self::passes(alternative, None, by_path, event, check) {
                matched.push(alternative.rule);
            }
        }
        self.ids(matched)
    }

    /// The ids of the matched rule slots, each once, in the order the rules
    /// were added; removed rules are left out.
    fn ids(&self, matched: &mut [usize]) -> Vec<&R> {
        matched.sort_unstable();
        let mut ids = Vec::with_capacity(matched.len());
        let mut last = None;
        for &slot in matched.iter() {
            if last != Some(slot) {
                last = Some(slot);
                if self.live[slot / 64] & (1 << (slot % 64)) != 0 {
                    ids.push(&self.ids[slot]);
                }
            }
        }
        ids
    }

    /// Whether an alternative passes: each field has a matching value (or,
    /// with `exists: false`, none at all), drawn consistently from arrays.
    /// `anchor` is the anchor field and its hits, from the index.
    fn passes(
        alternative: &Alternative,
        mut anchor: Option<(usize, &[Hit])>,
        by_path: &ByPath,
        event: &Flattened<'_>,
        check: &mut Check,
    ) -> bool {
        // A removed rule's alternatives may pass: `ids` leaves them out.
        let fields = &alternative.fields;
        if fields.len() == 1 && anchor.is_some() {
            // The anchor field is the only one, and it got a hit.
            return true;
        }
        let Check { leaves, choices, chosen, absent } = check;
        leaves.clear();
        choices.clear();
        for (index, field) in fields.iter().enumerate() {
            let at_path = by_path.get(field.path);
            let start = leaves.len();
            match anchor.take_if(|(field, _)| *field == index) {
                Some((_, hits)) => leaves.extend(hits.iter().map(|hit| hit.leaf)),
                None => leaves.extend(
                    at_path
                        .iter()
                        .copied()
                        .filter(|&leaf| field.conditions.iter().any(|c| c.passes(&event.leaves[leaf as usize].value))),
                ),
            }
            let found = start..leaves.len();
            if found.is_empty() && !field.absence_passes {
                return false;
            }
            // A field nothing in the event has passes on absence outright.
            if !found.is_empty() || !at_path.is_empty() {
                choices.push(Choice { leaves: found, absence: field.absence_passes.then_some(field.path) });
            }
        }
        if !event.has_arrays() {
            // Without arrays every leaf is compatible with every other, so a
            // field that has values cannot pass on absence.
            return choices.iter().all(|choice| !choice.leaves.is_empty());
        }
        chosen.clear();
        absent.clear();
        consistent(choices, leaves, chosen, absent, event)
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
