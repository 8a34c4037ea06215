//! Scalar values of patterns and events, and how they compare.

use std::borrow::Cow;

/// A JSON number as a hashable key: numbers compare as numbers, so `5`,
/// `5.0` and `5e0` are one key (and `-0` is `0`).
pub(crate) fn number_key(number: f64) -> u64 {
    if number == 0.0 { 0.0f64.to_bits() } else { number.to_bits() }
}

/// A value an exact match compares with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar {
    /// Whether an event's leaf value is this value.
    pub(crate) fn equals(&self, leaf: &Leaf<'_>) -> bool {
        match (self, leaf) {
            (Self::Str(a), Leaf::Str(b)) => a == b,
            (Self::Num(a), Leaf::Num(b)) => number_key(*a) == number_key(*b),
            (Self::Bool(a), Leaf::Bool(b)) => a == b,
            (Self::Null, Leaf::Null) => true,
            _ => false,
        }
    }
}

/// A leaf value of an event: what patterns test. Strings borrow from the
/// event text where they can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf<'e> {
    /// A string.
    Str(Cow<'e, str>),
    /// A number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Leaf<'_> {
    /// The same leaf, owning its string.
    #[cfg(test)]
    pub(crate) fn into_owned(self) -> Leaf<'static> {
        match self {
            Self::Str(s) => Leaf::Str(Cow::Owned(s.into_owned())),
            Self::Num(n) => Leaf::Num(n),
            Self::Bool(b) => Leaf::Bool(b),
            Self::Null => Leaf::Null,
        }
    }

    /// The string, if the leaf is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Lower-cases as EventBridge's equals-ignore-case does (Unicode, not ASCII only).
pub(crate) fn fold_case(text: &str) -> String {
    text.to_lowercase()
}
