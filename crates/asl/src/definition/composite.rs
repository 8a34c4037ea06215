//! Parallel and Map states.

use serde_json::Value;

use super::fields::{Diags, Fields, item};
use super::parse::parse_branch;
use super::{Dynamic, MapSpec, PathField, QueryLanguage, StateKind};

pub(super) fn parse_parallel(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<StateKind> {
    f.require(d, &["Branches"]);
    let items = f.array(d, "Branches")?;
    if items.is_empty() {
        d.schema(&f.at("Branches"), "The array must not be empty");
    }
    let mut branches = Vec::new();
    for (i, value) in items.iter().enumerate() {
        let location = item(&f.at("Branches"), i);
        match value {
            Value::Object(map) => {
                let b = Fields::new(map, location);
                b.only(d, &["StartAt", "States", "Comment"]);
                branches.extend(parse_branch(&b, language, d));
            }
            _ => d.schema(&location, "Expected value of type: Object"),
        }
    }
    Some(StateKind::Parallel { branches })
}

pub(super) fn parse_map(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Option<StateKind> {
    f.at_most_one(d, &["ItemProcessor", "Iterator"]);
    f.at_most_one(d, &["Items", "ItemsPath"]);
    if !f.has("ItemProcessor") && !f.has("Iterator") {
        d.schema(&f.location, "These fields are required: [ItemProcessor]");
        return None;
    }
    let key = if f.has("ItemProcessor") { "ItemProcessor" } else { "Iterator" };
    let map = f.object(d, key)?;
    let p = Fields::new(map, f.at(key));
    p.only(d, &["StartAt", "States", "Comment", "ProcessorConfig"]);
    let mut distributed = false;
    if let Some(config) = p.object(d, "ProcessorConfig") {
        let c = Fields::new(config, p.at("ProcessorConfig"));
        c.only(d, &["Mode", "ExecutionType"]);
        match c.string(d, "Mode") {
            None | Some("INLINE") => {}
            Some("DISTRIBUTED") => distributed = true,
            Some(other) => d.schema(&c.at("Mode"), format!("Value '{other}' is not one of [INLINE, DISTRIBUTED]")),
        }
        if let Some(kind) = c.string(d, "ExecutionType")
            && kind != "STANDARD"
            && kind != "EXPRESS"
        {
            d.schema(&c.at("ExecutionType"), format!("Value '{kind}' is not one of [STANDARD, EXPRESS]"));
        }
    }
    let processor = parse_branch(&p, language, d)?;
    let items_path = match f.get("ItemsPath") {
        None => PathField::Whole,
        Some(_) => f.reference_path(d, "ItemsPath", true).map_or(PathField::Whole, PathField::Path),
    };
    let max_concurrency = number_pair(f, d, "MaxConcurrency", "MaxConcurrencyPath", language, u64::MAX);
    number_pair(f, d, "ToleratedFailureCount", "ToleratedFailureCountPath", language, u64::MAX);
    tolerated_percentage(f, language, d);
    let mut uses_distributed_features = false;
    if let Some(reader) = f.object(d, "ItemReader") {
        uses_distributed_features = true;
        let r = Fields::new(reader, f.at("ItemReader"));
        r.only(d, &["Resource", "ReaderConfig", "Parameters", "Arguments"]);
        r.require(d, &["Resource"]);
        if let Some(config) = r.object(d, "ReaderConfig") {
            let c = Fields::new(config, r.at("ReaderConfig"));
            number_pair(&c, d, "MaxItems", "MaxItemsPath", language, 100_000_000);
        }
    }
    if let Some(batcher) = f.object(d, "ItemBatcher") {
        uses_distributed_features = true;
        let b = Fields::new(batcher, f.at("ItemBatcher"));
        b.only(
            d,
            &[
                "MaxItemsPerBatch",
                "MaxItemsPerBatchPath",
                "MaxInputBytesPerBatch",
                "MaxInputBytesPerBatchPath",
                "BatchInput",
            ],
        );
        number_pair(&b, d, "MaxItemsPerBatch", "MaxItemsPerBatchPath", language, u64::MAX);
        number_pair(&b, d, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", language, 262_144);
    }
    if f.object(d, "ResultWriter").is_some() {
        uses_distributed_features = true;
    }
    f.string(d, "Label");
    Some(StateKind::Map(MapSpec {
        items_path,
        max_concurrency: max_concurrency.unwrap_or(Dynamic::Fixed(0)),
        processor,
        distributed,
        uses_distributed_features,
    }))
}

fn number_pair(
    f: &Fields<'_>,
    d: &mut Diags,
    key: &str,
    path_key: &str,
    language: QueryLanguage,
    max: u64,
) -> Option<Dynamic<u64>> {
    f.dynamic_count(d, key, path_key, language, max)
}

fn tolerated_percentage(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) {
    let (key, path_key) = ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
    f.at_most_one(d, &[key, path_key]);
    match f.get(key) {
        Some(Value::String(text)) if language == QueryLanguage::Jsonata => {
            f.jsonata(d, &f.at(key), text);
        }
        Some(_) => match f.number(d, key) {
            Some(p) if p < 0.0 => d.schema(&f.at(key), "Minimum value is 0.0"),
            Some(p) if p > 100.0 => d.schema(&f.at(key), "Maximum value is 100.0"),
            _ => {}
        },
        None => {
            if f.has(path_key) {
                f.reference_path(d, path_key, true);
            }
        }
    }
}
