//! The demo's own SQLite database (`demo.sqlite` beside the local system's
//! store): orders and their outbox, what each consumer has processed,
//! payments, restaurant requests, circuits, the partner's accepted orders.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// The demo's database, shared by its services. Calls run on Tokio's
/// blocking pool: SQLite blocks.
#[derive(Clone)]
pub struct DemoStore {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for DemoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoStore").finish_non_exhaustive()
    }
}

/// A store call that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("the demo store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The blocking task did not finish.
    #[error("the demo store task failed: {0}")]
    Task(String),
}

impl DemoStore {
    /// Opens (creating if need be) `demo.sqlite` in `dir` with every module's tables.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|error| StoreError::Task(format!("cannot create {}: {error}", dir.display())))?;
        let conn = Connection::open(dir.join("demo.sqlite"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
        )?;
        for schema in crate::SCHEMAS {
            conn.execute_batch(schema)?;
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
        .map_err(StoreError::from)
    }

    /// Runs `f` inside one transaction, committed if `f` returns `Ok`.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T> + Send + 'static,
    {
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }
}
