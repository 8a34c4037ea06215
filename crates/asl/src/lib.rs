//! Amazon States Language, as AWS Step Functions runs it: parsing and
//! validation of definitions (with the diagnostics `CreateStateMachine`
//! answers), JSONPath data flow with the context object and the intrinsic
//! functions, and an event-sourced interpreter that the caller drives.
//!
//! Pure: no I/O, no clock reads, no randomness of its own. Time comes in as
//! milliseconds with every input, and ids and random numbers come from an
//! [`Entropy`] the caller supplies, so an execution replays exactly and can be
//! stored as JSON and resumed after a crash.
//!
//! ```
//! use choreoscope_asl::{Execution, ExecutionContext, Input, SeededEntropy, StateMachine, Status};
//! use serde_json::json;
//!
//! let machine = StateMachine::parse(r#"{"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "Result": "hello", "End": true}}}"#)
//!     .expect("a valid definition");
//! let mut entropy = SeededEntropy::new(7);
//! let (execution, _effects) = Execution::start(&machine, ExecutionContext::example(), json!({}), 0, &mut entropy);
//! assert_eq!(execution.status(), &Status::Succeeded { output: json!("hello") });
//! ```

pub mod dataflow;
pub mod definition;
pub mod entropy;
pub mod error;
pub mod interpreter;
pub mod intrinsic;
pub mod path;
pub mod timestamp;

pub use dataflow::ContextObject;
pub use definition::{IntegrationPattern, QueryLanguage, Resource, StateMachine};
pub use entropy::{Entropy, SeededEntropy};
pub use error::{Diagnostic, DiagnosticCode, Failure, ValidationError};
pub use interpreter::{Effect, Execution, ExecutionContext, HistoryEvent, Input, Status, TaskRequest};
pub use path::Path;
