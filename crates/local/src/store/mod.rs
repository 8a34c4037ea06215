//! The SQLite database behind every engine of the local system.
//!
//! Everything that must survive a restart lives here: buses, rules, targets,
//! accepted events, log groups and their records. One connection in WAL mode
//! behind a mutex: requests are short, and a single writer keeps every
//! operation atomic.

pub(crate) mod schema;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

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
        // memory map instead of read calls, keep more of them cached, and
        // checkpoint the WAL less often (each checkpoint syncs the file).
        conn.pragma_update(None, "mmap_size", 268_435_456_i64).map_err(sqlite)?;
        conn.pragma_update(None, "cache_size", -32_768_i64).map_err(sqlite)?;
        conn.pragma_update(None, "wal_autocheckpoint", 8_192_i64).map_err(sqlite)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(sqlite)?;
        schema::migrate(&conn).map_err(sqlite)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// The connection, for the duration of one operation.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // operation is one statement or one transaction), so go on.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
