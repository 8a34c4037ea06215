//! Numeric ranges indexed for stabbing queries: which ranges hold a number.
//!
//! The ranges' distinct endpoints cut the number line into regions (each
//! endpoint itself, and the open intervals between); a segment tree over the
//! regions stores each range in O(log n) nodes, so a lookup costs
//! O(log n + hits) however many ranges there are.

use crate::ast::Range;

/// Ranges with their payloads, and the tree built from them.
#[derive(Debug, Clone)]
pub(crate) struct NumericIndex<T> {
    bounds: Vec<f64>,
    /// Per tree node, the payloads of the ranges covering it.
    nodes: Vec<Vec<T>>,
    regions: usize,
}

impl<T: Copy> NumericIndex<T> {
    /// Builds the index of the given ranges.
    pub(crate) fn build(ranges: &[(Range, T)]) -> Self {
        let mut bounds: Vec<f64> =
            ranges.iter().flat_map(|(r, _)| [r.lower, r.upper]).flatten().map(|b| b.value).collect();
        bounds.sort_by(f64::total_cmp);
        bounds.dedup();
        let regions = 2 * bounds.len() + 1;
        let mut index = Self { bounds, nodes: vec![Vec::new(); 4 * regions], regions };
        for (range, payload) in ranges {
            if let Some((low, high)) = index.span(range) {
                index.insert(1, 0, regions - 1, low, high, *payload);
            }
        }
        index
    }

    /// The position of an endpoint in `bounds`.
    fn position(&self, value: f64) -> usize {
        self.bounds.partition_point(|b| *b < value)
    }

    /// The regions a range covers, or `None` for an empty range.
    fn span(&self, range: &Range) -> Option<(usize, usize)> {
        let low = range.lower.map_or(0, |b| 2 * self.position(b.value) + if b.inclusive { 1 } else { 2 });
        let high = range.upper.map_or(self.regions - 1, |b| 2 * self.position(b.value) + usize::from(b.inclusive));
        (low <= high).then_some((low, high))
    }

    fn insert(&mut self, node: usize, left: usize, right: usize, low: usize, high: usize, payload: T) {
        if high < left || right < low {
            return;
        }
        if low <= left && right <= high {
            self.nodes[node].push(payload);
            return;
        }
        let middle = (left + right) / 2;
        self.insert(2 * node, left, middle, low, high, payload);
        self.insert(2 * node + 1, middle + 1, right, low, high, payload);
    }

    /// Calls `hit` with the payload of every range holding `x`.
    pub(crate) fn stab(&self, x: f64, hit: &mut impl FnMut(T)) {
        if x.is_nan() {
            return;
        }
        let position = self.position(x);
        let region = if self.bounds.get(position) == Some(&x) { 2 * position + 1 } else { 2 * position };
        let (mut node, mut left, mut right) = (1, 0, self.regions - 1);
        loop {
            self.nodes[node].iter().copied().for_each(&mut *hit);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Bound;

    fn range(lower: Option<(f64, bool)>, upper: Option<(f64, bool)>) -> Range {
        let bound = |(value, inclusive)| Bound { value, inclusive };
        Range { lower: lower.map(bound), upper: upper.map(bound) }
    }

    #[test]
    fn stabbing_agrees_with_testing_each_range() {
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
}
