//! `wildcard` patterns: `*` matches any run of characters; `\*` is a literal
//! star and `\\` a literal backslash.

use crate::error::PatternError;

/// More stars than this make EventBridge reject a wildcard as too complex.
const MAX_STARS: usize = 5;

/// A parsed wildcard: the literal runs between its stars, held in one piece
/// of text (with many rules a wildcard to try is rarely cached, and each
/// separate run would cost a trip to memory), in the wildcard itself when
/// short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    /// The literal runs, one after another.
    text: Text,
    /// Where each run ends in `text`. A pattern starting (ending) with `*`
    /// has an empty first (last) run; one run means no star at all.
    ends: [u32; MAX_STARS + 1],
    runs: u8,
}

/// The most bytes of runs held in a wildcard itself.
const INLINE: usize = 22;

/// The text of a wildcard's runs: most are a few characters, held inline so
/// that trying a wildcard reads nothing but the wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    fn new(text: &str) -> Self {
        let mut bytes = [0; INLINE];
        match bytes.get_mut(..text.len()) {
            Some(inline) => {
                inline.copy_from_slice(text.as_bytes());
                Self::Inline { len: text.len() as u8, bytes }
            }
            None => Self::Heap(text.into()),
        }
    }

    #[inline]
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Heap(text) => text.as_bytes(),
        }
    }

    /// Bytes `range` as text: the runs' ends are character boundaries.
    fn slice(&self, range: std::ops::Range<usize>) -> &str {
        std::str::from_utf8(&self.as_bytes()[range]).unwrap_or_default()
    }
}

impl Wildcard {
    /// Parses a wildcard pattern, with EventBridge's reasons for rejecting one.
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let mut runs = vec![String::new()];
        let mut chars = text.char_indices().peekable();
        let mut previous_was_star = false;
        while let Some((position, c)) = chars.next() {
            match c {
                '*' if previous_was_star => {
                    return Err(PatternError::new(format!("Consecutive wildcard characters at pos {position}")));
                }
                '*' => {
                    runs.push(String::new());
                    previous_was_star = true;
                    continue;
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('*' | '\\'))) => push(&mut runs, escaped),
                    _ => return Err(PatternError::new(format!("Invalid escape character at pos {position}"))),
                },
                c => push(&mut runs, c),
            }
            previous_was_star = false;
        }
        if runs.len() - 1 > MAX_STARS {
            return Err(PatternError::new(
                "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character",
            ));
        }
        let mut ends = [0; MAX_STARS + 1];
        let mut joined = String::new();
        for (end, run) in ends.iter_mut().zip(&runs) {
            joined.push_str(run);
            *end = u32::try_from(joined.len()).map_err(|_| PatternError::new("Event pattern is too long"))?;
        }
        Ok(Self { text: Text::new(&joined), ends, runs: runs.len() as u8 })
    }

    /// Literal run `i`.
    fn run(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text.as_bytes()[start..self.ends[i] as usize]
    }

    /// The literal text every match starts with (empty if it starts with `*`).
    pub(crate) fn leading(&self) -> &str {
        self.text.slice(0..self.ends[0] as usize)
    }

    /// The literal text every match ends with (empty if it ends with `*`).
    pub(crate) fn trailing(&self) -> &str {
        let end = self.text.as_bytes().len();
        if self.runs < 2 { "" } else { self.text.slice(self.ends[self.runs as usize - 2] as usize..end) }
    }

    /// Whether a string matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let text = text.as_bytes();
        let first = self.run(0);
        if self.runs == 1 {
            return text == first;
        }
        let Some(mut remaining) = text.strip_prefix(first) else { return false };
        // Leftmost placement of each middle run leaves the most room for the rest.
        for i in 1..self.runs as usize - 1 {
            let run = self.run(i);
            match find(remaining, run) {
                Some(at) => remaining = &remaining[at + run.len()..],
                None => return false,
            }
        }
        remaining.ends_with(self.run(self.runs as usize - 1))
    }
}

/// The first position of `needle` in `haystack`. Runs are short, where a
/// plain scan beats setting up `str::find`'s searcher; a match of a whole
/// UTF-8 string always starts on a character boundary.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else { return Some(0) };
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&at| haystack[at] == first && &haystack[at + 1..at + needle.len()] == rest)
}

fn push(runs: &mut [String], c: char) {
    if let Some(run) = runs.last_mut() {
        run.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Wildcard::parse(pattern).expect("valid").matches(text)
    }

    #[test]
    fn stars_match_any_run() {
        assert!(matches("*.png", "dir/image.png"));
        assert!(matches("a*b*c", "abc"));
        assert!(matches("a*b*c", "a-x-b-y-c"));
        assert!(!matches("a*b*c", "a-x-c-y-b"));
        assert!(matches("*", ""));
        assert!(matches("abc", "abc"));
        assert!(!matches("abc", "abcd"));
        assert!(!matches("ab*ba", "aba"), "runs may not overlap");
        assert!(matches("*é*", "aébé"));
        assert!(matches("a*bc*d", "abbcd"));
        assert!(!matches("a*bc*d", "abbd"));
    }

    #[test]
    fn leading_and_trailing_text_are_the_end_runs() {
        let ends = |pattern: &str| {
            let wildcard = Wildcard::parse(pattern).expect("valid");
            (wildcard.leading().to_string(), wildcard.trailing().to_string())
        };
        assert_eq!(ends("2*0*1*7"), ("2".into(), "7".into()));
        assert_eq!(ends("*218"), ("".into(), "218".into()));
        assert_eq!(ends("143*"), ("143".into(), "".into()));
        assert_eq!(ends("abc"), ("abc".into(), "".into()), "no star: all leading");
        assert_eq!(ends(r"é\**\*x"), ("é*".into(), "*x".into()), "escaped stars are literal");
    }

    #[test]
    fn long_wildcards_match_as_short_ones() {
        let long = format!("{}*{}", "a".repeat(30), "é".repeat(20));
        let wildcard = Wildcard::parse(&long).expect("valid");
        assert!(matches!(wildcard.text, Text::Heap(_)));
        assert!(wildcard.matches(&format!("{}-{}", "a".repeat(30), "é".repeat(20))));
        assert!(!wildcard.matches(&format!("{}-{}", "a".repeat(29), "é".repeat(20))));
        assert_eq!(wildcard.trailing(), "é".repeat(20));
        assert!(matches!(Wildcard::parse("2*0*1*7").expect("valid").text, Text::Inline { .. }));
    }

    #[test]
    fn escapes_are_literal() {
        assert!(matches(r"a\*b", "a*b"));
        assert!(!matches(r"a\*b", "axb"));
        assert!(matches(r"a\\*", r"a\anything"));
    }

    #[test]
    fn rejects_like_eventbridge() {
        let error = Wildcard::parse("arn:aws:events:us-east-1:**:event-bus/*").expect_err("consecutive");
        assert_eq!(error.reason, "Consecutive wildcard characters at pos 26");
        assert!(
            Wildcard::parse("*:*:*:*:*:event-bus/*").expect_err("complex").reason.starts_with("Rule is too complex")
        );
        assert!(Wildcard::parse(r"a\b").is_err());
    }
}
