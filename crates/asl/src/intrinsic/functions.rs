//! Evaluating intrinsic functions.

use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::Digest as _;

use super::{Arg, Function, Intrinsic};
use crate::path::Path;

/// Why an intrinsic call failed at run time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntrinsicError {
    /// A path argument selected nothing (Step Functions: `States.Runtime`).
    #[error("The JsonPath argument '{0}' could not be found in the input")]
    PathNotFound(String),
    /// The function refused its arguments (`States.IntrinsicFailure`).
    #[error("{0}")]
    Invalid(String),
}

/// What an intrinsic call needs from its surroundings.
pub trait Resolver {
    /// The value a path selects, or `None` when it selects nothing.
    fn resolve(&self, path: &Path) -> Option<Value>;
    /// A fresh UUID (version 4 form) for `States.UUID`.
    fn uuid(&mut self) -> String;
    /// A random number for `States.MathRandom` without a seed.
    fn random(&mut self) -> u64;
}

/// SplitMix64: a tiny, well-mixed generator, used for seeded `States.MathRandom`.
pub(crate) fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn invalid(function: Function, why: impl std::fmt::Display) -> IntrinsicError {
    IntrinsicError::Invalid(format!("The intrinsic function {} failed: {why}", function.name()))
}

impl Intrinsic {
    /// Evaluates the call.
    pub fn evaluate(&self, resolver: &mut dyn Resolver) -> Result<Value, IntrinsicError> {
        let mut values = Vec::with_capacity(self.args.len());
        for arg in &self.args {
            values.push(match arg {
                Arg::Str { value, .. } => Value::String(value.clone()),
                Arg::Literal(value) => value.clone(),
                Arg::Path(path) => {
                    resolver.resolve(path).ok_or_else(|| IntrinsicError::PathNotFound(path.to_string()))?
                }
                Arg::Call(call) => call.evaluate(resolver)?,
            });
        }
        let f = self.function;
        match f {
            Function::Format => format(self, &values),
            Function::StringToJson => {
                let text = text(f, &values[0])?;
                if text.trim().is_empty() {
                    return Ok(Value::Null);
                }
                serde_json::from_str(text).map_err(|e| invalid(f, format!("the string is not JSON ({e})")))
            }
            Function::JsonToString => Ok(Value::String(values[0].to_string())),
            Function::Array => Ok(Value::Array(values)),
            Function::ArrayPartition => {
                let items = array(f, &values[0])?;
                let size = integer(f, &values[1])?;
                let size = usize::try_from(size)
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| invalid(f, "the chunk size must be positive"))?;
                Ok(Value::Array(items.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
            }
            Function::ArrayContains => Ok(Value::Bool(array(f, &values[0])?.contains(&values[1]))),
            Function::ArrayRange => {
                let (start, end, step) = (integer(f, &values[0])?, integer(f, &values[1])?, integer(f, &values[2])?);
                if step == 0 {
                    return Err(invalid(f, "the step cannot be 0"));
                }
                let mut out = Vec::new();
                let mut at = start;
                while (step > 0 && at <= end) || (step < 0 && at >= end) {
                    out.push(Value::from(at));
                    if out.len() > 1000 {
                        return Err(invalid(f, "the range has more than 1000 items"));
                    }
                    at += step;
                }
                Ok(Value::Array(out))
            }
            Function::ArrayGetItem => {
                let items = array(f, &values[0])?;
                let index = integer(f, &values[1])?;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| items.get(i))
                    .cloned()
                    .ok_or_else(|| invalid(f, format!("the index {index} is out of bounds")))
            }
            Function::ArrayLength => Ok(Value::from(array(f, &values[0])?.len())),
            Function::ArrayUnique => {
                let mut out: Vec<Value> = Vec::new();
                for item in array(f, &values[0])? {
                    if !out.contains(item) {
                        out.push(item.clone());
                    }
                }
                Ok(Value::Array(out))
            }
            Function::Base64Encode => {
                let input = text(f, &values[0])?;
                Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(input.as_bytes())))
            }
            Function::Base64Decode => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text(f, &values[0])?)
                    .map_err(|e| invalid(f, format!("the string is not base64 ({e})")))?;
                String::from_utf8(bytes).map(Value::String).map_err(|_| invalid(f, "the decoded bytes are not UTF-8"))
            }
            Function::Hash => hash(f, text(f, &values[0])?, text(f, &values[1])?),
            Function::JsonMerge => {
                if values[2] != Value::Bool(false) {
                    return Err(invalid(f, "only a shallow merge (false) is supported"));
                }
                let (Value::Object(left), Value::Object(right)) = (&values[0], &values[1]) else {
                    return Err(invalid(f, "both arguments must be objects"));
                };
                let mut merged: Map<String, Value> = left.clone();
                merged.extend(right.clone());
                Ok(Value::Object(merged))
            }
            Function::MathRandom => {
                let (start, end) = (integer(f, &values[0])?, integer(f, &values[1])?);
                if end <= start {
                    return Err(invalid(f, "the end must be greater than the start"));
                }
                let random = match values.get(2) {
                    Some(seed) => splitmix64(integer(f, seed)? as u64),
                    None => resolver.random(),
                };
                let span = (end - start) as u64;
                Ok(Value::from(start + (random % span) as i64))
            }
            Function::MathAdd => {
                let (a, b) = (number(f, &values[0])?, number(f, &values[1])?);
                let sum = a + b;
                if sum.fract() == 0.0 && sum.abs() < 9.0e15 {
                    Ok(Value::from(sum as i64))
                } else {
                    Ok(Value::from(sum))
                }
            }
            Function::StringSplit => {
                let (input, separators) = (text(f, &values[0])?, text(f, &values[1])?);
                let parts = input
                    .split(|c| separators.contains(c))
                    .filter(|part| !part.is_empty())
                    .map(|part| Value::String(part.to_owned()));
                Ok(Value::Array(parts.collect()))
            }
            Function::Uuid => Ok(Value::String(resolver.uuid())),
        }
    }
}

