//! The hits of string values looked up before, remembered per thread.
//!
//! A string at a path with prefixes, suffixes, wildcards or values to
//! compare ignoring case costs a lookup per distinct affix length: with
//! thousands of rules, a street name takes about 17. Yet the values of such
//! fields repeat from event to event (street names, types, states, sources),
//! so the anchors a value hit are kept, and the next event with the same
//! value at the same path costs one lookup. A path whose values rarely
//! repeat (ids, lot numbers) is no longer remembered once that is clear, and
//! tried again now and then.
//!
//! What a value hits depends on the index alone, so a memo is kept per
//! index: [`Memos::of`] finds (or starts) the one of an index by its id, and
//! a changed rule set, being a new index, never sees the old hits.

use rustc_hash::FxHashMap as HashMap;

use crate::event::PathId;
use crate::path_index::TestRef;
use crate::text_map::{SHORT, Short, short};

/// Values remembered per index, at most: then the memo starts over.
const CAPACITY: usize = 8_192;

/// Hits remembered per index, at most.
const HITS_CAPACITY: usize = 1 << 16;

/// Indexes a thread keeps memos for (a thread matching events of several
/// buses alternates between their matchers).
const INDEXES: usize = 4;

/// Lookups of a path before its repeats are judged.
const TRIAL: u32 = 512;

/// Lookups of a path left to the index, once judged not worth remembering,
/// before it is tried again.
const RETRY: u32 = 1 << 16;

/// The memos of one thread, one per index, the most recently used first.
#[derive(Debug, Default)]
pub(crate) struct Memos {
    memos: Vec<Memo>,
}

impl Memos {
    /// The memo of the index with id `index`.
    pub(crate) fn of(&mut self, index: u64) -> &mut Memo {
        match self.memos.iter().position(|memo| memo.index == index) {
            Some(0) => {}
            Some(at) => self.memos[..=at].rotate_right(1),
            None => {
                if self.memos.len() == INDEXES {
                    self.memos.pop();
                }
                self.memos.insert(0, Memo { index, ..Memo::default() });
            }
        }
        &mut self.memos[0]
    }
}

/// The values remembered for one index.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    index: u64,
    /// (path, value) to where its hits are in `hits`.
    values: HashMap<(PathId, Short), (u32, u32)>,
    hits: Vec<TestRef>,
    paths: Vec<Repeats>,
}

/// How often the values at one path repeated.
#[derive(Debug, Default, Clone, Copy)]
struct Repeats {
    looked: u32,
    repeated: u32,
    /// Lookups left to the index since the path was judged.
    skipped: u32,
}

impl Repeats {
    /// Whether the path's values repeat enough to remember them: during
    /// the trial, and afterwards if at least half the lookups were repeats.
    fn worth_it(&mut self) -> bool {
        if self.looked < TRIAL || 2 * self.repeated >= self.looked {
            return true;
        }
        self.skipped += 1;
        if self.skipped >= RETRY {
            *self = Self::default();
        }
        false
    }
}

/// What the memo knows of a value.
pub(crate) enum Recall<'m> {
    /// Its hits, from an earlier lookup.
    Known(&'m [TestRef]),
    /// Nothing yet: push its hits with [`Memo::push`] while looking it up,
    /// then call [`Memo::learn`].
    Learn(Learning),
    /// Not remembered: look it up.
    Skip,
}

/// A value being learnt.
pub(crate) struct Learning {
    key: (PathId, Short),
    start: usize,
}

