//! Replays the AWS recordings of `../shared/conformance/stepfunctions/aws-recorded`:
//! the recorded history tells what the outside world did (a task's response,
//! a SendTaskSuccess/Failure, a submitted message, a task left to time out);
//! the interpreter is driven with that, and its history must match the
//! recording event by event (type, ids, and the details AWS recorded).

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

use choreoscope_asl::{Effect, Execution, ExecutionContext, Input, SeededEntropy, StateMachine, Status};
use serde_json::{Value, json};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/stepfunctions/aws-recorded")
}

/// JSON5 as the templates use it (comments, trailing commas, bare keys) to JSON.
pub fn json5_to_json(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c == '"' {
            let start = at;
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                at += if chars[at] == '\\' { 2 } else { 1 };
            }
            at += 1;
            out.extend(&chars[start..at.min(chars.len())]);
        } else if c == '/' && chars.get(at + 1) == Some(&'/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == ',' {
            let next = chars[at + 1..].iter().position(|c| !c.is_whitespace()).map(|i| chars[at + 1 + i]);
            if !matches!(next, Some('}' | ']')) {
                out.push(',');
            }
            at += 1;
        } else if c.is_ascii_alphabetic() {
            let start = at;
            while at < chars.len() && (chars[at].is_ascii_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            let rest = chars[at..].iter().find(|c| !c.is_whitespace());
            if rest == Some(&':') && !matches!(word.as_str(), "true" | "false" | "null") {
                out.push_str(&format!("\"{word}\""));
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            at += 1;
        }
    }
    out
}

/// A template as JSON.
pub fn template(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join("templates").join(path)).expect("a template");
    serde_json::from_str(&json5_to_json(&text)).expect("the template is JSON5")
}

/// The recorded history `key` of the test whose id ends with `test`.
pub fn recording(snapshot: &str, test: &str, key: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("v2").join(snapshot)).expect("a snapshot");
    let all: Value = serde_json::from_str(&text).expect("JSON");
    let (_, entry) = all
        .as_object()
        .and_then(|m| m.iter().find(|(id, _)| id.ends_with(&format!("::{test}"))))
        .unwrap_or_else(|| panic!("no recording {test} in {snapshot}"));
    entry["recorded-content"][key]["events"].as_array().cloned().unwrap_or_else(|| panic!("no events in {test}/{key}"))
}

/// What the world did with one task, as the recording shows it.
#[derive(Debug, Clone)]
enum Story {
    Succeeded(Value),
    Failed(Option<String>, Option<String>),
    TimedOut,
    Nothing,
}

const TASK_EVENTS: [&str; 10] = [
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "TaskStateAborted",
];

fn details(event: &Value) -> Value {
    event
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v.clone()))
        .unwrap_or(Value::Null)
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Each scheduled task's submitted output and outcome, in scheduling order.
fn stories(events: &[Value]) -> Vec<(Option<Value>, Story)> {
    let mut out = Vec::new();
    for event in events {
        let kind = event["type"].as_str().unwrap_or_default();
        if kind != "TaskScheduled" && kind != "LambdaFunctionScheduled" {
            continue;
        }
        let (mut current, mut submitted, mut story) = (event["id"].clone(), None, Story::Nothing);
        while let Some(next) = events
            .iter()
            .find(|e| e["previousEventId"] == current && TASK_EVENTS.contains(&e["type"].as_str().unwrap_or_default()))
        {
            let d = details(next);
            match next["type"].as_str().unwrap_or_default() {
                "TaskSubmitted" => submitted = Some(d["output"].clone()),
                "TaskSucceeded" | "LambdaFunctionSucceeded" => story = Story::Succeeded(parse_output(&d["output"])),
                "TaskFailed" | "LambdaFunctionFailed" => {
                    story = Story::Failed(as_text(&d["error"]), as_text(&d["cause"]))
                }
                "TaskTimedOut" | "LambdaFunctionTimedOut" => story = Story::TimedOut,
                _ => {}
            }
            current = next["id"].clone();
        }
        out.push((submitted, story));
    }
    out
}

/// Recorded outputs are JSON text, or already parsed when they were objects.
fn parse_output(value: &Value) -> Value {
    match value {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

/// Ours, with JSON text fields parsed where the recording has them parsed.
fn normalize(value: &Value) -> Value {
    match value {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ (Value::Object(_) | Value::Array(_))) => parsed,
            _ => value.clone(),
        },
        other => other.clone(),
    }
}

/// Whether our value fits the recorded one; recorded `<placeholders>` match any string.
fn fits(recorded: &Value, ours: &Value) -> bool {
    // One recording replaced its tokens with this fixed text rather than a `<placeholder>`.
    if recorded == "a_task_token" && ours.is_string() {
        return true;
    }
    match (recorded, ours) {
        (Value::String(r), Value::String(_)) if r.contains('<') && r.contains('>') => true,
        (Value::String(r), _) if r.contains('<') && r.contains('>') && ours.is_string() => true,
        (Value::Object(r), Value::Object(o)) => {
            r.len() == o.len() && r.iter().all(|(k, v)| o.get(k).is_some_and(|ov| fits(v, ov)))
        }
        (Value::Array(r), Value::Array(o)) => r.len() == o.len() && r.iter().zip(o).all(|(a, b)| fits(a, b)),
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => recorded == ours,
    }
}

