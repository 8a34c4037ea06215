//! Reading one state: the fields it may have, their types and values.

use serde_json::Value;

use super::choice::parse_rule;
use super::composite::{parse_map, parse_parallel};
use super::fields::{Diags, Fields, each_string, item};
use super::handlers::{parse_catch, parse_retry};
use super::resource::{Resource, problem};
use super::{Dynamic, FailValue, PathField, QueryLanguage, State, StateKind, TaskSpec, Template, Transition, WaitFor};
use crate::intrinsic::Intrinsic;
use crate::path::Path;
use crate::timestamp;

const PASS: &[&str] =
    &["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Output", "Assign"];
const TASK: &[&str] = &[
    "Resource",
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Parameters",
    "Arguments",
    "ResultSelector",
    "ResultPath",
    "Output",
    "Assign",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
];
const CHOICE: &[&str] = &["Choices", "Default", "InputPath", "OutputPath", "Output", "Assign"];
const WAIT: &[&str] = &[
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "TimestampPath",
    "Output",
    "Assign",
];
const SUCCEED: &[&str] = &["InputPath", "OutputPath", "Output"];
const FAIL: &[&str] = &["Error", "ErrorPath", "Cause", "CausePath"];
pub(super) const PARALLEL: &[&str] = &[
    "Branches",
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Parameters",
    "Arguments",
    "ResultSelector",
    "ResultPath",
    "Output",
    "Assign",
    "Retry",
    "Catch",
];
pub(super) const MAP: &[&str] = &[
    "Iterator",
    "ItemProcessor",
    "ItemsPath",
    "Items",
    "ItemSelector",
    "Parameters",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "ResultSelector",
    "ResultPath",
    "Output",
    "Assign",
    "Retry",
    "Catch",
    "Arguments",
];
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];
const JSONATA_ONLY: &[&str] = &["Output", "Arguments", "Items"];
/// Longest state name Step Functions accepts.
const MAX_NAME: usize = 80;
/// Largest TimeoutSeconds/HeartbeatSeconds/Seconds value.
pub(super) const MAX_SECONDS: u64 = 99_999_999;

/// Reads the state `name` at `location`; `inherited` is the enclosing language.
pub(super) fn parse_state(
    name: &str,
    value: &Value,
    location: &str,
    inherited: QueryLanguage,
    d: &mut Diags,
) -> Option<State> {
    if name.chars().count() > MAX_NAME {
        d.schema(location, format!("State name '{name}' is longer than {MAX_NAME} characters"));
    }
    let Value::Object(map) = value else {
        d.schema(location, "Expected value of type: Object");
        return None;
    };
    let f = Fields::new(map, location);
    let language = match f.string(d, "QueryLanguage") {
        None => inherited,
        Some("JSONPath") => QueryLanguage::JsonPath,
        Some("JSONata") => QueryLanguage::Jsonata,
        Some(other) => {
            d.schema(&f.at("QueryLanguage"), format!("Value '{other}' is not one of [JSONPath, JSONata]"));
            inherited
        }
    };
    let Some(kind_name) = f.string(d, "Type") else {
        f.require(d, &["Type"]);
        return None;
    };
    let allowed = match kind_name {
        "Pass" => PASS,
        "Task" => TASK,
        "Choice" => CHOICE,
        "Wait" => WAIT,
        "Succeed" => SUCCEED,
        "Fail" => FAIL,
        "Parallel" => PARALLEL,
        "Map" => MAP,
        other => {
            d.schema(
                &f.at("Type"),
                format!("Value '{other}' is not one of [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]"),
            );
            return None;
        }
    };
    let mut all = vec!["Type", "Comment", "QueryLanguage"];
    all.extend_from_slice(allowed);
    f.only(d, &all);
    check_language_fields(&f, language, d);
    let kind = match kind_name {
        "Pass" => StateKind::Pass { result: f.get("Result").cloned() },
        "Task" => StateKind::Task(parse_task(&f, language, d)?),
        "Choice" => parse_choice(&f, language, d)?,
        "Wait" => StateKind::Wait(parse_wait(&f, language, d)?),
        "Succeed" => StateKind::Succeed,
        "Fail" => parse_fail(&f, language, d),
        "Parallel" => parse_parallel(&f, language, d)?,
        _ => parse_map(&f, language, d)?,
    };
    let terminal_kind = matches!(kind, StateKind::Choice { .. } | StateKind::Succeed | StateKind::Fail { .. });
    let transition = if terminal_kind { Transition::None } else { parse_transition(&f, d) };
    let parameters = match (&kind, language) {
        (StateKind::Map(_), QueryLanguage::JsonPath) => {
            f.at_most_one(d, &["ItemSelector", "Parameters"]);
            template(&f, "ItemSelector", d).or_else(|| template(&f, "Parameters", d))
        }
        (_, QueryLanguage::JsonPath) => template(&f, "Parameters", d),
        _ => None,
    };
    if let (Some(assign), QueryLanguage::JsonPath) = (f.get("Assign"), language) {
        Template::parse(assign, &f.at("Assign"), d);
    }
    Some(State {
        name: name.to_owned(),
        comment: f.string(d, "Comment").map(str::to_owned),
        query_language: language,
        input_path: path_field(&f, "InputPath", d, false),
        output_path: path_field(&f, "OutputPath", d, false),
        parameters,
        result_selector: template(&f, "ResultSelector", d),
        result_path: path_field(&f, "ResultPath", d, true),
        transition,
        retry: parse_retry(&f, d),
        catch: parse_catch(&f, language, d),
        assign: f.get("Assign").cloned(),
        kind,
    })
}

