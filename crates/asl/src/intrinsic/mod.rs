//! Intrinsic functions (`States.Format(...)`, `States.Hash(...)`…): parsing,
//! static checks of arity and argument kinds, and evaluation.

mod functions;
mod parse;

use serde_json::Value;

use crate::path::Path;

pub use functions::IntrinsicError;

/// An argument of an intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string literal: its value, and its text with escapes kept (which
    /// `States.Format` needs to tell `\{` from a placeholder).
    Str {
        /// The unescaped value.
        value: String,
        /// The text between the quotes, escapes kept.
        raw: String,
    },
    /// A number, boolean or null literal.
    Literal(Value),
    /// A path into the input, the context object or a variable.
    Path(Path),
    /// A nested call.
    Call(Intrinsic),
}

/// The intrinsic functions Step Functions offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `States.Format`
    Format,
    /// `States.StringToJson`
    StringToJson,
    /// `States.JsonToString`
    JsonToString,
    /// `States.Array`
    Array,
    /// `States.ArrayPartition`
    ArrayPartition,
    /// `States.ArrayContains`
    ArrayContains,
    /// `States.ArrayRange`
    ArrayRange,
    /// `States.ArrayGetItem`
    ArrayGetItem,
    /// `States.ArrayLength`
    ArrayLength,
    /// `States.ArrayUnique`
    ArrayUnique,
    /// `States.Base64Encode`
    Base64Encode,
    /// `States.Base64Decode`
    Base64Decode,
    /// `States.Hash`
    Hash,
    /// `States.JsonMerge`
    JsonMerge,
    /// `States.MathRandom`
    MathRandom,
    /// `States.MathAdd`
    MathAdd,
    /// `States.StringSplit`
    StringSplit,
    /// `States.UUID`
    Uuid,
}

/// The kind of value a parameter takes, for static checks of literals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Any,
    Number,
    Text,
    Boolean,
}

impl Function {
    /// Looks a function up by its full name (`States.Format`).
    pub fn from_name(name: &str) -> Option<Function> {
        use Function::*;
        Some(match name {
            "States.Format" => Format,
            "States.StringToJson" => StringToJson,
            "States.JsonToString" => JsonToString,
            "States.Array" => Array,
            "States.ArrayPartition" => ArrayPartition,
            "States.ArrayContains" => ArrayContains,
            "States.ArrayRange" => ArrayRange,
            "States.ArrayGetItem" => ArrayGetItem,
            "States.ArrayLength" => ArrayLength,
            "States.ArrayUnique" => ArrayUnique,
            "States.Base64Encode" => Base64Encode,
            "States.Base64Decode" => Base64Decode,
            "States.Hash" => Hash,
            "States.JsonMerge" => JsonMerge,
            "States.MathRandom" => MathRandom,
            "States.MathAdd" => MathAdd,
            "States.StringSplit" => StringSplit,
            "States.UUID" => Uuid,
            _ => return None,
        })
    }

    /// The full name, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        use Function::*;
        match self {
            Format => "States.Format",
            StringToJson => "States.StringToJson",
            JsonToString => "States.JsonToString",
            Array => "States.Array",
            ArrayPartition => "States.ArrayPartition",
            ArrayContains => "States.ArrayContains",
            ArrayRange => "States.ArrayRange",
            ArrayGetItem => "States.ArrayGetItem",
            ArrayLength => "States.ArrayLength",
            ArrayUnique => "States.ArrayUnique",
            Base64Encode => "States.Base64Encode",
            Base64Decode => "States.Base64Decode",
            Hash => "States.Hash",
            JsonMerge => "States.JsonMerge",
            MathRandom => "States.MathRandom",
            MathAdd => "States.MathAdd",
            StringSplit => "States.StringSplit",
            Uuid => "States.UUID",
        }
    }

    /// The parameter kinds, and whether more arguments of the last kind may follow.
    fn signature(self) -> (&'static [Kind], bool) {
        use Function::*;
        use Kind::*;
        match self {
            Format => (&[Text, Any], true),
            StringToJson | Base64Encode | Base64Decode => (&[Text], false),
            JsonToString | ArrayLength | ArrayUnique => (&[Any], false),
            Array => (&[], true),
            ArrayPartition | ArrayGetItem => (&[Any, Number], false),
            ArrayContains => (&[Any, Any], false),
            ArrayRange => (&[Number, Number, Number], false),
            Hash | StringSplit => (&[Text, Text], false),
            JsonMerge => (&[Any, Any, Boolean], false),
            MathRandom => (&[Number, Number, Number], false),
            MathAdd => (&[Number, Number], false),
            Uuid => (&[], false),
        }
    }

    fn arity_ok(self, count: usize) -> bool {
        let (params, variadic) = self.signature();
        match self {
            Function::Format => count >= 1,
            Function::MathRandom => count == 2 || count == 3,
            _ if variadic => count >= params.len(),
            _ => count == params.len(),
        }
    }

    fn kind_of(self, index: usize) -> Kind {
        let (params, _) = self.signature();
        params.get(index).or(params.last()).copied().unwrap_or(Kind::Any)
    }
}

/// A parsed intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    /// The function called.
    pub function: Function,
    /// Its arguments.
    pub args: Vec<Arg>,
}

impl Intrinsic {
    /// Reads a call such as `States.Format('{} {}', $.a, States.UUID())`,
    /// checking the function name, the arity and the kinds of literal arguments.
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        parse::parse(text)
    }

    /// Whether a text looks like an intrinsic call (rather than a path).
    pub fn looks_like(text: &str) -> bool {
        text.trim_start().starts_with("States.")
    }

    /// Every path among the arguments, nested calls included.
    pub fn paths(&self) -> Vec<&Path> {
        let mut out = Vec::new();
        for arg in &self.args {
            match arg {
                Arg::Path(path) => out.push(path),
                Arg::Call(call) => out.extend(call.paths()),
                _ => {}
            }
        }
        out
    }
}

pub use functions::Resolver;
pub(crate) use functions::splitmix64;

#[cfg(test)]
mod tests;
