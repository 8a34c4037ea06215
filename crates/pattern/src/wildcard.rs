//! `wildcard` patterns: `*` matches any run of characters; `\*` is a literal
//! star and `\\` a literal backslash.

use crate::error::PatternError;

/// More stars than this make EventBridge reject a wildcard as too complex.
const MAX_STARS: usize = 5;

/// A parsed wildcard: the literal runs between its stars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    /// Literal runs; a pattern starting (ending) with `*` has an empty first
    /// (last) run. One run means no star at all.
    runs: Vec<String>,
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
        Ok(Self { runs })
    }

    /// The literal text every match starts with (empty if it starts with `*`).
    pub(crate) fn leading(&self) -> &str {
        self.runs.first().map_or("", String::as_str)
    }

    /// The literal text every match ends with (empty if it ends with `*`).
    pub(crate) fn trailing(&self) -> &str {
        if self.runs.len() < 2 { "" } else { self.runs.last().map_or("", String::as_str) }
    }

    /// Whether a string matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let (first, rest) = self.runs.split_first().map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        let Some((last, middle)) = rest.split_last() else {
            return text == first;
        };
        let Some(mut remaining) = text.strip_prefix(first) else { return false };
        // Leftmost placement of each middle run leaves the most room for the rest.
        for run in middle {
            match find(remaining.as_bytes(), run.as_bytes()) {
                Some(at) => remaining = &remaining[at + run.len()..],
                None => return false,
            }
        }
        remaining.len() >= last.len() && remaining.ends_with(last.as_str())
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
