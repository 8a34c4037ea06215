//! What a rule's target receives, as EventBridge builds it.
//!
//! A target gets the matched event (the default), a constant `Input`, the
//! part of the event at `InputPath`, or what an `InputTransformer` makes of
//! it. [`TargetInput::from_target`] validates a target's settings as
//! PutTargets does, with AWS's `ValidationException` messages, and
//! [`TargetInput::render`] produces the body the target receives, or the
//! reason EventBridge drops the event (a transformed input that is not JSON).
//!
//! The behaviour is checked against recordings of real EventBridge in
//! `shared/conformance/eventbridge/` (see
//! `tests/input_transformer_conformance.rs`); where no recording or document
//! settles a point, the choice made is described where it is made.
//!
//! ```
//! use choreoscope_pattern::transform::{DeliveryContext, InputTransformerSpec, TargetInput};
//!
//! let spec = InputTransformerSpec {
//!     input_paths_map: vec![("state".into(), "$.detail.state".into())],
//!     input_template: r#"{"state": <state>, "rule": "<aws.events.rule-name>"}"#.into(),
//! };
//! let input = TargetInput::from_target("t1", None, None, Some(&spec))?;
//! let event = serde_json::json!({"detail": {"state": "RUNNING"}});
//! let context = DeliveryContext {
//!     rule_arn: "arn:aws:events:us-east-1:123456789012:rule/r",
//!     rule_name: "r",
//!     ingestion_time: "2024-06-11T08:33:04Z",
//! };
//! assert_eq!(input.render(&event, &context).as_deref(), Ok(r#"{"state": "RUNNING", "rule": "r"}"#));
//! # Ok::<(), choreoscope_pattern::transform::TransformError>(())
//! ```

mod jackson;
pub mod path;
mod template;
mod validate;

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

pub use path::JsonPath;
use template::Template;

/// `<aws.events.rule-arn>`: the rule's ARN.
pub const RULE_ARN: &str = "aws.events.rule-arn";
/// `<aws.events.rule-name>`: the rule's name.
pub const RULE_NAME: &str = "aws.events.rule-name";
/// `<aws.events.event.ingestion-time>`: when EventBridge received the event.
pub const INGESTION_TIME: &str = "aws.events.event.ingestion-time";
/// `<aws.events.event>`: the event without `detail`, as an object whose
/// fields EventBridge names and orders its own way (`detailType`, ...).
pub const EVENT: &str = "aws.events.event";
/// `<aws.events.event.json>`: the whole event as JSON.
pub const EVENT_JSON: &str = "aws.events.event.json";

/// The predefined variables, usable without an `InputPathsMap` entry.
pub const PREDEFINED_VARIABLES: [&str; 5] = [RULE_ARN, RULE_NAME, INGESTION_TIME, EVENT, EVENT_JSON];

/// How a target's input is shaped (from the Target's `Input`, `InputPath` or
/// `InputTransformer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetInput {
    /// None of the three: the target gets the matched event, as JSON.
    MatchedEvent,
    /// `Input`: this JSON text, whatever the event.
    Constant(String),
    /// `InputPath`: the part of the event at this path, as JSON.
    Path(JsonPath),
    /// `InputTransformer`: a template filled with parts of the event.
    Transformer(InputTransformer),
}

/// A target's `InputTransformer`, as PutTargets receives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputTransformerSpec {
    /// `InputPathsMap`: placeholder name and JSONPath, in the request's
    /// order. Of two entries with the same name, the later one wins.
    pub input_paths_map: Vec<(String, String)>,
    /// `InputTemplate`.
    pub input_template: String,
}

/// What EventBridge knows when it delivers an event, besides the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryContext<'a> {
    /// The ARN of the rule that matched, for `<aws.events.rule-arn>`.
    pub rule_arn: &'a str,
    /// The rule's name, for `<aws.events.rule-name>`.
    pub rule_name: &'a str,
    /// When EventBridge received the event (RFC 3339), for
    /// `<aws.events.event.ingestion-time>`; inserted as given.
    pub ingestion_time: &'a str,
}

/// A target setting PutTargets rejects; its `Display` is the message of
/// AWS's `ValidationException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransformError {
    /// The message, in AWS's words.
    pub message: String,
}

impl TransformError {
    /// The AWS error code that goes with it.
    pub const CODE: &'static str = "ValidationException";

    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// Why EventBridge does not deliver an event to a target although the rule
/// matched. AWS reports nothing to the sender (PutEvents succeeds); the
/// delivery just fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DeliveryError {
    /// What went wrong, for the user of the emulator (not an AWS message).
    pub reason: String,
}

