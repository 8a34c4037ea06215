//! Many distinct rules made from the 70 benchmark rules, for the scaling run.
//!
//! Rule `i` takes template `i`'s shape (the kinds interleaved, so that any
//! prefix of the list mixes them) and gets new values of the same kind in the
//! same fields: other map lots, street prefixes and suffixes, street names in
//! random case, wildcards with other digits, numeric bounds elsewhere in the
//! city. Each rule stays selective, as rules of a real rule base are, so that
//! the matches per event stay few and the time measures matching, not the
//! length of the answer: half the string values are made up (most rules of a
//! real rule base are about other things), a numeric bound becomes a window 5
//! to 50 metres wide, and the anything-but rules (which match nearly every
//! lot) also name a block (`BLOCK_NUM`).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::generator::{BLOCKS, Block, SplitMix64, streets};

/// Longitudes and latitudes of the city, for numeric bounds.
const X_RANGE: (f64, f64) = (-122.5135, -122.3700);
const Y_RANGE: (f64, f64) = (37.7080, 37.8080);

/// Values the generated events can hold, per field.
struct Domain {
    streets: Vec<String>,
    st_types: Vec<String>,
}

/// `n` distinct rules (pattern texts) derived from `templates` (the patterns
/// of the benchmark rules, in the rule file's order: 14 kinds of 5).
pub fn rules(templates: &[Value], n: usize) -> Vec<String> {
    let table = streets();
    let mut st_types: Vec<String> = table.iter().filter_map(|(_, t, _)| t.map(str::to_string)).collect();
    st_types.sort();
    st_types.dedup();
    let domain = Domain { streets: table.into_iter().map(|(name, _, _)| name).collect(), st_types };
    let kinds = templates.len() / 5;
    let mut rng = SplitMix64::new(0x5CA1_1AB1E);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let template = &templates[(i % kinds) * 5 + (i / kinds) % 5];
        for attempt in 0..1_000 {
            let mut pattern = vary_pattern(template, &domain, &mut rng, attempt);
            if contains_anything_but(template) {
                let block = format!("{:04}", 1 + rng.below(BLOCKS));
                let properties = pattern.as_object_mut().expect("object").entry("properties").or_insert(json!({}));
                properties.as_object_mut().expect("object").insert("BLOCK_NUM".into(), json!([block]));
            }
            let text = pattern.to_string();
            // Distinct even ignoring case, so equals-ignore-case rules do not repeat each other.
            if seen.insert(text.to_lowercase()) {
                out.push(text);
                break;
            }
        }
        assert_eq!(out.len(), i + 1, "no new rule from template {template}");
    }
    out
}

fn contains_anything_but(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k == "anything-but" || contains_anything_but(v)),
        Value::Array(items) => items.iter().any(contains_anything_but),
        _ => false,
    }
}

/// A pattern (object of fields) with new values. After a few attempts that
/// only gave rules already made, values are made up (random letters), which
/// rarely match but are distinct.
fn vary_pattern(pattern: &Value, domain: &Domain, rng: &mut SplitMix64, attempt: usize) -> Value {
    let Value::Object(fields) = pattern else { return pattern.clone() };
    let mut out = Map::new();
    for (field, value) in fields {
        let varied = match value {
            Value::Object(_) => vary_pattern(value, domain, rng, attempt),
            Value::Array(matchers) => {
                Value::Array(matchers.iter().map(|m| vary_matcher(field, m, domain, rng, attempt)).collect())
            }
            other => other.clone(),
        };
        out.insert(field.clone(), varied);
    }
    Value::Object(out)
}

