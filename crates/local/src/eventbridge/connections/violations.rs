//! AWS's input validation messages, several at once:
//! `2 validation errors detected: Value 'x' at 'a' failed to satisfy constraint: ...; Value ...`.

use crate::protocol::AwsError;

/// The name pattern of connections and API destinations.
pub(crate) const NAME_PATTERN: &str = r"[\.\-_A-Za-z0-9]+";

/// The constraint violations of one request, in the order of the input's members.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<String>);

impl Violations {
    /// `value` at `field` breaks `constraint`.
    pub(crate) fn push(&mut self, value: &str, field: &str, constraint: &str) {
        self.0.push(format!("Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"));
    }

    /// A required member is missing.
    pub(crate) fn null(&mut self, field: &str) {
        self.0.push(format!("Value null at '{field}' failed to satisfy constraint: Member must not be null"));
    }

    /// A required member: checks presence, returns it when present.
    pub(crate) fn required<'a>(&mut self, value: Option<&'a str>, field: &str) -> Option<&'a str> {
        if value.is_none() {
            self.null(field);
        }
        value
    }

    /// A name of a connection or API destination: `[\.\-_A-Za-z0-9]+`, 1 to 64 characters.
    pub(crate) fn name(&mut self, value: &str, field: &str) {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        if value.is_empty() || !value.chars().all(allowed) {
            self.push(value, field, &format!("Member must satisfy regular expression pattern: {NAME_PATTERN}"));
        }
        self.length(value, field, 1, 64);
    }

    /// A string between `min` and `max` characters long.
    pub(crate) fn length(&mut self, value: &str, field: &str, min: usize, max: usize) {
        let len = value.chars().count();
        if len > max {
            self.push(value, field, &format!("Member must have length less than or equal to {max}"));
        } else if len < min {
            self.push(value, field, &format!("Member must have length greater than or equal to {min}"));
        }
    }

    /// One of an enumeration, listed in AWS's order.
    pub(crate) fn one_of(&mut self, value: &str, field: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.push(value, field, &format!("Member must satisfy enum value set: [{}]", allowed.join(", ")));
        }
    }

    /// `Ok` when nothing was violated, else AWS's `ValidationException`.
    pub(crate) fn finish(self) -> Result<(), AwsError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(AwsError::validation(format!("1 validation error detected: {}", self.0.join("; ")))),
            n => Err(AwsError::validation(format!("{n} validation errors detected: {}", self.0.join("; ")))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_joins_like_aws() {
        assert!(Violations::default().finish().is_ok());
        let mut one = Violations::default();
        one.name("a b", "name");
        assert_eq!(
            one.finish().expect_err("bad name").message,
            r"1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+"
        );
        let mut two = Violations::default();
        two.null("name");
        two.one_of("X", "httpMethod", &["GET", "POST"]);
        let message = two.finish().expect_err("two").message;
        assert!(message.starts_with("2 validation errors detected: Value null at 'name'"), "{message}");
        assert!(message.ends_with(
            "; Value 'X' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [GET, POST]"
        ));
    }
}
