//! Prefixes or suffixes, found for a value with one lookup per distinct
//! length. Those of at most 8 bytes (nearly all) are keyed by their bytes
//! packed into a `u64`, which hashes and compares without touching memory.

use rustc_hash::FxHashMap as HashMap;

use crate::value::pack;

/// Affixes of one length.
#[derive(Debug, Clone)]
enum OfLength<T> {
    /// At most 8 bytes, packed by [`pack`].
    Packed(HashMap<u64, Vec<T>>),
    Text(HashMap<Box<str>, Vec<T>>),
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
    /// What `text` leads to, added empty if new.
    pub(crate) fn entry(&mut self, text: &str) -> &mut Vec<T> {
        let len = text.len();
        let at = match self.by_length.binary_search_by_key(&len, |(l, _)| *l) {
            Ok(at) => at,
            Err(at) => {
                let of_length =
                    if len <= 8 { OfLength::Packed(HashMap::default()) } else { OfLength::Text(HashMap::default()) };
                self.by_length.insert(at, (len, of_length));
                at
            }
        };
        match &mut self.by_length[at].1 {
            OfLength::Packed(map) => map.entry(pack(text.as_bytes())).or_default(),
            OfLength::Text(map) => map.entry(text.into()).or_default(),
        }
    }

    /// Adds an affix.
    pub(crate) fn insert(&mut self, text: &str, payload: T) {
        self.entry(text).push(payload);
    }

    /// Calls `hit` for what each affix the value starts with leads to. Bytes
    /// suffice: equal to a whole string, a value's first bytes end on a
    /// character boundary.
    pub(crate) fn prefixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        let bytes = value.as_bytes();
        self.each(bytes.len(), |len| &bytes[..len], hit);
    }

    /// Calls `hit` for what each affix the value ends with leads to.
    pub(crate) fn suffixes_of<'a>(&'a self, value: &str, hit: &mut impl FnMut(&'a T)) {
        let bytes = value.as_bytes();
        self.each(bytes.len(), |len| &bytes[bytes.len() - len..], hit);
    }

    fn each<'a, 'v>(&'a self, max: usize, part: impl Fn(usize) -> &'v [u8], hit: &mut impl FnMut(&'a T)) {
        for (len, of_length) in &self.by_length {
            if *len > max {
                break;
            }
            let part = part(*len);
            let payloads = match of_length {
                OfLength::Packed(map) => map.get(&pack(part)),
                // Text keys are whole strings, so only a boundary can match.
                OfLength::Text(map) => std::str::from_utf8(part).ok().and_then(|part| map.get(part)),
            };
            payloads.into_iter().flatten().for_each(&mut *hit);
        }
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_length.is_empty()
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
