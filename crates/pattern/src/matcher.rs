//! Many rules compiled into one index.
//!
//! Every rule is expanded into alternatives (one per `$or` branch), each a
//! list of field tests. Each alternative is indexed by one anchor field (see
//! [`Compiled`]); for each tested path the index holds hash maps from exact
//! values, folded values, prefixes and suffixes to the anchors they satisfy,
//! a segment tree of numeric ranges, and wildcards keyed by the literal text
//! they start or end with. An event is read only at tested paths; each leaf
//! looks up the anchors it satisfies, and only those alternatives (and the
//! few with no field fit to be an anchor) are checked, by testing their other
//! fields directly, so the cost per event follows the event, not the number
//! of rules.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::OnceLock;

use serde_json::Value;

use crate::ast::{Condition, Pattern, Range};
use crate::event::{Flattened, PathId, PathTrie};
use crate::numeric_index::NumericIndex;
use crate::value::{Leaf, Scalar, fold_case, number_key};
use crate::wildcard::Wildcard;

/// A field test of an alternative: (alternative, field index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TestRef {
    alternative: u32,
    field: u32,
}

/// Strings of one kind (prefixes or suffixes), what each leads to, and the
/// lengths they come in: a value is looked up once per distinct length.
#[derive(Debug, Clone)]
struct Affixes<T> {
    by_text: HashMap<Box<str>, Vec<T>>,
    lengths: Vec<usize>,
}

impl<T> Default for Affixes<T> {
    fn default() -> Self {
        Self { by_text: HashMap::default(), lengths: Vec::new() }
    }
}

impl<T> Affixes<T> {
    fn insert(&mut self, text: &str, payload: T) {
        self.by_text.entry(text.into()).or_default().push(payload);
        if let Err(at) = self.lengths.binary_search(&text.len()) {
            self.lengths.insert(at, text.len());
        }
    }

    fn prefixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        for &len in &self.lengths {
            if len > value.len() {
                break;
            }
            if value.is_char_boundary(len)
                && let Some(payloads) = self.by_text.get(&value[..len])
            {
                payloads.iter().for_each(&mut *hit);
            }
        }
    }

    fn suffixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        for &len in &self.lengths {
            if len > value.len() {
                break;
            }
            let start = value.len() - len;
            if value.is_char_boundary(start)
                && let Some(payloads) = self.by_text.get(&value[start..])
            {
                payloads.iter().for_each(&mut *hit);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }
}

/// Wildcards, found by the literal text they start or end with; only those
/// with stars at both ends are tried on every value.
#[derive(Debug, Clone, Default)]
struct Wildcards {
    by_leading: Affixes<(Wildcard, TestRef)>,
    by_trailing: Affixes<(Wildcard, TestRef)>,
    unanchored: Vec<(Wildcard, TestRef)>,
}

impl Wildcards {
    fn insert(&mut self, wildcard: &Wildcard, test: TestRef) {
        let entry = (wildcard.clone(), test);
        if !wildcard.leading().is_empty() {
            self.by_leading.insert(wildcard.leading(), entry);
        } else if !wildcard.trailing().is_empty() {
            self.by_trailing.insert(wildcard.trailing(), entry);
        } else {
            self.unanchored.push(entry);
        }
    }

    fn hits(&self, text: &str, hit: &mut impl FnMut(TestRef)) {
        let mut check = |(wildcard, test): &(Wildcard, TestRef)| {
            if wildcard.matches(text) {
                hit(*test);
            }
        };
        self.by_leading.prefixes_of(text, &mut check);
        self.by_trailing.suffixes_of(text, &mut check);
        self.unanchored.iter().for_each(check);
    }
}

