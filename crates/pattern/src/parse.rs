//! From JSON to a validated [`Pattern`], rejecting what EventBridge rejects
//! with the reasons it gives (the wording of aws/event-ruler, which
//! EventBridge reports).

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::ast::{AnythingBut, Bound, Condition, FieldPattern, ObjectPattern, Pattern, Range};
use crate::cidr::Cidr;
use crate::error::PatternError;
use crate::value::{Scalar, fold_case};
use crate::wildcard::Wildcard;

/// The most alternatives `$or` may expand a pattern into.
pub(crate) const MAX_COMBINATIONS: usize = 1000;

/// Match-type names that cannot be field names inside `$or`.
const RESERVED_IN_OR: [&str; 9] =
    ["anything-but", "exists", "prefix", "suffix", "numeric", "equals-ignore-case", "wildcard", "cidr", "exactly"];

type Result<T> = std::result::Result<T, PatternError>;

fn error<T>(reason: impl Into<String>) -> Result<T> {
    Err(PatternError::new(reason))
}

pub(crate) fn parse_text(text: &str) -> Result<Pattern> {
    let value: Value = serde_json::from_str(text).map_err(|e| PatternError::new(e.to_string()))?;
    parse_value(&value)
}

pub(crate) fn parse_value(value: &Value) -> Result<Pattern> {
    let Value::Object(root) = value else { return error("Filter is not an object") };
    let root = object(root, false)?;
    if root.combinations() > MAX_COMBINATIONS {
        return error(format!(
            "Rule is too complex - $or expands the pattern into more than {MAX_COMBINATIONS} combinations"
        ));
    }
    let pattern = Pattern { root };
    for alternative in pattern.conjunctions() {
        let mut seen = HashSet::new();
        for test in &alternative {
            if !seen.insert(test.path.as_str()) {
                return error(format!("Path `{}` cannot be allowed multiple times", test.path));
            }
        }
    }
    Ok(pattern)
}

fn object(map: &Map<String, Value>, in_or: bool) -> Result<ObjectPattern> {
    if map.is_empty() {
        return error("Empty objects are not allowed");
    }
    let mut pattern = ObjectPattern { fields: Vec::new(), ors: Vec::new() };
    for (key, value) in map {
        if key == "$or" && is_or_relationship(value) {
            pattern.ors.push(or_group(value)?);
            continue;
        }
        if in_or && RESERVED_IN_OR.contains(&key.as_str()) {
            return error(format!("{key} is Ruler reserved fieldName which cannot be used inside $or."));
        }
        let field = match value {
            Value::Object(nested) => FieldPattern::Object(object(nested, in_or)?),
            Value::Array(values) => FieldPattern::Leaf(leaf(values)?),
            _ => return error(format!("\"{key}\" must be an object or an array")),
        };
        pattern.fields.push((key.clone(), field));
    }
    Ok(pattern)
}

/// Whether `"$or": value` is an or-relationship. Like event-ruler, `$or`
/// followed by an object, or by a list of match expressions
/// (`[{"numeric": ...}]`), is an ordinary field named `$or`.
fn is_or_relationship(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.iter().any(|item| {
            item.as_object()
                .and_then(|object| object.keys().next())
                .is_some_and(|key| RESERVED_IN_OR.contains(&key.as_str()))
        }),
        _ => false,
    }
}

fn or_group(value: &Value) -> Result<Vec<ObjectPattern>> {
    let Value::Array(branches) = value else { return error("It must be an Array followed with $or.") };
    let branches = branches
        .iter()
        .map(|branch| match branch {
            Value::Object(map) => object(map, true),
            _ => error("Only JSON object is allowed in array of $or relationship."),
        })
        .collect::<Result<Vec<_>>>()?;
    if branches.len() < 2 {
        return error("There must have at least 2 Objects in $or relationship.");
    }
    Ok(branches)
}

