//! EventBridge event patterns and input transformers, with EventBridge's
//! semantics, as a pure library: no I/O, no AWS SDK.
//!
//! - [`Pattern`]: parses and validates one event pattern, with the reasons
//!   EventBridge gives for the ones it rejects, and matches single events.
//! - [`Matcher`]: many rules compiled into one index, so the cost per event
//!   grows little with the number of rules.
//! - [`transform`]: what a target receives: the event, `Input`, `InputPath`
//!   or an `InputTransformer`.
//!
//! ```
//! use choreoscope_pattern::{Matcher, Pattern};
//!
//! let mut matcher = Matcher::new();
//! matcher.add_rule("big-orders", Pattern::parse(r#"{"detail": {"total": [{"numeric": [">", 100]}]}}"#)?);
//! matcher.add_rule("shop", Pattern::parse(r#"{"source": [{"prefix": "shop."}]}"#)?);
//! let event = serde_json::json!({"source": "shop.orders", "detail": {"total": 250}});
//! let mut matched = matcher.matching_rules(&event);
//! matched.sort();
//! assert_eq!(matched, [&"big-orders", &"shop"]);
//! # Ok::<(), choreoscope_pattern::PatternError>(())
//! ```

mod affixes;
mod ast;
mod checks;
mod children;
mod cidr;
mod error;
mod event;
mod matcher;
mod memo;
mod numeric_index;
mod parse;
mod path_index;
mod reader;
mod scratch;
mod text_map;
pub mod transform;
mod value;
mod wildcard;

pub use ast::Pattern;
pub use error::PatternError;
pub use matcher::Matcher;
