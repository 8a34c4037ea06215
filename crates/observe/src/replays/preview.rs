//! What a replay would do, before it starts: the events of the window as the
//! archive's bus logged them, kept when the archive's pattern keeps them,
//! and for each rule the replay sends to, how many of them it matches and
//! where its targets are.
//!
//! An archive's contents cannot be read without replaying them, so the
//! bus's log stands in for them: the counts are exact when the log holds
//! every event the archive kept, and the preview says when it may not
//! (logging off or started late, log or archive retention, detail left out,
//! AWS's archiving delay, a window too big to read).

use std::collections::HashSet;

use aws_sdk_cloudwatchlogs::Client as LogsClient;
use aws_sdk_eventbridge::Client as EventsClient;
use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};
use choreoscope_model::{ArchiveSummary, PreviewRule, ReplayPreview, ReplayRequest};
use choreoscope_pattern::{Matcher, Pattern};
use serde_json::Value;

use crate::bus_log::{INGEST_STEP, log_group_name};
use crate::error::{ObserveError, Result};
use crate::inventory;

/// The most events a preview reads from a bus's log: enough for any outage
/// of the demo, and a bound on FilterLogEvents calls for a wide window on AWS.
pub const MAX_PREVIEW_EVENTS: usize = 20_000;
/// How far outside the window the log is read: an event's `time` is set
/// when it is put and has whole seconds, its log record when it arrives.
const ARRIVAL_MARGIN_MS: i64 = 60_000;
/// How long AWS may take to archive an event (it documents "some minutes").
const AWS_ARCHIVE_DELAY_MS: i64 = 10 * 60_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// An event the bus logged as accepted.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LoggedEvent {
    /// Its id.
    pub id: String,
    /// When the bus logged it (its arrival), epoch ms.
    pub arrived_ms: i64,
    /// The event, when the log carries its detail.
    pub event: Option<Value>,
}

/// A rule of the bus, as far as the preview needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BusRule {
    pub arn: String,
    pub name: String,
    pub enabled: bool,
    pub event_pattern: Option<String>,
    pub target_arns: Vec<String>,
}

/// The bus's log in and around the window.
#[derive(Debug, Default)]
struct WindowLog {
    events: Vec<LoggedEvent>,
    /// The log group does not exist: logging is off.
    missing: bool,
    /// [`MAX_PREVIEW_EVENTS`] were read before the window's end.
    truncated: bool,
}

/// Facts that make a preview's counts an estimate.
#[derive(Debug, Default)]
pub(super) struct Circumstances {
    /// The connection is to AWS (which archives with a delay).
    pub aws: bool,
    /// Now, epoch ms.
    pub now_ms: i64,
    /// The log group's creation, epoch ms.
    pub log_created_ms: Option<i64>,
    /// The log group's retention in days.
    pub log_retention_days: Option<i32>,
}

/// Previews the replay `request` describes (its name is used as the events'
/// `replay-name`, which rules may test).
pub(super) async fn preview(
    events: &EventsClient,
    logs: &LogsClient,
    request: &ReplayRequest,
    aws: bool,
    now_ms: i64,
) -> Result<ReplayPreview> {
    if request.archive_name.trim().is_empty() {
        return Err(ObserveError::Invalid("Choose the archive to replay.".into()));
    }
    if request.event_start_ms >= request.event_end_ms {
        return Err(ObserveError::Invalid("The window's start must be before its end.".into()));
    }
    let archive = super::control::describe_archive(events, &request.archive_name).await?;
    super::control::check_filter_arns(&archive, &request.filter_arns)?;
    let log = read_window(logs, &archive.bus_name, request.event_start_ms, request.event_end_ms).await?;
    let (log_created_ms, log_retention_days) = log_group_facts(logs, &archive.bus_name).await?;
    let mut rules = bus_rules(events, &archive.bus_name).await?;
    if !request.filter_arns.is_empty() {
        rules.retain(|rule| request.filter_arns.contains(&rule.arn));
        for arn in &request.filter_arns {
            if !rules.iter().any(|rule| &rule.arn == arn) {
                return Err(ObserveError::Invalid(format!("Bus {} has no rule {arn}.", archive.bus_name)));
            }
        }
    }
    let circumstances = Circumstances { aws, now_ms, log_created_ms, log_retention_days };
    let name = if request.replay_name.is_empty() { "preview" } else { request.replay_name.as_str() };
    let mut preview = assess(&archive, request, &log.events, &rules, name, &circumstances)?;
    if log.missing {
        preview.notes.insert(
            0,
            format!(
                "Bus {} has no log group {}: its logging is off, so its events cannot be counted. \
                 The archive holds {} events in all.",
                archive.bus_name,
                log_group_name(&archive.bus_name),
                archive.event_count
            ),
        );
    }
    if log.truncated {
        preview.notes.push(format!(
            "Only the first {MAX_PREVIEW_EVENTS} events of the window were read: the counts are at least these."
        ));
    }
    preview.estimate = !preview.notes.is_empty();
    Ok(preview)
}

