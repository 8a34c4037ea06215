//! Reading events back from EventBridge bus logs (records in CloudWatch Logs,
//! "EventBridge event bus log schema").

use std::collections::HashSet;

use aws_sdk_cloudwatchlogs::Client;
use choreoscope_model::BusEvent;
use serde_json::Value;

use crate::error::{ObserveError, Result};

/// The log group the EventBridge console (and the local system) sends a
/// bus's logs to.
pub fn log_group_name(bus: &str) -> String {
    format!("/aws/vendedlogs/events/event-bus/{bus}")
}

/// The step whose record carries the accepted event (at `INFO` level and
/// above, with `IncludeDetail: FULL`).
pub const INGEST_STEP: &str = "EVENT_INGEST_SUCCESS";

/// Reads the event out of an `EVENT_INGEST_SUCCESS` record; `None` for other
/// steps and for records without the event detail.
pub fn event_from_record(message: &str, timestamp_ms: i64) -> Option<BusEvent> {
    let record: Value = serde_json::from_str(message).ok()?;
    if record.get("message_type")?.as_str()? != INGEST_STEP {
        return None;
    }
    let bus_name = record.get("resource_arn")?.as_str()?.rsplit_once("event-bus/")?.1.to_owned();
    let details = record.get("details")?;
    let event: Value = serde_json::from_str(details.get("event_detail")?.as_str()?).ok()?;
    let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    Some(BusEvent {
        id: record.get("event_id").and_then(Value::as_str).map_or_else(|| text("id"), ToOwned::to_owned),
        bus_name,
        source: text("source"),
        detail_type: text("detail-type"),
        time: text("time"),
        received_at_ms: timestamp_ms,
        resources: event
            .get("resources")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(ToOwned::to_owned).collect())
            .unwrap_or_default(),
        detail: event.get("detail").cloned().unwrap_or(Value::Null),
        replay_name: event.get("replay-name").and_then(Value::as_str).map(ToOwned::to_owned),
    })
}

/// One record of a bus's log, as FilterLogEvents returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The bus whose log holds it.
    pub bus: String,
    /// CloudWatch Logs' id of the log event: unique, so a record read twice is known.
    pub id: String,
    /// When it was logged, epoch ms.
    pub timestamp_ms: i64,
    /// The record (JSON).
    pub message: String,
}

/// Reads each bus's log forward from a watermark, every record once: one
/// FilterLogEvents per bus and poll serves both the event list and the live
/// activity.
///
/// CloudWatch Logs timestamps have millisecond resolution, so a poll asks
/// again for the last millisecond it saw and drops the records it already
/// returned.
#[derive(Debug, Default)]
pub struct LogTail {
    watermark_ms: i64,
    seen_at_watermark: HashSet<String>,
}

impl LogTail {
    /// A tail that starts at `since_ms` (0 for everything the logs hold).
    pub fn since(since_ms: i64) -> Self {
        Self { watermark_ms: since_ms, ..Self::default() }
    }

    /// The newest timestamp read so far (or the start).
    pub fn watermark_ms(&self) -> i64 {
        self.watermark_ms
    }

    /// The records `filter_pattern` selects (all for `None`) logged since the
    /// last poll, oldest first. A bus whose logging is off has none.
    pub async fn poll(
        &mut self,
        logs: &Client,
        buses: &[String],
        filter_pattern: Option<&str>,
    ) -> Result<Vec<LogRecord>> {
        let mut records = Vec::new();
        for bus in buses {
            records.extend(read_log(logs, bus, filter_pattern, self.watermark_ms).await?);
        }
        Ok(self.keep_new(records))
    }

    /// Drops the records returned before and moves the watermark.
    fn keep_new(&mut self, mut records: Vec<LogRecord>) -> Vec<LogRecord> {
        let mut kept = HashSet::new();
        records.retain(|r| {
            (r.timestamp_ms > self.watermark_ms || !self.seen_at_watermark.contains(&r.id)) && kept.insert(r.id.clone())
        });
        // Stable: records of one millisecond keep their log's order.
        records.sort_by_key(|r| r.timestamp_ms);
        if let Some(newest) = records.last().map(|r| r.timestamp_ms)
            && newest > self.watermark_ms
        {
            self.watermark_ms = newest;
            self.seen_at_watermark.clear();
        }
        let watermark = self.watermark_ms;
        self.seen_at_watermark.extend(records.iter().filter(|r| r.timestamp_ms == watermark).map(|r| r.id.clone()));
        records
    }
}

