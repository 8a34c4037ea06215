//! Reading intrinsic function calls.

use serde_json::Value;

use super::{Arg, Function, Intrinsic, Kind};
use crate::path::Path;

pub(super) fn parse(text: &str) -> Result<Intrinsic, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut reader = Reader { chars: &chars, pos: 0, depth: 0 };
    reader.spaces();
    let call = reader.call()?;
    reader.spaces();
    if reader.pos != chars.len() {
        return Err(format!("unexpected text after the call in '{text}'"));
    }
    Ok(call)
}

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
    depth: usize,
}

/// Deeper nesting of calls is refused rather than risking the stack.
const MAX_DEPTH: usize = 50;

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn call(&mut self) -> Result<Intrinsic, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("intrinsic function calls are nested too deeply".to_owned());
        }
        let result = self.call_inner();
        self.depth -= 1;
        result
    }

    fn call_inner(&mut self) -> Result<Intrinsic, String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '.') {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        let function = Function::from_name(&name).ok_or_else(|| format!("unknown intrinsic function '{name}'"))?;
        if self.peek() != Some('(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.spaces();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.spaces();
                args.push(self.arg()?);
                self.spaces();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(format!("expected ',' or ')' in the arguments of {name}")),
                }
            }
        }
        if !function.arity_ok(args.len()) {
            return Err(format!("{name} does not take {} argument(s)", args.len()));
        }
        for (index, arg) in args.iter().enumerate() {
            let kind = function.kind_of(index);
            let fits = matches!(
                (kind, arg),
                (Kind::Any, _)
                    | (_, Arg::Path(_) | Arg::Call(_))
                    | (Kind::Text, Arg::Str { .. })
                    | (Kind::Number, Arg::Literal(Value::Number(_)))
                    | (Kind::Boolean, Arg::Literal(Value::Bool(_)))
            );
            if !fits {
                return Err(format!("argument {} of {name} has the wrong type", index + 1));
            }
        }
        Ok(Intrinsic { function, args })
    }

    fn arg(&mut self) -> Result<Arg, String> {
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => self.path(),
            Some(c) if c.is_ascii_digit() || c == '-' => self.number(),
            Some('S') => Ok(Arg::Call(self.call()?)),
            _ => {
                for (word, value) in [("null", Value::Null), ("true", Value::Bool(true)), ("false", Value::Bool(false))]
                {
                    let end = self.pos + word.len();
                    if self.chars.len() >= end && self.chars[self.pos..end].iter().collect::<String>() == word {
                        self.pos = end;
                        return Ok(Arg::Literal(value));
                    }
                }
                Err(format!("unexpected argument at position {}", self.pos))
            }
        }
    }

    fn string(&mut self) -> Result<Arg, String> {
        self.pos += 1;
        let (mut value, mut raw) = (String::new(), String::new());
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '\\' => {
                    let escaped = self.peek().ok_or("unterminated string literal")?;
                    self.pos += 1;
                    value.push(escaped);
                    raw.push('\\');
                    raw.push(escaped);
                }
                '\'' => return Ok(Arg::Str { value, raw }),
                c => {
                    value.push(c);
                    raw.push(c);
                }
            }
        }
        Err("unterminated string literal".to_owned())
    }

    fn number(&mut self) -> Result<Arg, String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || "-+.eE".contains(c)) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        serde_json::from_str::<serde_json::Number>(&text)
            .map(|n| Arg::Literal(Value::Number(n)))
            .map_err(|_| format!("'{text}' is not a number"))
    }

    fn path(&mut self) -> Result<Arg, String> {
        let start = self.pos;
        let (mut depth, mut quote) = (0usize, None);
        while let Some(c) = self.peek() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') if depth > 0 => quote = Some(c),
                (None, '[' | '(') => depth += 1,
                (None, ']') => depth = depth.saturating_sub(1),
                (None, ')') if depth == 0 => break,
                (None, ')') => depth -= 1,
                (None, ',') if depth == 0 => break,
                (None, c) if c.is_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        Path::parse(&text).map(Arg::Path).map_err(|e| e.to_string())
    }
}
