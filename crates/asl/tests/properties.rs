//! Properties of the data-flow paths.

use choreoscope_asl::definition::PathField;
use choreoscope_asl::{Execution, ExecutionContext, Path, SeededEntropy, StateMachine, Status, dataflow};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..5)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>()))
}

fn run(definition: Value, input: Value) -> Status {
    let machine = StateMachine::parse(&definition.to_string()).expect("valid");
    let mut entropy = SeededEntropy::new(9);
    let (execution, _) = Execution::start(&machine, ExecutionContext::example(), input, 0, &mut entropy);
    execution.status().clone()
}

proptest! {
    #[test]
    fn result_path_dollar_replaces(input in json_value(), result in json_value()) {
        prop_assert_eq!(dataflow::place_result(&PathField::Whole, &input, result.clone()), Ok(result));
    }

    #[test]
    fn result_path_null_keeps_the_input(input in json_value(), result in json_value()) {
        prop_assert_eq!(dataflow::place_result(&PathField::Discard, &input, result), Ok(input));
    }

    #[test]
    fn result_path_writes_where_it_says(input in json_object(), result in json_value()) {
        let path = Path::parse("$.placed.here").expect("path");
        let output = dataflow::place_result(&PathField::Path(path.clone()), &input, result.clone());
        let output = match output {
            Ok(output) => output,
            // `placed` already holds something that is not an object.
            Err(_) => { prop_assert!(input.get("placed").is_some_and(|v| !v.is_object())); return Ok(()); }
        };
        prop_assert_eq!(path.select(&output).into_value(), Some(result));
        for (key, value) in input.as_object().into_iter().flatten().filter(|(k, _)| *k != "placed") {
            prop_assert_eq!(output.get(key), Some(value));
        }
    }

    #[test]
    fn input_path_then_output_path_dollar_is_identity(input in json_value()) {
        let definition = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$", "OutputPath": "$", "End": true}}});
        prop_assert_eq!(run(definition, input.clone()), Status::Succeeded { output: input });
    }

    #[test]
    fn constant_parameters_ignore_the_input(input in json_value(), constants in json_object()) {
        // Keys ending in `.$` would not be constants.
        let constants: Map<String, Value> = constants.as_object().into_iter().flatten()
            .map(|(k, v)| (k.clone(), v.clone())).collect();
        let definition = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": constants.clone(), "End": true}}});
        prop_assert_eq!(run(definition, input), Status::Succeeded { output: Value::Object(constants) });
    }

    #[test]
    fn reference_paths_select_what_they_write(input in json_object(), key in "[a-z]{1,4}", value in json_value()) {
        let path = Path::parse(&format!("$['{key}']")).expect("path");
        let written = dataflow::place_result(&PathField::Path(path.clone()), &input, value.clone()).expect("an object");
        prop_assert_eq!(path.select(&written).into_value(), Some(value.clone()));
        let dotted = Path::parse(&format!("$.{key}")).expect("path");
        prop_assert_eq!(dotted.select(&written).into_value(), Some(value));
    }

    #[test]
    fn path_parsing_never_panics(text in "\\PC{0,40}") {
        let _ = Path::parse(&text);
        let _ = Path::parse(&format!("${text}"));
    }
}
