//! What the tests of connections and API destinations share: AWS's
//! recording (`shared/conformance/eventbridge/aws-recorded/test_api_destinations_and_connection`),
//! a fresh local system, and a matcher for recorded answers.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::config::Config;
use crate::protocol::OpResult;
use crate::shared::Shared;
use crate::store::Store;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/eventbridge/aws-recorded/test_api_destinations_and_connection.snapshot.json"
);

/// One recorded answer: `test` is the name after `::`, e.g.
/// `TestEventBridgeConnections::test_create_connection`.
pub(crate) fn recorded(test: &str, key: &str) -> Value {
    let text = std::fs::read_to_string(SNAPSHOT).expect("the AWS recording is in shared/conformance");
    let snapshot: Value = serde_json::from_str(&text).expect("recording is JSON");
    let id = format!("tests/aws/services/events/test_api_destinations_and_connection.py::{test}");
    snapshot[&id]["recorded-content"][key].clone()
}

/// A local system's shared state over a fresh store.
pub(crate) fn system() -> (tempfile::TempDir, Shared) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let shared = Shared::new(&Config::new(dir.path()), store);
    (dir, shared)
}

/// Runs an operation through the same dispatch as the HTTP front.
pub(crate) fn call(shared: &Shared, operation: &str, input: Value) -> OpResult {
    crate::eventbridge::handle(shared, operation, input.to_string().as_bytes(), "test-request")
}

pub(crate) fn ok(shared: &Shared, operation: &str, input: Value) -> Value {
    call(shared, operation, input).unwrap_or_else(|error| panic!("{operation} failed: {error}"))
}

/// Checks `actual` against a recorded answer: the same members (the
/// recording's `ResponseMetadata` aside), `datetime` for any timestamp, and
/// `<placeholders>` for generated names and ids.
pub(crate) fn assert_matches(actual: &Value, expected: &Value, path: &str) {
    match expected {
        Value::Object(members) if members.contains_key("Error") => {
            panic!("{path}: compare errors with assert_error");
        }
        Value::Object(members) => {
            let actual_object =
                actual.as_object().unwrap_or_else(|| panic!("{path}: expected an object, got {actual}"));
            let mut want: Vec<&String> = members.keys().filter(|k| *k != "ResponseMetadata").collect();
            let mut got: Vec<&String> = actual_object.keys().collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{path}: members differ in {actual}");
            for (key, value) in members.iter().filter(|(k, _)| *k != "ResponseMetadata") {
                assert_matches(&actual[key], value, &format!("{path}.{key}"));
            }
        }
        Value::Array(items) => {
            let got = actual.as_array().unwrap_or_else(|| panic!("{path}: expected an array, got {actual}"));
            assert_eq!(got.len(), items.len(), "{path}: lengths differ");
            for (i, (a, e)) in got.iter().zip(items).enumerate() {
                assert_matches(a, e, &format!("{path}[{i}]"));
            }
        }
        Value::String(text) if text == "datetime" => assert!(actual.is_number(), "{path}: {actual} is no timestamp"),
        Value::String(text) if text == "connection-arn" || text == "api-destination-arn" => {
            let kind = text.trim_end_matches("-arn");
            let pattern = format!("arn:<partition>:events:<region>:111111111111:{kind}/<name>/<id>");
            assert!(glob(&pattern, actual.as_str().unwrap_or_default()), "{path}: {actual} is no {text}");
        }
        Value::String(text) if text.contains('<') => {
            assert!(glob(text, actual.as_str().unwrap_or_default()), "{path}: {actual} does not match {text}");
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// Whether `text` fits `pattern`, where the recording's fixed stand-ins are
/// the local system's region and account, and any other `<...>` stands for
/// one or more of `[A-Za-z0-9._-]`.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern
        .replace("<partition>", "aws")
        .replace("<region>", crate::config::DEFAULT_REGION)
        .replace("111111111111", crate::config::DEFAULT_ACCOUNT_ID);
    fn go(pattern: &str, text: &str) -> bool {
        match pattern.find('<') {
            None => pattern == text,
            Some(at) => {
                let Some(rest) = text.strip_prefix(&pattern[..at]) else { return false };
                let after = pattern[at..].find('>').map_or("", |end| &pattern[at + end + 1..]);
                let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
                let run = rest.chars().take_while(|c| word(*c)).count();
                (1..=run).any(|n| go(after, &rest[n..]))
            }
        }
    }
    go(&pattern, text)
}

/// Checks an error against a recorded one.
pub(crate) fn assert_error(result: OpResult, expected: &Value) {
    let error = result.expect_err("AWS answered an error");
    assert_eq!(error.code, expected["Error"]["Code"], "code");
    let message = expected["Error"]["Message"].as_str().unwrap_or_default();
    assert!(glob(message, &error.message) || message == error.message, "message: {} vs {message}", error.message);
    assert_eq!(i64::from(error.status), expected["ResponseMetadata"]["HTTPStatusCode"]);
}

pub(crate) fn basic() -> Value {
    json!({"BasicAuthParameters": {"Username": "user", "Password": "pass"}})
}

pub(crate) fn api_key() -> Value {
    json!({"ApiKeyAuthParameters": {"ApiKeyName": "ApiKey", "ApiKeyValue": "secret"}})
}

pub(crate) fn oauth() -> Value {
    json!({"OAuthParameters": {
        "AuthorizationEndpoint": "https://example.com/oauth",
        "ClientParameters": {"ClientID": "client_id", "ClientSecret": "client_secret"},
        "HttpMethod": "POST"
    }})
}