/// The counts, from the logged events, and the notes on what the log may
/// miss; pure, so every case is tested without a system.
pub(super) fn assess(
    archive: &ArchiveSummary,
    request: &ReplayRequest,
    logged: &[LoggedEvent],
    rules: &[BusRule],
    replay_name: &str,
    at: &Circumstances,
) -> Result<ReplayPreview> {
    let (start, end) = (request.event_start_ms, request.event_end_ms);
    let archive_pattern = match &archive.event_pattern {
        Some(pattern) => Some(Pattern::from_value(pattern).map_err(|e| {
            ObserveError::Invalid(format!("The pattern of archive {} does not parse: {e}", archive.name))
        })?),
        None => None,
    };
    let mut notes = Vec::new();
    let mut matcher = Matcher::new();
    let mut rule_notes: Vec<Option<String>> = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        rule_notes.push(match &rule.event_pattern {
            None => Some("A scheduled rule: it matches no events.".to_owned()),
            Some(text) => match Pattern::parse(text) {
                Ok(pattern) => {
                    matcher.add_rule(index, pattern);
                    (!rule.enabled).then(|| "Disabled: it would deliver nothing.".to_owned())
                }
                Err(error) => Some(format!("Its pattern does not parse here, so it is not counted: {error}")),
            },
        });
    }
    let archived_from = archive.created_ms.unwrap_or(i64::MIN);
    let archive_kept_from = match archive.retention_days {
        Some(days) if days > 0 => at.now_ms - i64::from(days) * DAY_MS,
        _ => i64::MIN,
    };
    let (mut in_window, mut to_replay, mut undetailed, mut before_archive, mut expired) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut matched = vec![0u64; rules.len()];
    for logged in logged {
        let Some(event) = &logged.event else {
            // Without the event, its time is unknown: its arrival stands in.
            if (start..end).contains(&logged.arrived_ms) {
                undetailed += 1;
            }
            continue;
        };
        let Some(time) = event_time_ms(event) else { continue };
        if !(start..end).contains(&time) {
            continue;
        }
        in_window += 1;
        if archive_pattern.as_ref().is_some_and(|p| !p.matches(event)) {
            continue;
        }
        if logged.arrived_ms < archived_from {
            before_archive += 1;
            continue;
        }
        if logged.arrived_ms < archive_kept_from {
            expired += 1;
            continue;
        }
        to_replay += 1;
        let replayed = with_replay_name(event, replay_name);
        for &index in matcher.matching_rules(&replayed) {
            matched[index] += 1;
        }
    }
    if undetailed > 0 {
        notes.push(format!(
            "{undetailed} events of the window were logged without their detail (the bus logs below INFO or \
             without IncludeDetail FULL), so the archive's and rules' patterns could not be tried on them: \
             they are not counted."
        ));
    }
    if before_archive > 0 {
        notes.push(format!(
            "{before_archive} matching events arrived before the archive was created, so it does not hold them: \
             they are not counted."
        ));
    }
    if expired > 0 {
        notes.push(format!(
            "{expired} matching events are older than the archive's retention of {} days and are gone from it: \
             they are not counted.",
            archive.retention_days.unwrap_or_default()
        ));
    }
    // On AWS a bus's log group is made when its logging is set up, so a
    // group younger than the window (and the archive) means logging began
    // late. The local system makes it with the first record: no such hint.
    let gap_from = start.max(archive.created_ms.unwrap_or(i64::MIN));
    if let Some(created) = at.log_created_ms.filter(|&created| at.aws && created > gap_from) {
        notes.push(format!(
            "The bus's log group was created after the window began ({}), so events before then may be \
             archived but not counted.",
            DateTime::from_millis(created).fmt(DateTimeFormat::DateTime).unwrap_or_default()
        ));
    }
    if let Some(days) = at.log_retention_days.filter(|&days| days > 0)
        && start < at.now_ms - i64::from(days) * DAY_MS
    {
        notes.push(format!(
            "The bus's log keeps {days} days and the window begins earlier: older events may be archived \
             but not counted."
        ));
    }
    if at.aws && end > at.now_ms - AWS_ARCHIVE_DELAY_MS {
        notes.push(
            "The window reaches into the last minutes, and AWS archives events some minutes after they \
             arrive: the newest events may not be replayed yet."
                .to_owned(),
        );
    }
    let rules = rules
        .iter()
        .zip(matched)
        .zip(rule_notes)
        .map(|((rule, matched), note)| PreviewRule {
            rule_arn: rule.arn.clone(),
            rule_name: rule.name.clone(),
            enabled: rule.enabled,
            matched,
            target_arns: rule.target_arns.clone(),
            note,
        })
        .collect();
    Ok(ReplayPreview {
        archive_name: archive.name.clone(),
        bus_name: archive.bus_name.clone(),
        events_in_window: in_window,
        events_to_replay: to_replay,
        rules,
        estimate: !notes.is_empty(),
        notes,
    })
}

