//! Message attributes: how they are checked, kept, filtered on receive, and
//! digested into `MD5OfMessageAttributes` exactly as SQS does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::base64;
use super::error::{SqsError, SqsResult};
use super::md5::Md5;

/// SQS's limit on attributes per message.
pub const MAX_ATTRIBUTES: usize = 10;

/// The value of a message attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// The value of a `String` or `Number` attribute (`StringValue`).
    String(String),
    /// The value of a `Binary` attribute (`BinaryValue`).
    Binary(Vec<u8>),
}

/// One message attribute: a data type (`String`, `Number`, `Binary`, each
/// optionally with a custom suffix such as `Number.int`) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute {
    /// `String`, `Number` or `Binary`, optionally followed by `.<custom>`.
    pub data_type: String,
    /// The value.
    pub value: AttributeValue,
}

impl MessageAttribute {
    /// A `String` attribute.
    pub fn string(value: impl Into<String>) -> Self {
        Self { data_type: "String".to_owned(), value: AttributeValue::String(value.into()) }
    }

    /// A `Number` attribute.
    pub fn number(value: impl ToString) -> Self {
        Self { data_type: "Number".to_owned(), value: AttributeValue::String(value.to_string()) }
    }

    /// A `Binary` attribute.
    pub fn binary(value: impl Into<Vec<u8>>) -> Self {
        Self { data_type: "Binary".to_owned(), value: AttributeValue::Binary(value.into()) }
    }

    fn size(&self) -> usize {
        self.data_type.len()
            + match &self.value {
                AttributeValue::String(text) => text.len(),
                AttributeValue::Binary(bytes) => bytes.len(),
            }
    }
}

/// A message's attributes by name, in name order (the order SQS digests them in).
pub type MessageAttributes = BTreeMap<String, MessageAttribute>;

/// `MessageAttributeValue` as the JSON protocol carries it; blobs in base64.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WireAttribute {
    #[serde(skip_serializing_if = "Option::is_none")]
    string_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    binary_value: Option<String>,
    /// Reserved by SQS for future use; accepted and ignored, as SQS does.
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    string_list_values: Option<Vec<String>>,
    /// Reserved by SQS for future use; accepted and ignored, as SQS does.
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    binary_list_values: Option<Vec<String>>,
    data_type: Option<String>,
}

impl WireAttribute {
    /// The bytes the attribute counts against a batch's size limit, before
    /// it is checked: type and value (binary values decoded).
    pub fn size(&self) -> usize {
        let text = |value: &Option<String>| value.as_deref().map_or(0, str::len);
        text(&self.data_type) + text(&self.string_value) + text(&self.binary_value) * 3 / 4
    }
}

/// The characters SQS allows in bodies and string values:
/// `#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`.
pub fn valid_text(text: &str) -> bool {
    // Most text is printable ASCII: a byte test the compiler vectorizes
    // (bodies of events delivered to queues are checked once per queue).
    if text.bytes().all(|byte| matches!(byte, b'\t' | b'\n' | b'\r' | 0x20..=0x7f)) {
        return true;
    }
    text.chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

/// SQS's words for text with characters it does not allow (as LocalStack
/// records them).
pub const INVALID_CHARACTERS: &str = "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | \
     #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF";

fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent.strip_prefix(['-', '+']).unwrap_or(exponent))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

