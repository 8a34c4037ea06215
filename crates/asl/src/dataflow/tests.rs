use serde_json::json;

use super::*;
use crate::definition::Template;
use crate::entropy::SeededEntropy;

#[test]
fn context_object_shape() {
    let context = ContextObject {
        execution_id: "arn:x".into(),
        execution_input: json!({"a": 1}),
        execution_name: "n".into(),
        role_arn: "r".into(),
        start_time: "2024-01-01T00:00:00.000Z".into(),
        state_name: "S".into(),
        entered_time: "2024-01-01T00:00:01.000Z".into(),
        retry_count: 2,
        state_machine_id: "arn:sm".into(),
        state_machine_name: "sm".into(),
        task_token: Some("tok".into()),
        map_item: Some((3, json!("v"))),
    }
    .to_value();
    assert_eq!(context["Execution"]["Input"], json!({"a": 1}));
    assert_eq!(context["State"]["RetryCount"], json!(2));
    assert_eq!(context["Task"]["Token"], json!("tok"));
    assert_eq!(context["Map"]["Item"], json!({"Index": 3, "Value": "v"}));
}

#[test]
fn select_and_place() {
    let mut entropy = SeededEntropy::new(1);
    let context = json!({});
    let input = json!({"a": {"b": 1}});
    assert_eq!(select(&PathField::Discard, &input, &context, &mut entropy), Ok(json!({})));
    let missing = PathField::Path(Path::parse("$.x").expect("path"));
    let error = select(&missing, &input, &context, &mut entropy).expect_err("nothing there");
    assert_eq!(error.detail, "Invalid path '$.x' : No results for path: $['x']");
    assert_eq!(place_result(&PathField::Discard, &input, json!(2)), Ok(input.clone()));
    let bad = PathField::Path(Path::parse("$.a.b.c").expect("path"));
    assert_eq!(
        place_result(&bad, &input, json!(2)).expect_err("b is a number").error,
        names::RESULT_PATH_MATCH_FAILURE
    );
}

#[test]
fn renders_templates() {
    let mut d = crate::definition::tests_support::diags();
    let template = Template::parse(
        &json!({"k": "v", "p.$": "$.a", "c.$": "$$.n", "f.$": "States.Format('{}-{}', $.a, 2)", "l": [{"x.$": "$.a"}]}),
        "/",
        &mut d,
    );
    let mut entropy = SeededEntropy::new(1);
    let (input, context) = (json!({"a": "A"}), json!({"n": 5}));
    let rendered = render(&template, &mut Scope { input: &input, context: &context, entropy: &mut entropy });
    assert_eq!(rendered, Ok(json!({"k": "v", "p": "A", "c": 5, "f": "A-2", "l": [{"x": "A"}]})));
}