/// A validated `InputTransformer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputTransformer {
    spec: InputTransformerSpec,
    template: Template,
    paths: HashMap<String, JsonPath>,
}

impl TargetInput {
    /// Validates a target's settings as PutTargets does; errors carry AWS's
    /// `ValidationException` message. For a target that is not the first of
    /// its request, use [`TargetInput::from_target_at`] so that messages
    /// about the API model's limits name its position.
    pub fn from_target(
        target_id: &str,
        input: Option<&str>,
        input_path: Option<&str>,
        transformer: Option<&InputTransformerSpec>,
    ) -> Result<Self, TransformError> {
        Self::from_target_at(1, target_id, input, input_path, transformer)
    }

    /// [`TargetInput::from_target`] for the target at `position` (1-based)
    /// in the request's `Targets`.
    ///
    /// In order: the API model's limits (lengths, the `InputPathsMap` key
    /// pattern, at most 100 paths); at most one of the three settings; `Input`
    /// must be JSON; every `InputTemplate` placeholder must be defined; the
    /// event-valued variables only in a JSON template; the template must read
    /// as JSON once placeholders stand for values. Paths are not checked: see
    /// [`path`].
    pub fn from_target_at(
        position: usize,
        target_id: &str,
        input: Option<&str>,
        input_path: Option<&str>,
        transformer: Option<&InputTransformerSpec>,
    ) -> Result<Self, TransformError> {
        if let Some(message) = validate::model_errors(position, input, input_path, transformer) {
            return Err(TransformError::new(message));
        }
        let given = [input.is_some(), input_path.is_some(), transformer.is_some()].into_iter().filter(|&g| g).count();
        if given > 1 {
            // Recorded (test_put_event_input_path_and_input_transformer).
            return Err(TransformError::new(format!(
                "Only one of Input, InputPath, or InputTransformer must be provided for target {target_id}."
            )));
        }
        if let Some(input) = input {
            // Recorded from AWS in aws/aws-cli#6711:
            // `JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]`.
            return match jackson::check(input, false) {
                Ok(()) => Ok(Self::Constant(input.to_owned())),
                Err(error) => Err(TransformError::new(format!(
                    "JSON syntax error in input for target {target_id}: {}",
                    jackson::location(input, error)
                ))),
            };
        }
        if let Some(path) = input_path {
            return Ok(Self::Path(JsonPath::parse(path)));
        }
        match transformer {
            Some(spec) => InputTransformer::new(target_id, spec).map(Self::Transformer),
            None => Ok(Self::MatchedEvent),
        }
    }

    /// What the target receives for `event` (the full event JSON as
    /// EventBridge builds it: version, id, detail-type, source, account,
    /// time, region, resources, detail), or why EventBridge does not deliver
    /// it.
    ///
    /// The matched event and an `InputPath` selection are written as compact
    /// JSON; `Input` as given; a transformed input as the template makes it
    /// (see [`InputTransformer`]).
    pub fn render(&self, event: &Value, context: &DeliveryContext<'_>) -> Result<String, DeliveryError> {
        match self {
            Self::MatchedEvent => Ok(event.to_string()),
            Self::Constant(text) => Ok(text.clone()),
            // No recording shows an InputPath that selects nothing; this
            // treats it as a failed delivery, like a transformed input that
            // is not JSON, rather than inventing a body.
            Self::Path(path) => path.select(event).map(|value| value.to_string()).ok_or_else(|| DeliveryError {
                reason: format!("InputPath {path} selects nothing in the event, so EventBridge delivers nothing"),
            }),
            Self::Transformer(transformer) => transformer.render(event, context),
        }
    }

    /// The paths (`InputPath`, `InputPathsMap` values) outside the subset
    /// EventBridge documents; PutTargets accepts them, but they select
    /// nothing. For warning users.
    pub fn unsupported_paths(&self) -> Vec<&JsonPath> {
        match self {
            Self::Path(path) if !path.is_supported() => vec![path],
            Self::Transformer(transformer) => {
                let mut paths: Vec<&JsonPath> = transformer.paths.values().filter(|p| !p.is_supported()).collect();
                paths.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                paths
            }
            _ => Vec::new(),
        }
    }
}

