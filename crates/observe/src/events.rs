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
/// hops).
#[derive(Debug, Default)]
pub struct EventTail {
    records: LogTail,
    watermark_ms: i64,
    returned: HashSet<String>,
    returned_order: VecDeque<String>,
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
        events.retain(|event| !self.returned.contains(&event.id) && kept.insert(event.id.clone()));
        events.reverse();
        for event in &events {
            self.remember(&event.id);
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
