//! Numeric ranges indexed for stabbing queries: which ranges hold a number.
//!
//! The ranges' distinct endpoints cut the number line into regions (each
//! endpoint itself, and the open intervals between). A number's region is
//! found through a table of evenly spaced buckets, about twice as many as
//! endpoints: a bucket holding at most one endpoint (nearly all) says where
//! the lists of its numbers' regions are, so a lookup reads one bucket and
//! one list (with many rules, each array a lookup reads is a cache miss);
//! the numbers of a bucket holding more are searched for among its
//! endpoints. Ranges spanning few regions are listed in each region they
//! cover; wider ones sit in a segment tree, stored in O(log n) nodes each,
//! so that a few wide ranges cannot blow the lists up. A lookup costs
//! O(log n + hits) at worst.

use crate::ast::Range;

/// Ranges spanning at most this many regions are listed in each.
const NARROW: usize = 32;

/// Buckets of the endpoint table: at most this many.
const MAX_BUCKETS: usize = 1 << 16;

/// Ranges with their payloads, and the structures built from them.
#[derive(Debug, Clone)]
pub(crate) struct NumericIndex<T> {
    /// The distinct endpoints in order, then one with a NaN: reading one
    /// past the last then compares false with any number, so no lookup
    /// checks the end. Each holds where the lists of the regions just below
    /// and at it start, so that a lookup finds its region's list in the
    /// endpoint it compared with (and the next, which usually shares its
    /// cache line).
    endpoints: Vec<Endpoint>,
    buckets: Buckets,
    /// Per bucket, what a number in it needs (see [`Direct`]); none for
    /// more than [`MAX_DIRECT`] buckets.
    direct: Vec<Direct>,
    /// The payloads of the narrow ranges covering each region, region
    /// after region.
    listed: Vec<T>,
    /// Per segment tree node, the payloads of the wide ranges covering it:
    /// `tree[nodes[n]..nodes[n + 1]]`, side by side in one array (a lookup
    /// reads a node per level, and with many rules those are rarely cached);
    /// empty if there are none.
    nodes: Vec<u32>,
    tree: Vec<T>,
    regions: usize,
}

/// An endpoint of the ranges, and where in [`NumericIndex::listed`] the
/// payloads of region `2p` (the numbers between it and the endpoint before,
/// for the `p`th endpoint) and region `2p + 1` (the endpoint itself) start.
#[derive(Debug, Clone, Copy)]
struct Endpoint {
    value: f64,
    below: u32,
    at: u32,
}

/// A bucket's endpoint, if it has one, and where the lists of the regions
/// its numbers can be in start: below the endpoint, at it, above it (or, for
/// a bucket without one, the one region of its numbers, as if above a NaN)
/// and the end of the last. A number in a bucket holding at most one
/// endpoint (nearly all) is then found by reading this entry and its list.
#[derive(Debug, Clone, Copy)]
struct Direct {
    value: f64,
    starts: [u32; 4],
}

/// `starts[0]` of a bucket holding more than one endpoint: its numbers are
/// searched for among the endpoints.
const SEARCH: u32 = u32::MAX;

/// The most buckets that get [`Direct`] entries (256 KiB of them). A larger
/// table, for thousands of ranges at one path, misses the cache on more
/// lookups than it saves reads: 10,000 coordinate rules of one kind ran at
/// 312,000 to 345,000 events/s with one (three runs), 327,000 to 406,000
/// without (three runs, turn about).
const MAX_DIRECT: usize = (256 << 10) / std::mem::size_of::<Direct>();

/// Evenly spaced buckets from the lowest endpoint to the highest, each with
/// the endpoints falling in it: a number's position among the endpoints is
/// searched for only within its bucket. There are about twice as many
/// buckets as endpoints, so most hold at most one, and a number's position
/// is then found with one comparison instead of a search.
#[derive(Debug, Clone)]
struct Buckets {
    low: f64,
    /// Buckets per unit; 0 when the endpoints do not span a finite width.
    scale: f64,
    /// `first[b]`: how many endpoints fall in buckets before `b`, with
    /// [`CROWDED`] set if bucket `b` holds more than one.
    first: Vec<u32>,
}

