//! Archives and replays: every archive with what it keeps; replays listed
//! with their progress (`EventLastReplayedTime` within the window), started
//! and cancelled through the EventBridge API; a preview of what a replay
//! would send where, worked out from the bus logs ([`preview`]); and the
//! outages of circuits, which make ready-made replay windows.

mod control;
mod outages;
mod preview;
#[cfg(test)]
mod tests;

use choreoscope_model::{ArchiveSummary, ConnectionMode, OutageWindow, ReplayPreview, ReplayRequest, ReplaySummary};

pub use control::progress;
pub use preview::MAX_PREVIEW_EVENTS;

use crate::Observer;
use crate::error::Result;

impl Observer {
    /// Every archive with its pattern, retention, event count and size, by name.
    pub async fn archives(&self) -> Result<Vec<ArchiveSummary>> {
        control::list_archives(self.eventbridge()).await
    }

    /// Every replay, newest first, with its state and progress.
    pub async fn replays(&self) -> Result<Vec<ReplaySummary>> {
        control::list_replays(self.eventbridge()).await
    }

    /// One replay, described.
    pub async fn replay(&self, name: &str) -> Result<ReplaySummary> {
        control::describe_replay(self.eventbridge(), name).await
    }

    /// Starts a replay of an archive's window to the archive's bus, to the
    /// `filter_arns` rules only when some are named. The name and rules are
    /// checked first, in words; AWS's refusals come back in its words.
    pub async fn start_replay(&self, request: &ReplayRequest) -> Result<ReplaySummary> {
        control::start(self.eventbridge(), request).await
    }

    /// Cancels a STARTING or RUNNING replay (AWS refuses others, in its words).
    pub async fn cancel_replay(&self, name: &str) -> Result<ReplaySummary> {
        control::cancel(self.eventbridge(), name).await
    }

    /// What a replay would do: how many events of the window the archive
    /// keeps, and how many each rule it sends to would match, with its
    /// targets; `estimate` and `notes` say when the bus logs may not show
    /// everything the archive holds.
    pub async fn preview_replay(&self, request: &ReplayRequest) -> Result<ReplayPreview> {
        let aws = self.info().mode == ConnectionMode::Aws;
        preview::preview(self.eventbridge(), self.logs(), request, aws, now_ms()).await
    }

    /// The outages of every circuit whose `Circuit State Changed` events
    /// the bus logs hold since `since_ms`, newest first.
    pub async fn circuit_outages(&self, since_ms: i64) -> Result<Vec<OutageWindow>> {
        let mut changes = Vec::new();
        for bus in self.bus_names().await? {
            for (at, message) in crate::events::bus_log_records(self.logs(), &bus, outages::FILTER, since_ms).await? {
                changes.extend(outages::change(&message, at));
            }
        }
        Ok(outages::outage_windows(changes))
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}
