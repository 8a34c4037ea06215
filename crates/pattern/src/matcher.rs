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
use crate::scratch::{self, ByPath, Check, Choice, Scratch};
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
    anchors: Vec<Option<usize>>,
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
            anchors: Vec::with_capacity(alternatives.len()),
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
                    let reference = TestRef { alternative: index as u32, field: field_index as u32 };
                    for condition in &field.conditions {
                        compiled.indexes[field.path as usize].insert(condition, reference);
                    }
                }
                None => compiled.unanchored.push(index as u32),
            }
            compiled.anchors.push(anchor);
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
    /// Rules by slot; a removed rule leaves `None` until the index is rebuilt.
    rules: Vec<Option<(R, Pattern)>>,
    slots: HashMap<R, usize>,
}

impl<R> Default for Matcher<R> {
    fn default() -> Self {
        Self {
            trie: PathTrie::default(),
            alternatives: Vec::new(),
            compiled: OnceLock::new(),
            rules: Vec::new(),
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
        let slot = self.rules.len();
        self.index(slot, &pattern);
        self.rules.push(Some((id.clone(), pattern)));
        self.slots.insert(id, slot);
    }

    /// Removes a rule; `false` if there was none with that id.
    pub fn remove_rule(&mut self, id: &R) -> bool {
        let Some(slot) = self.slots.remove(id) else { return false };
        self.rules[slot] = None;
        // Removed rules' tests stay in the index, pointing at nothing, until
        // they outnumber the live ones; then the index is rebuilt.
        if self.rules.len() > 2 * self.slots.len() + 16 {
            self.rebuild();
        }
        true
    }

    fn rebuild(&mut self) {
        let rules: Vec<(R, Pattern)> = std::mem::take(&mut self.rules).into_iter().flatten().collect();
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
        by_path.fill(self.trie.len(), event.leaves.iter().map(|leaf| leaf.path));
        hits.clear();
        for (leaf_index, leaf) in event.leaves.iter().enumerate() {
            compiled.indexes[leaf.path as usize]
                .hits(&leaf.value, folded, &mut |test| hits.push((test.alternative, leaf_index as u32)));
        }
        hits.sort_unstable();
        hits.dedup();
        matched.clear();
        let mut rest = hits.as_slice();
        while let Some(&(alternative, _)) = rest.first() {
            let count = rest.iter().take_while(|(a, _)| *a == alternative).count();
            let anchor = compiled.anchors[alternative as usize].map(|field| (field, &rest[..count]));
            rest = &rest[count..];
            if self.passes(alternative, anchor, by_path, event, check) {
                matched.push(self.alternatives[alternative as usize].rule);
            }
        }
        for &alternative in &compiled.unanchored {
            if self.passes(alternative, None, by_path, event, check) {
                matched.push(self.alternatives[alternative as usize].rule);
            }
        }
        matched.sort_unstable();
        matched.dedup();
        matched.iter().filter_map(|&slot| self.rules[slot].as_ref().map(|(id, _)| id)).collect()
    }

    /// Whether an alternative passes: each field has a matching value (or,
    /// with `exists: false`, none at all), drawn consistently from arrays.
    /// `anchor` is the anchor field and its hits (alternative, leaf), from the index.
    fn passes(
        &self,
        alternative: u32,
        mut anchor: Option<(usize, &[(u32, u32)])>,
        by_path: &ByPath,
        event: &Flattened<'_>,
        check: &mut Check,
    ) -> bool {
        let Alternative { rule, fields } = &self.alternatives[alternative as usize];
        if self.rules[*rule].is_none() {
            return false;
        }
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
                Some((_, hits)) => leaves.extend(hits.iter().map(|(_, leaf)| *leaf)),
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