/// The records (timestamp, message) of one bus's log that `filter_pattern`
/// selects, since `since_ms`, following pages. A bus without a log group
/// (logging off) has none.
pub(crate) async fn bus_log_records(
    logs: &Client,
    bus: &str,
    filter_pattern: &str,
    since_ms: i64,
) -> Result<Vec<(i64, String)>> {
    let records = read_log(logs, bus, Some(filter_pattern), since_ms).await?;
    Ok(records.into_iter().map(|r| (r.timestamp_ms, r.message)).collect())
}

/// Every record of one bus's log since `since_ms` that `filter_pattern`
/// selects, following pages.
async fn read_log(logs: &Client, bus: &str, filter_pattern: Option<&str>, since_ms: i64) -> Result<Vec<LogRecord>> {
    let mut records = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let response = logs
            .filter_log_events()
            .log_group_name(log_group_name(bus))
            .start_time(since_ms)
            .set_filter_pattern(filter_pattern.map(ToOwned::to_owned))
            .set_next_token(token)
            .send()
            .await;
        let page = match response {
            Ok(page) => page,
            Err(error) => {
                let error = ObserveError::from_sdk("FilterLogEvents", error);
                if error.code() == Some("ResourceNotFoundException") {
                    return Ok(records);
                }
                return Err(error);
            }
        };
        for record in page.events() {
            if let (Some(message), Some(timestamp)) = (record.message(), record.timestamp()) {
                // Every CloudWatch log event has an id; the fallback only keeps a stray one apart.
                let id = record.event_id().map_or_else(|| format!("{timestamp}:{message}"), ToOwned::to_owned);
                records.push(LogRecord {
                    bus: bus.to_owned(),
                    id,
                    timestamp_ms: timestamp,
                    message: message.to_owned(),
                });
            }
        }
        // FilterLogEvents may answer an empty page with a token (it searches
        // in chunks): only the absence of a token means the end.
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(records);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(step: &str) -> String {
        serde_json::json!({
            "resource_arn": "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            "event_id": "e-1",
            "message_type": step,
            "log_level": "INFO",
            "details": {
                "source": "shop",
                "event_detail": serde_json::json!({
                    "version": "0", "id": "e-1", "detail-type": "OrderPlaced", "source": "shop",
                    "time": "2026-11-22T13:00:00Z", "resources": ["arn:x"], "detail": {"orderId": "42"}
                }).to_string()
            }
        })
        .to_string()
    }

    #[test]
    fn reads_the_event_of_an_ingest_record() {
        let event = event_from_record(&record(INGEST_STEP), 7).expect("an event");
        assert_eq!(event.id, "e-1");
        assert_eq!(event.bus_name, "orders");
        assert_eq!(event.detail_type, "OrderPlaced");
        assert_eq!(event.resources, vec!["arn:x".to_owned()]);
        assert_eq!(event.detail["orderId"], "42");
        assert_eq!(event.received_at_ms, 7);
    }

    fn log_record(id: &str, at: i64) -> LogRecord {
        LogRecord { bus: "orders".into(), id: id.into(), timestamp_ms: at, message: String::new() }
    }

    #[test]
    fn a_tail_returns_each_record_once_across_polls_of_the_same_millisecond() {
        let mut tail = LogTail::since(0);
        let first = tail.keep_new(vec![log_record("b", 5), log_record("a", 3), log_record("b", 5)]);
        assert_eq!(first.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(tail.watermark_ms(), 5);
        // The next poll asks again from 5: `b` is known, `c` is new.
        let second = tail.keep_new(vec![log_record("b", 5), log_record("c", 5)]);
        assert_eq!(second.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["c"]);
        assert!(tail.keep_new(vec![log_record("b", 5), log_record("c", 5)]).is_empty());
    }

    #[test]
    fn other_steps_and_garbage_are_skipped() {
        assert!(event_from_record(&record("RULE_MATCH"), 7).is_none());
        assert!(event_from_record("not json", 7).is_none());
    }
}
