//! Reading JSONPath text into segments.

use super::filter::parse_expr;
use super::{Path, PathError, Root, Segment};

pub(super) fn parse(text: &str, allow_current: bool) -> Result<Path, PathError> {
    let fail = |reason: &str| PathError { path: text.to_owned(), reason: reason.to_owned() };
    let chars: Vec<char> = text.chars().collect();
    let (root, mut pos) = match chars.first() {
        Some('$') => match chars.get(1) {
            Some('$') => (Root::Context, 2),
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                let end = scan(&chars, 1, |c| c.is_ascii_alphanumeric() || c == '_');
                (Root::Variable(chars[1..end].iter().collect()), end)
            }
            _ => (Root::Input, 1),
        },
        Some('@') if allow_current => (Root::Current, 1),
        _ => return Err(fail("a path must start with '$'")),
    };
    let mut segments = Vec::new();
    while pos < chars.len() {
        let (segment, next) = read_segment(&chars, pos).map_err(|reason| fail(&reason))?;
        segments.push(segment);
        pos = next;
    }
    Ok(Path { text: text.to_owned(), root, segments })
}

fn scan(chars: &[char], from: usize, keep: impl Fn(char) -> bool) -> usize {
    let mut end = from;
    while end < chars.len() && keep(chars[end]) {
        end += 1;
    }
    end
}

/// Characters that end an unquoted member name.
fn ends_name(c: char) -> bool {
    matches!(c, '.' | '[' | ']' | '(' | ')' | '\'' | '"' | ',' | '?' | '@' | '$') || c.is_whitespace()
}

fn read_name(chars: &[char], from: usize) -> Result<(String, usize), String> {
    let end = scan(chars, from, |c| !ends_name(c));
    if end == from {
        return Err(format!("expected a member name at position {from}"));
    }
    Ok((chars[from..end].iter().collect(), end))
}

fn read_segment(chars: &[char], pos: usize) -> Result<(Segment, usize), String> {
    match chars[pos] {
        '.' if chars.get(pos + 1) == Some(&'.') => match chars.get(pos + 2) {
            Some('*') => Ok((Segment::DeepScan(None), pos + 3)),
            _ => {
                let (name, next) = read_name(chars, pos + 2)?;
                Ok((Segment::DeepScan(Some(name)), next))
            }
        },
        '.' => match chars.get(pos + 1) {
            Some('*') => Ok((Segment::Wildcard, pos + 2)),
            _ => {
                let (name, next) = read_name(chars, pos + 1)?;
                Ok((Segment::Child(name), next))
            }
        },
        '[' => read_bracket(chars, pos + 1),
        c => Err(format!("unexpected '{c}' at position {pos}")),
    }
}

fn read_bracket(chars: &[char], pos: usize) -> Result<(Segment, usize), String> {
    let close = |at: usize| -> Result<usize, String> {
        if chars.get(at) == Some(&']') { Ok(at + 1) } else { Err(format!("expected ']' at position {at}")) }
    };
    match chars.get(pos) {
        Some('*') => Ok((Segment::Wildcard, close(pos + 1)?)),
        Some('\'') | Some('"') => {
            let mut names = Vec::new();
            let mut at = pos;
            loop {
                let (name, next) = read_quoted(chars, at)?;
                names.push(name);
                at = skip_spaces(chars, next);
                if chars.get(at) == Some(&',') {
                    at = skip_spaces(chars, at + 1);
                } else {
                    break;
                }
            }
            let segment = if names.len() == 1 { Segment::Child(names.remove(0)) } else { Segment::Children(names) };
            Ok((segment, close(at)?))
        }
        Some('?') if chars.get(pos + 1) == Some(&'(') => {
            let end = matching_paren(chars, pos + 1)?;
            let inner: String = chars[pos + 2..end].iter().collect();
            Ok((Segment::Filter(parse_expr(&inner)?), close(end + 1)?))
        }
        Some('(') => {
            let end = matching_paren(chars, pos)?;
            let inner: String = chars[pos + 1..end].iter().collect();
            Ok((Segment::Script(parse_expr(&inner)?), close(end + 1)?))
        }
        Some(_) => read_numbers(chars, pos),
        None => Err("unterminated '['".to_owned()),
    }
}

fn skip_spaces(chars: &[char], from: usize) -> usize {
    scan(chars, from, char::is_whitespace)
}

fn read_quoted(chars: &[char], pos: usize) -> Result<(String, usize), String> {
    let quote = match chars.get(pos) {
        Some(q @ ('\'' | '"')) => *q,
        _ => return Err(format!("expected a quoted name at position {pos}")),
    };
    let mut out = String::new();
    let mut at = pos + 1;
    while let Some(&c) = chars.get(at) {
        if c == '\\'
            && let Some(&escaped) = chars.get(at + 1)
        {
            out.push(escaped);
            at += 2;
            continue;
        }
        if c == quote {
            return Ok((out, at + 1));
        }
        out.push(c);
        at += 1;
    }
    Err("unterminated quoted name".to_owned())
}

/// The index of the `)` closing the `(` at `open`, skipping quoted text.
pub(super) fn matching_paren(chars: &[char], open: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, &c) in chars.iter().enumerate().skip(open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(at);
                }
            }
            _ => {}
        }
    }
    Err("unbalanced parentheses".to_owned())
}

fn read_int(chars: &[char], pos: usize) -> (Option<i64>, usize) {
    let at = skip_spaces(chars, pos);
    let digits_from = if chars.get(at) == Some(&'-') { at + 1 } else { at };
    let end = scan(chars, digits_from, |c| c.is_ascii_digit());
    if end == digits_from {
        return (None, at);
    }
    let text: String = chars[at..end].iter().collect();
    (text.parse().ok(), skip_spaces(chars, end))
}

fn read_numbers(chars: &[char], pos: usize) -> Result<(Segment, usize), String> {
    let (first, mut at) = read_int(chars, pos);
    if chars.get(at) == Some(&':') {
        let (end, next) = read_int(chars, at + 1);
        at = next;
        let mut step = None;
        if chars.get(at) == Some(&':') {
            let (value, next) = read_int(chars, at + 1);
            step = value;
            at = next;
        }
        if step == Some(0) {
            return Err("a slice step cannot be 0".to_owned());
        }
        return match chars.get(at) {
            Some(']') => Ok((Segment::Slice { start: first, end, step }, at + 1)),
            _ => Err(format!("expected ']' at position {at}")),
        };
    }
    let first = first.ok_or_else(|| format!("expected an index at position {pos}"))?;
    let mut indexes = vec![first];
    while chars.get(at) == Some(&',') {
        let (value, next) = read_int(chars, at + 1);
        indexes.push(value.ok_or_else(|| format!("expected an index at position {}", at + 1))?);
        at = next;
    }
    if chars.get(at) != Some(&']') {
        return Err(format!("expected ']' at position {at}"));
    }
    let segment = if indexes.len() == 1 { Segment::Index(first) } else { Segment::Indexes(indexes) };
    Ok((segment, at + 1))
}