fn check_language_fields(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) {
    let (refused, set, needed) = match language {
        QueryLanguage::Jsonata => (JSONPATH_ONLY, "JSONata", "JSONPath"),
        QueryLanguage::JsonPath => (JSONATA_ONLY, "JSONPath", "JSONata"),
    };
    for key in f.map.keys().filter(|k| refused.contains(&k.as_str())) {
        d.schema(
            &f.location,
            format!("The QueryLanguage is set to '{set}', but field '{key}' is only supported for the '{needed}' QueryLanguage"),
        );
    }
    if language == QueryLanguage::Jsonata {
        for key in ["Output", "Arguments", "Assign", "Items", "ItemSelector"] {
            if let Some(value) = f.get(key) {
                each_string(value, &f.at(key), &mut |location, text| {
                    f.jsonata(d, location, text);
                });
            }
        }
    }
}

fn template(f: &Fields<'_>, key: &str, d: &mut Diags) -> Option<Template> {
    f.get(key).map(|value| Template::parse(value, &f.at(key), d))
}

/// InputPath/OutputPath (any path, `$$` included) and ResultPath (a reference path into `$`).
fn path_field(f: &Fields<'_>, key: &str, d: &mut Diags, reference: bool) -> PathField {
    match f.get(key) {
        None => PathField::Whole,
        Some(Value::Null) => PathField::Discard,
        Some(_) if reference => f.reference_path(d, key, false).map_or(PathField::Whole, PathField::Path),
        Some(_) => f.any_path(d, key).map_or(PathField::Whole, PathField::Path),
    }
}

fn parse_transition(f: &Fields<'_>, d: &mut Diags) -> Transition {
    let end = f.boolean(d, "End").unwrap_or(false);
    match (f.string(d, "Next"), end) {
        (Some(_), true) => {
            d.schema(&f.location, "There should only be one of the following fields: [Next, End]");
            Transition::End
        }
        (Some(next), false) => Transition::Next(next.to_owned()),
        (None, true) => Transition::End,
        (None, false) => {
            d.schema(&f.location, "One of these fields is required: [Next, End]");
            Transition::End
        }
    }
}

