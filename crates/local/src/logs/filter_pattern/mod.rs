//! CloudWatch Logs filter patterns, as FilterLogEvents takes them.
//!
//! Two forms are understood:
//!
//! - text ([`text`]): terms that must all appear (`ERROR timeout`), quoted
//!   phrases (`"order 42"`), terms that must not appear (`-DEBUG`), and terms
//!   of which one must appear (`?ERROR ?WARN`);
//! - JSON ([`json`]), between braces: conditions on the fields of a JSON
//!   message, such as `{ $.detail.orderId = "42" && $.latency > 100 }`.
//!
//! Space-delimited patterns (`[ip, user, status = 4*]`) and regular
//! expressions (`%…%`) are not understood yet; they are refused with an
//! `InvalidParameterException` that says so, rather than matched wrongly.
//!
//! ```
//! use choreoscope_local::logs::FilterPattern;
//!
//! # fn main() -> Result<(), choreoscope_local::logs::PatternError> {
//! let pattern = FilterPattern::parse(r#"{ $.level = "ERROR" && $.latency >= 500 }"#)?;
//! assert!(pattern.matches(r#"{"level": "ERROR", "latency": 750}"#));
//! assert!(!pattern.matches("ERROR latency 750"));
//! # Ok(()) }
//! ```

pub mod json;
pub mod text;

use crate::protocol::AwsError;

/// Why a filter pattern was refused. Each message is the one AWS gives,
/// where one is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// A JSON pattern without its closing brace (AWS's words).
    #[error("If a filter pattern starts with '{{' it must end with '}}'")]
    UnclosedBrace,
    /// Characters that have no place where they stand; carries the term up
    /// to and including them, as AWS quotes it (`Invalid character(s) in
    /// term '$."'` for `{ $."a-b" = 1 }`).
    #[error("Invalid character(s) in term '{0}'")]
    InvalidCharacters(String),
    /// A pattern that does not parse for another reason. AWS's API answer
    /// for these is not recorded; the console says "Invalid filter pattern".
    #[error("Invalid filter pattern")]
    Invalid,
    /// A double quote that is never closed.
    #[error("Invalid filter pattern: unclosed quote")]
    UnclosedQuote,
    /// A form of pattern choreoscope-local does not implement.
    #[error("{0} filter patterns are not supported by choreoscope-local yet")]
    Unsupported(&'static str),
}

impl From<PatternError> for AwsError {
    fn from(error: PatternError) -> Self {
        AwsError::client("InvalidParameterException", error.to_string())
    }
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// Terms and phrases looked for in the message text.
    Text(text::TextPattern),
    /// Conditions on the fields of a JSON message.
    Json(json::JsonPattern),
}

impl FilterPattern {
    /// Parses a pattern; an empty one matches every message.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let trimmed = pattern.trim();
        if trimmed.starts_with('{') {
            return json::JsonPattern::parse(trimmed).map(Self::Json);
        }
        if trimmed.starts_with('[') {
            return Err(PatternError::Unsupported("Space-delimited"));
        }
        text::TextPattern::parse(trimmed).map(Self::Text)
    }

    /// Whether a log message matches. A message that is not a JSON object
    /// never matches a JSON pattern.
    pub fn matches(&self, message: &str) -> bool {
        match self {
            Self::Text(pattern) => pattern.matches(message),
            Self::Json(pattern) => pattern.matches(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_character_picks_the_form() {
        assert!(matches!(FilterPattern::parse("ERROR"), Ok(FilterPattern::Text(_))));
        assert!(matches!(FilterPattern::parse("  { $.a = 1 }  "), Ok(FilterPattern::Json(_))));
        assert_eq!(FilterPattern::parse("[a, b]"), Err(PatternError::Unsupported("Space-delimited")));
    }

    #[test]
    fn errors_become_invalid_parameter_exceptions() {
        let error = AwsError::from(FilterPattern::parse("{ $.a = 1").expect_err("unclosed"));
        assert_eq!(error.code, "InvalidParameterException");
        assert_eq!(error.message, "If a filter pattern starts with '{' it must end with '}'");
        assert_eq!(error.status, 400);
    }

    #[test]
    fn json_patterns_never_match_text() {
        let pattern = FilterPattern::parse("{ $.a NOT EXISTS }").expect("valid");
        assert!(pattern.matches(r#"{"b": 1}"#));
        assert!(!pattern.matches("b 1"));
        assert!(!pattern.matches(""));
    }
}
