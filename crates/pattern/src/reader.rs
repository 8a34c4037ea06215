//! A one-pass reader of event text for the common case, checking the text
//! is JSON as it goes and taking out the tested leaves without serde's
//! visitor machinery (which costs more than the parsing itself on objects of
//! a few numbers each, such as GeoJSON coordinates).
//!
//! It accepts only what serde_json accepts, and reads values exactly as
//! serde_json does. Where that would take more than the common case (a
//! string with escapes, a number of many digits or a large exponent, deep
//! nesting) or the text is not JSON, it gives up, and the caller reads the
//! event with serde_json instead, which then also gives the error.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::children::NameKey;
use crate::event::{Flattened, FrameId, PathTrie};
use crate::value::{Leaf, bytes_equal_to};

/// The reader gave up: the event needs serde_json.
#[derive(Debug)]
pub(crate) struct GiveUp;

/// Nesting deeper than this is left to serde_json (which refuses more than
/// 128 levels).
const MAX_DEPTH: usize = 100;

/// Powers of ten that are exact as `f64`: serde_json's table starts alike.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Whether serde_json makes a number by scaling its digits (read as an
/// integer) by a power of ten, as it does by default, rather than rounding
/// correctly (its `float_roundtrip` feature, which any crate of a build may
/// turn on). The two differ in the last bit for some numbers of 16 digits or
/// more, such as coordinates, and the reader must agree with serde_json.
fn serde_json_scales() -> bool {
    static SCALES: OnceLock<bool> = OnceLock::new();
    *SCALES.get_or_init(|| {
        // Scaled, this rounds twice, to 112.1504477394224; correctly rounded,
        // it is 112.15044773942239.
        serde_json::from_str::<f64>("112.15044773942239").is_ok_and(|x| x == 11_215_044_773_942_239u64 as f64 / 1e14)
    })
}

/// Where a value goes: a trie node, or nowhere (it is only checked).
#[derive(Clone, Copy)]
enum Target {
    Node(u32),
    Skip,
}

/// Reads one event.
pub(crate) struct Reader<'e> {
    text: &'e str,
    at: usize,
    /// See [`serde_json_scales`].
    scaled: bool,
}

impl<'e> Reader<'e> {
    /// Reads the tested leaves of the event `text` into `flat`. On
    /// [`GiveUp`], `flat` holds a part of them.
    pub(crate) fn event(trie: &PathTrie, text: &'e str, flat: &mut Flattened<'e>) -> Result<(), GiveUp> {
        let mut reader = Self { text, at: 0, scaled: serde_json_scales() };
        match reader.whitespace() {
            // Only an object is an event; anything else is checked and has no leaves.
            b'{' => reader.object(trie, Target::Node(0), 0, flat, 0)?,
            // serde_json reads a lone number in full, and refuses one out of range.
            b'-' | b'0'..=b'9' => drop(reader.number()?),
            _ => reader.value(trie, Target::Skip, 0, flat, 0)?,
        }
        match reader.whitespace() {
            0 if reader.at == text.len() => Ok(()),
            _ => Err(GiveUp),
        }
    }