fn text(f: Function, value: &Value) -> Result<&str, IntrinsicError> {
    value.as_str().ok_or_else(|| invalid(f, format!("expected a string, got {value}")))
}

fn array(f: Function, value: &Value) -> Result<&Vec<Value>, IntrinsicError> {
    value.as_array().ok_or_else(|| invalid(f, format!("expected an array, got {value}")))
}

fn number(f: Function, value: &Value) -> Result<f64, IntrinsicError> {
    value.as_f64().ok_or_else(|| invalid(f, format!("expected a number, got {value}")))
}

fn integer(f: Function, value: &Value) -> Result<i64, IntrinsicError> {
    let n = number(f, value)?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(invalid(f, format!("expected an integer, got {value}")));
    }
    Ok(n as i64)
}

fn format(call: &Intrinsic, values: &[Value]) -> Result<Value, IntrinsicError> {
    let f = call.function;
    let Some(Arg::Str { raw, .. }) = call.args.first() else {
        return Err(invalid(f, "the first argument must be a string literal"));
    };
    let mut args = values[1..].iter();
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                match args.next() {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(other) => out.push_str(&other.to_string()),
                    None => return Err(invalid(f, "more placeholders than arguments")),
                }
            }
            c => out.push(c),
        }
    }
    if args.next().is_some() {
        return Err(invalid(f, "more arguments than placeholders"));
    }
    Ok(Value::String(out))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(f: Function, data: &str, algorithm: &str) -> Result<Value, IntrinsicError> {
    let bytes = data.as_bytes();
    let digest = match algorithm {
        "MD5" => hex(&md5::Md5::digest(bytes)),
        "SHA-1" => hex(&sha1::Sha1::digest(bytes)),
        "SHA-256" => hex(&sha2::Sha256::digest(bytes)),
        "SHA-384" => hex(&sha2::Sha384::digest(bytes)),
        "SHA-512" => hex(&sha2::Sha512::digest(bytes)),
        other => return Err(invalid(f, format!("unknown hash algorithm '{other}'"))),
    };
    Ok(Value::String(digest))
}