fn vary_matcher(field: &str, matcher: &Value, domain: &Domain, rng: &mut SplitMix64, attempt: usize) -> Value {
    // Half the values are made up: in a real rule base most rules are about other things.
    let made_up = attempt >= 8 || rng.chance(0.5);
    match matcher {
        // Exact values: another lot; the geometry type stays (there are two).
        Value::String(_) if field == "MAPBLKLOT" => Value::String(map_lot(rng)),
        Value::Object(op) => {
            let mut varied = Map::new();
            for (name, arg) in op {
                let new = match name.as_str() {
                    "prefix" | "suffix" => {
                        let value = affix(field, name == "prefix", domain, rng, made_up);
                        match arg {
                            Value::Object(_) => json!({"equals-ignore-case": random_case(&value, rng)}),
                            _ => Value::String(value),
                        }
                    }
                    "equals-ignore-case" => {
                        let mut value = || Value::String(random_case(&value_of(field, domain, rng, made_up), rng));
                        match arg {
                            Value::Array(items) => Value::Array(items.iter().map(|_| value()).collect()),
                            _ => value(),
                        }
                    }
                    // Wildcards have few shapes: once they run out, letters stand for digits.
                    "wildcard" => Value::String(reshape(arg.as_str().unwrap_or("*"), rng, attempt >= 8)),
                    "numeric" => numeric(field, arg, rng),
                    "anything-but" => match arg {
                        Value::Array(items) => Value::Array(
                            items.iter().map(|_| Value::String(value_of(field, domain, rng, made_up))).collect(),
                        ),
                        Value::Object(_) => vary_matcher(field, arg, domain, rng, attempt),
                        _ => Value::String(value_of(field, domain, rng, made_up)),
                    },
                    _ => arg.clone(),
                };
                varied.insert(name.clone(), new);
            }
            Value::Object(varied)
        }
        other => other.clone(),
    }
}

/// A lot that exists in the events: block and lot number.
fn map_lot(rng: &mut SplitMix64) -> String {
    let block = Block::new(1 + rng.below(BLOCKS));
    format!("{:04}{:03}", block.number, 1 + rng.below(block.lots))
}

/// A value of the field, as the events hold them.
fn value_of(field: &str, domain: &Domain, rng: &mut SplitMix64, made_up: bool) -> String {
    if made_up {
        let len = 4 + rng.below(7) as usize;
        return letters(rng, len);
    }
    match field {
        "STREET" => rng.pick(&domain.streets).clone(),
        "ST_TYPE" => rng.pick(&domain.st_types).clone(),
        "FROM_ST" => (1 + rng.below(4_000)).to_string(),
        "MAPBLKLOT" => map_lot(rng),
        "type" => rng.pick(&["Polygon", "MultiPolygon", "Point", "LineString"]).to_string(),
        _ => letters(rng, 6),
    }
}

/// A prefix or suffix of a value of the field, 3 to 6 characters long.
fn affix(field: &str, prefix: bool, domain: &Domain, rng: &mut SplitMix64, made_up: bool) -> String {
    let value = value_of(field, domain, rng, made_up);
    let chars: Vec<char> = value.chars().collect();
    let len = (3 + rng.below(4) as usize).min(chars.len());
    let part = if prefix { &chars[..len] } else { &chars[chars.len() - len..] };
    part.iter().collect()
}

fn letters(rng: &mut SplitMix64, len: usize) -> String {
    (0..len).map(|_| char::from(b'A' + rng.below(26) as u8)).collect()
}

fn random_case(value: &str, rng: &mut SplitMix64) -> String {
    value.chars().map(|c| if rng.chance(0.5) { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() }).collect()
}

/// The wildcard's shape with other characters: digits for digits (or
/// letters, when `made_up`: the values then rarely match), letters for letters.
fn reshape(wildcard: &str, rng: &mut SplitMix64, made_up: bool) -> String {
    wildcard
        .chars()
        .map(|c| match c {
            '0'..='9' if made_up => char::from(b'A' + rng.below(26) as u8),
            '0'..='9' => char::from(b'0' + rng.below(10) as u8),
            'A'..='Z' => char::from(b'A' + rng.below(26) as u8),
            other => other,
        })
        .collect()
}

/// Numeric conditions elsewhere: `=` another value, and every bound a window
/// 5 to 50 metres wide (one-sided bounds would match half of the lots each).
fn numeric(field: &str, arg: &Value, rng: &mut SplitMix64) -> Value {
    let ops: Vec<&str> = arg.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let (low, high) = if field == "y" { Y_RANGE } else { X_RANGE };
    if ops == ["="] {
        return if field == "z" { json!(["=", rng.below(1_000_000)]) } else { json!(["=", rng.between(low, high)]) };
    }
    let start = rng.between(low, high);
    json!([">", start, "<", start + rng.between(0.00005, 0.0005)])
}
