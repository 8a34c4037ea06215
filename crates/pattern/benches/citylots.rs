//! Throughput of the [`Matcher`] on event-ruler's CityLots2 benchmark.
//!
//! The 70 rules of `citylots2_benchmark_rules.json` (14 matcher kinds, 5 rules
//! each) run over CityLots2-shaped GeoJSON events from a deterministic
//! generator (`citylots/generator.rs`), on one thread. The events are made as
//! JSON text first; the timed loop parses and matches each text
//! ([`Matcher::matching_rules_json`]), as event-ruler's benchmark does. It
//! prints events per second for each kind next to event-ruler's published
//! figures, the matches of each rule next to the real data set's, and how
//! throughput changes from 1 to 10,000 rules (`citylots/synthetic.rs`).
//!
//! ```text
//! cargo bench -p choreoscope-pattern --bench citylots                  # 213,068 events
//! cargo bench -p choreoscope-pattern --bench citylots -- --events 5000 # smoke test
//! ```
//!
//! Options: `--events N` (default 213,068, the real data set's size), `--runs R`
//! (timed passes per figure, the fastest is reported; default 5, at most 3
//! in the scaling runs), `--max-rules N`
//! (largest rule count of the scaling runs; default 10,000), `--scaling-only`
//! (only the run of all kinds together, for profiling it), `--scales 10000`
//! (the rule counts of that run, to profile one). Run without
//! `--bench` (as `cargo test --benches` does), it is a quick smoke test.

#[path = "citylots/generator.rs"]
mod generator;
#[path = "citylots/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::time::{Duration, Instant};

use choreoscope_pattern::{Matcher, Pattern};
use serde_json::Value;

use generator::{Generator, REFERENCE_EVENTS};

/// The benchmark rules, read from the shared conformance data (never copied into the repository).
const RULES_FILE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/eventbridge/citylots2_benchmark_rules.json");

/// event-ruler's published events per second (its README: a 2019 laptop, one
/// thread, 5 rules of a kind). The variants of a family (prefix and suffix
/// equals-ignore-case, the five anything-but kinds) are held to their family's figure.
fn event_ruler_figure(kind: &str) -> f64 {
    match kind {
        "EXACT" | "PREFIX" | "SUFFIX" => 220_000.0,
        "EQUALS_IGNORE_CASE" | "PREFIX_EQUALS_IGNORE_CASE" | "SUFFIX_EQUALS_IGNORE_CASE" => 200_000.0,
        "WILDCARD" => 170_000.0,
        "NUMERIC" => 120_000.0,
        "COMPLEX_ARRAYS" => 35_000.0,
        kind if kind.starts_with("ANYTHING_BUT") => 150_000.0,
        _ => f64::NAN,
    }
}

/// The goal: at least this many times event-ruler's figure.
const GOAL: f64 = 2.0;

/// Time per timed pass of the scaling runs, beyond which a pass stops early
/// (after a multiple of 10,000 events), to bound the run time when many rules are slow.
const SCALING_BUDGET: Duration = Duration::from_secs(3);
/// The same for the per-kind scaling run.
const PER_KIND_BUDGET: Duration = Duration::from_millis(1_500);

/// Rule counts of the scaling run.
const SCALES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

/// Rules of one kind in the per-kind scaling run.
const PER_KIND_RULES: [usize; 2] = [1_000, 10_000];

struct Options {
    events: usize,
    runs: usize,
    max_rules: usize,
    /// Only the scaling run of all kinds together (for profiling it).
    scaling_only: bool,
    /// The rule counts of the scaling run, if not [`SCALES`] (to profile one).
    scales: Option<Vec<usize>>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; without it the binary runs as a test (`cargo test --benches`).
    let bench = args.iter().any(|a| a == "--bench");
    let mut options = if bench {
        Options { events: REFERENCE_EVENTS, runs: 5, max_rules: 10_000, scaling_only: false, scales: None }
    } else {
        Options { events: 2_000, runs: 1, max_rules: 100, scaling_only: false, scales: None }
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || -> usize {
            args.next()
                .and_then(|v| v.replace(['_', ','], "").parse().ok())
                .unwrap_or_else(|| panic!("{arg} takes a number"))
        };
        match arg.as_str() {
            "--events" => options.events = value().max(1),
            "--runs" => options.runs = value().max(1),
            "--max-rules" => options.max_rules = value(),
            "--scaling-only" => options.scaling_only = true,
            "--scales" => {
                let list = args.next().unwrap_or_else(|| panic!("--scales takes a list such as 1,10000"));
                let scales = list.split(',').map(|n| n.replace('_', "").parse().expect("--scales: numbers"));
                options.scales = Some(scales.collect());
            }
            _ => {}
        }
    }
    options
}

