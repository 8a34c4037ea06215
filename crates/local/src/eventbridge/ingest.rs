//! Ingestion: what happens to an event a bus accepted, whoever sent it
//! (PutEvents, a rule targeting another bus, a replay, a schedule): it is
//! kept, matched against the bus's rules, logged, and delivered to every
//! target of every matched rule (at once to a queue or log group of the
//! store, else by a delivery scheduled for the dispatcher), all in the
//! caller's transaction.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::Arc;

use choreoscope_pattern::transform::{DeliveryContext, TargetInput};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::bus_log::{self, Level, Record};
use super::buses;
use super::names::rule_arn;
use super::routing::{BusRules, RouteTarget};
use crate::clock::rfc3339_seconds;
use crate::delivery::in_place::{self, Payload};
use crate::delivery::store::{self as deliveries, NewDelivery};
use crate::protocol::AwsError;
use crate::shared::Shared;
use crate::sqs::QueueLookups;

/// A bus as one request matches against it: the bus (if it exists) and its
/// compiled rules.
pub struct BusRoute {
    name: String,
    bus: Option<buses::Bus>,
    rules: Arc<BusRules>,
    /// The queues its targets were delivered to so far, looked up once.
    queues: QueueLookups,
}

/// The buses a request has used so far, each looked up once per request.
#[derive(Default)]
pub struct BusRoutes(Vec<BusRoute>);

impl BusRoutes {
    /// The route of bus `name`, looked up on first use.
    pub fn of(&mut self, shared: &Shared, conn: &Connection, name: &str) -> rusqlite::Result<&BusRoute> {
        if let Some(index) = self.0.iter().position(|route| route.name == name) {
            return Ok(&self.0[index]);
        }
        let bus = buses::find(conn, name)?;
        let rules = match &bus {
            Some(_) => shared.routes.of_bus(conn, name)?,
            None => Arc::new(BusRules::default()),
        };
        self.0.push(BusRoute { name: name.to_owned(), bus, rules, queues: QueueLookups::default() });
        Ok(&self.0[self.0.len() - 1])
    }
}

/// Where an event comes from, when it is not a fresh PutEvents entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// The replay re-sending it: only the rules it names (all if empty) see
    /// it, and the event carries `replay-name`.
    pub replay: Option<(&'a str, &'a [String])>,
}

/// Keeps one accepted event, matches it against the bus's enabled rules,
/// logs receipt, ingestion and matching, and schedules its deliveries.
pub fn accept(
    shared: &Shared,
    conn: &Connection,
    route: &BusRoute,
    event: &Value,
    now: i64,
    request_id: &str,
    origin: Origin<'_>,
) -> Result<(), AwsError> {
    accept_serialized(shared, conn, route, Serialized::of(event), now, request_id, origin)
}

/// An event and its JSON text as kept, made before taking the store (it is
/// the same whoever receives it).
pub struct Serialized<'a> {
    event: &'a Value,
    json: Cow<'a, str>,
    /// The text's MD5 digest, as SQS gives it, if made yet.
    md5: OnceCell<String>,
    /// The rules it matched, if matched before the store was taken.
    matched: Option<&'a Matched>,
}

impl<'a> Serialized<'a> {
    /// `event` and its text.
    pub fn of(event: &'a Value) -> Self {
        Self { event, json: Cow::Owned(event.to_string()), md5: OnceCell::new(), matched: None }
    }

    /// `event`, its text `json` and the text's MD5 digest `md5`, made
    /// earlier, and the rules it matched if they were matched earlier too.
    pub fn prepared(event: &'a Value, json: &'a str, md5: &str, matched: Option<&'a Matched>) -> Self {
        Self { event, json: Cow::Borrowed(json), md5: OnceCell::from(md5.to_owned()), matched }
    }
}

/// The rules of a bus an event matched, found before the store was taken:
/// the single writer then only writes (the request's own thread matched,
/// in parallel with the writer). Kept only if the writer finds the bus's
/// rules unchanged since.
pub struct Matched {
    /// The compiled rules matched against.
    rules: Arc<BusRules>,
    /// The names of the rules matched, sorted.
    names: Vec<String>,
}

impl Matched {
    /// Matches `event` against the current compiled rules of `bus`, if they
    /// are compiled and current (else the writer matches, with the store).
    pub fn of(shared: &Shared, bus: &str, event: &Value) -> Option<Self> {
        let rules = shared.routes.cached(bus)?;
        let names = matching(&rules, event, Origin::default());
        Some(Self { rules, names })
    }
}

