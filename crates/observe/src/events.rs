//! The live list of events: polls the bus logs of every bus for records of
//! accepted events newer than the last poll.

use std::collections::{HashSet, VecDeque};

use aws_sdk_cloudwatchlogs::Client;
use choreoscope_model::{BusEvent, EventPage};

use crate::bus_log::{INGEST_STEP, event_from_record, log_group_name};
use crate::error::{ObserveError, Result};

/// How many returned event ids a tail remembers, to list an event routed
/// from bus to bus once.
const REMEMBERED_IDS: usize = 20_000;

/// Reads the events accepted on the given buses since a point in time.
///
/// CloudWatch Logs timestamps have millisecond resolution, so a poll asks
/// again for the last millisecond it saw and drops the events it already
/// returned. An event a rule routes to another bus keeps its id and is
/// logged by both buses: the tail lists it once, from the first bus that
/// received it (its trace shows the other hops).
#[derive(Debug, Default)]
pub struct EventTail {
    watermark_ms: i64,
    seen_at_watermark: HashSet<String>,
    returned: HashSet<String>,
    returned_order: VecDeque<String>,
}

impl EventTail {
    /// A tail that starts at `since_ms` (0 for everything the logs hold).
    pub fn since(since_ms: i64) -> Self {
        Self { watermark_ms: since_ms, ..Self::default() }
    }

    /// Events newer than the last poll, newest first.
    pub async fn poll(&mut self, logs: &Client, buses: &[String]) -> Result<EventPage> {
        let mut events = Vec::new();
        for bus in buses {
            events.extend(read_bus(logs, bus, self.watermark_ms).await?);
        }
        events.retain(|event| event.received_at_ms > self.watermark_ms || !self.seen_at_watermark.contains(&event.id));
        // Oldest first, so the first bus to receive an event is the one kept.
        events.sort_by(|a, b| a.received_at_ms.cmp(&b.received_at_ms).then_with(|| a.id.cmp(&b.id)));
        let mut kept = HashSet::new();
        events.retain(|event| !self.returned.contains(&event.id) && kept.insert(event.id.clone()));
        events.reverse();
        for event in &events {
            self.remember(&event.id);
        }
        if let Some(newest) = events.first().map(|e| e.received_at_ms)
            && newest > self.watermark_ms
        {
            self.watermark_ms = newest;
            self.seen_at_watermark.clear();
        }
        let watermark = self.watermark_ms;
        self.seen_at_watermark.extend(events.iter().filter(|e| e.received_at_ms == watermark).map(|e| e.id.clone()));
        Ok(EventPage { events, watermark_ms: self.watermark_ms })
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

/// Every accepted event in one bus's log since `since_ms`, following pages.
/// A bus without a log group (logging off) has no events to show.
async fn read_bus(logs: &Client, bus: &str, since_ms: i64) -> Result<Vec<BusEvent>> {
    let records = bus_log_records(logs, bus, INGEST_STEP, since_ms).await?;
    Ok(records.iter().filter_map(|(timestamp, message)| event_from_record(message, *timestamp)).collect())
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
    let mut records = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let response = logs
            .filter_log_events()
            .log_group_name(log_group_name(bus))
            .start_time(since_ms)
            .filter_pattern(filter_pattern)
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
                records.push((timestamp, message.to_owned()));
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
