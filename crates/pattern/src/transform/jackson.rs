//! A JSON syntax check that stops where Jackson stops.
//!
//! EventBridge validates `Input` and the transformed input with Jackson
//! (`ObjectMapper.readTree`), and its `ValidationException` quotes Jackson's
//! error location, e.g. for `Input` = `env:dev`:
//! `JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]`
//! (a real AWS answer, quoted in aws/aws-cli#6711). So this check reproduces
//! what `readTree` accepts and where it reports the error:
//!
//! - one JSON value is read and whatever follows it is ignored (Jackson's
//!   `FAIL_ON_TRAILING_TOKENS` is off by default), except that a number at the
//!   root must be followed by whitespace or the end;
//! - none of Jackson's non-standard features: no comments, single quotes,
//!   unquoted names, `NaN`, leading zeroes, trailing commas, or raw control
//!   characters inside strings;
//! - the column is 1-based and counts UTF-16 units; Jackson reports it after
//!   consuming the offending character (or the whole offending identifier, as
//!   in `env` above), which is what [`Scanner::error`] reproduces.

/// Where Jackson stops reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// Jackson's column (see the module documentation).
    pub column: usize,
}

/// Longest identifier Jackson quotes in an "Unrecognized token" error.
const MAX_ERROR_TOKEN_LENGTH: usize = 256;

/// Longest part of the source Jackson quotes in a location.
const MAX_CONTENT_SNIPPET: usize = 500;

/// Checks `text` as Jackson's `readTree` reads it. With `placeholders`, a
/// `<name>` placeholder stands for a value (for checking an `InputTemplate`).
pub(crate) fn check(text: &str, placeholders: bool) -> Result<(), SyntaxError> {
    let mut scanner = Scanner { chars: text.chars().collect(), pos: 0, line: 1, row_start: 0, placeholders };
    match scanner.next_non_ws()? {
        Some(first) => scanner.value(first, true),
        // "No content to map due to end-of-input", which Jackson reports at column 0.
        None => Err(SyntaxError { line: scanner.line, column: scanner.column() - 1 }),
    }
}

/// Jackson's description of where `error` is in `text`:
/// `[Source: (String)"..."; line: 1, column: 4]`, with the text cut to 500
/// UTF-16 units as Jackson does.
pub(crate) fn location(text: &str, error: SyntaxError) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = String::from("[Source: (String)\"");
    if units.len() > MAX_CONTENT_SNIPPET {
        out.push_str(&String::from_utf16_lossy(&units[..MAX_CONTENT_SNIPPET]));
        out.push_str(&format!("\"[truncated {} chars]", units.len() - MAX_CONTENT_SNIPPET));
    } else {
        out.push_str(text);
        out.push('"');
    }
    out.push_str(&format!("; line: {}, column: {}]", error.line, error.column));
    out
}

/// Whether `c` can be part of a placeholder name: the `InputPathsMap` key
/// characters, plus `.` for the `aws.events.*` variables.
pub(crate) fn is_placeholder_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The placeholder name starting at `chars[start]` (just after `<`), and the
/// index just after its `>`.
pub(crate) fn placeholder_at(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut end = start;
    while end < chars.len() && is_placeholder_char(chars[end]) {
        end += 1;
    }
    (end > start && chars.get(end) == Some(&'>')).then(|| (chars[start..end].iter().collect(), end + 1))
}

/// Java's `Character.isJavaIdentifierStart`, near enough.
fn is_identifier_start(c: char) -> bool {
    c.is_alphabetic() || c == '$' || c == '_'
}

/// Java's `Character.isJavaIdentifierPart`, near enough.
fn is_identifier_part(c: char) -> bool {
    c.is_alphanumeric() || c == '$' || c == '_'
}

struct Scanner {
    chars: Vec<char>,
    /// Jackson's `_inputPtr`: the next character to read.
    pos: usize,
    line: usize,
    /// Index of the first character of the current line.
    row_start: usize,
    placeholders: bool,
}

impl Scanner {
    fn column(&self) -> usize {
        self.chars[self.row_start..self.pos].iter().map(|c| c.len_utf16()).sum::<usize>() + 1
    }

    /// An error at the current position.
    fn error(&self) -> SyntaxError {
        SyntaxError { line: self.line, column: self.column() }
    }