/// The event as its replay would send it: with `replay-name`, which rules
/// may test (`{"replay-name": [{"exists": false}]}` keeps replays out).
fn with_replay_name(event: &Value, replay_name: &str) -> Value {
    let mut event = event.clone();
    if let Some(fields) = event.as_object_mut() {
        fields.insert("replay-name".to_owned(), Value::String(replay_name.to_owned()));
    }
    event
}

/// An event's `time`, epoch ms.
pub(super) fn event_time_ms(event: &Value) -> Option<i64> {
    let time = event.get("time")?.as_str()?;
    DateTime::from_str(time, DateTimeFormat::DateTime).ok()?.to_millis().ok()
}

/// An accepted event out of an `EVENT_INGEST_SUCCESS` record; `None` for
/// other records and for replays' own events (archives never keep them).
pub(super) fn logged_event(message: &str, arrived_ms: i64) -> Option<LoggedEvent> {
    let record: Value = serde_json::from_str(message).ok()?;
    if record.get("message_type")?.as_str()? != INGEST_STEP {
        return None;
    }
    let event: Option<Value> = record
        .pointer("/details/event_detail")
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str(text).ok());
    if event.as_ref().is_some_and(|event| event.get("replay-name").is_some()) {
        return None;
    }
    let id = record
        .get("event_id")
        .and_then(Value::as_str)
        .or_else(|| event.as_ref().and_then(|e| e.get("id")).and_then(Value::as_str))?
        .to_owned();
    Some(LoggedEvent { id, arrived_ms, event })
}

/// The accepted events the bus logged around the window, each once, at most
/// [`MAX_PREVIEW_EVENTS`].
async fn read_window(logs: &LogsClient, bus: &str, start_ms: i64, end_ms: i64) -> Result<WindowLog> {
    let mut window = WindowLog::default();
    let mut seen = HashSet::new();
    let mut token: Option<String> = None;
    loop {
        let response = logs
            .filter_log_events()
            .log_group_name(log_group_name(bus))
            .start_time(start_ms - ARRIVAL_MARGIN_MS)
            .end_time(end_ms + ARRIVAL_MARGIN_MS)
            .filter_pattern(INGEST_STEP)
            .set_next_token(token)
            .send()
            .await;
        let page = match response {
            Ok(page) => page,
            Err(error) => {
                let error = ObserveError::from_sdk("FilterLogEvents", error);
                if error.code() == Some("ResourceNotFoundException") {
                    window.missing = true;
                    return Ok(window);
                }
                return Err(error);
            }
        };
        for record in page.events() {
            let (Some(message), Some(at)) = (record.message(), record.timestamp()) else { continue };
            if let Some(event) = logged_event(message, at)
                && seen.insert(event.id.clone())
            {
                window.events.push(event);
            }
        }
        if window.events.len() >= MAX_PREVIEW_EVENTS {
            window.truncated = page.next_token().is_some();
            window.events.truncate(MAX_PREVIEW_EVENTS);
            return Ok(window);
        }
        // An empty page with a token is not the end (CloudWatch searches in chunks).
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(window);
        }
    }
}

/// The bus log group's creation (epoch ms) and retention in days, when it
/// exists and may be described.
async fn log_group_facts(logs: &LogsClient, bus: &str) -> Result<(Option<i64>, Option<i32>)> {
    let name = log_group_name(bus);
    let response = logs.describe_log_groups().log_group_name_prefix(&name).send().await;
    match response {
        Ok(page) => {
            let group = page.log_groups().iter().find(|g| g.log_group_name() == Some(name.as_str()));
            Ok(group.map_or((None, None), |g| (g.creation_time(), g.retention_in_days())))
        }
        Err(error) => {
            // Only a hint for the notes: without it the counts stand as they are.
            tracing::debug!(error = %ObserveError::from_sdk("DescribeLogGroups", error), "log group not described");
            Ok((None, None))
        }
    }
}

/// Every rule of a bus with its targets' ARNs (the inventory's reads).
async fn bus_rules(client: &EventsClient, bus: &str) -> Result<Vec<BusRule>> {
    let mut rules = Vec::new();
    for rule in inventory::list_rules(client, bus).await? {
        let targets = inventory::list_targets(client, bus, &rule.name).await?;
        rules.push(BusRule {
            arn: rule.arn,
            name: rule.name,
            enabled: rule.state.as_deref().is_none_or(|state| state == "ENABLED"),
            event_pattern: rule.event_pattern,
            target_arns: targets.into_iter().map(|target| target.arn).collect(),
        });
    }
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rules)
}