/// The differences between the recorded history and ours (empty when they agree).
pub fn compare(recorded: &[Value], ours: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let types =
        |events: &[Value]| events.iter().map(|e| e["type"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>();
    if types(recorded) != types(ours) {
        problems.push(format!("event types differ:\n  recorded {:?}\n  ours     {:?}", types(recorded), types(ours)));
        return problems;
    }
    for (i, (r, o)) in recorded.iter().zip(ours).enumerate() {
        let kind = r["type"].as_str().unwrap_or_default();
        // Events of one type that AWS recorded back to back (timeouts falling at
        // the same moment) come in no fixed order: compare their links as a set.
        let run = |events: &[Value]| {
            let same = |e: &Value| e["type"] == events[i]["type"];
            let start = (0..=i).rev().take_while(|&j| same(&events[j])).last().unwrap_or(i);
            let end = (i..events.len()).take_while(|&j| same(&events[j])).last().unwrap_or(i);
            let mut links: Vec<String> = events[start..=end].iter().map(|e| e["previousEventId"].to_string()).collect();
            links.sort();
            links
        };
        if r["id"] != o["id"] || (r["previousEventId"] != o["previousEventId"] && run(recorded) != run(ours)) {
            problems.push(format!(
                "{kind} #{}: ids (id, previous) recorded ({}, {}) ours ({}, {})",
                r["id"], r["id"], r["previousEventId"], o["id"], o["previousEventId"]
            ));
        }
        let (rd, od) = (details(r), details(o));
        let (Some(rd), Some(od)) = (rd.as_object(), od.as_object().cloned().or_else(|| Some(Default::default())))
        else {
            continue;
        };
        let mut keys: Vec<&String> = rd.keys().chain(od.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            if matches!(key.as_str(), "inputDetails" | "outputDetails") {
                continue;
            }
            let (rv, ov) = (rd.get(key), od.get(key).map(normalize));
            let agree = match (rv, &ov) {
                (Some(rv), Some(ov)) => fits(rv, ov) || fits(&parse_output(rv), &parse_output(ov)),
                (None, None) => true,
                _ => false,
            };
            if !agree {
                problems.push(format!("{kind} #{}: {key}: recorded {rv:?}, ours {ov:?}", r["id"]));
            }
        }
    }
    problems
}

/// How a scenario is set up.
pub struct Scenario {
    /// The definition.
    pub definition: Value,
    /// The recorded events.
    pub recorded: Vec<Value>,
}

/// Runs a scenario: the world does what the recording shows.
pub fn run(scenario: &Scenario) -> (Vec<Value>, Status) {
    let machine = StateMachine::parse(&scenario.definition.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let input = details(&scenario.recorded[0])["input"].clone();
    let input = parse_output(&input);
    let mut entropy = SeededEntropy::new(1);
    let mut context = ExecutionContext::example();
    context.start_time_ms = 1_000_000;
    if let Some(role) = details(&scenario.recorded[0])["roleArn"].as_str() {
        context.role_arn = role.to_owned();
    }
    let mut now = context.start_time_ms;
    let (mut execution, effects) = Execution::start(&machine, context, input, now, &mut entropy);
    let mut stories: VecDeque<(Option<Value>, Story)> = stories(&scenario.recorded).into();
    let mut queue: VecDeque<(String, Option<Value>, Story)> = VecDeque::new();
    let mut timers: BTreeMap<String, i64> = BTreeMap::new();
    let mut absorb = |effects: Vec<Effect>, queue: &mut VecDeque<_>, timers: &mut BTreeMap<String, i64>| {
        for effect in effects {
            match effect {
                Effect::InvokeTask(request) => {
                    let (submitted, story) = stories.pop_front().unwrap_or((None, Story::Nothing));
                    queue.push_back((request.task_id, submitted, story));
                }
                Effect::SetTimer { timer_id, at_ms } => {
                    timers.insert(timer_id, at_ms);
                }
                Effect::CancelTimer { timer_id } => {
                    timers.remove(&timer_id);
                }
                Effect::CancelTask { .. } | Effect::Finished(_) => {}
            }
        }
    };
    absorb(effects, &mut queue, &mut timers);
    for _ in 0..1000 {
        if *execution.status() != Status::Running {
            break;
        }
        now += 10;
        if let Some((task_id, submitted, story)) = queue.pop_front() {
            let mut inputs = Vec::new();
            if let Some(output) = submitted {
                inputs.push(Input::TaskSubmitted { task_id: task_id.clone(), output });
            }
            match story {
                Story::Succeeded(output) => inputs.push(Input::TaskSucceeded { task_id, output }),
                Story::Failed(Some(error), _) if error == "States.DataLimitExceeded" => {
                    // AWS refused a result over 256 KiB: hand the interpreter one.
                    let output = json!({"Payload": "x".repeat(300_000)});
                    inputs.push(Input::TaskSucceeded { task_id, output });
                }
                Story::Failed(error, cause) => inputs.push(Input::TaskFailed { task_id, error, cause }),
                Story::TimedOut | Story::Nothing => {}
            }
            for input in inputs {
                let effects = execution.handle(&machine, input, now, &mut entropy);
                absorb(effects, &mut queue, &mut timers);
            }
            continue;
        }
        let Some((timer_id, at)) = timers.iter().min_by_key(|(_, at)| **at).map(|(id, at)| (id.clone(), *at)) else {
            break;
        };
        timers.remove(&timer_id);
        now = now.max(at);
        let effects = execution.handle(&machine, Input::TimerFired { timer_id }, now, &mut entropy);
        absorb(effects, &mut queue, &mut timers);
    }
    let ours = execution.history().iter().map(|e| e.to_aws_json()).collect();
    (ours, execution.status().clone())
}
