//! JSONata: the `{% expression %}` surround and a syntax check of the
//! expression (a parser that builds nothing). Evaluation is not supported.

/// How a string field of a JSONata state reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Surround<'a> {
    /// Not an expression: a literal string.
    Literal,
    /// `{% expr %}`, with the expression.
    Expression(&'a str),
}

/// Splits `{% expr %}`; the delimiters need one whitespace inside them and the
/// expression stays on one line (as asl-validator reads them).
pub(crate) fn surround(text: &str) -> Result<Surround<'_>, String> {
    let opens = text.starts_with("{%");
    let closes = text.ends_with("%}");
    if !opens && !closes {
        return Ok(Surround::Literal);
    }
    let malformed = || format!("The JSONata expression '{text}' must be written as '{{% expression %}}'");
    if !opens || !closes || text.len() < 6 {
        return Err(malformed());
    }
    let inner = &text[2..text.len() - 2];
    let starts_spaced = inner.starts_with(char::is_whitespace);
    let ends_spaced = inner.ends_with(char::is_whitespace);
    let mut body = inner.chars();
    body.next();
    body.next_back();
    let body = body.as_str();
    if !starts_spaced || !ends_spaced || body.trim().is_empty() || body.contains(['\n', '\r']) {
        return Err(malformed());
    }
    Ok(Surround::Expression(body))
}