impl Memo {
    /// What is known of `text` at `path`.
    pub(crate) fn recall(&mut self, path: PathId, text: &str) -> Recall<'_> {
        if text.len() > SHORT {
            return Recall::Skip;
        }
        let at = path as usize;
        if at >= self.paths.len() {
            self.paths.resize(at + 1, Repeats::default());
        }
        let repeats = &mut self.paths[at];
        if !repeats.worth_it() {
            return Recall::Skip;
        }
        repeats.looked += 1;
        let key = (path, short(text.as_bytes()));
        if let Some(&(start, len)) = self.values.get(&key) {
            repeats.repeated += 1;
            return Recall::Known(&self.hits[start as usize..(start + len) as usize]);
        }
        if self.values.len() >= CAPACITY || self.hits.len() >= HITS_CAPACITY {
            self.values.clear();
            self.hits.clear();
        }
        Recall::Learn(Learning { key, start: self.hits.len() })
    }

    /// Notes one hit of the value being learnt.
    pub(crate) fn push(&mut self, test: TestRef) {
        self.hits.push(test);
    }

    /// Remembers the hits pushed since [`Self::recall`].
    pub(crate) fn learn(&mut self, learning: Learning) {
        let len = self.hits.len() - learning.start;
        self.values.insert(learning.key, (learning.start as u32, len as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learn(memo: &mut Memo, path: PathId, text: &str, hits: &[TestRef]) -> Option<Vec<TestRef>> {
        match memo.recall(path, text) {
            Recall::Known(known) => Some(known.to_vec()),
            Recall::Learn(learning) => {
                hits.iter().for_each(|&hit| memo.push(hit));
                memo.learn(learning);
                None
            }
            Recall::Skip => {
                assert!(text.len() > SHORT || memo.paths[path as usize].looked >= TRIAL, "skipped {text:?}");
                None
            }
        }
    }

    #[test]
    fn remembers_hits_per_path_and_value() {
        let (a, b) = (TestRef::matching(1), TestRef::matching(2));
        let mut memo = Memo::default();
        assert_eq!(learn(&mut memo, 0, "MASON", &[a, b]), None);
        assert_eq!(learn(&mut memo, 1, "MASON", &[]), None);
        assert_eq!(learn(&mut memo, 0, "MASON", &[]), Some(vec![a, b]));
        assert_eq!(learn(&mut memo, 1, "MASON", &[a]), Some(vec![]));
        assert_eq!(learn(&mut memo, 0, "MASONS", &[b]), None);
        // Longer values are never remembered.
        let long = "A STREET NAME OF MORE THAN 16 BYTES";
        assert_eq!(learn(&mut memo, 0, long, &[a]), None);
        assert_eq!(learn(&mut memo, 0, long, &[a]), None);
    }

    #[test]
    fn a_path_whose_values_never_repeat_is_left_to_the_index_then_tried_again() {
        let mut memo = Memo::default();
        for n in 0..TRIAL {
            assert!(matches!(memo.recall(7, &n.to_string()), Recall::Learn(_)));
        }
        for n in 0..RETRY {
            assert!(matches!(memo.recall(7, &n.to_string()), Recall::Skip));
        }
        assert!(matches!(memo.recall(7, "0"), Recall::Learn(_)));
        // Other paths are judged on their own.
        assert!(matches!(memo.recall(8, "0"), Recall::Learn(_)));
    }

    #[test]
    fn a_full_memo_starts_over_and_each_index_has_its_own() {
        let mut memos = Memos::default();
        let memo = memos.of(1);
        for n in 0..CAPACITY {
            if let Recall::Learn(learning) = memo.recall(0, &format!("{}", n % 100)) {
                memo.learn(learning);
            }
        }
        assert_eq!(memo.values.len(), 100);
        // New values, each seen three times (so worth remembering), until it is full.
        for n in 0..=CAPACITY {
            for _ in 0..3 {
                if let Recall::Learn(learning) = memo.recall(1, &format!("v{n}")) {
                    memo.learn(learning);
                }
            }
        }
        // 100 + 8,193 values: full after 8,192, then 101 more.
        assert_eq!(memo.values.len(), 101, "started over");
        assert!(matches!(memos.of(2).recall(0, "1"), Recall::Learn(_)), "another index knows nothing");
        for index in 3..=6 {
            memos.of(index);
        }
        assert_eq!(memos.memos.len(), INDEXES);
        assert!(memos.memos.iter().all(|memo| memo.index != 1), "the least recently used was dropped");
    }
}
