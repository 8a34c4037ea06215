//! Text filter patterns: terms, quoted phrases, `-` exclusions and `?`
//! alternatives, matched case-sensitively anywhere in the message, as in
//! CloudWatch Logs (`ERROR` matches "Exiting with ERRORCODE: -1").

use super::PatternError;

/// A text filter pattern: every term of `all` must appear, none of `none`,
/// and one of `any` if there are any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextPattern {
    all: Vec<String>,
    none: Vec<String>,
    any: Vec<String>,
}

impl TextPattern {
    /// Parses a text pattern; an empty one matches every message.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let mut parsed = Self::default();
        for token in tokens(pattern)? {
            if let Some(term) = token.strip_prefix('-') {
                parsed.none.push(unquote(term));
            } else if let Some(term) = token.strip_prefix('?') {
                parsed.any.push(unquote(term));
            } else {
                parsed.all.push(unquote(&token));
            }
        }
        Ok(parsed)
    }

    /// Whether a log message matches.
    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
    }
}

/// Splits on spaces outside double quotes.
fn tokens(text: &str) -> Result<Vec<String>, PatternError> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(PatternError::UnclosedQuote);
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    Ok(tokens)
}

fn unquote(term: &str) -> String {
    term.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(term).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_must_all_appear() {
        let pattern = TextPattern::parse("ERROR timeout").expect("valid");
        assert!(pattern.matches("ERROR: partner timeout"));
        assert!(!pattern.matches("ERROR: partner refused"));
        assert!(TextPattern::parse("ERROR").expect("valid").matches("Exiting with ERRORCODE: -1"));
        assert!(!TextPattern::parse("error").expect("valid").matches("ERROR"), "case-sensitive");
    }

    #[test]
    fn phrases_exclusions_and_alternatives() {
        let pattern = TextPattern::parse(r#""order 42" -DEBUG ?placed ?paid"#).expect("valid");
        assert!(pattern.matches("INFO order 42 placed"));
        assert!(!pattern.matches("DEBUG order 42 placed"));
        assert!(!pattern.matches("INFO order 42 shipped"));
        assert!(!pattern.matches("INFO order 43 placed"));
    }

    #[test]
    fn empty_pattern_matches_everything() {
        assert!(TextPattern::parse("").expect("valid").matches("anything"));
    }

    #[test]
    fn unclosed_quote_is_rejected() {
        assert_eq!(TextPattern::parse(r#""open"#), Err(PatternError::UnclosedQuote));
    }
}
