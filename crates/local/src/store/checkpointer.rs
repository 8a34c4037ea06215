//! WAL checkpoints off the request path.
//!
//! A checkpoint copies the pages the WAL holds back into the database file
//! and syncs both files. Left to the writing connection (SQLite's automatic
//! checkpoint), it runs inside whichever commit crosses the threshold, and
//! that request, and every request queued behind the store's one
//! connection, waits for two `fsync`s: tens of milliseconds on a busy disk,
//! the whole tail of the put → delivery latency. So a thread with a
//! connection of its own checkpoints a few times a second instead; in WAL
//! mode a passive checkpoint runs beside the writer without blocking it.
//!
//! The writer keeps an automatic checkpoint at a much larger threshold as a
//! backstop: under a write load that never pauses, the WAL can only start
//! over from its beginning when a checkpoint has caught up between two
//! commits, so without it the file would grow without bound.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the thread checkpoints. A checkpoint with nothing new to copy
/// costs a few reads and no sync.
const EVERY: Duration = Duration::from_millis(200);

/// The checkpointing thread; it stops (and closes its connection) when this
/// is dropped.
#[derive(Debug)]
pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path` (already in WAL mode).
    pub fn start(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open(path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    // PASSIVE: copies what no reader still needs, waits for
                    // nobody; the next run picks up the rest.
                    let checkpointed = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if let Err(error) = checkpointed {
                        tracing::warn!(%error, "WAL checkpoint failed");
                    }
                }
            })
            .map_err(|error| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                    Some(format!("cannot start the checkpoint thread: {error}")),
                )
            })?;
        Ok(Self { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's wait at once; joining it
        // closes its connection before the store is gone, so the database
        // can be opened again (or deleted) right after.
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
