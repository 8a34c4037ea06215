//! What the details panel shows for each kind of node and edge, worded for
//! people: retry policies, archive sizes, state machine definitions.

use choreoscope_model::Detail;

use crate::inventory::{ApiDestinationInfo, ArchiveInfo, ConnectionSummary, StateMachineInfo, TargetInfo};

/// How a rule delivers to one target: its input settings, retry policy,
/// dead-letter queue and role (a target shared by rules can differ per rule,
/// so these belong to the rule-to-target edge).
pub(crate) fn delivery(target: &TargetInfo) -> Vec<Detail> {
    let mut details = vec![Detail::code("Target id", &target.id)];
    if let Some(input) = &target.input {
        details.push(Detail::json("Input", input));
    }
    if let Some(path) = &target.input_path {
        details.push(Detail::code("Input path", path));
    }
    if let Some(transformer) = &target.input_transformer {
        details.push(Detail::json("Input transformer", transformer));
    }
    if let Some(policy) = &target.retry_policy {
        let attempts = policy.maximum_retry_attempts.map(|n| format!("{n} retries"));
        let age = policy.maximum_event_age_seconds.map(|s| format!("events up to {} old", duration(i64::from(s))));
        let text = [attempts, age].into_iter().flatten().collect::<Vec<_>>().join(", ");
        details.push(Detail::text("Retry policy", if text.is_empty() { "EventBridge's default".into() } else { text }));
    }
    if let Some(dlq) = &target.dead_letter_arn {
        details.push(Detail::code("Dead-letter queue", dlq));
    }
    if let Some(role) = &target.role_arn {
        details.push(Detail::code("Role", role));
    }
    details
}

/// An archive's statistics and what it keeps.
pub(crate) fn archive(archive: &ArchiveInfo) -> Vec<Detail> {
    let retention = match archive.retention_days {
        Some(days) if days > 0 => format!("{days} day{}", if days == 1 { "" } else { "s" }),
        _ => "Indefinitely".to_owned(),
    };
    let mut details = vec![
        Detail::code("Event bus", &archive.source_arn),
        Detail::text("Events", archive.event_count.to_string()),
        Detail::text("Size", bytes(archive.size_bytes)),
        Detail::text("Retention", retention),
    ];
    match &archive.event_pattern {
        Some(pattern) => details.push(Detail::json("Event pattern", pattern)),
        None => details.push(Detail::text("Event pattern", "Every event of the bus")),
    }
    details
}

/// A connection: how it authorises (never its secrets).
pub(crate) fn connection(connection: &ConnectionSummary) -> Vec<Detail> {
    connection.authorization_type.iter().map(|auth| Detail::code("Authorization", auth)).collect()
}

/// An API destination: where and how it calls.
pub(crate) fn api_destination(destination: &ApiDestinationInfo) -> Vec<Detail> {
    let mut details = Vec::new();
    if let Some(endpoint) = &destination.endpoint {
        details.push(Detail::code("Endpoint", endpoint));
    }
    if let Some(method) = &destination.http_method {
        details.push(Detail::code("Method", method));
    }
    let rate = destination.rate_limit_per_second.map_or("Unlimited".to_owned(), |n| format!("{n} per second"));
    details.push(Detail::text("Rate limit", rate));
    if let Some(connection) = &destination.connection_arn {
        details.push(Detail::code("Connection", connection));
    }
    details
}

/// A state machine: its type, role and definition.
pub(crate) fn state_machine(machine: &StateMachineInfo) -> Vec<Detail> {
    let mut details = Vec::new();
    if let Some(kind) = &machine.kind {
        details.push(Detail::code("Type", kind));
    }
    if let Some(role) = &machine.role_arn {
        details.push(Detail::code("Role", role));
    }
    details.push(Detail::json("Definition", &machine.definition));
    details
}

/// `90` → `1 min 30 s`; `86400` → `24 h`.
pub(crate) fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let parts = [(h, "h"), (m, "min"), (s, "s")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect::<Vec<_>>();
    if parts.is_empty() { "0 s".to_owned() } else { parts.join(" ") }
}

/// `1536` → `1.5 KiB`.
pub(crate) fn bytes(count: i64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if count < 1024 {
        return format!("{count} B");
    }
    // Display only: precision beyond one decimal does not matter.
    #[allow(clippy::cast_precision_loss)]
    let mut value = count as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::RetryPolicyInfo;

    #[test]
    fn durations_and_sizes_read_naturally() {
        assert_eq!(duration(90), "1 min 30 s");
        assert_eq!(duration(86_400), "24 h");
        assert_eq!(duration(0), "0 s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn a_delivery_lists_its_settings_in_order() {
        let mut target = TargetInfo::new("notify", "arn:aws:events:r:1:api-destination/n/x");
        target.input_path = Some("$.detail.data".into());
        target.retry_policy =
            Some(RetryPolicyInfo { maximum_retry_attempts: Some(2), maximum_event_age_seconds: Some(300) });
        target.dead_letter_arn = Some("arn:aws:sqs:r:1:dlq".into());
        let details = delivery(&target);
        let shown: Vec<(&str, &str)> = details.iter().map(|d| (d.name.as_str(), d.value.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("Target id", "notify"),
                ("Input path", "$.detail.data"),
                ("Retry policy", "2 retries, events up to 5 min old"),
                ("Dead-letter queue", "arn:aws:sqs:r:1:dlq"),
            ]
        );
    }
}