/// The names of `rules` that `event` reaches, sorted.
fn matching(rules: &BusRules, event: &Value, origin: Origin<'_>) -> Vec<String> {
    let mut matched: Vec<String> = rules.matcher.matching_rules(event).into_iter().cloned().collect();
    if let Some((_, only)) = origin.replay
        && !only.is_empty()
    {
        matched.retain(|rule| only.contains(rule));
    }
    matched.sort();
    matched
}

/// [`accept`] for an event already serialized (and perhaps matched).
pub fn accept_serialized(
    shared: &Shared,
    conn: &Connection,
    route: &BusRoute,
    serialized: Serialized<'_>,
    now: i64,
    request_id: &str,
    origin: Origin<'_>,
) -> Result<(), AwsError> {
    let event = serialized.event;
    let id = event["id"].as_str().unwrap_or_default();
    // Like AWS, an event for a bus that does not exist is accepted and then
    // reaches no rule; it is still kept, so it can be found. Matches made
    // before the store was taken stand if the rules are the same object:
    // compiled rules are never changed, only replaced.
    let matched: Cow<'_, [String]> = match serialized.matched {
        Some(Matched { rules, names }) if origin.replay.is_none() && Arc::ptr_eq(rules, &route.rules) => {
            Cow::Borrowed(names)
        }
        _ => Cow::Owned(matching(&route.rules, event, origin)),
    };
    conn.prepare_cached(
        "INSERT INTO events (id, bus, received_ms, event_json, matched_rules) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, route.name, now, &*serialized.json, rule_names_json(&matched)])?;
    let event_seq = conn.last_insert_rowid();
    if let Some(bus) = &route.bus {
        if bus_log::logs(bus, Level::Error) {
            bus_log::write(shared, conn, bus, request_id, log_records(shared, event, id, &bus.name, &matched))?;
        }
        let targets = matched.iter().map(|rule| (rule.as_str(), route.rules.targets_of(rule)));
        let kept = Kept { event, json: &serialized.json, md5: &serialized.md5, seq: event_seq, received_ms: now };
        schedule_deliveries(shared, conn, bus, &route.queues, &kept, request_id, targets)?;
        super::archives::keep(shared, conn, &bus.name, event, now)?;
    }
    Ok(())
}

/// Logs `EVENT_INGEST_FAILURE` for a PutEvents entry the bus refused (it
/// gets no event id; the record carries a fresh one so it can be found).
#[allow(clippy::too_many_arguments)]
pub fn refused(
    shared: &Shared,
    conn: &Connection,
    route: &BusRoute,
    source: Option<&str>,
    detail_type: Option<&str>,
    code: &str,
    message: &str,
    request_id: &str,
) -> rusqlite::Result<()> {
    let Some(bus) = &route.bus else {
        return Ok(());
    };
    let record = Record {
        message_type: "EVENT_INGEST_FAILURE",
        level: Level::Error,
        event_id: uuid::Uuid::new_v4().to_string(),
        invocation_id: None,
        details: json!({
            "caller_account_id": shared.account_id,
            "source": source,
            "detail_type": detail_type,
        }),
        full_details: json!({}),
        error: Some(json!({ "error_code": code, "error_message": message })),
    };
    bus_log::write(shared, conn, bus, request_id, vec![record])
}

/// Keeps the event a scheduled rule fires and schedules its deliveries to
/// that rule's targets (a schedule reaches its own rule only).
#[allow(clippy::too_many_arguments)]
pub fn accept_scheduled(
    shared: &Shared,
    conn: &Connection,
    bus: &buses::Bus,
    rule: &str,
    targets: &[RouteTarget],
    event: &Value,
    now: i64,
    request_id: &str,
) -> rusqlite::Result<()> {
    let id = event["id"].as_str().unwrap_or_default();
    let event_json = event.to_string();
    conn.prepare_cached(
        "INSERT INTO events (id, bus, received_ms, event_json, matched_rules) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, bus.name, now, event_json, json!([rule]).to_string()])?;
    let event_seq = conn.last_insert_rowid();
    bus_log::write(shared, conn, bus, request_id, log_records(shared, event, id, &bus.name, &[rule.to_owned()]))?;
    let md5 = OnceCell::new();
    let kept = Kept { event, json: &event_json, md5: &md5, seq: event_seq, received_ms: now };
    schedule_deliveries(shared, conn, bus, &QueueLookups::default(), &kept, request_id, [(rule, targets)])
}

/// An event as the events table keeps it.
struct Kept<'a> {
    event: &'a Value,
    /// `events.event_json`.
    json: &'a str,
    /// Its MD5 digest as SQS gives it, made on first use.
    md5: &'a OnceCell<String>,
    /// `events.seq`.
    seq: i64,
    received_ms: i64,
}