    fn fail<T>(&self) -> Result<T, SyntaxError> {
        Err(self.error())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn newline(&mut self) {
        self.line += 1;
        self.row_start = self.pos;
    }

    /// After a `\r` has been read: Jackson's `_skipCR`.
    fn skip_cr(&mut self) {
        if self.chars.get(self.pos) == Some(&'\n') {
            self.pos += 1;
        }
        self.newline();
    }

    /// Skips whitespace and reads the next character (Jackson's `_skipWSOrEnd`).
    fn next_non_ws(&mut self) -> Result<Option<char>, SyntaxError> {
        loop {
            match self.bump() {
                None => return Ok(None),
                Some(' ' | '\t') => {}
                Some('\n') => self.newline(),
                Some('\r') => self.skip_cr(),
                Some(c) if (c as u32) < 0x20 => return self.fail(),
                Some(c) => return Ok(Some(c)),
            }
        }
    }

    /// The next non-whitespace character inside a structure, where the end of
    /// the text is an error.
    fn next_in_structure(&mut self) -> Result<char, SyntaxError> {
        match self.next_non_ws()? {
            Some(c) => Ok(c),
            None => self.fail(),
        }
    }

    /// A value whose first character `c` has been read.
    fn value(&mut self, c: char, root: bool) -> Result<(), SyntaxError> {
        match c {
            '"' => self.string(),
            '[' => self.array(),
            '{' => self.object(),
            '-' | '0'..='9' => self.number(c, root),
            't' => self.literal("true"),
            'f' => self.literal("false"),
            'n' => self.literal("null"),
            '<' if self.placeholders => match placeholder_at(&self.chars, self.pos) {
                Some((_, end)) => {
                    self.pos = end;
                    Ok(())
                }
                None => self.fail(),
            },
            c if is_identifier_start(c) => self.invalid_token(1),
            _ => self.fail(),
        }
    }

    /// Jackson's `_reportInvalidToken`: reads the rest of the identifier, then fails.
    fn invalid_token(&mut self, mut length: usize) -> Result<(), SyntaxError> {
        while let Some(&c) = self.chars.get(self.pos) {
            if !is_identifier_part(c) {
                break;
            }
            self.pos += 1;
            length += 1;
            if length >= MAX_ERROR_TOKEN_LENGTH {
                break;
            }
        }
        self.fail()
    }

    /// `true`, `false` or `null`, whose first letter has been read.
    fn literal(&mut self, word: &str) -> Result<(), SyntaxError> {
        for (matched, expected) in word.chars().enumerate().skip(1) {
            if self.chars.get(self.pos) != Some(&expected) {
                return self.invalid_token(matched);
            }
            self.pos += 1;
        }
        match self.chars.get(self.pos) {
            Some(&c) if is_identifier_part(c) => self.invalid_token(word.len()),
            _ => Ok(()),
        }
    }

    fn string(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.bump() {
                None => return self.fail(),
                Some('"') => return Ok(()),
                Some('\\') => match self.bump() {
                    None => return self.fail(),
                    Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => {}
                    Some('u') => {
                        for _ in 0..4 {
                            match self.bump() {
                                Some(c) if c.is_ascii_hexdigit() => {}
                                _ => return self.fail(),
                            }
                        }
                    }
                    Some(_) => return self.fail(),
                },
                Some(c) if (c as u32) < 0x20 => return self.fail(),
                Some(_) => {}
            }
        }
    }

    fn array(&mut self) -> Result<(), SyntaxError> {
        let mut c = self.next_in_structure()?;
        if c == ']' {
            return Ok(());
        }
        loop {
            self.value(c, false)?;
            match self.next_in_structure()? {
                ',' => c = self.next_in_structure()?,
                ']' => return Ok(()),
                _ => return self.fail(),
            }
        }
    }

    fn object(&mut self) -> Result<(), SyntaxError> {
        let mut c = self.next_in_structure()?;
        if c == '}' {
            return Ok(());
        }
        loop {
            if c != '"' {
                return self.fail();
            }
            self.string()?;
            if self.next_in_structure()? != ':' {
                return self.fail();
            }
            let first = self.next_in_structure()?;
            self.value(first, false)?;
            match self.next_in_structure()? {
                ',' => c = self.next_in_structure()?,
                '}' => return Ok(()),
                _ => return self.fail(),
            }
        }
    }

    /// Reads digits; returns how many.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(char::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads one character that must be a digit (Jackson reports the
    /// character it read, or the end of the text).
    fn require_digit(&mut self) -> Result<(), SyntaxError> {
        match self.bump() {
            Some(c) if c.is_ascii_digit() => Ok(()),
            _ => self.fail(),
        }
    }

