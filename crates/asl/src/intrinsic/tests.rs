use serde_json::{Value, json};

use super::*;
use crate::path::Path;

struct Doc(Value, u64);

impl Resolver for Doc {
    fn resolve(&self, path: &Path) -> Option<Value> {
        path.select(&self.0).into_value()
    }
    fn uuid(&mut self) -> String {
        "00000000-0000-4000-8000-000000000000".to_owned()
    }
    fn random(&mut self) -> u64 {
        self.1 += 1;
        self.1
    }
}

fn eval(text: &str, input: Value) -> Result<Value, IntrinsicError> {
    Intrinsic::parse(text).expect("parses").evaluate(&mut Doc(input, 0))
}

#[test]
fn evaluates_every_function() {
    let input = json!({"a": "x", "n": 3, "arr": [1, 2, 2, 3], "o1": {"a": 1}, "o2": {"b": 2}});
    let cases = [
        (r"States.Format('Welcome to {} {}\'s \{playlist\}.', $.a, $.n)", json!("Welcome to x 3's {playlist}.")),
        ("States.StringToJson('{\"k\": 1}')", json!({"k": 1})),
        ("States.JsonToString($.o1)", json!("{\"a\":1}")),
        ("States.Array('Foo', 2020, $.o1, null)", json!(["Foo", 2020, {"a": 1}, null])),
        ("States.ArrayPartition($.arr, 3)", json!([[1, 2, 2], [3]])),
        ("States.ArrayContains($.arr, 3)", json!(true)),
        ("States.ArrayRange(1, 9, 2)", json!([1, 3, 5, 7, 9])),
        ("States.ArrayGetItem($.arr, 3)", json!(3)),
        ("States.ArrayLength($.arr)", json!(4)),
        ("States.ArrayUnique($.arr)", json!([1, 2, 3])),
        ("States.Base64Encode('Data to encode')", json!("RGF0YSB0byBlbmNvZGU=")),
        ("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", json!("Data to encode")),
        ("States.Hash('input data', 'SHA-1')", json!("aaff4a450a104cd177d28d18d74485e8cae074b7")),
        ("States.Hash('', 'MD5')", json!("d41d8cd98f00b204e9800998ecf8427e")),
        ("States.JsonMerge($.o1, $.o2, false)", json!({"a": 1, "b": 2})),
        ("States.MathAdd($.n, -1)", json!(2)),
        ("States.MathAdd(States.ArrayLength($.arr), -1)", json!(3)),
        ("States.StringSplit('1,2,,3', ',')", json!(["1", "2", "3"])),
        ("States.UUID()", json!("00000000-0000-4000-8000-000000000000")),
    ];
    for (text, expected) in cases {
        assert_eq!(eval(text, input.clone()), Ok(expected), "{text}");
    }
    let random = eval("States.MathRandom(1, 10)", json!({})).expect("random");
    assert!((1..10).contains(&random.as_i64().expect("int")));
    assert_eq!(eval("States.MathRandom(1, 999, 7)", json!({})), eval("States.MathRandom(1, 999, 7)", json!({})));
}

#[test]
fn reports_failures() {
    assert!(matches!(eval("States.ArrayGetItem($.a, 5)", json!({"a": [1]})), Err(IntrinsicError::Invalid(_))));
    assert!(matches!(eval("States.ArrayLength($.missing)", json!({})), Err(IntrinsicError::PathNotFound(_))));
    assert!(matches!(eval("States.Format('{}')", json!({})), Err(IntrinsicError::Invalid(_))));
}

#[test]
fn rejects_bad_calls() {
    for bad in [
        "States.MathAdd(1,'-1')",
        "States.Nope(1)",
        "States.UUID(1)",
        "States.ArrayContains($.clients.unique",
        "States.Format('a') trailing",
        "States.Hash($.a)",
    ] {
        assert!(Intrinsic::parse(bad).is_err(), "{bad} should be rejected");
    }
    assert!(Intrinsic::parse("States.ArrayGetItem($.a[?(@.k == FooBar)].v, 0)").is_ok());
    assert!(Intrinsic::parse("States.Format('{}{}', $.field1, $field2)").is_ok());
}
