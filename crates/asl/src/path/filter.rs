//! Filter (`[?(...)]`) and script (`[(...)]`) expressions.

use serde_json::Value;

use super::parse::parse as parse_path;
use super::{Path, Root};

/// A filter or script expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A JSON literal; unquoted words are read as strings, as Jayway does.
    Literal(Value),
    /// A path from `@` (the element tested) or `$` (the document).
    Path(Box<Path>),
    /// `!e`.
    Not(Box<Expr>),
    /// A binary operation.
    Binary(Box<Expr>, Op, Box<Expr>),
}

/// Binary operators of filter expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
}

pub(super) fn parse_expr(text: &str) -> Result<Expr, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, pos: 0, depth: 0 };
    let expr = parser.binary(0)?;
    if parser.pos != parser.tokens.len() {
        return Err(format!("unexpected text in expression '{text}'"));
    }
    Ok(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Op(Op),
    Bang,
    Open,
    Close,
    Operand(Expr),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let two: String = chars[at..(at + 2).min(chars.len())].iter().collect();
        let op = match two.as_str() {
            "||" => Some((Op::Or, 2)),
            "&&" => Some((Op::And, 2)),
            "==" => Some((Op::Eq, 2)),
            "!=" => Some((Op::Ne, 2)),
            "<=" => Some((Op::Le, 2)),
            ">=" => Some((Op::Ge, 2)),
            _ => match c {
                '<' => Some((Op::Lt, 1)),
                '>' => Some((Op::Gt, 1)),
                '+' => Some((Op::Add, 1)),
                '-' if !matches!(tokens.last(), None | Some(Token::Op(_) | Token::Open | Token::Bang)) => {
                    Some((Op::Sub, 1))
                }
                _ => None,
            },
        };
        if let Some((op, len)) = op {
            tokens.push(Token::Op(op));
            at += len;
            continue;
        }
        match c {
            c if c.is_whitespace() => at += 1,
            '!' => {
                tokens.push(Token::Bang);
                at += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                at += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                at += 1;
            }
            '\'' | '"' => {
                let end = chars[at + 1..].iter().position(|&x| x == c).ok_or("unterminated string")? + at + 1;
                tokens.push(Token::Operand(Expr::Literal(Value::String(chars[at + 1..end].iter().collect()))));
                at = end + 1;
            }
            '@' | '$' => {
                let end = path_end(&chars, at);
                let text: String = chars[at..end].iter().collect();
                let path = parse_path(&text, true).map_err(|e| e.reason)?;
                tokens.push(Token::Operand(Expr::Path(Box::new(path))));
                at = end;
            }
            _ => {
                let end = (at..chars.len())
                    .find(|&i| {
                        chars[i].is_whitespace() || "()<>=!&|+".contains(chars[i]) || (i > at && chars[i] == '-')
                    })
                    .unwrap_or(chars.len());
                if end == at {
                    return Err(format!("unexpected '{c}' in expression"));
                }
                let word: String = chars[at..end].iter().collect();
                let value = match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => serde_json::from_str::<serde_json::Number>(&word)
                        .map(Value::Number)
                        .unwrap_or(Value::String(word)),
                };
                tokens.push(Token::Operand(Expr::Literal(value)));
                at = end;
            }
        }
    }
    Ok(tokens)
}

/// Where a path inside an expression ends: at an operator or a parenthesis
/// outside brackets.
fn path_end(chars: &[char], from: usize) -> usize {
    let mut depth = 0usize;
    let mut at = from;
    while at < chars.len() {
        let c = chars[at];
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || "()<>=!&|+-".contains(c) => break,
            _ => {}
        }
        at += 1;
    }
    at
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Deeper nesting is refused rather than risking the stack.
const MAX_DEPTH: usize = 100;

fn precedence(op: Op) -> u8 {
    match op {
        Op::Or => 1,
        Op::And => 2,
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => 3,
        Op::Add | Op::Sub => 4,
    }
}

impl Parser {
    fn binary(&mut self, min: u8) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while let Some(Token::Op(op)) = self.tokens.get(self.pos).cloned() {
            let level = precedence(op);
            if level <= min {
                break;
            }
            self.pos += 1;
            let right = self.binary(level)?;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the expression is nested too deeply".to_owned());
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Expr, String> {
        let token = self.tokens.get(self.pos).cloned().ok_or("incomplete expression")?;
        self.pos += 1;
        match token {
            Token::Bang => Ok(Expr::Not(Box::new(self.unary()?))),
            Token::Open => {
                let inner = self.binary(0)?;
                if self.tokens.get(self.pos) != Some(&Token::Close) {
                    return Err("expected ')' in expression".to_owned());
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Operand(expr) => Ok(expr),
            Token::Op(_) | Token::Close => Err("expected a value in expression".to_owned()),
        }
    }
}

/// What an expression yields: a value, or nothing when a path selects nothing.
pub(super) fn evaluate(expr: &Expr, current: &Value, root: &Value) -> Option<Value> {
    match expr {
        Expr::Literal(value) => Some(value.clone()),
        Expr::Path(path) => {
            let base = if *path.root() == Root::Current { current } else { root };
            if path.segments().len() == 1
                && let super::Segment::Child(name) = &path.segments()[0]
                && name == "length"
                && let Value::Array(items) = base
            {
                return Some(Value::from(items.len()));
            }
            path.select_from(base, root).into_value()
        }
        Expr::Not(inner) => Some(Value::Bool(!truthy(evaluate(inner, current, root).as_ref()))),
        Expr::Binary(left, op, right) => {
            let l = evaluate(left, current, root);
            match op {
                Op::Or => {
                    return Some(Value::Bool(truthy(l.as_ref()) || truthy(evaluate(right, current, root).as_ref())));
                }
                Op::And => {
                    return Some(Value::Bool(truthy(l.as_ref()) && truthy(evaluate(right, current, root).as_ref())));
                }
                _ => {}
            }
            let r = evaluate(right, current, root);
            let (l, r) = (l?, r?);
            Some(match op {
                Op::Eq => Value::Bool(same(&l, &r)),
                Op::Ne => Value::Bool(!same(&l, &r)),
                Op::Lt | Op::Le | Op::Gt | Op::Ge => Value::Bool(order(&l, &r).is_some_and(|o| match op {
                    Op::Lt => o.is_lt(),
                    Op::Le => o.is_le(),
                    Op::Gt => o.is_gt(),
                    _ => o.is_ge(),
                })),
                Op::Add | Op::Sub => {
                    let (a, b) = (l.as_f64()?, r.as_f64()?);
                    let n = if *op == Op::Add { a + b } else { a - b };
                    if n.fract() == 0.0 && n.abs() < 9.0e15 { Value::from(n as i64) } else { Value::from(n) }
                }
                Op::Or | Op::And => return None,
            })
        }
    }
}

pub(super) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(_) => true,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}
