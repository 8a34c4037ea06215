//! Evaluating Choice conditions.

use serde_json::Value;

use super::{DataError, Scope};
use crate::definition::{Comparison, Condition, Operand};
use crate::path::Path;
use crate::timestamp;

/// Whether a condition holds for the scope's input.
pub fn evaluate(condition: &Condition, scope: &Scope<'_>) -> Result<bool, DataError> {
    match condition {
        Condition::And(all) => {
            for c in all {
                if !evaluate(c, scope)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Or(any) => {
            for c in any {
                if evaluate(c, scope)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => Ok(!evaluate(inner, scope)?),
        Condition::Jsonata(_) => Err(DataError::runtime("JSONata conditions are not supported by this interpreter")),
        Condition::Compare { variable, comparison, operand } => compare(variable, *comparison, operand, scope),
    }
}

fn invalid(path: &Path) -> DataError {
    DataError::runtime(format!("Invalid path '{path}': The choice state's condition path references an invalid value."))
}

fn compare(variable: &Path, comparison: Comparison, operand: &Operand, scope: &Scope<'_>) -> Result<bool, DataError> {
    let value = scope.lookup(variable)?;
    if comparison.is_type_test() {
        let Operand::Value(Value::Bool(expected)) = operand else { return Ok(false) };
        let holds = match comparison {
            Comparison::IsPresent => value.is_some(),
            Comparison::IsNull => value.as_ref().is_some_and(Value::is_null),
            Comparison::IsNumeric => value.as_ref().is_some_and(Value::is_number),
            Comparison::IsString => value.as_ref().is_some_and(Value::is_string),
            Comparison::IsBoolean => value.as_ref().is_some_and(Value::is_boolean),
            _ => value.as_ref().and_then(Value::as_str).and_then(timestamp::parse).is_some(),
        };
        return Ok(holds == *expected);
    }
    let value = value.ok_or_else(|| invalid(variable))?;
    let other = match operand {
        Operand::Value(v) => v.clone(),
        Operand::Path(path) => scope.lookup(path)?.ok_or_else(|| invalid(path))?,
    };
    use Comparison::*;
    use std::cmp::Ordering::*;
    let ordered = |ordering: Option<std::cmp::Ordering>, accept: &[std::cmp::Ordering]| {
        ordering.is_some_and(|o| accept.contains(&o))
    };
    Ok(match comparison {
        StringEquals => value.as_str().is_some() && value == other,
        StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            let ordering = match (value.as_str(), other.as_str()) {
                (Some(a), Some(b)) => Some(a.cmp(b)),
                _ => None,
            };
            ordered(ordering, accepted(comparison))
        }
        StringMatches => match (value.as_str(), other.as_str()) {
            (Some(text), Some(pattern)) => wildcard(text, pattern),
            _ => false,
        },
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            let ordering = match (value.as_f64(), other.as_f64()) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => None,
            };
            if comparison == NumericEquals { ordering == Some(Equal) } else { ordered(ordering, accepted(comparison)) }
        }
        BooleanEquals => value.is_boolean() && value == other,
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            let parse = |v: &Value| v.as_str().and_then(timestamp::parse);
            let ordering = match (parse(&value), parse(&other)) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                _ => None,
            };
            ordered(ordering, accepted(comparison))
        }
        IsNull | IsPresent | IsNumeric | IsString | IsBoolean | IsTimestamp => false,
    })
}

fn accepted(comparison: Comparison) -> &'static [std::cmp::Ordering] {
    use Comparison::*;
    use std::cmp::Ordering::*;
    match comparison {
        StringLessThan | NumericLessThan | TimestampLessThan => &[Less],
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => &[Greater],
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => &[Less, Equal],
        StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => &[Greater, Equal],
        _ => &[Equal],
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
fn wildcard(text: &str, pattern: &str) -> bool {
    let mut tokens: Vec<Option<char>> = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => tokens.push(Some(chars.next().unwrap_or('\\'))),
            '*' => tokens.push(None),
            c => tokens.push(Some(c)),
        }
    }
    let text: Vec<char> = text.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last star.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Some(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(None) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(Option::is_none)
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards() {
        assert!(super::wildcard("log-2024.txt", "log-*.txt"));
        assert!(super::wildcard("a*b", r"a\*b"));
        assert!(!super::wildcard("a-b", r"a\*b"));
        assert!(super::wildcard("anything", "*"));
        assert!(!super::wildcard("abc", "a*d"));
    }
}
