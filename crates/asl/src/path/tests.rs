use serde_json::json;

use super::*;

fn select(path: &str, doc: serde_json::Value) -> Option<serde_json::Value> {
    Path::parse(path).expect("path").select(&doc).into_value()
}

#[test]
fn reads_reference_paths() {
    assert_eq!(select("$.a.b[0]", json!({"a": {"b": [7]}})), Some(json!(7)));
    assert_eq!(select("$['a']['b']", json!({"a": {"b": 1}})), Some(json!(1)));
    assert_eq!(select("$.input-foo-bar", json!({"input-foo-bar": 2})), Some(json!(2)));
    assert_eq!(select("$.books[-2]", json!({"books": [1, 2, 3]})), Some(json!(2)));
    assert_eq!(select("$.missing", json!({})), None);
    assert!(Path::parse("$.a[0]").expect("path").is_reference());
}

#[test]
fn reads_full_paths() {
    let doc = json!({"vals": [0, 1, 2, 3, 4, 5], "o": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]});
    assert_eq!(select("$.vals[3:]", doc.clone()), Some(json!([3, 4, 5])));
    assert_eq!(select("$.vals[:2]", doc.clone()), Some(json!([0, 1])));
    assert_eq!(select("$.o[*].v", doc.clone()), Some(json!([1, 2])));
    assert_eq!(select("$..v", doc.clone()), Some(json!([1, 2])));
    assert_eq!(select("$.o[?(@.k == 'b')].v", doc.clone()), Some(json!([2])));
    assert_eq!(select("$.o[?(@.v > 1 && @.k == b)].k", doc.clone()), Some(json!(["b"])));
    assert_eq!(select("$.vals[(@.length-1)]", doc.clone()), Some(json!(5)));
    assert_eq!(select("$.vals[0,2]", doc), Some(json!([0, 2])));
}

#[test]
fn rejects_malformed_paths() {
    for bad in [".guid", "..guid", "()", "$...", "bug$.a", "$.", "$[", "$.a[?(@.x]", "$foo bar"] {
        assert!(Path::parse(bad).is_err(), "{bad} should be rejected");
    }
}

#[test]
fn roots() {
    assert_eq!(*Path::parse("$$.Execution.Id").expect("path").root(), Root::Context);
    assert_eq!(*Path::parse("$var.a").expect("path").root(), Root::Variable("var".into()));
    assert_eq!(Path::parse("$.a.b").expect("path").normalized(), "$['a']['b']");
}

#[test]
fn result_paths() {
    let path = |p: &str| Path::parse(p).expect("path");
    assert_eq!(apply_result_path(json!({"a": 1}), &path("$"), json!(2)), Ok(json!(2)));
    assert_eq!(apply_result_path(json!({"a": 1}), &path("$.b.c"), json!(2)), Ok(json!({"a": 1, "b": {"c": 2}})));
    assert_eq!(apply_result_path(json!({"a": [1, 2]}), &path("$.a[1]"), json!(3)), Ok(json!({"a": [1, 3]})));
    assert!(apply_result_path(json!("text"), &path("$.a"), json!(1)).is_err());
    assert!(apply_result_path(json!({"a": 1}), &path("$.a.b"), json!(1)).is_err());
}
