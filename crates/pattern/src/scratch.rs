//! Per-event working memory, kept per thread: matching an event then
//! allocates next to nothing, whatever the number of rules.

use std::cell::RefCell;
use std::ops::Range;

use crate::checks::Run;
use crate::event::{Flattened, PathId};
use crate::memo::Memos;

/// Buffers larger than this many elements are dropped after use, so that one
/// huge event does not pin its memory for the thread's lifetime.
const KEEP: usize = 1 << 16;

/// The buffers of one match.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The event's tested leaves.
    pub(crate) flat: Flattened<'static>,
    /// The leaves grouped by path.
    pub(crate) by_path: ByPath,
    /// Anchor hits of alternatives with more fields than their anchor.
    pub(crate) hits: Vec<Hit>,
    /// Rule slots that matched, possibly more than once.
    pub(crate) matched: Vec<usize>,
    /// A bit per rule slot, set while the matches are told apart.
    pub(crate) seen: Vec<u64>,
    /// Working memory of checking one alternative.
    pub(crate) check: Check,
    /// A string value lower-cased.
    pub(crate) folded: String,
    /// The hits of string values seen before, per index.
    pub(crate) memos: Memos,
}

/// A leaf that satisfied the anchor field of an alternative. Sorted, the
/// hits of one alternative are together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    /// The alternative's run of checks.
    pub(crate) run: Run,
    pub(crate) leaf: u32,
    /// The anchor field's index in the alternative.
    pub(crate) field: u32,
}

/// Leaf indices grouped by path: those at path `p` are
/// `leaves[starts[p]..starts[p + 1]]`, in event order.
#[derive(Debug, Default)]
pub(crate) struct ByPath {
    starts: Vec<u32>,
    leaves: Vec<u32>,
}

impl ByPath {
    /// Groups the leaves of `paths` per path (a counting sort).
    pub(crate) fn fill(&mut self, paths: usize, leaf_paths: impl Iterator<Item = PathId> + Clone) {
        self.starts.clear();
        self.starts.resize(paths + 2, 0);
        // Count each path at `p + 2`, so that after the prefix sum `starts[p + 1]`
        // is where path `p` begins, and serves as its cursor while filling.
        for path in leaf_paths.clone() {
            self.starts[path as usize + 2] += 1;
        }
        for p in 2..self.starts.len() {
            self.starts[p] += self.starts[p - 1];
        }
        self.leaves.clear();
        self.leaves.resize(self.starts[paths + 1] as usize, 0);
        for (index, path) in leaf_paths.enumerate() {
            let cursor = &mut self.starts[path as usize + 1];
            self.leaves[*cursor as usize] = index as u32;
            *cursor += 1;
        }
    }

    /// The leaves at one path.
    pub(crate) fn get(&self, path: PathId) -> &[u32] {
        let path = path as usize;
        &self.leaves[self.starts[path] as usize..self.starts[path + 1] as usize]
    }
}

/// What can satisfy one field: one of its hit leaves (a range of
/// [`Check::leaves`]), or (for a field with `exists: false`) the absence of
/// its path from the array elements the other fields were drawn from.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub(crate) leaves: Range<usize>,
    pub(crate) absence: Option<PathId>,
}

/// The buffers of checking one alternative.
#[derive(Debug, Default)]
pub(crate) struct Check {
    pub(crate) leaves: Vec<u32>,
    pub(crate) choices: Vec<Choice>,
    pub(crate) chosen: Vec<usize>,
    pub(crate) absent: Vec<PathId>,
}

impl Scratch {
    /// Drops buffers a huge event grew.
    fn trim(&mut self) {
        let large = self.flat.leaves.capacity() > KEEP
            || self.by_path.leaves.capacity() > KEEP
            || self.hits.capacity() > KEEP
            || self.matched.capacity() > KEEP
            || self.seen.capacity() > KEEP
            || self.check.leaves.capacity() > KEEP;
        if large {
            *self = Self::default();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch. It is taken out of its cell
/// meanwhile, so a nested call (none is expected) would start from empty
/// buffers rather than fail.
pub(crate) fn with<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    let mut scratch = SCRATCH.try_with(RefCell::take).unwrap_or_default();
    let result = f(&mut scratch);
    scratch.trim();
    // Fails only while the thread is being torn down; the buffers are dropped then.
    let _ = SCRATCH.try_with(|cell| cell.replace(scratch));
    result
}