/// Renders each matched rule's targets' input now (the event as it was) and
/// delivers it, at once to a queue or log group of the store that takes it
/// ([`in_place`]), else by scheduling a delivery for the dispatcher.
fn schedule_deliveries<'r>(
    shared: &Shared,
    conn: &Connection,
    bus: &buses::Bus,
    queues: &QueueLookups,
    kept: &Kept<'_>,
    request_id: &str,
    rule_targets: impl IntoIterator<Item = (&'r str, &'r [RouteTarget])>,
) -> rusqlite::Result<()> {
    // Only an input transformer (or a constant input, or a path) needs
    // these: the event as it is is the common case, and costs no format.
    let ingestion_time = OnceCell::new();
    let id = kept.event["id"].as_str().unwrap_or_default();
    let mut scheduled = false;
    for (rule, targets) in rule_targets {
        if targets.is_empty() {
            continue;
        }
        let arn = OnceCell::new();
        for target in targets {
            // A target that gets the event as it is reads it from the events
            // table: no need to write it twice.
            let payload = match &target.input {
                TargetInput::MatchedEvent => Ok(None),
                input => {
                    let context = DeliveryContext {
                        rule_arn: arn.get_or_init(|| rule_arn(shared, &bus.name, rule)),
                        rule_name: rule,
                        ingestion_time: ingestion_time.get_or_init(|| rfc3339_seconds(kept.received_ms)),
                    };
                    input.render(kept.event, &context).map(Some).map_err(|error| error.reason)
                }
            };
            let delivery = NewDelivery {
                event_seq: kept.seq,
                event_id: id,
                request_id,
                bus: &bus.name,
                rule,
                target_id: &target.id,
                target_arn: &target.arn,
                payload,
                ingested_ms: kept.received_ms,
            };
            if let Ok(rendered) = &delivery.payload {
                let rendered_md5 = OnceCell::new();
                let payload = match rendered {
                    Some(text) => Payload { text, md5: &rendered_md5, event_seq: None },
                    None => Payload { text: kept.json, md5: kept.md5, event_seq: Some(kept.seq) },
                };
                if in_place::deliver(conn, shared, bus, queues, &delivery, &payload, kept.event)? {
                    continue;
                }
            }
            deliveries::schedule(conn, &delivery)?;
            scheduled = true;
        }
    }
    if scheduled {
        // The dispatcher reads the table once the caller's transaction has
        // released the store, so it sees these rows if they were committed.
        shared.deliveries_ready.notify_one();
    }
    Ok(())
}

/// The names of the rules an event matched as `events.matched_rules` keeps
/// them: a JSON array.
fn rule_names_json(names: &[String]) -> String {
    serde_json::to_string(names).unwrap_or_else(|_| "[]".to_owned())
}

fn log_records(shared: &Shared, event: &Value, id: &str, bus: &str, matched: &[String]) -> Vec<Record> {
    let ingest_details = json!({
        "caller_account_id": shared.account_id,
        "source_time_ms": shared.clock.now_ms(),
        "source": event["source"],
        "detail_type": event["detail-type"],
        "resources": event["resources"],
    });
    let full = json!({ "event_detail": event.to_string() });
    let record = |message_type, level, details: Value, full_details: Value| Record {
        message_type,
        level,
        event_id: id.to_owned(),
        invocation_id: None,
        details,
        full_details,
        error: None,
    };
    let mut records = vec![
        record("EVENT_RECEIPT", Level::Trace, ingest_details.clone(), full.clone()),
        record("EVENT_INGEST_SUCCESS", Level::Info, ingest_details, full),
        record("RULE_MATCH_START", Level::Trace, json!({}), json!({})),
    ];
    if matched.is_empty() {
        records.push(record("NO_STANDARD_RULES_MATCHED", Level::Info, json!({}), json!({})));
    }
    for rule in matched {
        let rule_arn = rule_arn(shared, bus, rule);
        records.push(record("RULE_MATCH", Level::Trace, json!({ "rule_arn": rule_arn }), json!({})));
    }
    records
}
