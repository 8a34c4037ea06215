use serde_json::json;

use super::*;

const CONTEXT: DeliveryContext<'static> = DeliveryContext {
    rule_arn: "arn:aws:events:us-east-1:111111111111:rule/bus/rule-1",
    rule_name: "rule-1",
    ingestion_time: "2024-06-11T08:33:13Z",
};

fn event() -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "core.update-account-command",
        "source": "core.update-account-command",
        "account": "111111111111",
        "time": "2024-06-11T08:33:13Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "command": "update-account",
            "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"},
            "listmulti": ["ACTIVE", "INACTIVE"],
            "valid": true,
            "count": 3,
            "nothing": null,
            "quote": "say \"hi\""
        }
    })
}

fn spec(paths: &[(&str, &str)], template: &str) -> InputTransformerSpec {
    InputTransformerSpec {
        input_paths_map: paths.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        input_template: template.to_string(),
    }
}

fn transformer(paths: &[(&str, &str)], template: &str) -> TargetInput {
    TargetInput::from_target("t1", None, None, Some(&spec(paths, template))).expect("valid transformer")
}

fn rejection(paths: &[(&str, &str)], template: &str) -> String {
    TargetInput::from_target("t1", None, None, Some(&spec(paths, template))).expect_err("rejected").message
}

fn render(paths: &[(&str, &str)], template: &str) -> Result<String, DeliveryError> {
    transformer(paths, template).render(&event(), &CONTEXT)
}

const PATHS: [(&str, &str); 7] = [
    ("command", "$.detail.command"),
    ("payload", "$.detail.payload"),
    ("list", "$.detail.listmulti"),
    ("valid", "$.detail.valid"),
    ("count", "$.detail.count"),
    ("missing", "$.detail.notinmessage"),
    ("quote", "$.detail.quote"),
];

// --- What PutTargets accepts ---

#[test]
fn no_setting_means_the_matched_event() {
    let input = TargetInput::from_target("t1", None, None, None).expect("valid");
    assert_eq!(input, TargetInput::MatchedEvent);
    assert_eq!(input.render(&event(), &CONTEXT), Ok(event().to_string()));
}

#[test]
fn only_one_of_input_input_path_or_transformer() {
    let message = "Only one of Input, InputPath, or InputTransformer must be provided for target t1.";
    let transformer = spec(&[], "\"x\"");
    for (input, path, transformer) in [
        (Some("{}"), Some("$.detail"), None),
        (Some("{}"), None, Some(&transformer)),
        (None, Some("$.detail"), Some(&transformer)),
        (Some("{}"), Some("$.detail"), Some(&transformer)),
    ] {
        assert_eq!(
            TargetInput::from_target("t1", input, path, transformer).map_err(|e| e.message),
            Err(message.into())
        );
    }
}

