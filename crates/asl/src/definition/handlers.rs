//! `Retry` and `Catch`.

use serde_json::Value;

use super::fields::{Diags, Fields, item};
use super::{Catcher, PathField, QueryLanguage, Retrier};
use crate::error::names;

/// `States.ALL` must stand alone and in the last entry.
fn check_all(entries: &[Vec<String>], location: &str, d: &mut Diags) {
    for (i, errors) in entries.iter().enumerate() {
        if errors.iter().any(|e| e == names::ALL) && (errors.len() > 1 || i + 1 != entries.len()) {
            d.schema(&item(location, i), "States.ALL must appear alone in ErrorEquals, and only in the last entry");
        }
    }
}

fn objects<'a>(f: &Fields<'a>, key: &str, d: &mut Diags) -> Vec<(String, Fields<'a>)> {
    let Some(items) = f.array(d, key) else { return Vec::new() };
    let mut out = Vec::new();
    for (i, value) in items.iter().enumerate() {
        let location = item(&f.at(key), i);
        match value {
            Value::Object(map) => out.push((location.clone(), Fields::new(map, location))),
            _ => d.schema(&location, "Expected value of type: Object"),
        }
    }
    out
}

pub(super) fn parse_retry(f: &Fields<'_>, d: &mut Diags) -> Vec<Retrier> {
    let mut retriers = Vec::new();
    for (_, r) in objects(f, "Retry", d) {
        r.only(
            d,
            &[
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
                "Comment",
            ],
        );
        r.require(d, &["ErrorEquals"]);
        let interval_seconds = r.count(d, "IntervalSeconds", 99_999_999).unwrap_or(1);
        if r.has("IntervalSeconds") && interval_seconds == 0 {
            d.schema(&r.at("IntervalSeconds"), "Minimum value is 1");
        }
        let backoff_rate = r.number(d, "BackoffRate").unwrap_or(2.0);
        if backoff_rate < 1.0 {
            d.schema(&r.at("BackoffRate"), "Minimum value is 1.0");
        }
        let max_delay_seconds = r.count(d, "MaxDelaySeconds", 31_622_400);
        let full_jitter = match r.string(d, "JitterStrategy") {
            None | Some("NONE") => false,
            Some("FULL") => true,
            Some(other) => {
                d.schema(&r.at("JitterStrategy"), format!("Value '{other}' is not one of [FULL, NONE]"));
                false
            }
        };
        retriers.push(Retrier {
            error_equals: r.error_equals(d),
            interval_seconds: interval_seconds.max(1),
            max_attempts: r.count(d, "MaxAttempts", 99_999_999).unwrap_or(3),
            backoff_rate,
            max_delay_seconds,
            full_jitter,
        });
    }
    let errors: Vec<Vec<String>> = retriers.iter().map(|r| r.error_equals.clone()).collect();
    check_all(&errors, &f.at("Retry"), d);
    retriers
}

pub(super) fn parse_catch(f: &Fields<'_>, language: QueryLanguage, d: &mut Diags) -> Vec<Catcher> {
    let mut catchers = Vec::new();
    for (_, c) in objects(f, "Catch", d) {
        match language {
            QueryLanguage::JsonPath => c.only(d, &["ErrorEquals", "Next", "ResultPath", "Comment", "Assign"]),
            QueryLanguage::Jsonata => c.only(d, &["ErrorEquals", "Next", "Output", "Comment", "Assign"]),
        }
        c.require(d, &["ErrorEquals", "Next"]);
        let result_path = match c.get("ResultPath") {
            None => PathField::Whole,
            Some(Value::Null) => PathField::Discard,
            Some(_) => c.reference_path(d, "ResultPath", false).map_or(PathField::Whole, PathField::Path),
        };
        let error_equals = c.error_equals(d);
        if let Some(next) = c.string(d, "Next") {
            catchers.push(Catcher { error_equals, next: next.to_owned(), result_path });
        }
    }
    let errors: Vec<Vec<String>> = catchers.iter().map(|c| c.error_equals.clone()).collect();
    check_all(&errors, &f.at("Catch"), d);
    catchers
}
