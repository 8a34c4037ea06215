//! Choice rules: comparisons, `And`/`Or`/`Not`, and JSONata `Condition`s.

use serde_json::{Map, Value};

use super::QueryLanguage;
use super::fields::{Diags, Fields, child, item};
use crate::path::{Path, Root};

/// A top-level Choice rule: a condition and where it leads.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    /// The condition.
    pub condition: Condition,
    /// `Next`.
    pub next: String,
}

/// A Choice condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `And`.
    And(Vec<Condition>),
    /// `Or`.
    Or(Vec<Condition>),
    /// `Not`.
    Not(Box<Condition>),
    /// `Variable` compared with an operand.
    Compare {
        /// `Variable`.
        variable: Path,
        /// The operator.
        comparison: Comparison,
        /// The literal or path compared with.
        operand: Operand,
    },
    /// A JSONata `Condition` (not evaluated here).
    Jsonata(String),
}

/// The other side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal.
    Value(Value),
    /// A `…Path` operand.
    Path(Path),
}

macro_rules! comparisons {
    ($($name:ident),* $(,)?) => {
        /// The comparison operators of Choice rules (the `…Path` forms share them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Comparison {
            $(
                #[doc = concat!("`", stringify!($name), "`")]
                $name,
            )*
        }

        impl Comparison {
            const ALL: &'static [(&'static str, Comparison)] = &[$((stringify!($name), Comparison::$name)),*];
        }
    };
}

comparisons!(
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
);

impl Comparison {
    /// Reads an operator key; the flag says whether it is the `…Path` form.
    pub fn from_key(key: &str) -> Option<(Comparison, bool)> {
        let (base, is_path) = match key.strip_suffix("Path") {
            Some(base) if base != "StringMatches" => (base, true),
            _ => (key, false),
        };
        Comparison::ALL.iter().find(|(name, _)| *name == base).map(|(_, c)| (*c, is_path))
    }

    fn literal_fits(self, value: &Value) -> bool {
        let name = Comparison::ALL.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| *n);
        if name.starts_with("String") || name.starts_with("Timestamp") {
            value.is_string()
        } else if name.starts_with("Numeric") {
            value.is_number()
        } else {
            value.is_boolean()
        }
    }

    /// Whether this is one of the type tests (`IsNull`, `IsPresent`…).
    pub fn is_type_test(self) -> bool {
        matches!(
            self,
            Comparison::IsNull
                | Comparison::IsPresent
                | Comparison::IsNumeric
                | Comparison::IsString
                | Comparison::IsBoolean
                | Comparison::IsTimestamp
        )
    }
}

const BOOLEAN_KEYS: [&str; 3] = ["And", "Or", "Not"];

/// Reads a top-level rule.
pub(crate) fn parse_rule(value: &Value, location: &str, language: QueryLanguage, d: &mut Diags) -> Option<ChoiceRule> {
    let Value::Object(map) = value else {
        d.schema(location, "Expected value of type: Object");
        return None;
    };
    let fields = Fields::new(map, location);
    let next = fields.string(d, "Next");
    if !fields.has("Next") {
        d.schema(location, "These fields are required: [Next]");
    }
    let condition = if language == QueryLanguage::Jsonata {
        fields.only(d, &["Condition", "Next", "Comment", "Assign", "Output"]);
        fields.require(d, &["Condition"]);
        let text = fields.string(d, "Condition")?;
        Condition::Jsonata(fields.jsonata(d, &fields.at("Condition"), text).unwrap_or_default())
    } else {
        parse_condition(map, location, true, d)?
    };
    Some(ChoiceRule { condition, next: next?.to_owned() })
}

fn parse_condition(map: &Map<String, Value>, location: &str, top: bool, d: &mut Diags) -> Option<Condition> {
    let fields = Fields::new(map, location);
    let mut operators: Vec<(&str, Comparison, bool)> = Vec::new();
    for key in map.keys() {
        if let Some((comparison, is_path)) = Comparison::from_key(key) {
            operators.push((key, comparison, is_path));
        } else if !(BOOLEAN_KEYS.contains(&key.as_str())
            || key == "Variable"
            || key == "Comment"
            || (top && (key == "Next" || key == "Assign")))
        {
            d.schema(location, format!("Field '{key}' is not supported"));
        }
    }
    let booleans: Vec<&str> = BOOLEAN_KEYS.iter().copied().filter(|k| fields.has(k)).collect();
    if booleans.len() + usize::from(fields.has("Variable")) != 1 {
        d.schema(location, "A rule needs exactly one of: [Variable, And, Or, Not]");
        return None;
    }
    match booleans.first() {
        Some(&"Not") => {
            let inner = fields.object(d, "Not")?;
            Some(Condition::Not(Box::new(parse_condition(inner, &fields.at("Not"), false, d)?)))
        }
        Some(&key) => {
            let items = fields.array(d, key)?;
            if items.is_empty() {
                d.schema(&fields.at(key), "The array must not be empty");
            }
            let mut conditions = Vec::new();
            for (i, value) in items.iter().enumerate() {
                let here = item(&child(location, key), i);
                match value {
                    Value::Object(inner) => conditions.extend(parse_condition(inner, &here, false, d)),
                    _ => d.schema(&here, "Expected value of type: Object"),
                }
            }
            Some(if key == "And" { Condition::And(conditions) } else { Condition::Or(conditions) })
        }
        None => {
            let variable = variable_path(&fields, d);
            if operators.len() != 1 {
                d.schema(location, "A rule with a Variable needs exactly one comparison operator");
                return None;
            }
            let (key, comparison, is_path) = operators[0];
            let operand = if is_path {
                Operand::Path(operand_path(&fields, key, d)?)
            } else {
                let value = fields.get(key)?;
                if !comparison.literal_fits(value) {
                    d.schema(&fields.at(key), format!("The value of '{key}' has the wrong type"));
                    return None;
                }
                Operand::Value(value.clone())
            };
            Some(Condition::Compare { variable: variable?, comparison, operand })
        }
    }
}

fn variable_path(fields: &Fields<'_>, d: &mut Diags) -> Option<Path> {
    operand_path(fields, "Variable", d)
}

/// `Variable` and `…Path` operands: reference paths from `$`, `$$` or a variable.
fn operand_path(fields: &Fields<'_>, key: &str, d: &mut Diags) -> Option<Path> {
    let text = fields.string(d, key)?;
    match Path::parse(text) {
        Ok(path) if *path.root() != Root::Current && path.is_reference() => Some(path),
        _ => {
            d.schema(&fields.at(key), "Value is not a Reference Path");
            None
        }
    }
}