#[test]
fn input_must_be_json() {
    let input = TargetInput::from_target("t1", Some(r#"{"env": "dev"}"#), None, None).expect("valid");
    assert_eq!(input.render(&event(), &CONTEXT).as_deref(), Ok(r#"{"env": "dev"}"#));
    // A scalar is JSON too.
    assert!(TargetInput::from_target("t1", Some("\"hello\""), None, None).is_ok());
    // AWS's answer for this input (aws/aws-cli#6711).
    assert_eq!(
        TargetInput::from_target("1", Some("env:dev"), None, None).map_err(|e| e.message),
        Err(r#"JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]"#.into())
    );
    assert_eq!(
        TargetInput::from_target("t1", Some("{\"a\": 1,}"), None, None).map_err(|e| e.message),
        Err(r#"JSON syntax error in input for target t1: [Source: (String)"{"a": 1,}"; line: 1, column: 10]"#.into())
    );
}

#[test]
fn template_placeholders_must_be_defined() {
    // Recorded message.
    assert_eq!(
        rejection(
            &[("detail-type", "$.detail-type")],
            "\"Event of <detail-type> type, with not defined key <notdefinedkey>\""
        ),
        "InputTemplate for target t1 contains invalid placeholder notdefinedkey."
    );
    // The first undefined one, in template order.
    assert_eq!(
        rejection(&[], "{\"a\": <b>, \"c\": <a>}"),
        "InputTemplate for target t1 contains invalid placeholder b."
    );
    // Predefined variables need no path; an unknown aws.events.* is not one of them.
    transformer(&[], "\"<aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>\"");
    assert_eq!(
        rejection(&[], "\"<aws.events.rule>\""),
        "InputTemplate for target t1 contains invalid placeholder aws.events.rule."
    );
}

#[test]
fn predefined_variables_cannot_be_redefined() {
    // Their names have dots, which the key pattern forbids; so do `AWS.` keys.
    for key in ["aws.events.rule-arn", "AWS.mine"] {
        let message = rejection(&[(key, "$.detail")], "\"x\"");
        assert!(message.starts_with("1 validation error detected: Value '{"), "{message}");
        assert!(message.contains("Map keys must satisfy constraint"), "{message}");
    }
}

#[test]
fn event_variables_only_in_json_templates() {
    transformer(&[], "{\"e\": <aws.events.event>, \"j\": <aws.events.event.json>}");
    for template in ["[<aws.events.event.json>]", "\"event: <aws.events.event.json>\""] {
        assert_eq!(
            rejection(&[], template),
            "InputTemplate for target t1 contains placeholder aws.events.event.json valid only for JSON template."
        );
    }
    assert_eq!(
        rejection(&[], "\"<aws.events.event>\""),
        "InputTemplate for target t1 contains placeholder aws.events.event valid only for JSON template."
    );
}

#[test]
fn template_must_read_as_json_with_placeholders_as_values() {
    assert_eq!(
        rejection(&[("k", "$.detail")], "{<k>: 1}"),
        r#"Invalid InputTemplate for target t1 : [Source: (String)"{<k>: 1}"; line: 1, column: 3]"#
    );
    assert_eq!(
        rejection(&[], "instance is running"),
        r#"Invalid InputTemplate for target t1 : [Source: (String)"instance is running"; line: 1, column: 9]"#
    );
    // Accepted: strings, several strings on lines, placeholders as values.
    transformer(&[("k", "$.detail")], "\"<k> one\"\n\"<k> two\"");
    transformer(&[("k", "$.detail")], "{\"a\": [9, <k>, true], \"b\": \"x <k>\"}");
    transformer(&[("k", "$.detail")], "<k> is here");
}

#[test]
fn paths_are_not_validated() {
    let input = TargetInput::from_target("t1", None, Some("$.detail"), None).expect("valid");
    assert_eq!(input.render(&event(), &CONTEXT), Ok(event()["detail"].to_string()));
    let odd = TargetInput::from_target("t1", None, Some("$."), None).expect("accepted, as AWS does");
    assert_eq!(odd.unsupported_paths().iter().map(|p| p.as_str()).collect::<Vec<_>>(), ["$."]);
    let odd = transformer(&[("a", "$..deep"), ("b", "$.detail")], "\"<a><b>\"");
    assert_eq!(odd.unsupported_paths().iter().map(|p| p.as_str()).collect::<Vec<_>>(), ["$..deep"]);
}

#[test]
fn model_limits_come_first_and_name_the_position() {
    let keys: Vec<(String, String)> = (0..101).map(|i| (format!("k{i}"), "$.detail".to_string())).collect();
    let spec = InputTransformerSpec { input_paths_map: keys, input_template: "\"x\"".into() };
    let message = TargetInput::from_target_at(4, "t1", None, Some("$"), Some(&spec)).expect_err("rejected").message;
    assert!(message.contains("at 'targets.4.member.inputTransformer.inputPathsMap'"), "{message}");
}

// --- What the target receives ---

#[test]
fn input_path_writes_the_selection_as_json() {
    let render =
        |path: &str| TargetInput::from_target("t1", None, Some(path), None).expect("ok").render(&event(), &CONTEXT);
    assert_eq!(render("$.detail.payload").as_deref(), Ok(r#"{"acc_id":"0a787ecb-4015","sf_id":"baz"}"#));
    assert_eq!(render("$.detail.payload.sf_id").as_deref(), Ok("\"baz\""));
    assert_eq!(render("$.detail.count").as_deref(), Ok("3"));
    assert_eq!(render("$").as_deref(), Ok(event().to_string().as_str()));
    assert_eq!(render("$.detail.listmulti[*]").as_deref(), Ok(r#"["ACTIVE","INACTIVE"]"#));
    assert!(render("$.detail.notinmessage").is_err());
}

#[test]
fn json_template_quotes_strings_outside_quotes() {
    assert_eq!(
        render(&PATHS, "{\"c\": <command>, \"p\": <payload>, \"l\": <list>, \"v\": <valid>, \"n\": <count>}")
            .as_deref(),
        Ok(
            r#"{"c": "update-account", "p": {"acc_id":"0a787ecb-4015","sf_id":"baz"}, "l": ["ACTIVE","INACTIVE"], "v": true, "n": 3}"#
        )
    );
    // Escaped properly as a JSON string.
    assert_eq!(render(&PATHS, "{\"q\": <quote>}").as_deref(), Ok(r#"{"q": "say \"hi\""}"#));
}

#[test]
fn json_template_inserts_raw_text_inside_quotes() {
    assert_eq!(
        render(&PATHS, "{\"path\": \"users/<command>/<count>/<valid>\"}").as_deref(),
        Ok(r#"{"path": "users/update-account/3/true"}"#)
    );
}

#[test]
fn missing_values_are_empty_strings() {
    assert_eq!(render(&PATHS, "{\"c\": <missing>}").as_deref(), Ok(r#"{"c": ""}"#));
    assert_eq!(render(&PATHS, "{\"c\": \"x<missing>y\"}").as_deref(), Ok(r#"{"c": "xy"}"#));
    assert_eq!(render(&PATHS, "\"detail <missing>\"").as_deref(), Ok("\"detail \""));
}

#[test]
fn json_values_inside_quotes_break_the_json_and_are_not_delivered() {
    for template in ["{\"payload\": \"<payload>\"}", "{\"l\": \"<list>\"}", "{\"q\": \"<quote>\"}"] {
        let error = render(&PATHS, template).expect_err("not delivered");
        assert!(error.reason.contains("not valid JSON"), "{error}");
    }
}

#[test]
fn string_template_writes_text_and_unquoted_objects() {
    assert_eq!(
        render(&PATHS, "\"<command>: <payload> <list> <valid> <count><missing>\"").as_deref(),
        Ok("\"update-account: {acc_id:0a787ecb-4015,sf_id:baz} [ACTIVE,INACTIVE] true 3\"")
    );
    // Several strings, one per line: delivered as written.
    assert_eq!(
        render(&PATHS, "\"<command> one\"\n\"<valid> two\"").as_deref(),
        Ok("\"update-account one\"\n\"true two\"")
    );
    // A template that does not start with a quote gives text that is not JSON.
    assert!(render(&PATHS, "<list> multiple list items").is_err());
}

#[test]
fn predefined_variables() {
    assert_eq!(
        render(&[], "\"<aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>\"").as_deref(),
        Ok("\"arn:aws:events:us-east-1:111111111111:rule/bus/rule-1 rule-1 2024-06-11T08:33:13Z\"")
    );
    assert_eq!(
        render(&[], "{\"arn\": <aws.events.rule-arn>, \"name\": \"<aws.events.rule-name>\"}").as_deref(),
        Ok(r#"{"arn": "arn:aws:events:us-east-1:111111111111:rule/bus/rule-1", "name": "rule-1"}"#)
    );
    let body = render(&[], "{\"e\": <aws.events.event>, \"j\": <aws.events.event.json>}").expect("delivered");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["j"], event());
    let keys: Vec<&String> = body["e"].as_object().expect("object").keys().collect();
    assert_eq!(keys, ["id", "account", "detailType", "time", "source", "region", "resources", "version"]);
    assert_eq!(body["e"]["detailType"], "core.update-account-command");
}

#[test]
fn null_values_are_written_as_null() {
    let paths = [("n", "$.detail.nothing")];
    assert_eq!(render(&paths, "{\"n\": <n>}").as_deref(), Ok(r#"{"n": null}"#));
    assert_eq!(render(&paths, "\"n is <n>\"").as_deref(), Ok("\"n is null\""));
}

#[test]
fn later_duplicate_keys_win() {
    assert_eq!(
        render(&[("k", "$.detail.command"), ("k", "$.detail.count")], "{\"k\": <k>}").as_deref(),
        Ok(r#"{"k": 3}"#)
    );
}

#[test]
fn errors_carry_the_aws_code() {
    assert_eq!(TransformError::CODE, "ValidationException");
    let error = TransformError::new("m");
    assert_eq!(error.to_string(), "m");
}