    /// A number whose first character (`-` or a digit) has been read.
    fn number(&mut self, first: char, root: bool) -> Result<(), SyntaxError> {
        let leading = if first == '-' {
            match self.bump() {
                Some(c) if c.is_ascii_digit() => c,
                _ => return self.fail(),
            }
        } else {
            first
        };
        if leading == '0' {
            // "Leading zeroes not allowed", reported before the digit is read.
            if self.chars.get(self.pos).is_some_and(char::is_ascii_digit) {
                return self.fail();
            }
        } else {
            self.digits();
        }
        if self.chars.get(self.pos) == Some(&'.') {
            self.pos += 1;
            self.require_digit()?;
            self.digits();
        }
        if matches!(self.chars.get(self.pos), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.chars.get(self.pos), Some('+' | '-')) {
                self.pos += 1;
            }
            self.require_digit()?;
            self.digits();
        }
        if root {
            // Jackson's `_verifyRootSpace`.
            match self.bump() {
                None | Some(' ' | '\t') => {}
                Some('\n') => self.newline(),
                Some('\r') => self.skip_cr(),
                Some(_) => return self.fail(),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(usize, usize)> {
        check(text, false).err().map(|e| (e.line, e.column))
    }

    #[test]
    fn accepts_json_values_and_ignores_what_follows_them() {
        for text in [
            r#"{"a": [1, -2.5e+3, true, false, null, "x\n\u00e9"]}"#,
            "\"just a string\"",
            "  [ ]  ",
            "0",
            "-0.5",
            "\"line one\"\n\"line two\"",
            "{} trailing garbage",
            "123 456",
        ] {
            assert_eq!(at(text), None, "{text}");
        }
    }

    #[test]
    fn reports_the_column_aws_reported() {
        // Recorded from AWS (aws/aws-cli#6711): `env:dev` fails at column 4.
        assert_eq!(at("env:dev"), Some((1, 4)));
        // And `{'db_name': ...}` at column 3 (ansible-collections/community.aws#201).
        assert_eq!(at("{'db_name':'x'}"), Some((1, 3)));
    }

    #[test]
    fn reports_columns_after_the_offending_character() {
        assert_eq!(at("[HIGH] single list item"), Some((1, 6)));
        assert_eq!(at("{\"a\": \"x\"y\"}"), Some((1, 11)));
        assert_eq!(at("[1,]"), Some((1, 5)));
        assert_eq!(at("{\"a\" 1}"), Some((1, 7)));
        assert_eq!(at("{\"a\":1,}"), Some((1, 9)));
        assert_eq!(at("tru"), Some((1, 4)));
        assert_eq!(at("truex"), Some((1, 6)));
        assert_eq!(at("123abc"), Some((1, 5)));
        assert_eq!(at("01"), Some((1, 2)));
        assert_eq!(at("1."), Some((1, 3)));
        assert_eq!(at("-x"), Some((1, 3)));
        assert_eq!(at("\"a\tb\""), Some((1, 4)));
        assert_eq!(at("\"\\x\""), Some((1, 4)));
        assert_eq!(at("// comment"), Some((1, 2)));
        assert_eq!(at("{\n  \"a\": nope\n}"), Some((2, 12)));
        assert_eq!(at("[1, 2"), Some((1, 6)));
        assert_eq!(at("\"open"), Some((1, 6)));
        assert_eq!(at(""), Some((1, 0)));
    }

    #[test]
    fn counts_columns_in_utf16_units() {
        assert_eq!(at("[\"😀\", x]"), Some((1, 9)));
    }

    #[test]
    fn placeholders_can_stand_for_values() {
        assert_eq!(check("{\"a\": <x>, \"b\": [<y>, 1]}", true), Ok(()));
        assert!(check("{\"a\": <x>}", false).is_err());
        assert_eq!(check("{<x>: 1}", true).map_err(|e| e.column), Err(3));
    }

    #[test]
    fn quotes_the_source_as_jackson_does() {
        assert_eq!(
            location("env:dev", SyntaxError { line: 1, column: 4 }),
            "[Source: (String)\"env:dev\"; line: 1, column: 4]"
        );
        let long = "x".repeat(503);
        assert_eq!(
            location(&long, SyntaxError { line: 1, column: 2 }),
            format!("[Source: (String)\"{}\"[truncated 3 chars]; line: 1, column: 2]", "x".repeat(500))
        );
    }
}