/// The flag of a bucket holding more than one endpoint.
const CROWDED: u32 = 1 << 31;

impl Buckets {
    fn new(bounds: &[f64]) -> Self {
        let count = (2 * bounds.len()).next_power_of_two().clamp(1, MAX_BUCKETS);
        let (low, high) = (bounds.first().copied().unwrap_or(0.0), bounds.last().copied().unwrap_or(0.0));
        let scale = count as f64 / (high - low);
        let scale = if high > low && scale.is_finite() { scale } else { 0.0 };
        let mut buckets = Self { low, scale, first: vec![0; count + 1] };
        for &bound in bounds {
            let bucket = buckets.of(bound);
            buckets.first[bucket + 1] += 1;
        }
        let crowded: Vec<bool> = buckets.first[1..].iter().map(|&n| n > 1).collect();
        for b in 1..buckets.first.len() {
            buckets.first[b] += buckets.first[b - 1];
        }
        for (first, crowded) in buckets.first.iter_mut().zip(crowded) {
            *first |= if crowded { CROWDED } else { 0 };
        }
        buckets
    }

    /// The bucket of a number. Monotone: a smaller number never lands in a
    /// later bucket (float subtraction, multiplication and the saturating
    /// cast all keep order), so the endpoints before a number's bucket are
    /// all below it and those after all above.
    #[inline]
    fn of(&self, x: f64) -> usize {
        // Cast to `u32` (there are at most 2^16 buckets), whose saturating
        // is two comparisons and one conversion; `usize`'s takes a dozen.
        ((((x - self.low) * self.scale) as u32) as usize).min(self.first.len() - 2)
    }
}

