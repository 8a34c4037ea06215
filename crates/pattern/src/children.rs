//! The children of a path trie node by field name.
//!
//! Each name of a node gets a slot of its own in a small table, found from
//! the name's length and first 16 bytes by one multiplication: finding a name
//! is one probe and one comparison. A search through a list instead runs a
//! loop whose length depends on the name, and as the names of an object
//! vary, the processor mispredicts where it ends; with many rules an
//! object's names are nearly all tested, and that was a tenth of the cost
//! of reading an event.
//!
//! Each child also has a rank (the order it was added in): the first 64
//! have a bit of their own, so that the reader can tell a name given twice
//! in one object with one word per object instead of searching the names
//! seen so far.

use rustc_hash::FxHashMap as HashMap;

use crate::value::{bytes_equal_to, low_bytes, pack};

/// Tables have at most this many slots (a larger one would rarely be cached).
const MAX_SLOTS: usize = 1 << 10;

/// Seeds tried per table size before the next size is tried.
const SEEDS: u64 = 32;

/// A field name as the table knows it: its length and first 16 bytes, which
/// settle the comparison of all but the rare longer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameKey {
    len: usize,
    first: u64,
    second: u64,
}

impl NameKey {
    /// The key of a name.
    pub(crate) fn of(name: &str) -> Self {
        let bytes = name.as_bytes();
        let second = bytes.get(8..bytes.len().min(16)).map_or(0, pack);
        Self { len: bytes.len(), first: pack(&bytes[..bytes.len().min(8)]), second }
    }

    /// The key of the name at `bytes[start..start + len]`: from two 8-byte
    /// loads when the text goes on that far (a name is followed by at least
    /// `":` and a value, so it nearly always does), instead of loops over
    /// the name's bytes.
    #[inline(always)]
    pub(crate) fn at(bytes: &[u8], start: usize, len: usize) -> Self {
        match bytes.get(start..).and_then(|rest| rest.first_chunk::<16>()) {
            Some(chunk) => {
                let (first, second) = chunk.split_at(8);
                let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
                // `pack` puts the first byte lowest, as a little-endian load does.
                let first = low_bytes(word(first), len);
                let second = low_bytes(word(second), len.saturating_sub(8));
                Self { len, first, second }
            }
            None => Self::of(std::str::from_utf8(&bytes[start..start + len]).unwrap_or_default()),
        }
    }

    /// Whether the name (whose key this is) has a dot: from the key's
    /// words for names of up to 16 bytes (most field names), without a
    /// search through the bytes.
    #[inline(always)]
    pub(crate) fn has_dot(self, name: &str) -> bool {
        if self.len > 16 {
            return name.contains('.');
        }
        // The bytes past the name are zero in the key, and zero is no dot.
        bytes_equal_to(self.first, b'.') | bytes_equal_to(self.second, b'.') != 0
    }

    /// Whether two keys are the same, without a branch per field.
    #[inline(always)]
    fn same(self, other: Self) -> bool {
        ((self.len ^ other.len) as u64 | (self.first ^ other.first) | (self.second ^ other.second)) == 0
    }

    /// The slot of the key in a table of `64 - shift` bits.
    #[inline(always)]
    fn slot(self, seed: u64, shift: u32) -> usize {
        let mixed = self.first ^ self.second.rotate_left(29) ^ (self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed.wrapping_mul(seed) >> shift) as usize
    }
}

/// A child found by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Child {
    /// The trie node the name leads to.
    pub(crate) node: u32,
    /// A bit of the child's own among its siblings, or 0 from the 65th on.
    pub(crate) bit: u64,
}

/// The children of one trie node.
#[derive(Debug, Clone, Default)]
pub(crate) struct Children {
    /// Names and their nodes, in the order added: a child's rank.
    names: Vec<(Box<str>, u32)>,
    lookup: Lookup,
}

