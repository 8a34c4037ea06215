//! JSON filter patterns: `{ SELECTOR OPERATOR VALUE }` conditions joined with
//! `&&` and `||`, as CloudWatch Logs' "Filter pattern syntax" describes them.
//!
//! - Selectors start at the root `$` and name properties (letters, digits,
//!   `-`, `_`) and array elements: `$.eventType`, `$.users[0].id`,
//!   `$.coordinates[0][1]`.
//! - Strings compare with `=` and `!=`, quoted or not; a `*` at the start or
//!   the end of the value is a wildcard (`"Put*"`, `*Event`, `"*"` for any
//!   value), one in the middle is literal.
//! - Numbers compare with `=`, `!=`, `<`, `<=`, `>`, `>=`; they may carry a
//!   sign, a fraction and an exponent (`10e-3`, `+1000`).
//! - `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`, and `EXISTS` (which the
//!   documentation spells `= "*"`; taken in both spellings).
//! - `&&` binds tighter than `||`; parentheses group.
//!
//! A comparison only holds on a value node (a string, a number or a boolean):
//! on an object, an array, `null` or a missing field both `=` and `!=` are
//! false, as the documentation says of `{ $.users = 1 }` and
//! `{ $.users != 1 }` when `users` is an array. A message that is not a JSON
//! object matches no JSON pattern.

use serde_json::Value;

use super::PatternError;

/// A parsed JSON filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPattern {
    expr: Expr,
}

/// A boolean expression over conditions.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Condition(Condition),
}

/// One selector and what must hold of the value it selects.
#[derive(Debug, Clone, PartialEq)]
struct Condition {
    path: Vec<Step>,
    test: Test,
}

/// One step of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Property(String),
    Index(usize),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    /// `=` (or `!=` when `negated`) against a string, with wildcards.
    Text {
        negated: bool,
        value: Wildcard,
    },
    /// A comparison against a number, written as `literal`.
    Number {
        op: Op,
        value: f64,
        literal: String,
    },
    IsNull,
    IsTrue,
    IsFalse,
    Exists,
    NotExists,
}

/// A string value with an optional `*` wildcard at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wildcard {
    core: String,
    any_before: bool,
    any_after: bool,
}

impl Wildcard {
    fn new(value: &str) -> Self {
        let (any_before, rest) = match value.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        let (any_after, core) = match rest.strip_suffix('*') {
            Some(core) => (true, core),
            None => (false, rest),
        };
        Self { core: core.to_owned(), any_before, any_after }
    }

    fn matches(&self, text: &str) -> bool {
        match (self.any_before, self.any_after) {
            (false, false) => text == self.core,
            (true, false) => text.ends_with(&self.core),
            (false, true) => text.starts_with(&self.core),
            (true, true) => text.contains(&self.core),
        }
    }
}

impl JsonPattern {
    /// Parses a pattern that starts with `{` (surrounding spaces trimmed).
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let pattern = pattern.trim();
        let inner = pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')).ok_or(PatternError::UnclosedBrace)?;
        let mut parser = Parser { src: inner, pos: 0 };
        let expr = parser.or_expr()?;
        parser.skip_spaces();
        if !parser.rest().is_empty() {
            tracing::debug!(rest = parser.rest(), "unexpected text after a JSON filter condition");
            return Err(PatternError::Invalid);
        }
        Ok(Self { expr })
    }

    /// Whether a message matches: it must be a JSON object.
    pub fn matches(&self, message: &str) -> bool {
        match serde_json::from_str::<Value>(message) {
            Ok(root @ Value::Object(_)) => self.expr.eval(&root),
            _ => false,
        }
    }
}

impl JsonPattern {
    /// The values of top-level string field `field` a message must have to
    /// match (`{ $.field = "v" }`, alone, in a conjunction, or as every
    /// alternative of a disjunction); `None` when the pattern does not pin it
    /// to exact values. The store indexes `event_id` by this.
    pub fn required_values(&self, field: &str) -> Option<Vec<String>> {
        self.expr.required_values(field)
    }
}

impl Expr {
    fn required_values(&self, field: &str) -> Option<Vec<String>> {
        match self {
            Self::Condition(Condition { path, test: Test::Text { negated: false, value } })
                if !value.any_before
                    && !value.any_after
                    && matches!(path.as_slice(), [Step::Property(name)] if name == field) =>
            {
                Some(vec![value.core.clone()])
            }
            Self::Condition(_) => None,
            // One pinned conjunct is enough: the others are checked on the candidates.
            Self::And(conditions) => conditions.iter().find_map(|e| e.required_values(field)),
            Self::Or(alternatives) => {
                let mut values = Vec::new();
                for alternative in alternatives {
                    values.extend(alternative.required_values(field)?);
                }
                Some(values)
            }
        }
    }

