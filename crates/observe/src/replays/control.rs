//! Archives and replays through the EventBridge API: listed and described,
//! a replay started (checked in words first) and cancelled.

use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::primitives::DateTime;
use aws_sdk_eventbridge::types::ReplayDestination;
use choreoscope_model::{ArchiveSummary, ReplayRequest, ReplaySummary};

use crate::error::{ObserveError, Result};

/// How many replays are described (for their destination and FilterArns),
/// newest first: DescribeReplay is one call per replay, and old replays
/// need no more than ListReplays says.
const DESCRIBED_REPLAYS: usize = 50;
/// AWS's limit on replay names.
const MAX_REPLAY_NAME: usize = 64;

/// Every archive, described (pattern, ARN, creation), by name.
pub(super) async fn list_archives(client: &Client) -> Result<Vec<ArchiveSummary>> {
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_archives()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListArchives", e))?;
        names.extend(page.archives().iter().filter_map(|a| a.archive_name()).map(ToOwned::to_owned));
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            break;
        }
    }
    let mut archives = Vec::with_capacity(names.len());
    for name in names {
        match describe_archive(client, &name).await {
            Ok(archive) => archives.push(archive),
            // Deleted since it was listed: nothing left to show.
            Err(error) if error.code() == Some("ResourceNotFoundException") => {}
            Err(error) => return Err(error),
        }
    }
    archives.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(archives)
}

/// One archive, with DescribeArchive's facts.
pub(super) async fn describe_archive(client: &Client, name: &str) -> Result<ArchiveSummary> {
    let described = client
        .describe_archive()
        .archive_name(name)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("DescribeArchive", e))?;
    let bus_arn = described.event_source_arn().unwrap_or_default().to_owned();
    Ok(ArchiveSummary {
        name: described.archive_name().unwrap_or(name).to_owned(),
        arn: described.archive_arn().map(Into::into),
        bus_name: bus_name_of(&bus_arn).to_owned(),
        bus_arn,
        description: described.description().map(Into::into),
        // The API carries the pattern as JSON text; the UI shows it as JSON.
        event_pattern: described
            .event_pattern()
            .map(|text| serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))),
        state: described.state().map(|s| s.as_str().to_owned()),
        state_reason: described.state_reason().map(Into::into),
        retention_days: described.retention_days(),
        event_count: described.event_count(),
        size_bytes: described.size_bytes(),
        created_ms: described.creation_time().and_then(millis),
    })
}

/// Every replay, newest first; the newest [`DESCRIBED_REPLAYS`] described
/// for their destination and FilterArns.
pub(super) async fn list_replays(client: &Client) -> Result<Vec<ReplaySummary>> {
    let mut replays = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_replays()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListReplays", e))?;
        for replay in page.replays() {
            let Some(name) = replay.replay_name() else { continue };
            let window = (replay.event_start_time().and_then(millis), replay.event_end_time().and_then(millis));
            let state = replay.state().map_or("UNKNOWN", |s| s.as_str()).to_owned();
            let last = replay.event_last_replayed_time().and_then(millis);
            let (start, end) = (window.0.unwrap_or_default(), window.1.unwrap_or_default());
            replays.push(ReplaySummary {
                name: name.to_owned(),
                arn: None,
                archive_name: archive_name_of(replay.event_source_arn().unwrap_or_default()).to_owned(),
                progress: progress(&state, start, end, last),
                state,
                state_reason: replay.state_reason().map(Into::into),
                description: None,
                event_start_ms: start,
                event_end_ms: end,
                event_last_replayed_ms: last,
                replay_start_ms: replay.replay_start_time().and_then(millis),
                replay_end_ms: replay.replay_end_time().and_then(millis),
                destination_arn: None,
                filter_arns: Vec::new(),
            });
        }
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            break;
        }
    }
    replays.sort_by(|a, b| b.replay_start_ms.cmp(&a.replay_start_ms).then_with(|| a.name.cmp(&b.name)));
    for replay in replays.iter_mut().take(DESCRIBED_REPLAYS) {
        match describe_replay(client, &replay.name).await {
            Ok(described) => *replay = described,
            // Gone since it was listed (or not ours to describe): the list's facts stay.
            Err(error) => tracing::debug!(replay = %replay.name, %error, "not described"),
        }
    }
    Ok(replays)
}

/// One replay, with DescribeReplay's facts.
pub(super) async fn describe_replay(client: &Client, name: &str) -> Result<ReplaySummary> {
    let d = client
        .describe_replay()
        .replay_name(name)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("DescribeReplay", e))?;
    let state = d.state().map_or("UNKNOWN", |s| s.as_str()).to_owned();
    let start = d.event_start_time().and_then(millis).unwrap_or_default();
    let end = d.event_end_time().and_then(millis).unwrap_or_default();
    let last = d.event_last_replayed_time().and_then(millis);
    Ok(ReplaySummary {
        name: d.replay_name().unwrap_or(name).to_owned(),
        arn: d.replay_arn().map(Into::into),
        archive_name: archive_name_of(d.event_source_arn().unwrap_or_default()).to_owned(),
        progress: progress(&state, start, end, last),
        state,
        state_reason: d.state_reason().map(Into::into),
        description: d.description().map(Into::into),
        event_start_ms: start,
        event_end_ms: end,
        event_last_replayed_ms: last,
        replay_start_ms: d.replay_start_time().and_then(millis),
        replay_end_ms: d.replay_end_time().and_then(millis),
        destination_arn: d.destination().map(|dest| dest.arn().to_owned()),
        filter_arns: d.destination().map(|dest| dest.filter_arns().to_vec()).unwrap_or_default(),
    })
}