#[derive(Debug, Clone, Default)]
enum Lookup {
    #[default]
    Empty,
    /// A slot per name: `slots[key.slot(seed, shift)]`.
    Table { slots: Box<[Slot]>, seed: u64, shift: u32 },
    /// Ranks by name: for names that share a length and first 16 bytes, and
    /// for more names than a table takes.
    Map(HashMap<Box<str>, u32>),
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: NameKey,
    node: u32,
    rank: u32,
}

/// No name is this long, so an empty slot never matches.
const EMPTY: Slot = Slot { key: NameKey { len: usize::MAX, first: 0, second: 0 }, node: 0, rank: 0 };

impl Children {
    /// The child a name leads to; `key` is the name's [`NameKey`].
    #[inline(always)]
    pub(crate) fn get(&self, name: &str, key: NameKey) -> Option<Child> {
        let rank = match &self.lookup {
            Lookup::Table { slots, seed, shift } => {
                let slot = slots.get(key.slot(*seed, *shift))?;
                if !slot.key.same(key)
                    || (key.len > 16 && self.names[slot.rank as usize].0.as_bytes()[16..] != name.as_bytes()[16..])
                {
                    return None;
                }
                return Some(Child { node: slot.node, bit: 1 << slot.rank });
            }
            Lookup::Map(map) => *map.get(name)?,
            Lookup::Empty => return None,
        };
        let bit = if rank < 64 { 1 << rank } else { 0 };
        Some(Child { node: self.names[rank as usize].1, bit })
    }

    /// Adds a child (whose name is not there yet).
    pub(crate) fn insert(&mut self, name: &str, node: u32) {
        let rank = self.names.len() as u32;
        self.names.push((name.into(), node));
        // Names that needed a map still do: add to it rather than build it
        // anew (a node can have thousands of children).
        if let Lookup::Map(map) = &mut self.lookup {
            map.insert(name.into(), rank);
            return;
        }
        self.lookup = self.table().unwrap_or_else(|| {
            Lookup::Map(self.names.iter().enumerate().map(|(rank, (name, _))| (name.clone(), rank as u32)).collect())
        });
    }