struct Rule {
    kind: String,
    /// The pattern as the file spells it: re-serializing a parsed copy could
    /// change the last digit of a float, and the `=` rules compare floats.
    pattern: String,
    expected: u64,
}

fn load_rules() -> Vec<Rule> {
    let text = std::fs::read_to_string(RULES_FILE).unwrap_or_else(|e| panic!("reading {RULES_FILE}: {e}"));
    let rules: Vec<Value> = serde_json::from_str(&text).expect("the rule file is a JSON array");
    let patterns = raw_objects_after(&text, "\"pattern\"");
    assert_eq!(patterns.len(), rules.len(), "one pattern per rule");
    rules
        .into_iter()
        .zip(patterns)
        .map(|(rule, pattern)| Rule {
            kind: rule["kind"].as_str().expect("kind").to_string(),
            pattern: pattern.to_string(),
            expected: rule["expected_matching_events"].as_u64().expect("expected_matching_events"),
        })
        .collect()
}

/// The text of the JSON object that follows each `key` (and its colon) in `text`.
fn raw_objects_after<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let mut objects = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(key) {
        let after = &rest[at + key.len()..];
        let start = after.find('{').expect("an object follows");
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut end = start;
        for (i, c) in after[start..].char_indices() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (true, false, _) => {}
                (false, _, '"') => in_string = true,
                (false, _, '{' | '[') => depth += 1,
                (false, _, '}' | ']') => depth -= 1,
                (false, _, _) => {}
            }
            if depth == 0 {
                end = start + i + 1;
                break;
            }
        }
        objects.push(&after[start..end]);
        rest = &after[end..];
    }
    objects
}

/// Matches per rule and events per second (of the fastest timed pass: on a
/// shared machine other work only ever slows a pass down).
struct Measurement {
    events_per_second: f64,
    /// Matches per rule in the last pass, or (see [`Tally`]) their number.
    counts: Vec<u64>,
    /// Events of the last pass.
    events: usize,
}

impl Measurement {
    fn matches(&self) -> u64 {
        self.counts.iter().sum()
    }

    fn matches_per_event(&self) -> f64 {
        self.matches() as f64 / self.events.max(1) as f64
    }
}

/// What a timed pass keeps of the matches.
#[derive(Clone, Copy, PartialEq)]
enum Tally {
    /// How many each rule got (the kind tables' expected column).
    PerRule,
    /// Only how many there were: a count per rule over 10,000 rules is a
    /// cache miss a match in the harness, not time the matcher takes.
    Total,
}

/// Times each matcher (with its number of rules) over `events`: a warm-up
/// over a few events, then `runs` passes, each parsing and matching every
/// text, or as many as it can in `budget` (in steps of 10,000 events). The
/// passes are interleaved (the first pass of every matcher, then the
/// second...), so that a burst of other work on the machine slows a pass of
/// several matchers rather than every pass of one.
fn measure(
    matchers: &[(Matcher<usize>, usize)],
    events: &[String],
    runs: usize,
    budget: Option<Duration>,
    tally: Tally,
) -> Vec<Measurement> {
    let mut measurements: Vec<Measurement> = matchers
        .iter()
        .map(|(matcher, rules)| {
            for event in events.iter().take(if budget.is_some() { 1_000 } else { 10_000 }) {
                black_box(matcher.matching_rules_json(event).expect("the events are JSON"));
            }
            let counters = if tally == Tally::PerRule { *rules } else { 1 };
            Measurement { events_per_second: 0.0, counts: vec![0; counters], events: 0 }
        })
        .collect();
    for _ in 0..runs {
        for ((matcher, _), m) in matchers.iter().zip(&mut measurements) {
            m.counts.iter_mut().for_each(|c| *c = 0);
            m.events = 0;
            let start = Instant::now();
            for chunk in events.chunks(10_000) {
                for event in chunk {
                    let ids = matcher.matching_rules_json(black_box(event)).expect("the events are JSON");
                    match tally {
                        Tally::PerRule => ids.iter().for_each(|&&id| m.counts[id] += 1),
                        Tally::Total => m.counts[0] += ids.len() as u64,
                    }
                }
                m.events += chunk.len();
                if budget.is_some_and(|budget| start.elapsed() > budget) {
                    break;
                }
            }
            let elapsed = start.elapsed().max(Duration::from_nanos(1));
            m.events_per_second = m.events_per_second.max(m.events as f64 / elapsed.as_secs_f64());
        }
    }
    measurements
}