fn check_name(name: &str) -> SqsResult<()> {
    // Wording follows LocalStack's SQS provider, whose tests run against AWS.
    if name.is_empty() || name.len() > 256 {
        return Err(SqsError::invalid("Message (user) attribute names must be shorter than 256 Bytes"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(SqsError::invalid(
            "Message (user) attributes name can only contain upper and lower score characters, digits, periods, \
             hyphens and underscores. ",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") || name.starts_with('.') || name.ends_with('.') {
        return Err(SqsError::invalid(
            "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved \
             for internal use. Additionally, they cannot start or end with '.'.",
        ));
    }
    if name.contains("..") {
        return Err(SqsError::invalid(format!(
            "Message (user) attribute name '{name}' can't contain successive periods (..)."
        )));
    }
    Ok(())
}

/// Reads and checks a message's attributes as SendMessage receives them.
pub fn from_wire(wire: &BTreeMap<String, WireAttribute>) -> SqsResult<MessageAttributes> {
    if wire.len() > MAX_ATTRIBUTES {
        return Err(SqsError::invalid(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{MAX_ATTRIBUTES}].",
            wire.len()
        )));
    }
    let mut attributes = MessageAttributes::new();
    for (name, attribute) in wire {
        check_name(name)?;
        let data_type = attribute.data_type.as_deref().unwrap_or_default();
        let base = data_type.split_once('.').map_or(data_type, |(base, _)| base);
        if data_type.is_empty() {
            return Err(SqsError::missing(&format!("MessageAttributes.{name}.DataType")));
        }
        if data_type.len() > 256 {
            return Err(SqsError::invalid("Message (user) attribute types must be shorter than 256 Bytes"));
        }
        let empty = || {
            SqsError::invalid(format!(
                "Message (user) attribute '{name}' must contain a non-empty value of type '{base}'."
            ))
        };
        let value = match base {
            "String" | "Number" => {
                let text = attribute.string_value.as_deref().filter(|s| !s.is_empty()).ok_or_else(empty)?;
                if !valid_text(text) {
                    return Err(SqsError::invalid(INVALID_CHARACTERS));
                }
                if base == "Number" && !is_number(text) {
                    return Err(SqsError::invalid(format!(
                        "Can't cast the value of message (user) attribute '{name}' to a number."
                    )));
                }
                AttributeValue::String(text.to_owned())
            }
            "Binary" => {
                let encoded = attribute.binary_value.as_deref().filter(|s| !s.is_empty()).ok_or_else(empty)?;
                let bytes = base64::decode(encoded).ok_or_else(|| {
                    SqsError::new(
                        super::error::ErrorKind::Serialization,
                        format!("The BinaryValue of message attribute '{name}' is not base64."),
                    )
                })?;
                AttributeValue::Binary(bytes)
            }
            _ => {
                return Err(SqsError::invalid(format!(
                    "Type for parameter MessageAttributes.Attribute_name.DataType must be prefixed with \"String\", \
                     \"Binary\", or \"Number\", but was: {data_type}"
                )));
            }
        };
        attributes.insert(name.clone(), MessageAttribute { data_type: data_type.to_owned(), value });
    }
    Ok(attributes)
}

/// The attributes as the JSON protocol returns them (and as they are kept).
pub fn to_json(attributes: &MessageAttributes) -> Value {
    let map: serde_json::Map<String, Value> = attributes
        .iter()
        .map(|(name, attribute)| {
            let mut json = serde_json::Map::new();
            match &attribute.value {
                AttributeValue::String(text) => json.insert("StringValue".into(), text.clone().into()),
                AttributeValue::Binary(bytes) => json.insert("BinaryValue".into(), base64::encode(bytes).into()),
            };
            json.insert("DataType".into(), attribute.data_type.clone().into());
            (name.clone(), Value::Object(json))
        })
        .collect();
    Value::Object(map)
}

/// Reads attributes kept by [`to_json`].
pub fn from_json(json: &str) -> MessageAttributes {
    let wire: BTreeMap<String, WireAttribute> = serde_json::from_str(json).unwrap_or_default();
    wire.into_iter()
        .filter_map(|(name, attribute)| {
            let value = match (attribute.string_value, attribute.binary_value) {
                (Some(text), _) => AttributeValue::String(text),
                (None, Some(encoded)) => AttributeValue::Binary(base64::decode(&encoded)?),
                (None, None) => return None,
            };
            Some((name, MessageAttribute { data_type: attribute.data_type.unwrap_or_default(), value }))
        })
        .collect()
}

/// The bytes the attributes count against `MaximumMessageSize`: names, types
/// and values.
pub fn size(attributes: &MessageAttributes) -> usize {
    attributes.iter().map(|(name, attribute)| name.len() + attribute.size()).sum()
}

/// `MD5OfMessageAttributes` (and `MD5OfMessageSystemAttributes`): for each
/// attribute in name order, the name, the data type and the value, each as a
/// 4-byte big-endian length and the bytes, with a transport byte (1 for
/// string values, 2 for binary) before the value. This is the algorithm of
/// the AWS SDKs' checksum handlers (`MessageMD5ChecksumInterceptor` in the
/// Java SDK); the tests check it against digests SQS returned.
pub fn md5(attributes: &MessageAttributes) -> Option<String> {
    if attributes.is_empty() {
        return None;
    }
    let mut md5 = Md5::new();
    for (name, attribute) in attributes {
        put_field(&mut md5, name.as_bytes());
        put_field(&mut md5, attribute.data_type.as_bytes());
        match &attribute.value {
            AttributeValue::String(text) => {
                md5.update(&[1]);
                put_field(&mut md5, text.as_bytes());
            }
            AttributeValue::Binary(bytes) => {
                md5.update(&[2]);
                put_field(&mut md5, bytes);
            }
        }
    }
    Some(md5.hex())
}

fn put_field(md5: &mut Md5, bytes: &[u8]) {
    md5.update(&(bytes.len() as u32).to_be_bytes());
    md5.update(bytes);
}

/// The attributes a receive asked for with `MessageAttributeNames`: `All`,
/// `.*` or `*` for every one, `<prefix>.*` for those starting with the
/// prefix, or exact names.
pub fn select(attributes: &MessageAttributes, names: &[String]) -> MessageAttributes {
    if names.iter().any(|n| matches!(n.as_str(), "All" | ".*" | "*")) {
        return attributes.clone();
    }
    attributes
        .iter()
        .filter(|(name, _)| {
            names.iter().any(|wanted| match wanted.strip_suffix(".*") {
                Some(prefix) => name.starts_with(prefix),
                None => wanted == *name,
            })
        })
        .map(|(name, attribute)| (name.clone(), attribute.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(pairs: &[(&str, &str)]) -> MessageAttributes {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), MessageAttribute::string(*value))).collect()
    }

    /// Digests SQS returned, recorded by LocalStack's snapshot tests against
    /// AWS (`tests/aws/services/sqs/test_sqs.snapshot.json`).
    #[test]
    fn digests_match_what_sqs_returned() {
        let all = strings(&[("General", "Kenobi"), ("Hello", "There"), ("Help.Me", "Me")]);
        assert_eq!(md5(&all).as_deref(), Some("4c360f3fdafd970e05fae2f149d997f5"));
        assert_eq!(
            md5(&strings(&[("General", "Kenobi"), ("Hello", "There")])).as_deref(),
            Some("fca026605781cb4126a1e9044df24232")
        );
        assert_eq!(md5(&strings(&[("Hello", "There")])).as_deref(), Some("a311262e065454b75da111d535b8dacd"));
        assert_eq!(
            md5(&strings(&[("Hello", "There"), ("Help.Me", "Me")])).as_deref(),
            Some("83fee93c1bcd8b9a5a923ffacdc636c7")
        );
        assert_eq!(md5(&strings(&[("Foo", "Bar")])).as_deref(), Some("ae7155c6026991b6d54b11589678bf9c"));
        let binary: MessageAttributes = [(
            "attr1".to_owned(),
            MessageAttribute::binary(
                b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01".to_vec(),
            ),
        )]
        .into();
        assert_eq!(md5(&binary).as_deref(), Some("8cbe4db156db8a94db8b801b7addb984"));
        assert_eq!(md5(&MessageAttributes::new()), None);
    }

    #[test]
    fn receive_filters_by_name_prefix_or_all() {
        let all = strings(&[("General", "Kenobi"), ("Hello", "There"), ("Help.Me", "Me")]);
        let names = |selected: MessageAttributes| selected.into_keys().collect::<Vec<_>>();
        assert_eq!(names(select(&all, &["All".into()])), ["General", "Hello", "Help.Me"]);
        assert_eq!(names(select(&all, &["He.*".into()])), ["Hello", "Help.Me"]);
        assert_eq!(names(select(&all, &["Hello".into(), "Nope".into()])), ["Hello"]);
        assert!(select(&all, &[]).is_empty());
    }

    #[test]
    fn wire_attributes_are_checked_like_sqs() {
        let wire = |json: Value| -> BTreeMap<String, WireAttribute> { serde_json::from_value(json).expect("wire") };
        let ok = from_wire(&wire(serde_json::json!({
            "n": {"DataType": "Number.int", "StringValue": "-1.5e3"},
            "b": {"DataType": "Binary", "BinaryValue": "AAE="},
        })))
        .expect("valid");
        assert_eq!(ok["b"].value, AttributeValue::Binary(vec![0, 1]));
        assert_eq!(from_json(&to_json(&ok).to_string()), ok, "kept attributes read back the same");

        let error = from_wire(&wire(serde_json::json!({"ErrorDetails": {"DataType": "String", "StringValue": ""}})))
            .expect_err("empty");
        assert_eq!(
            error.message,
            "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."
        );
        for bad in [
            serde_json::json!({"n": {"DataType": "Number", "StringValue": "12a"}}),
            serde_json::json!({"AWS.x": {"DataType": "String", "StringValue": "v"}}),
            serde_json::json!({"a b": {"DataType": "String", "StringValue": "v"}}),
            serde_json::json!({"x": {"DataType": "Date", "StringValue": "v"}}),
            serde_json::json!({"x": {"DataType": "String", "StringValue": "\u{1}"}}),
        ] {
            let error = from_wire(&wire(bad.clone())).expect_err("invalid");
            assert_eq!(error.kind, super::super::error::ErrorKind::InvalidParameterValue, "{bad}");
        }
        let eleven: serde_json::Map<String, Value> =
            (0..11).map(|i| (format!("a{i}"), serde_json::json!({"DataType": "String", "StringValue": "v"}))).collect();
        let error = from_wire(&wire(Value::Object(eleven))).expect_err("11");
        assert_eq!(error.message, "Number of message attributes [11] exceeds the allowed maximum [10].");
    }
}
