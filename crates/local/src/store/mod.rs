//! The SQLite database behind every engine of the local system.
//!
//! Everything that must survive a restart lives here: buses, rules, targets,
//! accepted events, log groups and their records. One connection in WAL mode
//! behind a mutex: requests are short, and a single writer keeps every
//! operation atomic. Concurrent PutEvents requests share its transactions
//! ([`group_commit`]); a second connection only checkpoints the WAL, off the
//! request path ([`checkpointer`]).

mod checkpointer;
pub mod group_commit;
pub(crate) mod schema;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use checkpointer::Checkpointer;
use rusqlite::Connection;

/// Errors opening the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data folder could not be created.
    #[error("cannot create data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite refused to open or migrate the database.
    #[error("cannot open database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
}

/// The database, shared by all engines.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Checkpoints the WAL beside the connection, for as long as the store lives.
    _checkpointer: Checkpointer,
}

impl Store {
    /// File name of the database inside the data folder.
    pub const FILE_NAME: &str = "choreoscope-local.sqlite3";

    /// Opens (creating if need be) the database in `data_dir` and brings its
    /// schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.display().to_string(), source })?;
        let path = data_dir.join(Self::FILE_NAME);
        let sqlite = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let conn = Connection::open(&path).map_err(sqlite)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(sqlite)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(sqlite)?;
        // One busy connection does all the writing: read pages through a
        // memory map instead of read calls and keep more of them cached.
        conn.pragma_update(None, "mmap_size", 268_435_456_i64).map_err(sqlite)?;
        conn.pragma_update(None, "cache_size", -32_768_i64).map_err(sqlite)?;
        // Checkpoints are the checkpointer's job; the writer checkpoints
        // only if the WAL reaches 128 MiB regardless (a load that never
        // pauses), and a WAL file that grew is cut back to 64 MiB.
        conn.pragma_update(None, "wal_autocheckpoint", 32_768_i64).map_err(sqlite)?;
        conn.pragma_update(None, "journal_size_limit", 67_108_864_i64).map_err(sqlite)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(sqlite)?;
        schema::migrate(&conn).map_err(sqlite)?;
        // Every engine keeps its frequent statements prepared on this one
        // connection; rusqlite's default of 16 would have PutEvents, the
        // dispatcher and SQS receives evict each other's.
        conn.set_prepared_statement_cache_capacity(128);
        let checkpointer = Checkpointer::start(&path).map_err(sqlite)?;
        Ok(Self { conn: Mutex::new(conn), _checkpointer: checkpointer })
    }

    /// The connection, for the duration of one operation.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // operation is one statement or one transaction), so go on.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::Store;

    fn has_body_event(store: &Store) -> bool {
        store
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info('sqs_messages') WHERE name = 'body_event')",
                [],
                |row| row.get(0),
            )
            .expect("table info")
    }

    #[test]
    fn a_store_from_before_bodies_were_shared_gains_the_column_and_keeps_its_messages() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The queue tables as they were before `body_event`.
        let old = rusqlite::Connection::open(dir.path().join(Store::FILE_NAME)).expect("old store");
        old.execute_batch(
            "CREATE TABLE sqs_queues (name TEXT PRIMARY KEY, attributes TEXT NOT NULL, created_ms INTEGER NOT NULL,
                                      modified_ms INTEGER NOT NULL, last_purge_ms INTEGER);
             CREATE TABLE sqs_messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, id TEXT NOT NULL UNIQUE,
                 body TEXT NOT NULL, md5_body TEXT NOT NULL, message_attributes TEXT, system_attributes TEXT,
                 sender_id TEXT NOT NULL, sent_ms INTEGER NOT NULL, visible_ms INTEGER NOT NULL,
                 receive_count INTEGER NOT NULL DEFAULT 0, first_receive_ms INTEGER, last_receive_ms INTEGER,
                 receipt_handle TEXT);
             INSERT INTO sqs_queues (name, attributes, created_ms, modified_ms) VALUES ('q', '{}', 1, 1);
             INSERT INTO sqs_messages (queue, id, body, md5_body, sender_id, sent_ms, visible_ms)
             VALUES ('q', 'm-1', 'old body', 'x', 'a', 1, 1);",
        )
        .expect("an old store");
        drop(old);

        let store = Store::open(dir.path()).expect("migrated");
        assert!(has_body_event(&store));
        let body: String = store
            .conn()
            .query_row(&format!("SELECT {} FROM sqs_messages", crate::sqs::BODY_SQL), [], |row| row.get(0))
            .expect("the message");
        assert_eq!(body, "old body");
    }

    #[test]
    fn the_database_can_be_opened_again_once_the_store_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        drop(Store::open(dir.path()).expect("store"));
        // The checkpointer's connection closed with it: the files can go.
        for entry in std::fs::read_dir(dir.path()).expect("dir") {
            std::fs::remove_file(entry.expect("entry").path()).expect("removed");
        }
        assert!(Store::open(dir.path()).is_ok());
    }
}