fn leaf(values: &[Value]) -> Result<Vec<Condition>> {
    if values.is_empty() {
        return error("Empty arrays are not allowed");
    }
    values
        .iter()
        .map(|value| match value {
            Value::Object(expression) => match_expression(expression),
            Value::Array(_) => error("Match value must be String, number, true, false, or null"),
            scalar => Ok(Condition::Exact(to_scalar(scalar))),
        })
        .collect()
}

fn to_scalar(value: &Value) -> Scalar {
    match value {
        Value::String(s) => Scalar::Str(s.clone()),
        Value::Number(n) => Scalar::Num(n.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(b) => Scalar::Bool(*b),
        _ => Scalar::Null,
    }
}

/// How the JSON parser event-ruler uses prints a token in its messages.
fn token_text(value: Option<&Value>) -> String {
    match value {
        None => "]".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::Object(_)) => "{".to_owned(),
        Some(Value::Array(_)) => "[".to_owned(),
    }
}

fn only_one_key(expression: &Map<String, Value>, reason: &str) -> Result<()> {
    if expression.len() > 1 { error(reason) } else { Ok(()) }
}

const ONE_KEY: &str = "Only one key allowed in match expression";
const TOO_MANY: &str = "Too many elements in numeric expression";

fn match_expression(expression: &Map<String, Value>) -> Result<Condition> {
    let Some((name, value)) = expression.iter().next() else {
        return error("Match expression name not found");
    };
    let string = |reason: &str| value.as_str().map(str::to_owned).ok_or_else(|| PatternError::new(reason));
    let condition = match name.as_str() {
        "exactly" => Condition::Exact(Scalar::Str(string("exact match pattern must be a string")?)),
        "prefix" => match value {
            Value::Object(inner) => Condition::PrefixIgnoreCase(ignore_case_inner(inner, "Prefix", "prefix")?),
            _ => Condition::Prefix(string("prefix match pattern must be a string")?),
        },
        "suffix" => match value {
            Value::Object(inner) => Condition::SuffixIgnoreCase(ignore_case_inner(inner, "Suffix", "suffix")?),
            _ => Condition::Suffix(string("suffix match pattern must be a string")?),
        },
        "equals-ignore-case" => Condition::EqualsIgnoreCase(
            fold_case(&string("equals-ignore-case match pattern must be a string")?).into_owned(),
        ),
        "wildcard" => Condition::Wildcard(Wildcard::parse(&string("wildcard match pattern must be a string")?)?),
        "cidr" => Condition::Cidr(Cidr::parse(&string("prefix match pattern must be a string")?)?),
        "exists" => match value {
            Value::Bool(present) => Condition::Exists(*present),
            _ => return error("exists match pattern must be either true or false."),
        },
        "numeric" => match value {
            Value::Array(terms) => {
                let range = numeric(terms)?;
                only_one_key(expression, TOO_MANY)?;
                return Ok(Condition::Numeric(range));
            }
            _ => return error("Value of numeric must be an array."),
        },
        "anything-but" => {
            let excluded = anything_but(value)?;
            only_one_key(expression, TOO_MANY)?;
            return Ok(Condition::AnythingBut(excluded));
        }
        other => return error(format!("Unrecognized match type {other}")),
    };
    only_one_key(expression, ONE_KEY)?;
    Ok(condition)
}

/// `{"equals-ignore-case": "..."}` inside `prefix` or `suffix`.
fn ignore_case_inner(inner: &Map<String, Value>, kind: &str, lower_kind: &str) -> Result<String> {
    let Some((name, value)) = inner.iter().next() else {
        return error(format!("{kind} expression name not found"));
    };
    if name != "equals-ignore-case" {
        return error(format!("Unsupported {lower_kind} pattern: {name}"));
    }
    let text = value.as_str().ok_or_else(|| PatternError::new("equals-ignore-case match pattern must be a string"))?;
    only_one_key(inner, ONE_KEY)?;
    Ok(fold_case(text).into_owned())
}