    fn bytes(&self) -> &'e [u8] {
        self.text.as_bytes()
    }

    /// Skips whitespace; the next byte, or 0 at the end.
    #[inline]
    fn whitespace(&mut self) -> u8 {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.at) {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return b;
            }
            self.at += 1;
        }
        0
    }

    /// Consumes `byte` after whitespace, or gives up.
    #[inline]
    fn expect(&mut self, byte: u8) -> Result<(), GiveUp> {
        if self.whitespace() != byte {
            return Err(GiveUp);
        }
        self.at += 1;
        Ok(())
    }

    fn value(
        &mut self,
        trie: &PathTrie,
        target: Target,
        frame: FrameId,
        flat: &mut Flattened<'e>,
        depth: usize,
    ) -> Result<(), GiveUp> {
        let leaf = match self.whitespace() {
            b'{' => {
                let target = match target {
                    Target::Node(node) if trie.has_children(node) => target,
                    _ => Target::Skip,
                };
                return self.object(trie, target, frame, flat, depth);
            }
            b'[' => {
                let target = match target {
                    Target::Node(node) if trie.path(node).is_some() || trie.has_children(node) => target,
                    _ => Target::Skip,
                };
                return self.array(trie, target, frame, flat, depth);
            }
            b'"' => Leaf::Str(Cow::Borrowed(self.string()?)),
            b't' => self.literal(b"true", Leaf::Bool(true))?,
            b'f' => self.literal(b"false", Leaf::Bool(false))?,
            b'n' => self.literal(b"null", Leaf::Null)?,
            b'-' | b'0'..=b'9' => match target {
                Target::Node(_) => Leaf::Num(self.number()?),
                Target::Skip => return self.skip_number(),
            },
            _ => return Err(GiveUp),
        };
        if let Target::Node(node) = target
            && let Some(path) = trie.path(node)
        {
            flat.push(path, leaf, frame);
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8], leaf: Leaf<'e>) -> Result<Leaf<'e>, GiveUp> {
        if !self.bytes()[self.at..].starts_with(word) {
            return Err(GiveUp);
        }
        self.at += word.len();
        Ok(leaf)
    }

    /// An object, at its `{`; with `Target::Node`, one whose node has children.
    fn object(
        &mut self,
        trie: &PathTrie,
        target: Target,
        frame: FrameId,
        flat: &mut Flattened<'e>,
        depth: usize,
    ) -> Result<(), GiveUp> {
        if depth >= MAX_DEPTH {
            return Err(GiveUp);
        }
        self.at += 1;
        if self.whitespace() == b'}' {
            self.at += 1;
            return Ok(());
        }
        // A tested name given twice is left to serde_json (see `Flattened::from_json`).
        let mut seen = flat.open_object();
        loop {
            if self.whitespace() != b'"' {
                return Err(GiveUp);
            }
            let start = self.at + 1;
            let name = self.string()?;
            self.expect(b':')?;
            let child = match target {
                Target::Node(node) => match trie.child_by_key(node, name, NameKey::at(self.bytes(), start, name.len()))
                {
                    Some(child) if !flat.note_name(&mut seen, child) => return Err(GiveUp),
                    Some(child) => Target::Node(child.node),
                    None => Target::Skip,
                },
                Target::Skip => Target::Skip,
            };
            self.value(trie, child, frame, flat, depth + 1)?;
            match self.whitespace() {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    flat.close_object(seen);
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// An array, at its `[`. Each element of a tested array is an element
    /// of its own (see [`Flattened`]), whatever it holds.
    fn array(
        &mut self,
        trie: &PathTrie,
        target: Target,
        frame: FrameId,
        flat: &mut Flattened<'e>,
        depth: usize,
    ) -> Result<(), GiveUp> {
        if depth >= MAX_DEPTH {
            return Err(GiveUp);
        }
        self.at += 1;
        // An id even for an empty array, as serde_json's reading gives it one.
        let array = match target {
            Target::Node(_) => flat.next_array(),
            Target::Skip => 0,
        };
        if self.whitespace() == b']' {
            self.at += 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            let element = match target {
                Target::Node(_) => flat.enter(array, index, frame),
                Target::Skip => frame,
            };
            self.value(trie, target, element, flat, depth + 1)?;
            index += 1;
            match self.whitespace() {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// A string without escapes or control characters, at its opening
    /// quote, borrowed from the text.
    fn string(&mut self) -> Result<&'e str, GiveUp> {
        let bytes = self.bytes();
        let start = self.at + 1;
        let mut end = start;
        // Eight bytes at a time while none is special.
        while let Some(chunk) = bytes.get(end..).and_then(|rest| rest.first_chunk::<8>()) {
            if has_special(u64::from_le_bytes(*chunk)) {
                break;
            }
            end += 8;
        }
        loop {
            match bytes.get(end) {
                Some(b'"') => break,
                Some(b'\\') | None => return Err(GiveUp),
                Some(&b) if b < 0x20 => return Err(GiveUp),
                Some(_) => end += 1,
            }
        }
        self.at = end + 1;
        // Quotes are ASCII, so both ends are character boundaries.
        self.text.get(start..end).ok_or(GiveUp)
    }

    /// Checks a number's syntax as serde_json does (`-`, no leading zeros,
    /// digits after a point and in an exponent) and returns where it ends,
    /// with its digits: (significand with wrapping, count of digits, scale).
    fn scan_number(&self) -> Result<(usize, u64, usize, i32), GiveUp> {
        let bytes = self.bytes();
        let mut at = self.at + usize::from(bytes.get(self.at) == Some(&b'-'));
        let leading = at;
        let (mut significand, integer_digits) = digits(bytes, &mut at, 0);
        if integer_digits == 0 || (integer_digits > 1 && bytes[leading] == b'0') {
            return Err(GiveUp);
        }
        let mut count = integer_digits;
        let mut exponent: i32 = 0;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let fraction_digits;
            (significand, fraction_digits) = digits(bytes, &mut at, significand);
            if fraction_digits == 0 {
                return Err(GiveUp);
            }
            count += fraction_digits;
            exponent = -(fraction_digits.min(1 << 20) as i32);
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            let negative = bytes.get(at) == Some(&b'-');
            at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
            let (written, written_digits) = digits(bytes, &mut at, 0);
            if written_digits == 0 {
                return Err(GiveUp);
            }
            // A longer exponent is out of the reader's range anyway.
            let written = if written_digits > 4 { 1 << 20 } else { written as i32 };
            exponent += if negative { -written } else { written };
        }
        Ok((at, significand, count, exponent))
    }

    fn skip_number(&mut self) -> Result<(), GiveUp> {
        self.at = self.scan_number()?.0;
        Ok(())
    }

    /// A number as serde_json reads it: the digits as an integer, scaled by
    /// a power of ten in one multiplication or division (as serde_json does
    /// by default; see [`serde_json_scales`]).
    fn number(&mut self) -> Result<f64, GiveUp> {
        let start = self.at;
        let (end, significand, count, exponent) = self.scan_number()?;
        self.at = end;
        // More digits than a `u64` surely holds: serde_json then drops some.
        if count > 19 {
            return Err(GiveUp);
        }
        if !self.scaled {
            // Correctly rounded, as serde_json then does too.
            let number: f64 = self.text.get(start..end).and_then(|n| n.parse().ok()).ok_or(GiveUp)?;
            return if number.is_finite() { Ok(number) } else { Err(GiveUp) };
        }
        let power = POW10.get(exponent.unsigned_abs() as usize).ok_or(GiveUp)?;
        let magnitude = significand as f64;
        let magnitude = if exponent >= 0 { magnitude * power } else { magnitude / power };
        // The sign bit set without a branch: coordinates alternate in sign.
        let negative = u64::from(self.bytes()[start] == b'-') << 63;
        Ok(f64::from_bits(magnitude.to_bits() | negative))
    }
}

/// Reads the digits at `at` onwards into `value` (times ten per digit),
/// eight at a time where it can; how many there were. The value wraps past
/// 19 digits: callers give up on those.
fn digits(bytes: &[u8], at: &mut usize, mut value: u64) -> (u64, usize) {
    let start = *at;
    while let Some(chunk) = bytes.get(*at..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        if !all_digits(word) {
            break;
        }
        value = value.wrapping_mul(100_000_000).wrapping_add(eight_digits(word));
        *at += 8;
    }
    while let Some(digit) = bytes.get(*at).map(|b| b.wrapping_sub(b'0')).filter(|d| *d < 10) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        *at += 1;
    }
    (value, *at - start)
}

/// Whether all 8 bytes of a word are ASCII digits.
fn all_digits(word: u64) -> bool {
    let above = word.wrapping_add(0x4646_4646_4646_4646);
    let below = word.wrapping_sub(0x3030_3030_3030_3030);
    (above | below) & 0x8080_8080_8080_8080 == 0
}

/// The number 8 ASCII digits spell (the first digit in the low byte).
fn eight_digits(word: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let mut value = word.wrapping_sub(0x3030_3030_3030_3030);
    value = value.wrapping_mul(10).wrapping_add(value >> 8);
    ((value & MASK).wrapping_mul(MUL1).wrapping_add(((value >> 16) & MASK).wrapping_mul(MUL2))) >> 32
}

/// Whether any of 8 bytes is a quote, a backslash or a control character
/// (the bytes a string scan stops at). A byte of 0x80 or more never counts.
fn has_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let control = word.wrapping_sub(ONES * 0x20) & !word & (ONES << 7);
    bytes_equal_to(word, b'"') | bytes_equal_to(word, b'\\') | control != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_digits_at_a_time_agree_with_one_at_a_time() {
        for text in ["12345678", "00000000", "99999999", "10203040", "1234567890123456789", "7"] {
            let mut at = 0;
            assert_eq!(digits(text.as_bytes(), &mut at, 0).0, text.parse::<u64>().expect("digits"));
            assert_eq!(at, text.len());
        }
        for word in [*b"1234567.", *b"/1234567", *b"1234:567", *b"\x80\x80\x80\x80\x80\x80\x80\x80"] {
            assert!(!all_digits(u64::from_le_bytes(word)));
        }
    }

    #[test]
    fn special_bytes_are_found_anywhere_in_a_word() {
        assert!(!has_special(u64::from_le_bytes(*b"abcdefgh")));
        assert!(!has_special(u64::from_le_bytes(*b"\xc3\xa9 ~!#$%")));
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                assert!(has_special(u64::from_le_bytes(word)), "{special} at {at}");
            }
        }
    }
}