    fn eval(&self, root: &Value) -> bool {
        match self {
            Self::Or(alternatives) => alternatives.iter().any(|e| e.eval(root)),
            Self::And(conditions) => conditions.iter().all(|e| e.eval(root)),
            Self::Condition(condition) => condition.eval(root),
        }
    }
}

impl Condition {
    fn eval(&self, root: &Value) -> bool {
        let mut value = Some(root);
        for step in &self.path {
            value = match (value, step) {
                (Some(Value::Object(map)), Step::Property(name)) => map.get(name),
                (Some(Value::Array(items)), Step::Index(index)) => items.get(*index),
                _ => None,
            };
        }
        match &self.test {
            Test::Exists => value.is_some(),
            Test::NotExists => value.is_none(),
            Test::IsNull => value.is_some_and(Value::is_null),
            Test::IsTrue => value == Some(&Value::Bool(true)),
            Test::IsFalse => value == Some(&Value::Bool(false)),
            Test::Text { negated, value: pattern } => {
                let text = match value {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => return false,
                };
                pattern.matches(&text) != *negated
            }
            Test::Number { op, value: expected, literal } => match value {
                Some(Value::Number(n)) => n.as_f64().is_some_and(|actual| compare(*op, actual, *expected)),
                // A number written in a string compares as the text it is.
                Some(Value::String(s)) => match op {
                    Op::Eq => s == literal,
                    Op::Ne => s != literal,
                    _ => false,
                },
                _ => false,
            },
        }
    }
}

fn compare(op: Op, actual: f64, expected: f64) -> bool {
    match op {
        Op::Eq => actual == expected,
        Op::Ne => actual != expected,
        Op::Lt => actual < expected,
        Op::Le => actual <= expected,
        Op::Gt => actual > expected,
        Op::Ge => actual >= expected,
    }
}

/// Whether `text` is a number as the syntax has them: an optional sign,
/// digits with an optional fraction, an optional exponent.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = (!whole.is_empty() || !fraction.is_empty()) && digits(whole) && digits(fraction);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Characters an unquoted value may hold (anything else must be quoted, as
/// the documentation says of `@`, `$` and `\`).
fn bare_value_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '*' | '-' | '+' | '_')
}

fn property_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