fn numeric(terms: &[Value]) -> Result<Range> {
    let operator = match terms.first() {
        Some(Value::String(op)) => op.as_str(),
        other => return error(format!("Invalid member in numeric match: {}", token_text(other))),
    };
    let number = |index: usize, name: &str| {
        terms
            .get(index)
            .and_then(Value::as_f64)
            .ok_or_else(|| PatternError::new(format!("Value of {name} must be numeric")))
    };
    let single = |range: Range| if terms.len() > 2 { error(TOO_MANY) } else { Ok(range) };
    match operator {
        "=" => {
            let value = number(1, "equals")?;
            let bound = Some(Bound { value, inclusive: true });
            single(Range { lower: bound, upper: bound })
        }
        "<" | "<=" => {
            let value = number(1, operator)?;
            single(Range { lower: None, upper: Some(Bound { value, inclusive: operator == "<=" }) })
        }
        ">" | ">=" => {
            let lower = Some(Bound { value: number(1, operator)?, inclusive: operator == ">=" });
            if terms.len() == 2 {
                return Ok(Range { lower, upper: None });
            }
            let top = match terms.get(2) {
                Some(Value::String(op)) => op.as_str(),
                other => return error(format!("Bad value in numeric range: {}", token_text(other))),
            };
            if top != "<" && top != "<=" {
                return error(format!("Bad numeric range operator: {top}"));
            }
            let upper = Some(Bound { value: number(3, top)?, inclusive: top == "<=" });
            if terms.len() > 4 {
                return error("Too many terms in numeric range expression");
            }
            Ok(Range { lower, upper })
        }
        other => error(format!("Unrecognized numeric range operator: {other}")),
    }
}

const SINGLE_VALUE: &str = "Value of anything-but must be an array or single string/number value.";

fn anything_but(value: &Value) -> Result<AnythingBut> {
    match value {
        Value::String(_) | Value::Number(_) => Ok(AnythingBut::Values(vec![to_scalar(value)])),
        Value::Array(values) => {
            let mut strings = false;
            let mut numbers = false;
            for value in values {
                match value {
                    Value::String(_) => strings = true,
                    Value::Number(_) => numbers = true,
                    _ => return error("Inside anything but list, start|null|boolean is not supported."),
                }
            }
            if strings == numbers {
                return error(
                    "Inside anything but list, either all values are number or string, mixed type is not supported",
                );
            }
            Ok(AnythingBut::Values(values.iter().map(to_scalar).collect()))
        }
        Value::Object(inner) => {
            let Some((kind, inner_value)) = inner.iter().next() else {
                return error("Anything-But expression name not found");
            };
            let not_string = match kind.as_str() {
                "equals-ignore-case" => {
                    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
                }
                "wildcard" => "wildcard match pattern must be a string",
                "prefix" | "suffix" => "prefix/suffix match pattern must be a string",
                other => return error(format!("Unsupported anything-but pattern: {other}")),
            };
            let items: Vec<&Value> = match inner_value {
                Value::Array(items) => items.iter().collect(),
                Value::String(_) | Value::Number(_) => vec![inner_value],
                _ => return error(SINGLE_VALUE),
            };
            let texts = items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) if s.is_empty() && matches!(kind.as_str(), "prefix" | "suffix") => {
                        error("Null prefix/suffix not allowed")
                    }
                    Value::String(s) => Ok(s.clone()),
                    _ => error(not_string),
                })
                .collect::<Result<Vec<_>>>()?;
            only_one_key(inner, TOO_MANY)?;
            Ok(match kind.as_str() {
                "equals-ignore-case" => {
                    AnythingBut::IgnoreCase(texts.iter().map(|t| fold_case(t).into_owned()).collect())
                }
                "wildcard" => AnythingBut::Wildcards(texts.iter().map(|t| Wildcard::parse(t)).collect::<Result<_>>()?),
                "prefix" => AnythingBut::Prefixes(texts),
                _ => AnythingBut::Suffixes(texts),
            })
        }
        _ => error(SINGLE_VALUE),
    }
}
