//! Counts over a sliding window of time, and a bounded set of recent keys.

use std::collections::{HashMap, HashSet, VecDeque};

/// Counts per key over the last `span_ms`, in buckets of `bucket_ms`: the
/// memory per key is bounded by the span, whatever the rate.
#[derive(Debug)]
pub(super) struct Window {
    span_ms: i64,
    bucket_ms: i64,
    buckets: HashMap<String, VecDeque<(i64, u32)>>,
}

impl Window {
    pub(super) fn new(span_ms: i64, bucket_ms: i64) -> Self {
        Self { span_ms, bucket_ms, buckets: HashMap::new() }
    }

    /// The window's length in seconds.
    pub(super) fn span_secs(&self) -> f64 {
        self.span_ms as f64 / 1000.0
    }

    /// Counts one occurrence for `key` at `at_ms`.
    pub(super) fn add(&mut self, key: &str, at_ms: i64) {
        let bucket = at_ms.div_euclid(self.bucket_ms);
        let buckets = self.buckets.entry(key.to_owned()).or_default();
        // Records arrive nearly in order: the bucket is almost always the last.
        match buckets.iter().rposition(|(b, _)| *b <= bucket) {
            Some(i) if buckets[i].0 == bucket => buckets[i].1 += 1,
            Some(i) => buckets.insert(i + 1, (bucket, 1)),
            None => buckets.push_front((bucket, 1)),
        }
    }

    /// Each key's count in the window that ends at `now_ms` (keys with none
    /// are forgotten).
    pub(super) fn totals(&mut self, now_ms: i64) -> Vec<(String, u32)> {
        // A bucket counts while any part of it is inside the window.
        let oldest = (now_ms - self.span_ms).div_euclid(self.bucket_ms);
        self.buckets.retain(|_, buckets| {
            while buckets.front().is_some_and(|(b, _)| *b < oldest) {
                buckets.pop_front();
            }
            !buckets.is_empty()
        });
        let mut totals: Vec<(String, u32)> =
            self.buckets.iter().map(|(key, buckets)| (key.clone(), buckets.iter().map(|(_, n)| n).sum())).collect();
        totals.sort();
        totals
    }
}

/// A set that remembers the last `capacity` keys inserted.
#[derive(Debug)]
pub(super) struct Recent {
    capacity: usize,
    keys: HashSet<String>,
    order: VecDeque<String>,
}

impl Recent {
    pub(super) fn new(capacity: usize) -> Self {
        Self { capacity, keys: HashSet::new(), order: VecDeque::new() }
    }

    /// Whether `key` was new.
    pub(super) fn insert(&mut self, key: &str) -> bool {
        if self.keys.contains(key) {
            return false;
        }
        self.keys.insert(key.to_owned());
        self.order.push_back(key.to_owned());
        if self.order.len() > self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.keys.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_what_is_inside_it_and_forgets_the_rest() {
        let mut window = Window::new(10_000, 1_000);
        for at in [500, 1_500, 1_600, 9_900, 1_400] {
            window.add("a", at);
        }
        window.add("b", 2_000);
        assert_eq!(window.totals(10_000), [("a".to_owned(), 5), ("b".to_owned(), 1)]);
        // At 11.5 s the bucket of 0–0.999 s has left the window; at 12 s, that of 1–1.999 s.
        assert_eq!(window.totals(11_500), [("a".to_owned(), 4), ("b".to_owned(), 1)]);
        assert_eq!(window.totals(12_000), [("a".to_owned(), 1), ("b".to_owned(), 1)]);
        assert!(window.totals(30_000).is_empty());
    }

    #[test]
    fn recent_keys_are_bounded() {
        let mut recent = Recent::new(2);
        assert!(recent.insert("a") && recent.insert("b") && !recent.insert("a"));
        assert!(recent.insert("c"));
        assert!(recent.insert("a"), "the oldest key was forgotten");
    }
}