/// A recursive-descent parser over the text between the braces.
struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self) -> Result<Expr, PatternError> {
        let mut alternatives = vec![self.and_expr()?];
        loop {
            self.skip_spaces();
            if !self.eat("||") {
                break;
            }
            alternatives.push(self.and_expr()?);
        }
        Ok(if alternatives.len() == 1 { alternatives.remove(0) } else { Expr::Or(alternatives) })
    }

    fn and_expr(&mut self) -> Result<Expr, PatternError> {
        let mut conditions = vec![self.primary()?];
        loop {
            self.skip_spaces();
            if !self.eat("&&") {
                break;
            }
            conditions.push(self.primary()?);
        }
        Ok(if conditions.len() == 1 { conditions.remove(0) } else { Expr::And(conditions) })
    }

    fn primary(&mut self) -> Result<Expr, PatternError> {
        self.skip_spaces();
        if self.eat("(") {
            let expr = self.or_expr()?;
            self.skip_spaces();
            if !self.eat(")") {
                tracing::debug!(rest = self.rest(), "a parenthesis is not closed");
                return Err(PatternError::Invalid);
            }
            return Ok(expr);
        }
        self.condition().map(Expr::Condition)
    }

    fn condition(&mut self) -> Result<Condition, PatternError> {
        let path = self.selector()?;
        self.skip_spaces();
        let test = if let Some(op) = self.operator() {
            self.skip_spaces();
            self.value(op)?
        } else {
            self.keyword_test()?
        };
        Ok(Condition { path, test })
    }

    /// `$` followed by `.property` and `[index]` steps, a property first.
    fn selector(&mut self) -> Result<Vec<Step>, PatternError> {
        let start = self.pos;
        if !self.eat("$") {
            tracing::debug!(rest = self.rest(), "a JSON filter condition must start with a `$` selector");
            return Err(PatternError::Invalid);
        }
        // The term AWS quotes: the selector up to the offending character.
        let bad = |parser: &Self| {
            let end = parser.pos + parser.peek().map_or(0, char::len_utf8);
            PatternError::InvalidCharacters(parser.src[start..end].to_owned())
        };
        let mut path = Vec::new();
        loop {
            if self.eat(".") {
                let name_start = self.pos;
                while self.peek().is_some_and(property_char) {
                    self.bump();
                }
                if self.pos == name_start {
                    return Err(bad(self));
                }
                path.push(Step::Property(self.src[name_start..self.pos].to_owned()));
            } else if self.peek() == Some('[') && !path.is_empty() {
                self.bump();
                let digits_start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
                let index = self.src[digits_start..self.pos].parse().map_err(|_| bad(self))?;
                if !self.eat("]") {
                    return Err(bad(self));
                }
                path.push(Step::Index(index));
            } else {
                break;
            }
        }
        match self.peek() {
            _ if path.is_empty() => Err(bad(self)),
            None => Ok(path),
            Some(c) if c.is_whitespace() || matches!(c, '=' | '!' | '<' | '>') => Ok(path),
            Some(_) => Err(bad(self)),
        }
    }

    fn operator(&mut self) -> Option<Op> {
        for (token, op) in [("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt), ("=", Op::Eq)]
        {
            if self.eat(token) {
                return Some(op);
            }
        }
        None
    }

    /// `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`, `EXISTS`.
    fn keyword_test(&mut self) -> Result<Test, PatternError> {
        let first = self.word();
        let test = if first.eq_ignore_ascii_case("IS") {
            self.skip_spaces();
            let second = self.word();
            if second.eq_ignore_ascii_case("NULL") {
                Test::IsNull
            } else if second.eq_ignore_ascii_case("TRUE") {
                Test::IsTrue
            } else if second.eq_ignore_ascii_case("FALSE") {
                Test::IsFalse
            } else {
                return Err(PatternError::Invalid);
            }
        } else if first.eq_ignore_ascii_case("NOT") {
            self.skip_spaces();
            if !self.word().eq_ignore_ascii_case("EXISTS") {
                return Err(PatternError::Invalid);
            }
            Test::NotExists
        } else if first.eq_ignore_ascii_case("EXISTS") {
            Test::Exists
        } else {
            tracing::debug!(word = first, "expected an operator, IS, NOT EXISTS or EXISTS");
            return Err(PatternError::Invalid);
        };
        Ok(test)
    }

    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
        &self.src[start..self.pos]
    }

    fn value(&mut self, op: Op) -> Result<Test, PatternError> {
        let (text, quoted) = match self.peek() {
            Some('"') => (self.quoted()?, true),
            Some('%') => return Err(PatternError::Unsupported("Regular expression")),
            _ => (self.bare()?, false),
        };
        if !quoted && is_number(&text) {
            let value = text.trim_start_matches('+').parse::<f64>().map_err(|_| PatternError::Invalid)?;
            return Ok(Test::Number { op, value, literal: text });
        }
        match op {
            Op::Eq | Op::Ne => Ok(Test::Text { negated: op == Op::Ne, value: Wildcard::new(&text) }),
            // `<` and the like compare numbers only.
            _ => Err(PatternError::Invalid),
        }
    }

    /// A double-quoted string; a backslash takes the next character as it is.
    fn quoted(&mut self) -> Result<String, PatternError> {
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => return Err(PatternError::UnclosedQuote),
                Some('"') => return Ok(text),
                Some('\\') => text.push(self.bump().ok_or(PatternError::UnclosedQuote)?),
                Some(c) => text.push(c),
            }
        }
    }

    /// An unquoted value, up to a space, a `)`, `&&` or `||`.
    fn bare(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ')' || self.rest().starts_with("&&") || self.rest().starts_with("||") {
                break;
            }
            if !bare_value_char(c) {
                return Err(PatternError::InvalidCharacters(c.to_string()));
            }
            self.bump();
        }
        if self.pos == start {
            return Err(PatternError::Invalid);
        }
        Ok(self.src[start..self.pos].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_of_a_field_are_found_where_they_are_required() {
        let required = |pattern: &str| JsonPattern::parse(pattern).expect("valid").required_values("event_id");
        assert_eq!(required(r#"{ $.event_id = "e-1" }"#), Some(vec!["e-1".to_owned()]));
        assert_eq!(
            required(r#"{ $.event_id = "e-1" && $.message_type = "RULE_MATCH" }"#),
            Some(vec!["e-1".to_owned()])
        );
        assert_eq!(
            required(r#"{ $.event_id = "e-1" || $.event_id = "e-2" }"#),
            Some(vec!["e-1".to_owned(), "e-2".to_owned()])
        );
        assert_eq!(required(r#"{ $.event_id = "e-1" || $.other = "x" }"#), None);
        assert_eq!(required(r#"{ $.event_id = "e-*" }"#), None);
        assert_eq!(required(r#"{ $.event_id != "e-1" }"#), None);
        assert_eq!(required(r#"{ $.details.event_id = "e-1" }"#), None);
    }

    fn matches(pattern: &str, message: &str) -> bool {
        JsonPattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")).matches(message)
    }

    fn error(pattern: &str) -> PatternError {
        JsonPattern::parse(pattern).expect_err(pattern)
    }

    /// The example event of AWS's "Filter pattern syntax" page.
    const TRAIL: &str = r#"{
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": null,
        "ThisFlag": true
    }"#;

    /// The compound-conditions example of the same page.
    const USERS: &str = r#"{
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
    }"#;

    #[test]
    fn the_documented_examples_match() {
        assert!(matches(r#"{ $.eventType = "UpdateTrail" }"#, TRAIL));
        assert!(matches("{ $.sourceIPAddress != 123.123.* }", TRAIL));
        assert!(matches(r#"{ $.arrayKey[0] = "value" }"#, TRAIL));
        assert!(matches("{ $.objectList[1].id = 2 }", TRAIL));
        assert!(matches("{ $.SomeObject IS NULL }", TRAIL));
        assert!(matches("{ $.SomeOtherObject NOT EXISTS }", TRAIL));
        assert!(matches("{ $.ThisFlag IS TRUE }", TRAIL));
        assert!(!matches("{ $.ThisFlag IS FALSE }", TRAIL));
    }

    #[test]
    fn the_documented_compound_examples() {
        assert!(matches(r#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#, USERS));
        assert!(!matches(r#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#, USERS));
        assert!(matches(
            r#"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#,
            USERS
        ));
        assert!(!matches(
            r#"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#,
            USERS
        ));
        assert!(matches("{ $.coordinates[2][0] = 7 }", USERS));
    }

    #[test]
    fn numeric_comparisons() {
        let event = r#"{"latency": 500, "numbers": [0.005], "processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}],
                        "errorCode": 400, "small": -3}"#;
        assert!(matches("{ $.latency >= 500 }", event));
        assert!(!matches("{ $.latency > 500 }", event));
        assert!(matches("{ $.latency <= 500 }", event));
        assert!(!matches("{ $.latency < 500 }", event));
        assert!(matches("{ $.numbers[0] < 10e3 }", event));
        assert!(matches("{ $.numbers[0] < 10e-3 }", event));
        assert!(matches("{ $.processes[4].averageRuntime <= 55.5 }", event));
        assert!(matches("{ $.errorCode = 400 }", event));
        assert!(matches("{ $.errorCode != 500 }", event));
        assert!(matches("{ $.latency > +100 }", event));
        assert!(matches("{ $.small < -2.5 }", event));
        assert!(matches("{ $.latency = 5e2 }", event), "numbers compare by value");
        assert!(!matches("{ $.missing != 1 }", event), "a missing field is not a value");
        assert!(!matches(r#"{ $.latency > 1 }"#, r#"{"latency": "fast"}"#));
        assert!(matches(r#"{ $.code = 200 }"#, r#"{"code": "200"}"#), "a numeric string compares as text");
    }

    #[test]
    fn wildcards_at_either_end_only() {
        assert!(matches(r#"{ $.e = "*Event" }"#, r#"{"e": "PutEvent"}"#));
        assert!(matches("{ $.e = Event* }", r#"{"e": "EventId"}"#));
        assert!(matches(r#"{ $.e = "*ven*" }"#, r#"{"e": "Events"}"#));
        assert!(!matches(r#"{ $.e = "Ev*ent" }"#, r#"{"e": "Event"}"#));
        assert!(matches(r#"{ $.e = "Ev*ent" }"#, r#"{"e": "Ev*ent"}"#));
        assert!(matches(r#"{ $.e = "*" }"#, r#"{"e": ""}"#), "* alone matches any value");
        assert!(matches(r#"{ $.latency = * }"#, r#"{"latency": 12}"#), "numbers are values too");
        assert!(!matches(r#"{ $.e = "*" }"#, r#"{"f": 1}"#));
        assert!(matches(r#"{ $.e != "abc*" }"#, r#"{"e": "xyz"}"#));
        assert!(!matches(r#"{ $.e != "abc*" }"#, r#"{"e": "abcd"}"#));
    }

    #[test]
    fn comparisons_need_a_value_node() {
        let event = r#"{"users": [1, 2, 3], "obj": {"a": 1}, "none": null}"#;
        for pattern in ["{ $.users = 1 }", "{ $.users != 1 }", "{ $.obj = 1 }", "{ $.obj != x }", "{ $.none != x }"] {
            assert!(!matches(pattern, event), "{pattern}");
        }
        assert!(matches("{ $.none EXISTS }", event));
        assert!(matches("{ $.obj.a EXISTS && $.obj.b NOT EXISTS }", event));
        assert!(!matches("{ $.users[5] EXISTS }", event));
        assert!(matches("{ $.users[2] = 3 }", event));
        assert!(!matches("{ $.obj[0] EXISTS }", event), "an index on an object selects nothing");
    }

    #[test]
    fn strings_match_exactly_and_case_sensitively() {
        let event = r#"{"event_id": "e-42", "detail": {"orderId": "42", "ok": false}, "emoji": "✓ done"}"#;
        assert!(matches(r#"{ $.event_id = "e-42" }"#, event));
        assert!(matches("{ $.event_id = e-42 }", event));
        assert!(!matches(r#"{ $.event_id = "E-42" }"#, event));
        assert!(!matches(r#"{ $.event_id = "e-4" }"#, event));
        assert!(matches(r#"{ $.detail.orderId = "42" }"#, event));
        assert!(matches("{ $.detail.ok IS FALSE }", event));
        assert!(matches(r#"{ $.emoji = "✓ done" }"#, event));
        assert!(matches(r#"{ $.q = "say \"hi\"" }"#, r#"{"q": "say \"hi\""}"#));
    }

    #[test]
    fn only_json_objects_match() {
        for message in ["not json", "[1, 2]", "42", r#""text""#, "{broken"] {
            assert!(!matches("{ $.a NOT EXISTS }", message), "{message}");
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let event = r#"{"a": 1, "b": 2, "c": 3}"#;
        assert!(matches("{ $.a = 9 && $.b = 9 || $.c = 3 }", event));
        assert!(!matches("{ $.a = 9 && ($.b = 9 || $.c = 3) }", event));
        assert!(matches("{($.a=1)&&($.b=2)}", event), "spaces are optional");
        assert!(matches("{ ((($.a = 1))) }", event));
    }

    #[test]
    fn malformed_patterns_are_refused_with_aws_messages() {
        assert_eq!(error("{ $.a = 1"), PatternError::UnclosedBrace);
        assert_eq!(error(r#"{ $."sc-status" = 5* }"#), PatternError::InvalidCharacters("$.\"".into()));
        assert_eq!(error("{ $.a@b = 1 }"), PatternError::InvalidCharacters("$.a@".into()));
        assert_eq!(error("{ $.a = a@b }"), PatternError::InvalidCharacters("@".into()));
        assert_eq!(error("{ $ = 1 }"), PatternError::InvalidCharacters("$ ".into()));
        assert_eq!(error("{ $[0] = 1 }"), PatternError::InvalidCharacters("$[".into()));
        assert_eq!(error("{ $.a[x] = 1 }"), PatternError::InvalidCharacters("$.a[x".into()));
        for pattern in [
            "{}",
            "{ }",
            "{ a = 1 }",
            "{ $.a }",
            "{ $.a = }",
            "{ $.a > abc }",
            "{ $.a = 1 && }",
            "{ ($.a = 1 }",
            "{ $.a = 1 $.b = 2 }",
            "{ $.a IS MAYBE }",
            "{ $.a NOT THERE }",
        ] {
            assert_eq!(error(pattern), PatternError::Invalid, "{pattern}");
        }
        assert_eq!(error(r#"{ $.a = "open }"#), PatternError::UnclosedQuote);
        assert_eq!(error("{ $.a = %ab+% }"), PatternError::Unsupported("Regular expression"));
    }

    #[test]
    fn numbers_follow_the_documented_grammar() {
        for number in ["1", "-1", "+1000", "1.5", "-0.5", ".5", "10e3", "10e-3", "1.5E+2"] {
            assert!(is_number(number), "{number}");
        }
        for text in ["", "+", "1.2.3", "e3", "1e", "123.123.*", "inf", "NaN", "0x10"] {
            assert!(!is_number(text), "{text}");
        }
    }
}
