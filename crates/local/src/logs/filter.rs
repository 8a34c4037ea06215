//! FilterLogEvents, and the text forms of CloudWatch Logs filter patterns.

use rusqlite::params;
use serde::Deserialize;
use serde_json::json;

use super::no_such_group;
use crate::protocol::{AwsError, OpResult};
use crate::shared::Shared;

/// A filter pattern in its text forms: terms that must all appear
/// (`ERROR timeout`), quoted phrases (`"order 42"`), terms that must not
/// appear (`-DEBUG`), and terms of which one must appear (`?ERROR ?WARN`).
/// Matching is case-sensitive, as in CloudWatch Logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterPattern {
    all: Vec<String>,
    none: Vec<String>,
    any: Vec<String>,
}

impl FilterPattern {
    /// Parses a pattern; an empty one matches every message.
    pub fn parse(text: &str) -> Result<Self, AwsError> {
        let text = text.trim();
        if text.starts_with('{') || text.starts_with('[') {
            return Err(AwsError::client(
                "InvalidParameterException",
                "JSON and space-delimited filter patterns are not supported by choreoscope-local yet; use terms and quoted phrases.",
            ));
        }
        let mut pattern = Self::default();
        for token in tokens(text)? {
            if let Some(term) = token.strip_prefix('-') {
                pattern.none.push(unquote(term));
            } else if let Some(term) = token.strip_prefix('?') {
                pattern.any.push(unquote(term));
            } else {
                pattern.all.push(unquote(&token));
            }
        }
        Ok(pattern)
    }

    /// Whether a log message matches.
    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
    }
}

/// Splits on spaces outside double quotes.
fn tokens(text: &str) -> Result<Vec<String>, AwsError> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(AwsError::client("InvalidParameterException", "Invalid filter pattern: unclosed quote"));
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    Ok(tokens)
}

fn unquote(term: &str) -> String {
    term.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(term).to_owned()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Input {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

/// Rows read per query while filtering; bounds the work of one request.
const SCAN_BATCH: i64 = 1_000;

pub(super) fn filter_log_events(shared: &Shared, input: Input) -> OpResult {
    let group = match (&input.log_group_name, &input.log_group_identifier) {
        (Some(name), None) => name.clone(),
        (None, Some(identifier)) => {
            identifier.rsplit_once(":log-group:").map_or(identifier.as_str(), |(_, n)| n).to_owned()
        }
        (Some(_), Some(_)) => {
            return Err(AwsError::client(
                "InvalidParameterException",
                "LogGroupName and LogGroupIdentifier are mutually exclusive parameters.",
            ));
        }
        (None, None) => {
            return Err(AwsError::client(
                "InvalidParameterException",
                "Either LogGroupName or LogGroupIdentifier must be specified.",
            ));
        }
    };
    let limit = input.limit.unwrap_or(10_000).clamp(1, 10_000) as usize;
    let pattern = FilterPattern::parse(input.filter_pattern.as_deref().unwrap_or_default())?;
    let after_seq: i64 = match &input.next_token {
        None => 0,
        Some(token) => token
            .parse()
            .map_err(|_| AwsError::client("InvalidParameterException", "The specified nextToken is invalid."))?,
    };
    let streams = input.log_stream_names.unwrap_or_default();
    let conn = shared.store.conn();
    let exists: bool = conn.query_row("SELECT count(*) > 0 FROM log_groups WHERE name = ?1", [&group], |r| r.get(0))?;
    if !exists {
        return Err(no_such_group());
    }
    let mut statement = conn.prepare_cached(
        "SELECT seq, log_stream, timestamp_ms, ingestion_ms, message FROM log_events
         WHERE log_group = ?1 AND seq > ?2 AND timestamp_ms >= ?3 AND timestamp_ms <= ?4
         ORDER BY seq LIMIT ?5",
    )?;
    let mut events = Vec::new();
    let mut cursor = after_seq;
    let mut exhausted = false;
    while events.len() < limit {
        let rows: Vec<(i64, String, i64, i64, String)> = statement
            .query_map(
                params![group, cursor, input.start_time.unwrap_or(0), input.end_time.unwrap_or(i64::MAX), SCAN_BATCH],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?
            .collect::<Result<_, _>>()?;
        exhausted = (rows.len() as i64) < SCAN_BATCH;
        for (seq, stream, timestamp, ingestion, message) in rows {
            cursor = seq;
            if (!streams.is_empty() && !streams.contains(&stream)) || !pattern.matches(&message) {
                continue;
            }
            events.push(json!({
                "logStreamName": stream,
                "timestamp": timestamp,
                "message": message,
                "ingestionTime": ingestion,
                "eventId": format!("{seq:056}"),
            }));
            if events.len() == limit {
                break;
            }
        }
        if exhausted {
            break;
        }
    }
    let mut json = json!({ "events": events, "searchedLogStreams": [] });
    if !exhausted || events.len() == limit {
        json["nextToken"] = cursor.to_string().into();
    }
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_must_all_appear() {
        let pattern = FilterPattern::parse("ERROR timeout").expect("valid");
        assert!(pattern.matches("ERROR: partner timeout"));
        assert!(!pattern.matches("ERROR: partner refused"));
    }

    #[test]
    fn phrases_exclusions_and_alternatives() {
        let pattern = FilterPattern::parse(r#""order 42" -DEBUG ?placed ?paid"#).expect("valid");
        assert!(pattern.matches("INFO order 42 placed"));
        assert!(!pattern.matches("DEBUG order 42 placed"));
        assert!(!pattern.matches("INFO order 42 shipped"));
        assert!(!pattern.matches("INFO order 43 placed"));
    }

    #[test]
    fn empty_pattern_matches_everything() {
        assert!(FilterPattern::parse("").expect("valid").matches("anything"));
    }

    #[test]
    fn unclosed_quote_is_rejected() {
        assert_eq!(FilterPattern::parse(r#""open"#).expect_err("unclosed").code, "InvalidParameterException");
    }
}