/// A matcher with `patterns` as rules `0..`, the time it took to add them,
/// and the patterns it rejected (with the reason).
fn matcher_of<'a>(patterns: impl IntoIterator<Item = &'a str>) -> (Matcher<usize>, Duration, Vec<String>) {
    let start = Instant::now();
    let mut matcher = Matcher::new();
    let mut rejected = Vec::new();
    for (id, text) in patterns.into_iter().enumerate() {
        match Pattern::parse(text) {
            Ok(pattern) => matcher.add_rule(id, pattern),
            Err(e) => rejected.push(format!("{}: {e}", compact(text))),
        }
    }
    (matcher, start.elapsed(), rejected)
}

/// The pattern on one line, without the file's indentation.
fn compact(pattern: &str) -> String {
    pattern.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `1234567` → `1,234,567`.
fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The reference parse and the tables of each kind's 5 rules on their own:
/// events per second against event-ruler's figure, and matches per rule.
fn kind_tables(rules: &[Rule], kinds: &[&str], events: &[String], runs: usize, scale: f64) -> Vec<Measurement> {
    // For reference: parsing alone, into a `serde_json::Value`.
    let parse = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for event in events {
                black_box(serde_json::from_str::<Value>(black_box(event)).expect("the events are JSON"));
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
        .max(Duration::from_nanos(1));
    println!(
        "For reference, serde_json::from_str::<Value> alone: {} events/s (fastest pass)",
        grouped(events.len() as f64 / parse.as_secs_f64())
    );
    println!();

    // Each kind's 5 rules on their own.
    let of_kind = |kind: &str| -> Vec<&Rule> { rules.iter().filter(|r| r.kind == kind).collect() };
    let mut rejected = Vec::new();
    let matchers: Vec<(Matcher<usize>, usize)> = kinds
        .iter()
        .map(|kind| {
            let (matcher, _, mut bad) = matcher_of(of_kind(kind).iter().map(|r| r.pattern.as_str()));
            rejected.append(&mut bad);
            (matcher, of_kind(kind).len())
        })
        .collect();
    let five = measure(&matchers, events, runs, None, Tally::PerRule);
    println!(
        "{:<27} {:>10} {:>12} {:>6}  {:<6} {:>18}",
        "kind", "events/s", "event-ruler", "x", "goal", "matches (expected)"
    );
    let mut misses = Vec::new();
    for (kind, m) in kinds.iter().zip(&five) {
        let reference = event_ruler_figure(kind);
        let ratio = m.events_per_second / reference;
        let expected: u64 = of_kind(kind).iter().map(|r| r.expected).sum();
        if ratio < GOAL {
            misses.push(*kind);
        }
        println!(
            "{:<27} {:>10} {:>12} {:>6.1}  {:<6} {:>18}",
            kind,
            grouped(m.events_per_second),
            grouped(reference),
            ratio,
            if ratio >= GOAL { "met" } else { "MISSED" },
            format!("{} ({})", grouped(m.matches() as f64), grouped(expected as f64 * scale)),
        );
    }
    println!();
    if misses.is_empty() {
        println!("All kinds reach {GOAL}x event-ruler's figure.");
    } else {
        println!("Below {GOAL}x event-ruler's figure: {}", misses.join(", "));
    }
    for r in &rejected {
        println!("Rejected: {r}");
    }
    println!();
    println!("Matches per rule (expected: in the real CityLots2, scaled to {} events)", grouped(events.len() as f64));
    println!("{:<27} {:>9} {:>10}  pattern", "kind", "matches", "expected");
    for (kind, m) in kinds.iter().zip(&five) {
        for (rule, got) in of_kind(kind).iter().zip(&m.counts) {
            println!(
                "{:<27} {:>9} {:>10}  {}",
                kind,
                grouped(*got as f64),
                grouped(rule.expected as f64 * scale),
                compact(&rule.pattern)
            );
        }
    }
    println!();

    five
}

fn main() {
    let options = options();
    let rules = load_rules();
    let scale = options.events as f64 / REFERENCE_EVENTS as f64;

    let start = Instant::now();
    let events = Generator::events(options.events);
    let bytes: usize = events.iter().map(String::len).sum();
    println!(
        "CityLots2-shaped events: {} (average {} bytes), generated in {:.1} s; one thread; fastest of {} pass{}",
        grouped(events.len() as f64),
        bytes / events.len(),
        start.elapsed().as_secs_f64(),
        options.runs,
        if options.runs == 1 { "" } else { "es" },
    );
    println!();

    let mut kinds: Vec<&str> = Vec::new();
    for rule in &rules {
        if !kinds.contains(&rule.kind.as_str()) {
            kinds.push(&rule.kind);
        }
    }
    let five =
        if options.scaling_only { Vec::new() } else { kind_tables(&rules, &kinds, &events, options.runs, scale) };

    // Scaling: 1 to 10,000 distinct rules of all kinds.
    let scaling_runs = options.runs.min(3);
    let templates: Vec<Value> =
        rules.iter().map(|r| serde_json::from_str(&r.pattern).expect("the patterns are JSON")).collect();
    let scales: Vec<usize> = match &options.scales {
        Some(scales) => scales.clone(),
        None => SCALES.iter().copied().filter(|&n| n <= options.max_rules.max(1)).collect(),
    };
    let largest = scales.last().copied().unwrap_or(1);
    let synthetic = synthetic::rules(&templates, largest);
    let mut added = Vec::new();
    let matchers: Vec<(Matcher<usize>, usize)> = scales
        .iter()
        .map(|&n| {
            let (matcher, time, bad) = matcher_of(synthetic.iter().take(n).map(String::as_str));
            bad.iter().for_each(|r| println!("Rejected: {r}"));
            added.push(time);
            (matcher, n)
        })
        .collect();
    let measured = measure(&matchers, &events, scaling_runs, Some(SCALING_BUDGET), Tally::Total);
    println!(
        "Scaling: synthetic rules with distinct values, the 14 kinds interleaved (1 rule: EXACT); \
         fastest of {scaling_runs}, a pass stops after {} s",
        SCALING_BUDGET.as_secs()
    );
    println!("{:>7} {:>10} {:>14} {:>10} {:>9}", "rules", "events/s", "matches/event", "slowdown", "add (ms)");
    let base = measured[0].events_per_second;
    for ((n, m), time) in scales.iter().zip(&measured).zip(&added) {
        println!(
            "{:>7} {:>10} {:>14.2} {:>9.2}x {:>9.1}",
            grouped(*n as f64),
            grouped(m.events_per_second),
            m.matches_per_event(),
            base / m.events_per_second,
            time.as_secs_f64() * 1e3,
        );
    }
    if largest > 1 {
        let last = measured.last().expect("a scale");
        println!();
        println!("slowdown 1 -> {}: {:.2}x (goal: at most 2x)", grouped(largest as f64), base / last.events_per_second);
    }

    if options.scaling_only {
        return;
    }

    // Scaling per kind: 1,000 and 10,000 rules of one kind against its 5 rules.
    let mut sizes: Vec<usize> = PER_KIND_RULES.iter().map(|&n| n.min(options.max_rules)).filter(|&n| n > 5).collect();
    sizes.dedup();
    if sizes.is_empty() {
        return;
    }
    // One size at a time, so that only 14 large matchers are in memory at once.
    let measured: Vec<Vec<Measurement>> = sizes
        .iter()
        .map(|&size| {
            let matchers: Vec<(Matcher<usize>, usize)> = kinds
                .iter()
                .map(|kind| {
                    let of_kind: Vec<Value> =
                        templates.iter().zip(&rules).filter(|(_, r)| r.kind == *kind).map(|(t, _)| t.clone()).collect();
                    let (matcher, _, bad) = matcher_of(synthetic::rules(&of_kind, size).iter().map(String::as_str));
                    bad.iter().for_each(|r| println!("Rejected: {r}"));
                    (matcher, size)
                })
                .collect();
            measure(&matchers, &events, scaling_runs, Some(PER_KIND_BUDGET), Tally::Total)
        })
        .collect();
    println!();
    println!(
        "Scaling per kind: synthetic rules of the kind against its 5 rules; fastest of {scaling_runs}, \
         a pass stops after {:.1} s; matches per event at the most rules",
        PER_KIND_BUDGET.as_secs_f64()
    );
    print!("{:<27} {:>10}", "kind", "5 rules");
    for size in &sizes {
        print!(" {:>10}", grouped(*size as f64));
    }
    print!(" {:>14}", "matches/event");
    for size in &sizes {
        print!(" {:>10}", format!("x {}", grouped(*size as f64)));
    }
    println!();
    for (k, (kind, five)) in kinds.iter().zip(&five).enumerate() {
        print!("{:<27} {:>10}", kind, grouped(five.events_per_second));
        for m in &measured {
            print!(" {:>10}", grouped(m[k].events_per_second));
        }
        let largest = &measured[measured.len() - 1][k];
        print!(" {:>14.2}", largest.matches_per_event());
        for m in &measured {
            print!(" {:>9.2}x", five.events_per_second / m[k].events_per_second);
        }
        println!();
    }
}