    /// A table with a slot per name, if one is found: from twice as many
    /// slots as names up, a few seeds each.
    fn table(&self) -> Option<Lookup> {
        if self.names.len() > 64 {
            return None;
        }
        let keys: Vec<NameKey> = self.names.iter().map(|(name, _)| NameKey::of(name)).collect();
        let mut bits = (2 * keys.len()).next_power_of_two().trailing_zeros().max(1);
        let mut seeds = (0..).map(seed);
        while 1 << bits <= MAX_SLOTS {
            let shift = 64 - bits;
            for _ in 0..SEEDS {
                let seed = seeds.next().unwrap_or(1);
                let mut slots = vec![EMPTY; 1 << bits].into_boxed_slice();
                let placed = keys.iter().zip(&self.names).enumerate().all(|(rank, (&key, &(_, node)))| {
                    let slot = &mut slots[key.slot(seed, shift)];
                    let free = slot.key == EMPTY.key;
                    *slot = Slot { key, node, rank: rank as u32 };
                    free
                });
                if placed {
                    return Some(Lookup::Table { slots, seed, shift });
                }
            }
            bits += 1;
        }
        None
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The `i`th seed to try: odd, and with its bits spread (splitmix64's finaliser).
fn seed(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of_names(names: &[&str]) -> Children {
        let mut children = Children::default();
        for (node, name) in names.iter().enumerate() {
            children.insert(name, node as u32 + 100);
        }
        children
    }

    fn get(children: &Children, name: &str) -> Option<Child> {
        children.get(name, NameKey::of(name))
    }

    #[test]
    fn every_name_is_found_and_no_other() {
        let names = ["type", "properties", "geometry", "x", "y", "z", "MAPBLKLOT", "BLOCK_NUM", "a.b", "", "é"];
        let children = of_names(&names);
        assert!(matches!(children.lookup, Lookup::Table { .. }));
        for (rank, name) in names.iter().enumerate() {
            assert_eq!(get(&children, name), Some(Child { node: rank as u32 + 100, bit: 1 << rank }), "{name}");
        }
        for other in ["typ", "types", "TYPE", "propertiez", "MAPBLKLOT2", "MAPBLKLO", "w", "a"] {
            assert_eq!(get(&children, other), None, "{other}");
        }
    }

    #[test]
    fn names_sharing_their_first_16_bytes_and_length_are_told_apart() {
        let names = ["coordinates_and_1", "coordinates_and_2", "coordinates_and_A"];
        let children = of_names(&names);
        assert!(matches!(children.lookup, Lookup::Map(_)));
        for (rank, name) in names.iter().enumerate() {
            assert_eq!(get(&children, name).map(|c| c.node), Some(rank as u32 + 100));
        }
        assert_eq!(get(&children, "coordinates_and_3"), None);
        // Same first 16 bytes, other lengths, or differing only after 16 from all others of their length: a table still tells them apart.
        let names = [
            "coordinates",
            "coordinatesX",
            "coordinat",
            "firstCoordinates",
            "firstCoordinatesOfMany",
            "firstCoordinatesOfMostly",
        ];
        let children = of_names(&names);
        assert!(matches!(children.lookup, Lookup::Table { .. }));
        for (rank, name) in names.iter().enumerate() {
            assert_eq!(get(&children, name).map(|c| c.node), Some(rank as u32 + 100));
        }
        for other in ["coordinatesY", "firstCoordinatez", "firstCoordinatesOfMuch"] {
            assert_eq!(get(&children, other), None, "{other}");
        }
    }

    #[test]
    fn many_names_are_all_found_and_only_the_first_64_have_bits() {
        let names: Vec<String> = (0..200).map(|i| format!("field{i}")).collect();
        let mut all = Children::default();
        for (node, name) in names.iter().enumerate() {
            all.insert(name, node as u32);
            // Every prefix of the list is a complete set of children too.
            assert_eq!(get(&all, &names[node / 2]).map(|c| c.node), Some(node as u32 / 2));
        }
        for (rank, name) in names.iter().enumerate() {
            let child = get(&all, name).expect("found");
            assert_eq!(child.node, rank as u32);
            assert_eq!(child.bit, if rank < 64 { 1 << rank } else { 0 });
        }
        assert_eq!(get(&all, "field200"), None);
    }

    #[test]
    fn a_key_from_the_text_is_the_key_of_the_name() {
        let text = r#"{"type":1,"MAPBLKLOT":"x","firstCoordinatesOfMany":[],"properties":{},"":0,"t":"#;
        for name in ["type", "MAPBLKLOT", "firstCoordinatesOfMany", "properties", "", "t"] {
            let start = text.find(&format!("\"{name}\":")).expect("in the text") + 1;
            assert_eq!(NameKey::at(text.as_bytes(), start, name.len()), NameKey::of(name), "{name:?}");
        }
    }

    #[test]
    fn a_dot_is_found_anywhere_in_a_name() {
        for name in ["a.b", ".", "abcdefgh.", "abcdefghijklmno.", "abcdefghijklmnopq.r", "é.", "x".repeat(40).as_str()]
        {
            assert_eq!(NameKey::of(name).has_dot(name), name.contains('.'), "{name}");
        }
        for name in ["", "a", "abcdefgh", "abcdefghijklmnop", "\u{2e2e}", "é", "\0", "\u{ae}", "-/-/-/-/-/-/-/-/"] {
            assert!(!NameKey::of(name).has_dot(name), "{name}");
        }
    }

    #[test]
    fn no_children_find_nothing() {
        assert_eq!(get(&Children::default(), "a"), None);
        assert!(Children::default().is_empty());
    }
}