fn parse_task(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<TaskSpec> {
    f.require(d, &["Resource"]);
    let value = f.get("Resource")?;
    if let Some(why) = problem(value) {
        d.schema(&f.at("Resource"), why);
    }
    let resource = match value {
        Value::String(arn) => Resource::of(arn),
        other => Resource::Other { text: other.to_string() },
    };
    let timeout_seconds = f.dynamic_count(d, "TimeoutSeconds", "TimeoutSecondsPath", language, MAX_SECONDS);
    let heartbeat_seconds = f.dynamic_count(d, "HeartbeatSeconds", "HeartbeatSecondsPath", language, MAX_SECONDS);
    for (key, value) in [("TimeoutSeconds", &timeout_seconds), ("HeartbeatSeconds", &heartbeat_seconds)] {
        if *value == Some(Dynamic::Fixed(0)) {
            d.schema(&f.at(key), "Minimum value is 1");
        }
    }
    if let (Some(Dynamic::Fixed(timeout)), Some(Dynamic::Fixed(heartbeat))) = (&timeout_seconds, &heartbeat_seconds)
        && heartbeat >= timeout
    {
        d.schema(&f.at("HeartbeatSeconds"), "HeartbeatSeconds must be smaller than TimeoutSeconds");
    }
    let credentials = match f.get("Credentials") {
        None => None,
        Some(Value::Object(_)) => template(f, "Credentials", d),
        Some(_) => {
            d.schema(&f.at("Credentials"), "Expected value of type: Object");
            None
        }
    };
    Some(TaskSpec { resource, timeout_seconds, heartbeat_seconds, credentials })
}

fn parse_choice(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<StateKind> {
    f.require(d, &["Choices"]);
    let items = f.array(d, "Choices")?;
    if items.is_empty() {
        d.schema(&f.at("Choices"), "The array must not be empty");
    }
    let choices = items
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| parse_rule(rule, &item(&f.at("Choices"), i), language, d))
        .collect();
    let default = f.string(d, "Default").map(str::to_owned);
    Some(StateKind::Choice { choices, default })
}

fn parse_wait(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<WaitFor> {
    let keys = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
    if keys.iter().filter(|k| f.has(k)).count() != 1 {
        d.schema(&f.location, format!("Exactly one of these fields is required: [{}]", keys.join(", ")));
        return None;
    }
    if f.has("Seconds") || f.has("SecondsPath") {
        return f.dynamic_count(d, "Seconds", "SecondsPath", language, MAX_SECONDS).map(WaitFor::Seconds);
    }
    if f.has("TimestampPath") {
        return f.reference_path(d, "TimestampPath", true).map(|p| WaitFor::Timestamp(Dynamic::Path(p)));
    }
    let text = f.string(d, "Timestamp")?;
    if language == QueryLanguage::Jsonata
        && let Some(expression) = f.jsonata(d, &f.at("Timestamp"), text)
    {
        return Some(WaitFor::Timestamp(Dynamic::Jsonata(expression)));
    }
    if timestamp::parse(text).is_none() {
        d.schema(&f.at("Timestamp"), format!("Value '{text}' is not a valid timestamp"));
        return None;
    }
    Some(WaitFor::Timestamp(Dynamic::Fixed(text.to_owned())))
}

fn parse_fail(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> StateKind {
    let mut read = |key: &str, path_key: &str| -> Option<FailValue> {
        f.at_most_one(d, &[key, path_key]);
        if let Some(text) = f.string(d, key) {
            if language == QueryLanguage::Jsonata
                && let Some(expression) = f.jsonata(d, &f.at(key), text)
            {
                return Some(FailValue::Jsonata(expression));
            }
            return Some(FailValue::Literal(text.to_owned()));
        }
        let text = f.string(d, path_key)?;
        if Intrinsic::looks_like(text) {
            return match Intrinsic::parse(text) {
                Ok(call) => Some(FailValue::Intrinsic(call)),
                Err(why) => {
                    d.schema(&f.at(path_key), format!("Value is not a valid intrinsic function call: {why}"));
                    None
                }
            };
        }
        match Path::parse(text) {
            Ok(path) if path.is_reference() => Some(FailValue::Path(path)),
            _ => {
                d.schema(&f.at(path_key), "Value is not a Reference Path");
                None
            }
        }
    };
    let error = read("Error", "ErrorPath");
    let cause = read("Cause", "CausePath");
    StateKind::Fail { error, cause }
}