/// Starts a replay of the archive's window to its own bus (the only bus AWS
/// replays to), after checking what AWS's messages would not explain well.
/// The window's order is left to AWS, whose message says it plainly.
pub(super) async fn start(client: &Client, request: &ReplayRequest) -> Result<ReplaySummary> {
    check_replay_name(&request.replay_name)?;
    if request.archive_name.trim().is_empty() {
        return Err(ObserveError::Invalid("Choose the archive to replay.".into()));
    }
    let archive = describe_archive(client, &request.archive_name).await?;
    let Some(archive_arn) = archive.arn.clone() else {
        return Err(ObserveError::Invalid(format!("AWS did not give the ARN of archive {}.", archive.name)));
    };
    check_filter_arns(&archive, &request.filter_arns)?;
    let destination = ReplayDestination::builder()
        .arn(&archive.bus_arn)
        .set_filter_arns((!request.filter_arns.is_empty()).then(|| request.filter_arns.clone()))
        .build()
        .map_err(|e| ObserveError::Invalid(format!("The replay's destination is incomplete: {e}")))?;
    client
        .start_replay()
        .replay_name(&request.replay_name)
        .set_description(request.description.clone().filter(|d| !d.trim().is_empty()))
        .event_source_arn(archive_arn)
        .event_start_time(DateTime::from_millis(request.event_start_ms))
        .event_end_time(DateTime::from_millis(request.event_end_ms))
        .destination(destination)
        .send()
        .await
        .map_err(|e| ObserveError::from_sdk("StartReplay", e))?;
    describe_replay(client, &request.replay_name).await
}

/// Asks AWS to cancel a replay; AWS refuses (in its words) unless it is
/// STARTING or RUNNING. Answers the replay as it is then (CANCELLING).
pub(super) async fn cancel(client: &Client, name: &str) -> Result<ReplaySummary> {
    if name.trim().is_empty() {
        return Err(ObserveError::Invalid("Name the replay to cancel.".into()));
    }
    client.cancel_replay().replay_name(name).send().await.map_err(|e| ObserveError::from_sdk("CancelReplay", e))?;
    describe_replay(client, name).await
}

/// A replay name as AWS accepts it, or why not in words.
pub(super) fn check_replay_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(ObserveError::Invalid("Give the replay a name.".into()));
    }
    if name.chars().count() > MAX_REPLAY_NAME {
        return Err(ObserveError::Invalid(format!(
            "A replay's name has at most {MAX_REPLAY_NAME} characters; this one has {}.",
            name.chars().count()
        )));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        return Err(ObserveError::Invalid(format!(
            "A replay's name may hold only letters, digits, '.', '-' and '_', not {bad:?}."
        )));
    }
    Ok(())
}

/// FilterArns must name rules of the archive's bus: AWS replays only to
/// the bus the archive is on.
pub(super) fn check_filter_arns(archive: &ArchiveSummary, filter_arns: &[String]) -> Result<()> {
    for arn in filter_arns {
        if rule_bus_of(arn) != Some(archive.bus_name.as_str()) {
            return Err(ObserveError::Invalid(format!(
                "{arn} is not a rule of bus {}: a replay of archive {} sends only to that bus's rules.",
                archive.bus_name, archive.name
            )));
        }
    }
    Ok(())
}

/// How far through its window a replay is, 0 to 1: where its last replayed
/// event's time lies in the window; all of it once COMPLETED (the last event
/// of a window rarely sits at its very end).
pub fn progress(state: &str, start_ms: i64, end_ms: i64, last_replayed_ms: Option<i64>) -> f64 {
    if state == "COMPLETED" {
        return 1.0;
    }
    match last_replayed_ms {
        Some(last) if end_ms > start_ms => ((last - start_ms) as f64 / (end_ms - start_ms) as f64).clamp(0.0, 1.0),
        _ => 0.0,
    }
}

/// Epoch ms of an SDK timestamp.
pub(super) fn millis(time: &DateTime) -> Option<i64> {
    time.to_millis().ok()
}

/// `arn:…:event-bus/<name>` → `<name>`.
pub(super) fn bus_name_of(arn: &str) -> &str {
    arn.rsplit_once("event-bus/").map_or(arn, |(_, name)| name)
}

/// `arn:…:archive/<name>` → `<name>`.
fn archive_name_of(arn: &str) -> &str {
    arn.rsplit_once("archive/").map_or(arn, |(_, name)| name)
}

/// The bus of a rule ARN: `rule/<bus>/<name>`, or `rule/<name>` on the default bus.
pub(super) fn rule_bus_of(arn: &str) -> Option<&str> {
    let (_, resource) = arn.split_once(":rule/")?;
    Some(resource.rsplit_once('/').map_or("default", |(bus, _)| bus))
}