/// The tests on one path.
#[derive(Debug, Clone, Default)]
struct PathIndex {
    strings: HashMap<Box<str>, Vec<TestRef>>,
    numbers: HashMap<u64, Vec<TestRef>>,
    trues: Vec<TestRef>,
    falses: Vec<TestRef>,
    nulls: Vec<TestRef>,
    folded: HashMap<Box<str>, Vec<TestRef>>,
    prefixes: Affixes<TestRef>,
    suffixes: Affixes<TestRef>,
    folded_prefixes: Affixes<TestRef>,
    folded_suffixes: Affixes<TestRef>,
    wildcards: Wildcards,
    /// Numeric ranges while the index is built; `range_index` after.
    ranges: Vec<(Range, TestRef)>,
    range_index: Option<NumericIndex<TestRef>>,
}

impl PathIndex {
    /// Adds an anchor condition: one [`index_key`] gives a key.
    fn insert(&mut self, condition: &Condition, test: TestRef) {
        match condition {
            Condition::Exact(Scalar::Str(s)) => self.strings.entry(s.as_str().into()).or_default().push(test),
            Condition::Exact(Scalar::Num(n)) => self.numbers.entry(number_key(*n)).or_default().push(test),
            Condition::Exact(Scalar::Bool(true)) => self.trues.push(test),
            Condition::Exact(Scalar::Bool(false)) => self.falses.push(test),
            Condition::Exact(Scalar::Null) => self.nulls.push(test),
            Condition::EqualsIgnoreCase(folded) => self.folded.entry(folded.as_str().into()).or_default().push(test),
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
    fn finish(&mut self) {
        if !self.ranges.is_empty() {
            self.range_index = Some(NumericIndex::build(&std::mem::take(&mut self.ranges)));
        }
    }

    /// Calls `hit` for every test one leaf value satisfies.
    fn hits(&self, leaf: &Leaf<'_>, hit: &mut impl FnMut(TestRef)) {
        let tests: &[TestRef] = match leaf {
            Leaf::Str(text) => {
                self.string_hits(text, hit);
                &[]
            }
            Leaf::Num(n) => {
                if let Some(ranges) = &self.range_index {
                    ranges.stab(*n, hit);
                }
                self.numbers.get(&number_key(*n)).map_or(&[], Vec::as_slice)
            }
            Leaf::Bool(true) => &self.trues,
            Leaf::Bool(false) => &self.falses,
            Leaf::Null => &self.nulls,
        };
        tests.iter().copied().for_each(&mut *hit);
    }

    fn string_hits(&self, text: &str, hit: &mut impl FnMut(TestRef)) {
        if let Some(tests) = self.strings.get(text) {
            tests.iter().copied().for_each(&mut *hit);
        }
        self.prefixes.prefixes_of(text, &mut |t| hit(*t));
        self.suffixes.suffixes_of(text, &mut |t| hit(*t));
        self.wildcards.hits(text, hit);
        if !self.folded.is_empty() || !self.folded_prefixes.is_empty() || !self.folded_suffixes.is_empty() {
            let folded = fold_case(text);
            if let Some(tests) = self.folded.get(folded.as_str()) {
                tests.iter().copied().for_each(&mut *hit);
            }
            self.folded_prefixes.prefixes_of(&folded, &mut |t| hit(*t));
            self.folded_suffixes.suffixes_of(&folded, &mut |t| hit(*t));
        }
    }
}

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
        self.matching(&Flattened::from_value(&self.trie, event))
    }

    /// The ids of the rules an event given as JSON text matches, each once.
    /// Faster than parsing first: only the tested paths are read.
    pub fn matching_rules_json(&self, event: &str) -> Result<Vec<&R>, serde_json::Error> {
        Ok(self.matching(&Flattened::from_json(&self.trie, event)?))
    }

