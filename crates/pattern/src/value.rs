//! Scalar values of patterns and events, and how they compare.

use std::borrow::Cow;

/// A JSON number as a hashable key: numbers compare as numbers, so `5`,
/// `5.0` and `5e0` are one key (and `-0` is `0`).
pub(crate) fn number_key(number: f64) -> u64 {
    if number == 0.0 { 0.0f64.to_bits() } else { number.to_bits() }
}

/// Up to 8 bytes as a number, to compare short strings of a known length
/// without a call to `memcmp`: strings of one length pack distinctly.
/// Bytes past the 8th are left out; the first byte goes lowest, as a
/// little-endian load puts it. A short string is read in at most three
/// loads, not a loop over its bytes (whose varying length the processor
/// mispredicts).
#[inline]
pub(crate) fn pack(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    if let Some(first) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*first);
    }
    if let (Some(low), Some(high)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // Two overlapping words: the bytes they share are the same.
        return u64::from(u32::from_le_bytes(*low)) | u64::from(u32::from_le_bytes(*high)) << (8 * (len - 4));
    }
    match bytes {
        [] => 0,
        // One to three bytes: the first, the middle and the last (some the same).
        [first, ..] => {
            let (middle, last) = (bytes[len / 2], bytes[len - 1]);
            u64::from(*first) | u64::from(middle) << (8 * (len / 2)) | u64::from(last) << (8 * (len - 1))
        }
    }
}

/// The low `len` bytes of a word (all of it from 8 on): a packed prefix of
/// `len` bytes, or the bytes of a name from a load that read past its end.
#[inline(always)]
pub(crate) fn low_bytes(word: u64, len: usize) -> u64 {
    if len >= 8 { word } else { word & ((1u64 << (8 * len)) - 1) }
}

/// Non-zero if and only if some byte of `word` is `byte` (the high bit of
/// the first such byte is set): eight bytes compared in a few operations.
#[inline(always)]
pub(crate) fn bytes_equal_to(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let zeroed = word ^ (ONES * u64::from(byte));
    zeroed.wrapping_sub(ONES) & !zeroed & (ONES << 7)
}

/// A value an exact match compares with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar {
    /// Whether an event's leaf value is this value.
    pub(crate) fn equals(&self, leaf: &Leaf<'_>) -> bool {
        match (self, leaf) {
            (Self::Str(a), Leaf::Str(b)) => a == b,
            (Self::Num(a), Leaf::Num(b)) => number_key(*a) == number_key(*b),
            (Self::Bool(a), Leaf::Bool(b)) => a == b,
            (Self::Null, Leaf::Null) => true,
            _ => false,
        }
    }
}

/// A leaf value of an event: what patterns test. Strings borrow from the
/// event text where they can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf<'e> {
    /// A string.
    Str(Cow<'e, str>),
    /// A number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Leaf<'_> {
    /// The same leaf, owning its string.
    pub(crate) fn into_owned(self) -> Leaf<'static> {
        match self {
            Self::Str(s) => Leaf::Str(Cow::Owned(s.into_owned())),
            Self::Num(n) => Leaf::Num(n),
            Self::Bool(b) => Leaf::Bool(b),
            Self::Null => Leaf::Null,
        }
    }

    /// The string, if the leaf is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Lower-cases as EventBridge's equals-ignore-case does (Unicode, not ASCII
/// only); text already lower case is borrowed, not copied.
pub(crate) fn fold_case(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(text);
    }
    let mut folded = String::new();
    fold_case_into(text, &mut folded);
    Cow::Owned(folded)
}

/// Whether `text` lower-cased starts with `folded` (itself lower case),
/// without lower-casing into a new string when `text` is ASCII.
pub(crate) fn folded_starts_with(text: &str, folded: &str) -> bool {
    if !text.is_ascii() {
        return fold_case(text).starts_with(folded);
    }
    // ASCII lower-cases byte for byte, keeping its length.
    text.len() >= folded.len() && ascii_folded_eq(&text.as_bytes()[..folded.len()], folded.as_bytes())
}

/// Whether `text` lower-cased ends with `folded` (itself lower case).
pub(crate) fn folded_ends_with(text: &str, folded: &str) -> bool {
    if !text.is_ascii() {
        return fold_case(text).ends_with(folded);
    }
    text.len() >= folded.len() && ascii_folded_eq(&text.as_bytes()[text.len() - folded.len()..], folded.as_bytes())
}

/// Whether `text` lower-cased is `folded` (itself lower case).
pub(crate) fn folded_eq(text: &str, folded: &str) -> bool {
    if !text.is_ascii() {
        return fold_case(text) == folded;
    }
    text.len() == folded.len() && ascii_folded_eq(text.as_bytes(), folded.as_bytes())
}

fn ascii_folded_eq(ascii: &[u8], folded: &[u8]) -> bool {
    ascii.iter().zip(folded).all(|(a, f)| a.to_ascii_lowercase() == *f)
}

/// [`fold_case`] into a reused buffer.
pub(crate) fn fold_case_into(text: &str, folded: &mut String) {
    folded.clear();
    if text.is_ascii() {
        // Unicode lower-casing of ASCII is ASCII lower-casing.
        folded.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        folded.push_str(&text.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_comparisons_agree_with_folding_first() {
        let texts = ["", "Fulton", "FULTON ST", "straße", "İstanbul", "ΣΑΣ", "a\u{0}B"];
        let folded = ["", "f", "fulton", "fulton st", "st", "ße", "i̇stanbul", "σας", "σ", "a\u{0}b", "é"];
        for text in texts {
            for f in folded {
                let lower = fold_case(text);
                assert_eq!(folded_eq(text, f), lower == f, "{text} = {f}");
                assert_eq!(folded_starts_with(text, f), lower.starts_with(f), "{text} starts with {f}");
                assert_eq!(folded_ends_with(text, f), lower.ends_with(f), "{text} ends with {f}");
            }
        }
    }

    #[test]
    fn packs_every_length_as_a_little_endian_load_of_the_bytes_would() {
        let text = b"abcdefghijk\xff\x00\x01";
        for start in 0..3 {
            for len in 0..=10.min(text.len() - start) {
                let bytes = &text[start..start + len];
                let expected = bytes.iter().take(8).rev().fold(0u64, |word, &b| (word << 8) | u64::from(b));
                assert_eq!(pack(bytes), expected, "{bytes:?}");
            }
        }
    }
}