/// Checks the syntax of a JSONata expression.
pub(crate) fn check(expression: &str) -> Result<(), String> {
    let tokens = tokenize(expression)?;
    let mut parser = Parser { tokens, pos: 0, depth: 0 };
    parser.expression(0)?;
    match parser.tokens.get(parser.pos) {
        None => Ok(()),
        Some(Token::Name(name)) => Err(format!("unexpected '{name}' in JSONata expression")),
        Some(Token::Op(op)) => Err(format!("unexpected '{op}' in JSONata expression")),
        Some(Token::Value) => Err("unexpected value in JSONata expression".to_owned()),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Value,
    Name(String),
    Op(&'static str),
}

const OPERATORS: [&str; 33] = [
    "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":",
    "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&",
];

fn is_name_char(c: char) -> bool {
    !c.is_whitespace() && !".[]{}(),@#;:?+-*/%|=<>^&!~`'\"$".contains(c)
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let rest: String = chars[at..(at + 2).min(chars.len())].iter().collect();
        if c.is_whitespace() {
            at += 1;
        } else if rest == "/*" {
            let close = text_from(&chars, at + 2).find("*/").ok_or("unterminated comment")?;
            at += 2 + text_from(&chars, at + 2)[..close].chars().count() + 2;
        } else if c == '"' || c == '\'' {
            at += 1;
            loop {
                match chars.get(at) {
                    None => return Err("unterminated string".to_owned()),
                    Some('\\') => at += 2,
                    Some(&q) if q == c => break,
                    Some(_) => at += 1,
                }
            }
            at += 1;
            tokens.push(Token::Value);
        } else if c == '`' {
            let close = chars[at + 1..].iter().position(|&x| x == '`').ok_or("unterminated name")?;
            tokens.push(Token::Name(chars[at + 1..at + 1 + close].iter().collect()));
            at += close + 2;
        } else if c.is_ascii_digit() {
            at = number(&chars, at)?;
            tokens.push(Token::Value);
        } else if c == '$' {
            let start = at;
            at += 1;
            if chars.get(at) == Some(&'$') {
                at += 1;
            }
            while chars.get(at).is_some_and(|&x| is_name_char(x)) {
                at += 1;
            }
            tokens.push(Token::Name(chars[start..at].iter().collect()));
        } else if c == '/' && regex_allowed(tokens.last()) {
            at += 1;
            loop {
                match chars.get(at) {
                    None => return Err("unterminated regular expression".to_owned()),
                    Some('\\') => at += 2,
                    Some('/') => break,
                    Some(_) => at += 1,
                }
            }
            at += 1;
            while chars.get(at).is_some_and(|x| x.is_ascii_alphabetic()) {
                at += 1;
            }
            tokens.push(Token::Value);
        } else if let Some(op) = OPERATORS.iter().find(|op| text_from(&chars, at).starts_with(**op)) {
            tokens.push(Token::Op(op));
            at += op.len();
        } else if is_name_char(c) {
            let start = at;
            while chars.get(at).is_some_and(|&x| is_name_char(x)) {
                at += 1;
            }
            tokens.push(Token::Name(chars[start..at].iter().collect()));
        } else {
            return Err(format!("unexpected character '{c}' in JSONata expression"));
        }
    }
    Ok(tokens)
}

fn text_from(chars: &[char], at: usize) -> String {
    chars[at..].iter().collect()
}

fn regex_allowed(previous: Option<&Token>) -> bool {
    match previous {
        None => true,
        Some(Token::Op(op)) => !matches!(*op, ")" | "]" | "}"),
        Some(Token::Name(name)) => matches!(name.as_str(), "and" | "or" | "in"),
        Some(Token::Value) => false,
    }
}

/// JSONata numbers: `0|[1-9][0-9]*`, an optional fraction with digits, an exponent.
fn number(chars: &[char], mut at: usize) -> Result<usize, String> {
    let digits = |at: &mut usize| {
        let start = *at;
        while chars.get(*at).is_some_and(char::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    digits(&mut at);
    if chars.get(at) == Some(&'.') && chars.get(at + 1).is_some_and(char::is_ascii_digit) {
        at += 1;
        digits(&mut at);
    }
    if matches!(chars.get(at), Some('e' | 'E')) {
        at += 1;
        if matches!(chars.get(at), Some('+' | '-')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return Err("malformed number".to_owned());
        }
    }
    Ok(at)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Deeper nesting is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

fn binding_power(token: &Token) -> u8 {
    match token {
        Token::Op(op) => match *op {
            "." => 75,
            "[" | "(" | "@" | "#" => 80,
            "{" => 70,
            "*" | "/" | "%" => 60,
            "+" | "-" | "&" => 50,
            "=" | "<" | ">" | "^" | "!=" | "<=" | ">=" | "~>" | "?:" | "??" => 40,
            "?" | ".." => 20,
            ":=" => 10,
            _ => 0,
        },
        Token::Name(name) => match name.as_str() {
            "in" => 40,
            "and" => 30,
            "or" => 25,
            _ => 0,
        },
        Token::Value => 0,
    }
}

impl Parser {
    fn next(&mut self) -> Result<Token, String> {
        let token = self.tokens.get(self.pos).cloned().ok_or("the JSONata expression ends too early")?;
        self.pos += 1;
        Ok(token)
    }

    fn peek_is(&self, op: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Op(o)) if *o == op)
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        if self.peek_is(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{op}' in JSONata expression"))
        }
    }

    /// Items until `close`, separated by `separator`; `pairs` reads `a: b`.
    fn list(&mut self, separator: &str, close: &str, pairs: bool) -> Result<(), String> {
        if self.peek_is(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if !(close == ")" && separator == "," && self.peek_is("?")) {
                self.expression(0)?;
            } else {
                self.pos += 1;
            }
            if pairs {
                self.expect(":")?;
                self.expression(0)?;
            }
            if self.peek_is(separator) {
                self.pos += 1;
            } else {
                return self.expect(close);
            }
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the JSONata expression is nested too deeply".to_owned());
        }
        let result = self.expression_inner(rbp);
        self.depth -= 1;
        result
    }

    fn expression_inner(&mut self, rbp: u8) -> Result<(), String> {
        self.prefix()?;
        while let Some(token) = self.tokens.get(self.pos).cloned() {
            if binding_power(&token) <= rbp {
                break;
            }
            self.pos += 1;
            self.infix(&token)?;
        }
        Ok(())
    }

    fn prefix(&mut self) -> Result<(), String> {
        match self.next()? {
            Token::Value => Ok(()),
            Token::Name(name) if (name == "function" || name == "λ") && self.peek_is("(") => {
                self.pos += 1;
                self.list(",", ")", false)?;
                if self.peek_is("<") {
                    while !self.peek_is(">") {
                        self.next()?;
                    }
                    self.pos += 1;
                }
                self.expect("{")?;
                self.expression(0)?;
                self.expect("}")
            }
            Token::Name(_) => Ok(()),
            Token::Op(op) => match op {
                "-" => self.expression(70),
                "*" | "**" | "%" => Ok(()),
                "(" => self.list(";", ")", false),
                "[" => self.list(",", "]", false),
                "{" => self.list(",", "}", true),
                "|" => {
                    self.expression(0)?;
                    self.expect("|")?;
                    self.expression(0)?;
                    if self.peek_is(",") {
                        self.pos += 1;
                        self.expression(0)?;
                    }
                    self.expect("|")
                }
                other => Err(format!("unexpected '{other}' in JSONata expression")),
            },
        }
    }

    fn infix(&mut self, token: &Token) -> Result<(), String> {
        let op = match token {
            Token::Op(op) => *op,
            Token::Name(_) => return self.expression(binding_power(token)),
            Token::Value => return Err("unexpected value in JSONata expression".to_owned()),
        };
        match op {
            "(" => self.list(",", ")", false),
            "[" => self.list(",", "]", false),
            "{" => self.list(",", "}", true),
            "?" => {
                self.expression(0)?;
                if self.peek_is(":") {
                    self.pos += 1;
                    self.expression(0)?;
                }
                Ok(())
            }
            "^" => {
                self.expect("(")?;
                loop {
                    if self.peek_is("<") || self.peek_is(">") {
                        self.pos += 1;
                    }
                    self.expression(0)?;
                    if self.peek_is(",") {
                        self.pos += 1;
                    } else {
                        return self.expect(")");
                    }
                }
            }
            "@" | "#" => match self.next()? {
                Token::Name(name) if name.starts_with('$') => Ok(()),
                _ => Err(format!("expected a variable after '{op}'")),
            },
            ":=" => self.expression(binding_power(token) - 1),
            _ => self.expression(binding_power(token)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surround_rules() {
        assert_eq!(surround("plain"), Ok(Surround::Literal));
        assert_eq!(surround("{% 10 %}"), Ok(Surround::Expression("10")));
        for bad in ["{% 10 %", "10 %}", "{%10%}", "{% \n10         %}"] {
            assert!(surround(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn syntax() {
        for good in [
            "10",
            "1+2",
            "$sum($states.input.numbers)",
            "$exists($states.input.moreData) ? $states.input.moreData : {}",
            "$match($a, /^[a-z.%+-]+@[a-z]{2,}$/) and $b",
            "$not(null in $each($s.address, function($v) { $length($trim($v)) > 0 ? $v : null }))",
            "($e := $p.email; $n := $p.first & ' ' & $p.last; $p.interests[category = 'home']{'customer': $n, 'total': $sum(estimatedValue), category: {type: yearBuilt}})",
            "$round($random() * 10)",
            "$states.input.items[0].name",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
        for bad in ["420.", "10 + * 2", "$.store.book[?(@.price < 10)].title", "$sum($states.input.items.numbers", "(1"]
        {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