impl<T: Copy> NumericIndex<T> {
    /// Builds the index of the given ranges.
    pub(crate) fn build(ranges: &[(Range, T)]) -> Self {
        let mut bounds: Vec<f64> =
            ranges.iter().flat_map(|(r, _)| [r.lower, r.upper]).flatten().map(|b| b.value).collect();
        bounds.sort_by(f64::total_cmp);
        bounds.dedup();
        let regions = 2 * bounds.len() + 1;
        let buckets = Buckets::new(&bounds);
        bounds.push(f64::NAN);
        let mut starts = vec![0u32; regions + 1];
        let mut index = Self {
            endpoints: bounds.iter().map(|&value| Endpoint { value, below: 0, at: 0 }).collect(),
            buckets,
            direct: Vec::new(),
            listed: Vec::new(),
            nodes: Vec::new(),
            tree: Vec::new(),
            regions,
        };
        let spans: Vec<(usize, usize)> = ranges.iter().map(|(range, _)| index.span(range).unwrap_or((1, 0))).collect();
        let narrow = |&(low, high): &(usize, usize)| low <= high && high - low < NARROW;
        for &(low, high) in spans.iter().filter(|span| narrow(span)) {
            for region in low..=high {
                starts[region + 1] += 1;
            }
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        for (p, endpoint) in index.endpoints.iter_mut().enumerate() {
            (endpoint.below, endpoint.at) = (starts[2 * p], starts[2 * p + 1]);
        }
        let buckets = if index.buckets.first.len() - 1 <= MAX_DIRECT { &index.buckets.first[..] } else { &[] };
        index.direct = buckets
            .windows(2)
            .map(|pair| {
                let (from, to) = ((pair[0] & !CROWDED) as usize, (pair[1] & !CROWDED) as usize);
                let region = 2 * from;
                match to - from {
                    0 => Direct { value: f64::NAN, starts: [0, 0, starts[region], starts[region + 1]] },
                    1 => Direct {
                        value: bounds[from],
                        starts: [starts[region], starts[region + 1], starts[region + 2], starts[region + 3]],
                    },
                    _ => Direct { value: f64::NAN, starts: [SEARCH, 0, 0, 0] },
                }
            })
            .collect();
        let mut cursor = starts.clone();
        let mut listed = vec![None; starts[regions] as usize];
        let mut tree: Vec<Vec<T>> = Vec::new();
        for (&(low, high), (_, payload)) in spans.iter().zip(ranges) {
            if narrow(&(low, high)) {
                for region in low..=high {
                    listed[cursor[region] as usize] = Some(*payload);
                    cursor[region] += 1;
                }
            } else if low <= high {
                if tree.is_empty() {
                    tree = vec![Vec::new(); 4 * regions];
                }
                insert(&mut tree, 1, 0, regions - 1, low, high, *payload);
            }
        }
        index.listed = listed.into_iter().flatten().collect();
        if !tree.is_empty() {
            index.nodes = std::iter::once(0)
                .chain(tree.iter().scan(0u32, |end, node| {
                    *end += node.len() as u32;
                    Some(*end)
                }))
                .collect();
            index.tree = tree.into_iter().flatten().collect();
        }
        index
    }

    /// The position of a number among the endpoints: how many are below it.
    #[inline]
    fn position(&self, value: f64) -> usize {
        let bucket = self.buckets.of(value);
        let first = self.buckets.first[bucket];
        let from = (first & !CROWDED) as usize;
        if first & CROWDED == 0 {
            // At most one endpoint in the bucket: if none, the one read is
            // past it (above the value) or the NaN after the last.
            return from + usize::from(self.endpoints[from].value < value);
        }
        let to = (self.buckets.first[bucket + 1] & !CROWDED) as usize;
        from + self.endpoints[from..to].partition_point(|e| e.value < value)
    }

    /// The regions a range covers, or `None` for an empty range.
    fn span(&self, range: &Range) -> Option<(usize, usize)> {
        let low = range.lower.map_or(0, |b| 2 * self.position(b.value) + if b.inclusive { 1 } else { 2 });
        let high = range.upper.map_or(self.regions - 1, |b| 2 * self.position(b.value) + usize::from(b.inclusive));
        (low <= high).then_some((low, high))
    }

    /// Calls `hit` with the payload of every range holding `x`.
    pub(crate) fn stab(&self, x: f64, hit: &mut impl FnMut(T)) {
        if x.is_nan() {
            return;
        }
        if let Some(direct) = self.direct.get(self.buckets.of(x))
            && direct.starts[0] != SEARCH
            && self.nodes.is_empty()
        {
            // Below, at or above the bucket's endpoint: 0, 1 or 2 (2 also
            // when there is none: nothing compares with a NaN).
            let k = 2 - 2 * usize::from(x < direct.value) - usize::from(x == direct.value);
            let (start, end) = (direct.starts[k], direct.starts[k + 1]);
            self.listed[start as usize..end as usize].iter().copied().for_each(&mut *hit);
            return;
        }
        let position = self.position(x);
        let endpoint = &self.endpoints[position];
        let (region, start, end) = if endpoint.value == x {
            // Only the NaN after the last endpoint has no next, and it equals nothing.
            (2 * position + 1, endpoint.at, self.endpoints[position + 1].below)
        } else {
            (2 * position, endpoint.below, endpoint.at)
        };
        self.listed[start as usize..end as usize].iter().copied().for_each(&mut *hit);
        if self.nodes.is_empty() {
            return;
        }
        let (mut node, mut left, mut right) = (1, 0, self.regions - 1);
        loop {
            self.tree[self.nodes[node] as usize..self.nodes[node + 1] as usize].iter().copied().for_each(&mut *hit);
            if left == right {
                return;
            }
            let middle = (left + right) / 2;
            if region <= middle {
                (node, right) = (2 * node, middle);
            } else {
                (node, left) = (2 * node + 1, middle + 1);
            }
        }
    }
}

/// Adds a range's payload to the segment tree nodes covering regions
/// `low..=high`, under `node` (which covers `left..=right`).
fn insert<T: Copy>(tree: &mut [Vec<T>], node: usize, left: usize, right: usize, low: usize, high: usize, payload: T) {
    if high < left || right < low {
        return;
    }
    if low <= left && right <= high {
        tree[node].push(payload);
        return;
    }
    let middle = (left + right) / 2;
    insert(tree, 2 * node, left, middle, low, high, payload);
    insert(tree, 2 * node + 1, middle + 1, right, low, high, payload);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Bound;
    use proptest::prelude::*;

    fn range(lower: Option<(f64, bool)>, upper: Option<(f64, bool)>) -> Range {
        let bound = |(value, inclusive)| Bound { value, inclusive };
        Range { lower: lower.map(bound), upper: upper.map(bound) }
    }

    #[test]
    fn stabbing_agrees_with_testing_each_range_by_hand() {
        let ranges = vec![
            (range(Some((0.0, false)), Some((5.0, true))), 0),
            (range(None, Some((10.0, false))), 1),
            (range(Some((5.0, true)), None), 2),
            (range(Some((3.0, true)), Some((3.0, true))), 3),
            (range(Some((7.0, false)), Some((7.0, false))), 4),
        ];
        let index = NumericIndex::build(&ranges);
        for x in [-1.0, 0.0, 0.5, 3.0, 5.0, 6.0, 7.0, 10.0, 11.0, f64::INFINITY] {
            let mut got = Vec::new();
            index.stab(x, &mut |p| got.push(p));
            got.sort();
            let expected: Vec<i32> = ranges.iter().filter(|(r, _)| r.contains(x)).map(|(_, p)| *p).collect();
            assert_eq!(got, expected, "at {x}");
        }
    }

    #[test]
    fn many_ranges_without_direct_buckets_agree_too() {
        // Windows like those of coordinate rules: too many endpoints for direct buckets.
        let ranges: Vec<(Range, usize)> = (0..8_000)
            .map(|i| {
                let low = f64::from(i) * 0.37;
                (range(Some((low, i % 2 == 0)), Some((low + 1.5, i % 3 == 0))), i as usize)
            })
            .collect();
        let index = NumericIndex::build(&ranges);
        assert!(index.direct.is_empty());
        for x in (0..3_000).map(|p| f64::from(p) * 0.991).chain([0.0, 0.37, 1.5, 1.87, -1.0, 1e9]) {
            let mut got = Vec::new();
            index.stab(x, &mut |p| got.push(p));
            got.sort_unstable();
            let expected: Vec<usize> = ranges.iter().filter(|(r, _)| r.contains(x)).map(|(_, p)| *p).collect();
            assert_eq!(got, expected, "at {x}");
        }
    }

    /// A bound from a few values, so that ranges share endpoints and
    /// numbers land on them; some far out, to skew the buckets.
    fn bound() -> impl Strategy<Value = Option<(f64, bool)>> {
        let value = prop_oneof![(-40i32..40).prop_map(|v| f64::from(v) / 4.0), Just(-0.0), Just(1e300), Just(-1e12)];
        prop::option::weighted(0.9, (value, any::<bool>()))
    }

    proptest! {
        #[test]
        fn stabbing_agrees_with_testing_each_range(
            bounds in prop::collection::vec((bound(), bound()), 0..120),
            probes in prop::collection::vec(-45i32..45, 1..40),
        ) {
            let ranges: Vec<(Range, usize)> =
                bounds.into_iter().enumerate().map(|(i, (low, high))| (range(low, high), i)).collect();
            let index = NumericIndex::build(&ranges);
            let extra = [0.0, -0.0, 1e300, -1e12, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 0.1];
            for x in probes.into_iter().map(|p| f64::from(p) / 4.0).chain(extra) {
                let mut got = Vec::new();
                index.stab(x, &mut |p| got.push(p));
                got.sort_unstable();
                let expected: Vec<usize> =
                    ranges.iter().filter(|(r, _)| !x.is_nan() && r.contains(x)).map(|(_, p)| *p).collect();
                prop_assert_eq!(got, expected, "at {}", x);
            }
        }
    }
}
