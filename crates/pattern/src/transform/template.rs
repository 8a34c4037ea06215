//! `InputTemplate`: its placeholders, and how a value is written in place of one.
//!
//! What EventBridge does, from the recordings in
//! `shared/conformance/eventbridge/input_transformer_aws_cases.json`:
//!
//! - A template that is a JSON object (its first character is `{`) is a *JSON
//!   template*. Outside quotes a placeholder is replaced by the value as JSON:
//!   a string is quoted (`{"id": <userId>}` gives `{"id": "0a787ecb-4015"}`),
//!   numbers, booleans, objects and arrays are written as they are. Inside
//!   quotes it is replaced by the value's text: a string without quotes
//!   (`"users/<userId>"` gives `"users/0a787ecb-4015"`), an object or array as
//!   its JSON, quotes included, which breaks the JSON (`{"payload": "<payload>"}`
//!   is never delivered).
//! - Any other template is a *string template*, usually one JSON string such
//!   as `"Event of <detail-type> type"`. Every placeholder is replaced by the
//!   value's text, and an object or array loses its quotes:
//!   `"Payload of <payload>"` gives `"Payload of {acc_id:0a787ecb-4015,sf_id:baz}"`
//!   and a list `["ACTIVE","INACTIVE"]` gives `[ACTIVE,INACTIVE]`.
//! - A path that selects nothing gives an empty string: `""` outside quotes in
//!   a JSON template (`"command": <command>` gives `"command": ""`), nothing
//!   at all elsewhere.
//! - String values are not escaped inside quotes (the user guide: "EventBridge
//!   doesn't escape values extracted by Input Path"), so a value holding a
//!   quote or a control character breaks the JSON and the event is dropped.

use serde_json::Value;

use super::jackson::placeholder_at;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Text copied as it is.
    Text(String),
    /// `<name>`, inside a JSON string of the template or not.
    Placeholder { name: String, quoted: bool },
}

/// A parsed `InputTemplate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub parts: Vec<Part>,
    /// Whether it is a JSON template (a JSON object) rather than a string template.
    pub json: bool,
}

impl Template {
    /// Splits a template into text and placeholders. A placeholder is `<`,
    /// one or more of `A-Z a-z 0-9 _ - .`, and `>`; anything else between
    /// angle brackets is text.
    pub fn parse(template: &str) -> Self {
        let json = template.trim_start_matches([' ', '\t', '\n', '\r']).starts_with('{');
        let chars: Vec<char> = template.chars().collect();
        let mut parts = Vec::new();
        let mut text = String::new();
        let (mut in_string, mut escaped) = (false, false);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '<'
                && let Some((name, end)) = placeholder_at(&chars, i + 1)
            {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Placeholder { name, quoted: in_string });
                escaped = false;
                i = end;
                continue;
            }
            if escaped {
                escaped = false;
            } else if in_string && c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = !in_string;
            }
            text.push(c);
            i += 1;
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Self { parts, json }
    }

    /// The placeholder names, in order of appearance (repeats included).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Placeholder { name, .. } => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Fills the template, asking `value` for each placeholder's value
    /// (`None`: the path selected nothing).
    pub fn fill<'v>(&self, mut value: impl FnMut(&str) -> Option<std::borrow::Cow<'v, Value>>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Placeholder { name, quoted } => {
                    write_value(&mut out, value(name).as_deref(), self.json && !quoted, self.json)
                }
            }
        }
        out
    }
}

/// Writes `value` in place of a placeholder: as JSON (`as_json`: in a JSON
/// template, outside quotes) or as text, where objects and arrays lose their
/// quotes unless the template is a JSON template.
fn write_value(out: &mut String, value: Option<&Value>, as_json: bool, json_template: bool) {
    match value {
        None if as_json => out.push_str("\"\""),
        None => {}
        Some(value) if as_json => out.push_str(&value.to_string()),
        Some(Value::String(text)) => out.push_str(text),
        Some(value @ (Value::Object(_) | Value::Array(_))) if !json_template => {
            out.extend(value.to_string().chars().filter(|&c| c != '"'))
        }
        Some(value) => out.push_str(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::json;

    use super::*;

    fn placeholder(name: &str, quoted: bool) -> Part {
        Part::Placeholder { name: name.into(), quoted }
    }

    fn fill(template: &str, values: &Value) -> String {
        Template::parse(template).fill(|name| values.get(name).map(Cow::Borrowed))
    }

    #[test]
    fn finds_placeholders_and_whether_they_are_quoted() {
        let template = Template::parse(r#"{"a": <x>, "b": "u/<y>", "c": "\"<z>\"", "d": [<w>]}"#);
        assert!(template.json);
        let placeholders: Vec<_> = template.parts.iter().filter(|p| matches!(p, Part::Placeholder { .. })).collect();
        assert_eq!(
            placeholders,
            [&placeholder("x", false), &placeholder("y", true), &placeholder("z", true), &placeholder("w", false)]
        );
        assert_eq!(template.placeholders().collect::<Vec<_>>(), ["x", "y", "z", "w"]);
    }

    #[test]
    fn only_a_json_object_is_a_json_template() {
        assert!(Template::parse("  \n{\"a\": 1}").json);
        assert!(!Template::parse("\"{[/Check <x>\"").json);
        assert!(!Template::parse("[<x>]").json);
        assert!(!Template::parse("<x> is here").json);
    }

    #[test]
    fn text_between_angle_brackets_that_is_not_a_name_stays_text() {
        let template = Template::parse("\"a < b > c <> <ok> </b> <a b>\"");
        assert_eq!(template.placeholders().collect::<Vec<_>>(), ["ok"]);
        assert_eq!(fill("\"a < b > c <> <ok> </b>\"", &json!({"ok": 1})), "\"a < b > c <> 1 </b>\"");
    }

    #[test]
    fn json_template_outside_quotes_writes_json() {
        let values = json!({"s": "x\"y", "n": 1.5, "b": true, "z": null, "o": {"k": "v"}, "l": ["a", 1]});
        assert_eq!(
            fill("{\"s\": <s>, \"n\": <n>, \"b\": <b>, \"z\": <z>, \"o\": <o>, \"l\": <l>, \"m\": <missing>}", &values),
            r#"{"s": "x\"y", "n": 1.5, "b": true, "z": null, "o": {"k":"v"}, "l": ["a",1], "m": ""}"#
        );
    }

    #[test]
    fn json_template_inside_quotes_writes_raw_text() {
        let values = json!({"s": "x\"y", "n": 7, "o": {"k": "v"}, "l": ["HIGH"]});
        assert_eq!(
            fill("{\"a\": \"<s>|<n>|<missing>\", \"o\": \"<o>\", \"l\": \"<l>\"}", &values),
            r#"{"a": "x"y|7|", "o": "{"k":"v"}", "l": "["HIGH"]"}"#
        );
    }

    #[test]
    fn string_template_writes_text_and_strips_quotes_from_objects() {
        let values = json!({"p": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "l": ["ACTIVE", "INACTIVE"], "v": true});
        assert_eq!(
            fill("\"<p> <l> <v> <missing>!\"", &values),
            "\"{acc_id:0a787ecb-4015,sf_id:baz} [ACTIVE,INACTIVE] true !\""
        );
    }
}
