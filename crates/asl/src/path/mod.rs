//! JSONPath as Step Functions reads it.
//!
//! Three roots: `$` (the state's input or effective input), `$$` (the context
//! object) and `$name` (a variable). Segments: `.name`, `['name']`, `[n]`
//! (negative counts from the end), `[a:b:c]`, `[*]`, `.*`, `..name`,
//! `[n,m]`, `['a','b']`, filters `[?(@.price < 10)]` and scripts
//! `[(@.length-1)]`. A *reference path* (ResultPath, Choice `Variable`) uses
//! only `.name`, `['name']` and `[n]`.

mod eval;
mod filter;
mod parse;

use std::fmt;

pub use eval::{Selection, apply_result_path};
pub(crate) use filter::Expr;

/// What a path starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$`: the data the path is applied to.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
    /// `@`: the element a filter is testing (only inside filters).
    Current,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Child(String),
    /// `['a','b']`.
    Children(Vec<String>),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `[n,m]`.
    Indexes(Vec<i64>),
    /// `[start:end:step]`.
    Slice {
        /// First index (inclusive); from the start when absent.
        start: Option<i64>,
        /// Last index (exclusive); to the end when absent.
        end: Option<i64>,
        /// Step; 1 when absent.
        step: Option<i64>,
    },
    /// `.*` or `[*]`.
    Wildcard,
    /// `..name`, or `..*` when `None`.
    DeepScan(Option<String>),
    /// `[?(expression)]`.
    Filter(Expr),
    /// `[(expression)]`: an index computed from the node, e.g. `@.length-1`.
    Script(Expr),
}

/// A parsed JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: String,
    root: Root,
    segments: Vec<Segment>,
}

/// Why a text is not a JSONPath.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSONPath '{path}': {reason}")]
pub struct PathError {
    /// The text that was read.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Path {
    /// Reads a path in any of its forms (input, context, variable).
    pub fn parse(text: &str) -> Result<Path, PathError> {
        parse::parse(text, false)
    }

    /// The text the path was read from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Where the path starts.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// The steps after the root.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// A reference path selects at most one node: only names and indexes.
    pub fn is_reference(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Child(_) | Segment::Index(_)))
    }

    /// Whether the path selects a single node (otherwise it selects a list).
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Child(_) | Segment::Index(_) | Segment::Script(_)))
    }

    /// `$` alone.
    pub fn is_whole_input(&self) -> bool {
        self.root == Root::Input && self.segments.is_empty()
    }

    /// The path in Jayway's normalized form (`$['a']['b'][0]`), which AWS
    /// quotes in "No results for path" causes.
    pub fn normalized(&self) -> String {
        let mut out = String::from(match &self.root {
            Root::Context => "$$",
            Root::Current => "@",
            _ => "$",
        });
        for segment in &self.segments {
            match segment {
                Segment::Child(name) => out.push_str(&format!("['{name}']")),
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                _ => return self.text.clone(),
            }
        }
        out
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests;
