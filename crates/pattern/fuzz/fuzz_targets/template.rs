//! An InputTransformer (paths map and template) and an event from the same
//! input: validation and rendering never panic, and what a JSON template
//! delivers starts with a complete JSON value (like AWS, only the first value
//! is checked; what follows it is delivered as written).
#![no_main]

use choreoscope_pattern::transform::{DeliveryContext, InputTransformerSpec, TargetInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let mut parts = input.splitn(3, '\n');
    let (Some(paths), Some(template), Some(event)) = (parts.next(), parts.next(), parts.next()) else { return };
    let input_paths_map = paths
        .split(';')
        .filter_map(|entry| entry.split_once('='))
        .map(|(name, path)| (name.to_owned(), path.to_owned()))
        .collect();
    let spec = InputTransformerSpec { input_paths_map, input_template: template.to_owned() };
    let Ok(target) = TargetInput::from_target("t", None, None, Some(&spec)) else { return };
    let Ok(event) = serde_json::from_str::<serde_json::Value>(event) else { return };
    let context = DeliveryContext {
        rule_arn: "arn:aws:events:us-east-1:123456789012:rule/r",
        rule_name: "r",
        ingestion_time: "2026-11-22T00:00:00Z",
    };
    if let (Ok(body), TargetInput::Transformer(transformer)) = (target.render(&event, &context), &target)
        && transformer.is_json_template()
    {
        let first = serde_json::Deserializer::from_str(&body).into_iter::<serde_json::Value>().next();
        assert!(matches!(first, Some(Ok(_))), "delivered a body that does not start with JSON: {body}");
    }
});