impl InputTransformer {
    /// Validates `spec` for the target `target_id` (the checks after the API
    /// model's, see [`TargetInput::from_target_at`]).
    fn new(target_id: &str, spec: &InputTransformerSpec) -> Result<Self, TransformError> {
        let template = Template::parse(&spec.input_template);
        let paths: HashMap<String, JsonPath> =
            spec.input_paths_map.iter().map(|(name, path)| (name.clone(), JsonPath::parse(path))).collect();
        if let Some(name) =
            template.placeholders().find(|name| !paths.contains_key(*name) && !PREDEFINED_VARIABLES.contains(name))
        {
            // Recorded (test_put_events_with_input_transformer_missing_keys).
            return Err(TransformError::new(format!(
                "InputTemplate for target {target_id} contains invalid placeholder {name}."
            )));
        }
        if !template.json
            && let Some(name) = template.placeholders().find(|name| [EVENT, EVENT_JSON].contains(name))
        {
            // Not in the recordings. The user guide says these two "can only
            // be used as the value of a JSON field, as [their] contents are not
            // escaped"; the message is the one a third-party preflight checker
            // (cdk_preflight, rule pf-events-input-transformer-json-var) says it
            // measured on PutTargets in us-east-1 for <aws.events.event.json>.
            return Err(TransformError::new(format!(
                "InputTemplate for target {target_id} contains placeholder {name} valid only for JSON template."
            )));
        }
        if let Err(error) = jackson::check(&spec.input_template, true) {
            // Not in the recordings: EventBridge accepts "a String (with
            // double quotes) or a JSON" as template (re:Post, "Invalid
            // InputTemplate"); the wording follows the Input message above.
            return Err(TransformError::new(format!(
                "Invalid InputTemplate for target {target_id} : {}",
                jackson::location(&spec.input_template, error)
            )));
        }
        Ok(Self { spec: spec.clone(), template, paths })
    }

    /// The settings it was made from.
    pub fn spec(&self) -> &InputTransformerSpec {
        &self.spec
    }

    /// Whether the template is a JSON template (a JSON object), where
    /// placeholders outside quotes are replaced by JSON, rather than a
    /// string template, where they are replaced by text.
    pub fn is_json_template(&self) -> bool {
        self.template.json
    }

    /// The filled template, or why EventBridge drops it: it must read as
    /// JSON (as Jackson's `readTree` reads it: one value, anything after it
    /// ignored), which a value inserted raw inside quotes can break.
    ///
    /// Recorded: `{"payload": "<payload>"}` with an object for `payload`, and
    /// `{"singlelistitem": "<listsingle>"}` with a list, are not delivered.
    pub fn render(&self, event: &Value, context: &DeliveryContext<'_>) -> Result<String, DeliveryError> {
        let output = self.template.fill(|name| self.value(name, event, context));
        match jackson::check(&output, false) {
            Ok(()) => Ok(output),
            Err(error) => Err(DeliveryError {
                reason: format!(
                    "the transformed input is not valid JSON, so EventBridge delivers nothing: {}",
                    jackson::location(&output, error)
                ),
            }),
        }
    }

    /// The value of a placeholder; `None` when its path selects nothing.
    fn value<'e>(&self, name: &str, event: &'e Value, context: &DeliveryContext<'_>) -> Option<Cow<'e, Value>> {
        let text = |text: &str| Some(Cow::Owned(Value::String(text.to_owned())));
        match name {
            RULE_ARN => text(context.rule_arn),
            RULE_NAME => text(context.rule_name),
            INGESTION_TIME => text(context.ingestion_time),
            EVENT => Some(Cow::Owned(event_without_detail(event))),
            EVENT_JSON => Some(Cow::Borrowed(event)),
            _ => self.paths.get(name)?.select(event),
        }
    }
}

/// `<aws.events.event>`: recorded as
/// `{"id", "account", "detailType", "time", "source", "region", "resources", "version"}`
/// in this order, without `detail` (the user guide: "The original event
/// payload in JSON format (without the detail field)"). Other top-level
/// fields are left out, as the recording shows only these.
fn event_without_detail(event: &Value) -> Value {
    const FIELDS: [(&str, &str); 8] = [
        ("id", "id"),
        ("account", "account"),
        ("detail-type", "detailType"),
        ("time", "time"),
        ("source", "source"),
        ("region", "region"),
        ("resources", "resources"),
        ("version", "version"),
    ];
    let mut out = Map::new();
    for (field, name) in FIELDS {
        if let Some(value) = event.get(field) {
            out.insert(name.to_owned(), value.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