    fn matching(&self, event: &Flattened<'_>) -> Vec<&R> {
        let compiled = self.compiled.get_or_init(|| Compiled::build(&self.alternatives, self.trie.len()));
        let mut by_path: Vec<Vec<u32>> = vec![Vec::new(); self.trie.len()];
        // (alternative, leaf of its anchor field that matched)
        let mut hits: Vec<(u32, u32)> = Vec::new();
        for (leaf_index, leaf) in event.leaves.iter().enumerate() {
            by_path[leaf.path as usize].push(leaf_index as u32);
            compiled.indexes[leaf.path as usize]
                .hits(&leaf.value, &mut |test| hits.push((test.alternative, leaf_index as u32)));
        }
        hits.sort_unstable();
        hits.dedup();
        let mut matched: Vec<usize> = Vec::new();
        let mut rest = hits.as_slice();
        while let Some(&(alternative, _)) = rest.first() {
            let count = rest.iter().take_while(|(a, _)| *a == alternative).count();
            let anchor_leaves: Vec<u32> = rest[..count].iter().map(|(_, leaf)| *leaf).collect();
            rest = &rest[count..];
            let anchor = compiled.anchors[alternative as usize].map(|field| (field, anchor_leaves));
            if self.passes(alternative, anchor, &by_path, event) {
                matched.push(self.alternatives[alternative as usize].rule);
            }
        }
        for &alternative in &compiled.unanchored {
            if self.passes(alternative, None, &by_path, event) {
                matched.push(self.alternatives[alternative as usize].rule);
            }
        }
        matched.sort_unstable();
        matched.dedup();
        matched.iter().filter_map(|&slot| self.rules[slot].as_ref().map(|(id, _)| id)).collect()
    }

    /// Whether an alternative passes: each field has a matching value (or,
    /// with `exists: false`, none at all), drawn consistently from arrays.
    /// `anchor` is the anchor field and its matching leaves, from the index.
    fn passes(
        &self,
        alternative: u32,
        mut anchor: Option<(usize, Vec<u32>)>,
        by_path: &[Vec<u32>],
        event: &Flattened<'_>,
    ) -> bool {
        let Alternative { rule, fields } = &self.alternatives[alternative as usize];
        if self.rules[*rule].is_none() {
            return false;
        }
        let mut choices: Vec<Choice> = Vec::with_capacity(fields.len());
        for (index, field) in fields.iter().enumerate() {
            let at_path = &by_path[field.path as usize];
            let leaves: Vec<u32> = match anchor.take_if(|(field, _)| *field == index) {
                Some((_, leaves)) => leaves,
                None => at_path
                    .iter()
                    .copied()
                    .filter(|&leaf| field.conditions.iter().any(|c| c.passes(&event.leaves[leaf as usize].value)))
                    .collect(),
            };
            if leaves.is_empty() && !field.absence_passes {
                return false;
            }
            // A field nothing in the event has passes on absence outright.
            if !leaves.is_empty() || !at_path.is_empty() {
                choices.push(Choice { leaves, absence: field.absence_passes.then_some(field.path) });
            }
        }
        if !event.has_arrays() {
            // Without arrays every leaf is compatible with every other, so a
            // field that has values cannot pass on absence.
            return choices.iter().all(|choice| !choice.leaves.is_empty());
        }
        consistent(&choices, &mut Vec::new(), &mut Vec::new(), event)
    }
}

/// What can satisfy one field: one of its hit leaves, or (for a field with
/// `exists: false`) the absence of its path from the array elements the
/// other fields were drawn from.
struct Choice {
    leaves: Vec<u32>,
    absence: Option<PathId>,
}

/// Whether one option per field can be chosen such that no two chosen
/// leaves sit in different elements of the same array, and no path chosen as
/// absent has a leaf in the elements the chosen leaves sit in.
fn consistent(choices: &[Choice], chosen: &mut Vec<usize>, absent: &mut Vec<PathId>, event: &Flattened<'_>) -> bool {
    let Some((first, rest)) = choices.split_first() else {
        return absent
            .iter()
            .all(|&path| event.at_path(path).all(|leaf| chosen.iter().any(|&other| !event.compatible(other, leaf))));
    };
    for &leaf in &first.leaves {
        let leaf = leaf as usize;
        if chosen.iter().all(|&other| event.compatible(other, leaf)) {
            chosen.push(leaf);
            if consistent(rest, chosen, absent, event) {
                return true;
            }
            chosen.pop();
        }
    }
    if let Some(path) = first.absence {
        absent.push(path);
        if consistent(rest, chosen, absent, event) {
            return true;
        }
        absent.pop();
    }
    false
}
