//! Applying paths to JSON: selecting, and writing a result at a ResultPath.

use serde_json::{Map, Value};

use super::filter::{evaluate, truthy};
use super::{Path, Root, Segment};

/// What a path selected.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// A definite path found its node.
    One(Value),
    /// A definite path found nothing.
    Nothing,
    /// An indefinite path (wildcards, slices, filters…): every match, maybe none.
    Many(Vec<Value>),
}

impl Selection {
    /// The selected value: the node, the list of matches, or `None`.
    pub fn into_value(self) -> Option<Value> {
        match self {
            Selection::One(value) => Some(value),
            Selection::Nothing => None,
            Selection::Many(values) => Some(Value::Array(values)),
        }
    }
}

fn index_of(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let at = if index < 0 { len + index } else { index };
    if (0..len).contains(&at) { usize::try_from(at).ok() } else { None }
}

fn slice(items: &[Value], start: Option<i64>, end: Option<i64>, step: Option<i64>) -> Vec<&Value> {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let clamp = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
    let step = step.unwrap_or(1);
    let mut out = Vec::new();
    if step > 0 {
        let (mut at, stop) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(len)));
        while at < stop {
            if let Some(item) = usize::try_from(at).ok().and_then(|i| items.get(i)) {
                out.push(item);
            }
            at = at.saturating_add(step);
        }
    } else {
        let mut at = start.map_or(len - 1, |s| clamp(s).min(len - 1));
        let stop = end.map_or(-1, clamp);
        while at > stop {
            if let Some(item) = usize::try_from(at).ok().and_then(|i| items.get(i)) {
                out.push(item);
            }
            at = at.saturating_add(step);
        }
    }
    out
}

fn children(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    }
}

fn deep_scan<'a>(value: &'a Value, name: Option<&str>, out: &mut Vec<&'a Value>) {
    match (value, name) {
        (Value::Object(map), Some(name)) => {
            if let Some(found) = map.get(name) {
                out.push(found);
            }
        }
        (Value::Object(_) | Value::Array(_), None) => out.extend(children(value)),
        _ => {}
    }
    for child in children(value) {
        deep_scan(child, name, out);
    }
}

fn step<'a>(segment: &Segment, node: &'a Value, doc: &Value, out: &mut Vec<&'a Value>) {
    match segment {
        Segment::Child(name) => {
            if let Some(found) = node.as_object().and_then(|map| map.get(name)) {
                out.push(found);
            }
        }
        Segment::Children(names) => {
            if let Some(map) = node.as_object() {
                out.extend(names.iter().filter_map(|name| map.get(name)));
            }
        }
        Segment::Index(index) => {
            if let Some(found) = node.as_array().and_then(|items| index_of(items.len(), *index).map(|i| &items[i])) {
                out.push(found);
            }
        }
        Segment::Indexes(indexes) => {
            if let Some(items) = node.as_array() {
                out.extend(indexes.iter().filter_map(|i| index_of(items.len(), *i).map(|i| &items[i])));
            }
        }
        Segment::Slice { start, end, step } => {
            if let Some(items) = node.as_array() {
                out.extend(slice(items, *start, *end, *step));
            }
        }
        Segment::Wildcard => out.extend(children(node)),
        Segment::DeepScan(name) => deep_scan(node, name.as_deref(), out),
        Segment::Filter(expr) => {
            out.extend(children(node).into_iter().filter(|item| truthy(evaluate(expr, item, doc).as_ref())));
        }
        Segment::Script(expr) => {
            let Some(index) = evaluate(expr, node, doc) else { return };
            match (node, index) {
                (Value::Array(items), Value::Number(n)) => {
                    if let Some(i) = n.as_i64().and_then(|i| index_of(items.len(), i)) {
                        out.push(&items[i]);
                    }
                }
                (Value::Object(map), Value::String(key)) => out.extend(map.get(&key)),
                _ => {}
            }
        }
    }
}

impl Path {
    /// Applies the segments to `base`; `doc` is what `$` means inside filters.
    pub fn select_from(&self, base: &Value, doc: &Value) -> Selection {
        let mut nodes = vec![base];
        for segment in &self.segments {
            let mut next = Vec::new();
            for node in nodes {
                step(segment, node, doc, &mut next);
            }
            nodes = next;
        }
        if self.is_definite() {
            match nodes.first() {
                Some(value) => Selection::One((*value).clone()),
                None => Selection::Nothing,
            }
        } else {
            Selection::Many(nodes.into_iter().cloned().collect())
        }
    }

    /// Applies the path to a document (for `$` paths).
    pub fn select(&self, doc: &Value) -> Selection {
        self.select_from(doc, doc)
    }
}

/// Writes `result` into `input` at the reference path `path`, creating the
/// objects on the way; `Err` holds why it cannot (AWS's
/// `States.ResultPathMatchFailure`).
pub fn apply_result_path(input: Value, path: &Path, result: Value) -> Result<Value, String> {
    if path.root != Root::Input || !path.is_reference() {
        return Err(format!("ResultPath '{path}' is not a reference path"));
    }
    if path.segments.is_empty() {
        return Ok(result);
    }
    let original = input.clone();
    let mut doc = input;
    let failure = || format!("Unable to apply ResultPath '{}' to input '{}'", path, original);
    let mut node = &mut doc;
    let last = path.segments.len() - 1;
    for (i, segment) in path.segments.iter().enumerate() {
        node = match segment {
            Segment::Child(name) => {
                let map = node.as_object_mut().ok_or_else(failure)?;
                if i == last {
                    map.insert(name.clone(), result);
                    return Ok(doc);
                }
                map.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()))
            }
            Segment::Index(index) => {
                let items = node.as_array_mut().ok_or_else(failure)?;
                let at = index_of(items.len(), *index).ok_or_else(failure)?;
                if i == last {
                    items[at] = result;
                    return Ok(doc);
                }
                &mut items[at]
            }
            _ => return Err(failure()),
        };
    }
    Ok(doc)
}
