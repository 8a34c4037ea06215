//! Hash maps laid out for lookups whose entries are cold: with thousands of
//! rules, the entry a value hits is rarely in the cache, so each pointer
//! followed costs a trip to memory. Keys of up to 16 bytes (nearly all) are
//! held in the table itself, packed into two words, and a single payload
//! (the common case) sits next to its key: a hit then reads the table and
//! nothing else.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use crate::value::pack;

/// The payloads of one key: usually one, held inline.
#[derive(Debug, Clone)]
pub(crate) enum Refs<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Refs<T> {
    /// All the payloads.
    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    fn push(&mut self, payload: T) {
        match self {
            Self::Many(many) => many.push(payload),
            Self::One(_) => {
                let Self::One(first) = std::mem::replace(self, Self::Many(Vec::with_capacity(2))) else {
                    unreachable!("matched as one")
                };
                *self = Self::Many(vec![first, payload]);
            }
        }
    }
}

/// Adds a payload under a key of any map of [`Refs`].
pub(crate) fn push_ref<K: Eq + Hash, T>(map: &mut HashMap<K, Refs<T>>, key: K, payload: T) {
    match map.entry(key) {
        Entry::Occupied(mut entry) => entry.get_mut().push(payload),
        Entry::Vacant(entry) => {
            entry.insert(Refs::One(payload));
        }
    }
}

/// A text of at most 16 bytes: its first 8 bytes, its last 8 (none if it
/// has at most 8) and its length, which together tell it from any other.
pub(crate) type Short = (u64, u64, u8);

/// The most bytes a [`Short`] key holds.
pub(crate) const SHORT: usize = 16;

pub(crate) fn short(bytes: &[u8]) -> Short {
    let len = bytes.len();
    let last = if len > 8 { pack(&bytes[len - 8..]) } else { 0 };
    (pack(&bytes[..len.min(8)]), last, len as u8)
}

/// Texts (compared as bytes) and the payloads each leads to.
#[derive(Debug, Clone)]
pub(crate) struct TextMap<T> {
    short: HashMap<Short, Refs<T>>,
    long: HashMap<Box<[u8]>, Refs<T>>,
}

impl<T> Default for TextMap<T> {
    fn default() -> Self {
        Self { short: HashMap::default(), long: HashMap::default() }
    }
}

impl<T> TextMap<T> {
    /// Adds a payload under a text.
    pub(crate) fn insert(&mut self, text: &[u8], payload: T) {
        if text.len() <= SHORT {
            push_ref(&mut self.short, short(text), payload);
        } else {
            push_ref(&mut self.long, text.into(), payload);
        }
    }

    /// The first payload under a text, made by `make` if there is none.
    pub(crate) fn first_or_insert_with(&mut self, text: &[u8], make: impl FnOnce() -> T) -> &T {
        let refs = if text.len() <= SHORT {
            self.short.entry(short(text)).or_insert_with(|| Refs::One(make()))
        } else {
            self.long.entry(text.into()).or_insert_with(|| Refs::One(make()))
        };
        &refs.as_slice()[0]
    }

    /// The payloads under a text; empty if none.
    pub(crate) fn get(&self, text: &[u8]) -> &[T] {
        let refs = if text.len() <= SHORT { self.short.get(&short(text)) } else { self.long.get(text) };
        refs.map_or(&[], Refs::as_slice)
    }

    /// Whether it holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_of_every_length_are_told_apart() {
        let texts = ["", "a", "a\u{0}", "abcdefgh", "abcdefghi", "bcdefghi", "0123456789abcdef", "0123456789abcdefg"];
        let mut map = TextMap::default();
        for (i, text) in texts.iter().enumerate() {
            map.insert(text.as_bytes(), i);
        }
        map.insert(b"a", 100);
        for (i, text) in texts.iter().enumerate() {
            let expected: &[usize] = if i == 1 { &[1, 100] } else { &[i] };
            assert_eq!(map.get(text.as_bytes()), expected, "{text:?}");
        }
        assert!(map.get(b"abcdefghj").is_empty());
        assert!(map.get(b"0123456789abcdeg").is_empty());
        assert_eq!(*map.first_or_insert_with(b"new", || 7), 7);
        assert_eq!(*map.first_or_insert_with(b"new", || 8), 7);
    }
}
