//! Prefixes or suffixes, found for a value with one lookup per distinct
//! length. Those of at most 8 bytes (nearly all) are keyed by their bytes
//! packed into a `u64`, which hashes and compares without touching memory;
//! a value's prefixes (suffixes) of those lengths are all cut from one word
//! read from its start (end). Longer ones are in a [`TextMap`].

use rustc_hash::FxHashMap as HashMap;

use crate::text_map::{Refs, TextMap, push_ref};
use crate::value::{low_bytes, pack};

/// Affixes of one length.
#[derive(Debug, Clone)]
enum OfLength<T> {
    /// At most 8 bytes, packed by [`pack`].
    Packed(HashMap<u64, Refs<T>>),
    Text(TextMap<T>),
}

/// Strings of one kind (prefixes or suffixes) and what each leads to.
#[derive(Debug, Clone)]
pub(crate) struct Affixes<T> {
    /// By length, ascending.
    by_length: Vec<(usize, OfLength<T>)>,
}

impl<T> Default for Affixes<T> {
    fn default() -> Self {
        Self { by_length: Vec::new() }
    }
}

impl<T> Affixes<T> {
    fn of_length(&mut self, len: usize) -> &mut OfLength<T> {
        let at = match self.by_length.binary_search_by_key(&len, |(l, _)| *l) {
            Ok(at) => at,
            Err(at) => {
                let of_length =
                    if len <= 8 { OfLength::Packed(HashMap::default()) } else { OfLength::Text(TextMap::default()) };
                self.by_length.insert(at, (len, of_length));
                at
            }
        };
        &mut self.by_length[at].1
    }

    /// The first payload of an affix, made by `make` if the affix is new.
    pub(crate) fn first_or_insert_with(&mut self, text: &str, make: impl FnOnce() -> T) -> &T {
        match self.of_length(text.len()) {
            OfLength::Packed(map) => {
                &map.entry(pack(text.as_bytes())).or_insert_with(|| Refs::One(make())).as_slice()[0]
            }
            OfLength::Text(map) => map.first_or_insert_with(text.as_bytes(), make),
        }
    }

    /// Adds an affix.
    pub(crate) fn insert(&mut self, text: &str, payload: T) {
        match self.of_length(text.len()) {
            OfLength::Packed(map) => push_ref(map, pack(text.as_bytes()), payload),
            OfLength::Text(map) => map.insert(text.as_bytes(), payload),
        }
    }

    /// Calls `hit` for what each affix the value starts with leads to. Bytes
    /// suffice: equal to a whole string, a value's first bytes end on a
    /// character boundary.
    pub(crate) fn prefixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        if self.by_length.is_empty() {
            return;
        }
        let bytes = value.as_bytes();
        // The first (up to) 8 bytes; a prefix of `len` bytes is its low `len` bytes.
        let head = pack(&bytes[..bytes.len().min(8)]);
        self.each(bytes.len(), |len| low_bytes(head, len), |len| &bytes[..len], hit);
    }

    /// Calls `hit` for what each affix the value ends with leads to.
    pub(crate) fn suffixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        if self.by_length.is_empty() {
            return;
        }
        let bytes = value.as_bytes();
        // The last (up to) 8 bytes; a suffix of `len` bytes is its high `len` of them.
        let start = bytes.len().saturating_sub(8);
        let (tail, tail_len) = (pack(&bytes[start..]), bytes.len() - start);
        // (An empty suffix shifts everything out.)
        let packed = |len: usize| tail.checked_shr(8 * tail_len.saturating_sub(len) as u32).unwrap_or(0);
        self.each(bytes.len(), packed, |len| &bytes[bytes.len() - len..], hit);
    }

    fn each<'a, 'v>(
        &'a self,
        max: usize,
        packed: impl Fn(usize) -> u64,
        part: impl Fn(usize) -> &'v [u8],
        hit: &mut impl FnMut(&'a T),
    ) {
        for (len, of_length) in &self.by_length {
            if *len > max {
                break;
            }
            let payloads = match of_length {
                OfLength::Packed(map) => map.get(&packed(*len)).map_or(&[][..], Refs::as_slice),
                OfLength::Text(map) => map.get(part(*len)),
            };
            payloads.iter().for_each(&mut *hit);
        }
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_length.is_empty()
    }

    /// How many lengths there are: the lookups a value can take.
    pub(crate) fn lengths(&self) -> usize {
        self.by_length.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_short_and_long_affixes_at_both_ends() {
        let mut affixes = Affixes::default();
        for (i, text) in ["a", "ab", "abcdefgh", "abcdefghi", "é", "hi", "", "b\u{0}"].iter().enumerate() {
            affixes.insert(text, i);
        }
        let found = |value: &str, prefixes: bool| {
            let mut got = Vec::new();
            if prefixes {
                affixes.prefixes_of(value, &mut |i| got.push(*i));
            } else {
                affixes.suffixes_of(value, &mut |i| got.push(*i));
            }
            got.sort_unstable();
            got
        };
        assert_eq!(found("abcdefghi", true), [0, 1, 2, 3, 6]);
        assert_eq!(found("abcdefghi", false), [3, 5, 6]);
        assert_eq!(found("éa", true), [4, 6]);
        assert_eq!(found("aé", false), [4, 6]);
        // "b" packs like "b\0" would if lengths were mixed; they are not.
        assert_eq!(found("b", true), [6]);
        assert_eq!(found("xb\u{0}", false), [6, 7]);
    }
}
