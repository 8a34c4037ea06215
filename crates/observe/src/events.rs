//! The live list of events: the records of accepted events in the bus logs
//! of every bus, newer than the last poll.

use std::collections::{HashSet, VecDeque};

use aws_sdk_cloudwatchlogs::Client;
use choreoscope_model::{BusEvent, EventPage};

pub(crate) use crate::bus_log::bus_log_records;
use crate::bus_log::{INGEST_STEP, LogRecord, LogTail, event_from_record};
use crate::error::Result;

/// How many returned event ids a tail remembers, to list an event routed
/// from bus to bus once.
const REMEMBERED_IDS: usize = 20_000;

/// Reads the events accepted on the given buses since a point in time.
///
/// Either on its own ([`EventTail::poll`] reads the logs itself), or fed the
/// records a shared [`LogTail`] read ([`EventTail::take`]), so one read of the
/// logs serves the event list and the live activity. An event a rule routes
/// to another bus keeps its id and is logged by both buses: the tail lists
/// it once, from the first bus that received it (its trace shows the other
/// hops). A copy a replay sent is listed too, marked with its `replay_name`.
#[derive(Debug, Default)]
pub struct EventTail {
    records: LogTail,
    watermark_ms: i64,
    returned: HashSet<String>,
    returned_order: VecDeque<String>,
}

/// What makes an event one entry of the list: its id, and the replay that
/// sent it (a replayed copy keeps the original's id, and is listed as well).
fn list_key(event: &BusEvent) -> String {
    match &event.replay_name {
        Some(replay) => format!("{}#{replay}", event.id),
        None => event.id.clone(),
    }
}

impl EventTail {
    /// A tail that starts at `since_ms` (0 for everything the logs hold).
    pub fn since(since_ms: i64) -> Self {
        Self { records: LogTail::since(since_ms), watermark_ms: since_ms, ..Self::default() }
    }

    /// Events newer than the last poll, newest first, reading only the
    /// records of accepted events.
    pub async fn poll(&mut self, logs: &Client, buses: &[String]) -> Result<EventPage> {
        let records = self.records.poll(logs, buses, Some(INGEST_STEP)).await?;
        Ok(self.take(&records))
    }

    /// The events among `records` (new records, each given once), newest
    /// first; each event is listed once.
    pub fn take(&mut self, records: &[LogRecord]) -> EventPage {
        let mut events: Vec<BusEvent> = records
            .iter()
            // Cheap test first: most records are other steps.
            .filter(|r| r.message.contains(INGEST_STEP))
            .filter_map(|r| event_from_record(&r.message, r.timestamp_ms))
            .collect();
        // Oldest first, so the first bus to receive an event is the one kept.
        events.sort_by(|a, b| a.received_at_ms.cmp(&b.received_at_ms).then_with(|| a.id.cmp(&b.id)));
        let mut kept = HashSet::new();
        events.retain(|event| {
            let key = list_key(event);
            !self.returned.contains(&key) && kept.insert(key)
        });
        events.reverse();
        for event in &events {
            self.remember(&list_key(event));
        }
        let newest = records.iter().map(|r| r.timestamp_ms).max().unwrap_or_default();
        self.watermark_ms = self.watermark_ms.max(newest);
        EventPage { events, watermark_ms: self.watermark_ms }
    }

    fn remember(&mut self, id: &str) {
        if self.returned.insert(id.to_owned()) {
            self.returned_order.push_back(id.to_owned());
        }
        while self.returned_order.len() > REMEMBERED_IDS {
            if let Some(oldest) = self.returned_order.pop_front() {
                self.returned.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ingested(bus: &str, at: i64, event: serde_json::Value) -> LogRecord {
        let message = json!({
            "resource_arn": format!("arn:aws:events:us-east-1:1:event-bus/{bus}"),
            "event_id": "e-1", "message_type": INGEST_STEP, "message_timestamp_ms": at,
            "details": {"event_detail": event.to_string()},
        });
        LogRecord { bus: bus.into(), id: format!("{bus}-{at}"), timestamp_ms: at, message: message.to_string() }
    }

    #[test]
    fn an_event_is_listed_once_and_each_replayed_copy_once_more() {
        let event = json!({"id": "e-1", "source": "shop", "detail-type": "OrderPlaced", "detail": {}});
        let mut replayed = event.clone();
        replayed["replay-name"] = json!("heal-1");
        let mut tail = EventTail::since(0);
        let page = tail.take(&[
            ingested("orders", 100, event.clone()),
            ingested("partners", 110, event.clone()),
            ingested("orders", 5_000, replayed.clone()),
        ]);
        let listed: Vec<(i64, &str, Option<&str>)> =
            page.events.iter().map(|e| (e.received_at_ms, e.bus_name.as_str(), e.replay_name.as_deref())).collect();
        assert_eq!(listed, [(5_000, "orders", Some("heal-1")), (100, "orders", None)]);
        // Read again later (another bus's record of the same replay): not listed twice.
        assert!(tail.take(&[ingested("partners", 5_010, replayed)]).events.is_empty());
    }
}
