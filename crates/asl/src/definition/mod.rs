//! The state machine model: what a definition says, once read and checked.

mod choice;
mod composite;
mod fields;
mod graph;
mod handlers;
mod jsonata;
mod parse;
mod resource;
mod states;
mod template;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::ValidationError;
use crate::intrinsic::Intrinsic;
use crate::path::Path;

pub use choice::{ChoiceRule, Comparison, Condition, Operand};
pub use resource::{IntegrationPattern, Resource};
pub use template::Template;

/// The query language of a state: JSONPath (the default) or JSONata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    /// Paths, payload templates and intrinsic functions.
    #[default]
    JsonPath,
    /// `{% expression %}` strings. Validated, not evaluated by this crate.
    Jsonata,
}

/// A parsed and validated state machine definition.
#[derive(Debug, Clone)]
pub struct StateMachine {
    /// `Comment`.
    pub comment: Option<String>,
    /// `Version`.
    pub version: Option<String>,
    /// `TimeoutSeconds` of the whole execution.
    pub timeout_seconds: Option<u64>,
    /// The top-level `QueryLanguage`.
    pub query_language: QueryLanguage,
    /// `StartAt` and `States`.
    pub root: Branch,
}

/// A set of states with its start: the machine itself, a Parallel branch or
/// a Map's item processor.
#[derive(Debug, Clone)]
pub struct Branch {
    /// `StartAt`.
    pub start_at: String,
    /// The states by name.
    pub states: BTreeMap<String, State>,
}

/// Where a state goes when it is done.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// `Next`.
    Next(String),
    /// `End: true`.
    End,
    /// Choice, Succeed and Fail states have no transition of their own.
    None,
}

/// A path field that may be absent (meaning `$`), `null` or a path.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PathField {
    /// Absent: `$`.
    #[default]
    Whole,
    /// `null`: the input is discarded (`{}`), or the result is.
    Discard,
    /// A path.
    Path(Path),
}

/// A number given inline, through a path, or as a JSONata expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Dynamic<T> {
    /// The literal value.
    Fixed(T),
    /// `…Path`: read from the effective input.
    Path(Path),
    /// A JSONata expression (not evaluated here).
    Jsonata(String),
}

/// What a `Fail` state reports: a literal, a path, or an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum FailValue {
    /// `Error`/`Cause`.
    Literal(String),
    /// `ErrorPath`/`CausePath` with a path.
    Path(Path),
    /// `ErrorPath`/`CausePath` with an intrinsic function.
    Intrinsic(Intrinsic),
    /// A JSONata expression.
    Jsonata(String),
}

/// `Retry` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3; 0 never retries).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// `Catch` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`.
    pub next: String,
    /// `ResultPath` (default `$`).
    pub result_path: PathField,
}

/// The fields every state may carry, and its kind.
#[derive(Debug, Clone)]
pub struct State {
    /// The state's name.
    pub name: String,
    /// `Comment`.
    pub comment: Option<String>,
    /// The effective query language.
    pub query_language: QueryLanguage,
    /// `InputPath`.
    pub input_path: PathField,
    /// `OutputPath`.
    pub output_path: PathField,
    /// `Parameters` (or a Map's `ItemSelector`).
    pub parameters: Option<Template>,
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath`.
    pub result_path: PathField,
    /// `Next`/`End`.
    pub transition: Transition,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
    /// `Assign`, kept as written (variables are not evaluated by this crate).
    pub assign: Option<Value>,
    /// What kind of state, with its own fields.
    pub kind: StateKind,
}

/// The state types and their own fields.
#[derive(Debug, Clone)]
pub enum StateKind {
    /// `Pass`, with its `Result`.
    Pass {
        /// `Result`.
        result: Option<Value>,
    },
    /// `Task`.
    Task(TaskSpec),
    /// `Choice`.
    Choice {
        /// `Choices`.
        choices: Vec<ChoiceRule>,
        /// `Default`.
        default: Option<String>,
    },
    /// `Wait`.
    Wait(WaitFor),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail {
        /// `Error`/`ErrorPath`.
        error: Option<FailValue>,
        /// `Cause`/`CausePath`.
        cause: Option<FailValue>,
    },
    /// `Parallel`, with its `Branches`.
    Parallel {
        /// `Branches`.
        branches: Vec<Branch>,
    },
    /// `Map`.
    Map(MapSpec),
}

/// A Task's own fields.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    /// `Resource`, classified.
    pub resource: Resource,
    /// `TimeoutSeconds`/`TimeoutSecondsPath`.
    pub timeout_seconds: Option<Dynamic<u64>>,
    /// `HeartbeatSeconds`/`HeartbeatSecondsPath`.
    pub heartbeat_seconds: Option<Dynamic<u64>>,
    /// `Credentials`.
    pub credentials: Option<Template>,
}

/// What a Wait state waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// `Seconds`/`SecondsPath`.
    Seconds(Dynamic<u64>),
    /// `Timestamp`/`TimestampPath`.
    Timestamp(Dynamic<String>),
}

/// A Map's own fields.
#[derive(Debug, Clone)]
pub struct MapSpec {
    /// `ItemsPath` (default `$`).
    pub items_path: PathField,
    /// `MaxConcurrency`/`MaxConcurrencyPath` (0: no limit).
    pub max_concurrency: Dynamic<u64>,
    /// `ItemProcessor` or `Iterator`.
    pub processor: Branch,
    /// `ProcessorConfig.Mode: DISTRIBUTED`.
    pub distributed: bool,
    /// `ItemReader`, `ItemBatcher` or `ResultWriter` present (distributed
    /// features this crate does not run).
    pub uses_distributed_features: bool,
}

impl StateMachine {
    /// Reads and validates a definition, answering what Step Functions would
    /// refuse with every diagnostic found.
    pub fn parse(definition: &str) -> Result<StateMachine, ValidationError> {
        parse::parse(definition)
    }

    /// The state named `name`, wherever it is (names are unique in a machine).
    pub fn state(&self, name: &str) -> Option<&State> {
        self.root.find(name)
    }

    /// Whether any state uses JSONata (which this crate validates but cannot run).
    pub fn uses_jsonata(&self) -> bool {
        self.root.any_state(&|s| s.query_language == QueryLanguage::Jsonata)
    }
}

impl Branch {
    /// Finds a state in this branch or any nested one.
    pub fn find(&self, name: &str) -> Option<&State> {
        if let Some(state) = self.states.get(name) {
            return Some(state);
        }
        self.states.values().flat_map(State::branches).find_map(|b| b.find(name))
    }

    fn any_state(&self, test: &dyn Fn(&State) -> bool) -> bool {
        self.states.values().any(|s| test(s) || s.branches().iter().any(|b| b.any_state(test)))
    }
}

impl State {
    /// The nested branches of a Parallel, or the processor of a Map.
    pub fn branches(&self) -> Vec<&Branch> {
        match &self.kind {
            StateKind::Parallel { branches } => branches.iter().collect(),
            StateKind::Map(map) => vec![&map.processor],
            _ => Vec::new(),
        }
    }

    /// The type name (`Task`, `Pass`…), as history event types spell it.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice { .. } => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail { .. } => "Fail",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    /// An empty diagnostics collector, for tests of other modules.
    pub(crate) fn diags() -> super::fields::Diags {
        super::fields::Diags::default()
    }
}
