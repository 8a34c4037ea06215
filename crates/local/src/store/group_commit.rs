//! Group commit: concurrent requests of one kind share one transaction.
//!
//! Each commit costs the same whatever it holds (the WAL frames of every
//! page it dirtied, the end-of-transaction work of the pager), and requests
//! that append to the same tables dirty the same pages. So a request does
//! not open a transaction of its own: it joins the queue, and whoever takes
//! the store's connection next writes every request queued by then in one
//! transaction, commits once, and answers them all. Requests arriving while
//! a group is written form the next group.
//!
//! A request that fails must not take the others of its group down. Writing
//! each in a savepoint would see to that, but a savepoint copies every page
//! the request goes on to change into a statement journal first, a tenth of
//! the CPU time of a PutEvents load; and requests hardly ever fail. So the
//! group is written straight into the transaction, and only if a request
//! (or the commit) fails is the transaction rolled back and the group written
//! again, each request in a savepoint: the failing one is then rolled back
//! alone.
//!
//! The durability promise is the same as with a transaction per request: no
//! request is answered with a success before the transaction holding its
//! writes has committed; if the commit fails, every request of the group
//! gets the error.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::Store;

/// Where a request's answer is left for it.
type Answer<V, E> = Arc<Mutex<Option<Result<V, E>>>>;

/// A queued request: its input and where its answer goes.
struct Waiting<J, V, E> {
    job: J,
    answer: Answer<V, E>,
}

/// The queue of requests of one kind waiting to be written: jobs `J`,
/// answered with `Result<V, E>`.
pub struct GroupCommit<J, V, E> {
    waiting: Mutex<Vec<Waiting<J, V, E>>>,
}

impl<J, V, E> Default for GroupCommit<J, V, E> {
    fn default() -> Self {
        Self { waiting: Mutex::new(Vec::new()) }
    }
}

impl<J, V, E: From<rusqlite::Error>> GroupCommit<J, V, E> {
    /// Writes `job` with `write`, in one transaction with whatever other
    /// requests are waiting, and returns its answer once that transaction has
    /// committed. `write` must be the same for every request of this queue:
    /// whichever request takes the connection runs it for all of them.
    pub fn write(&self, store: &Store, job: J, write: impl Fn(&Connection, &J) -> Result<V, E>) -> Result<V, E> {
        let answer: Answer<V, E> = Arc::default();
        self.queue().push(Waiting { job, answer: answer.clone() });
        // Whoever holds the connection writes the queue; once we hold it,
        // our request was either written by an earlier holder or is still
        // queued, for us to write.
        let mut conn = store.conn();
        if let Some(done) = take(&answer) {
            return done;
        }
        let group = std::mem::take(&mut *self.queue());
        commit_group(&mut conn, group, write);
        drop(conn);
        // Only a panic inside `write` leaves a request unanswered, and it
        // unwound this thread or the one that held the group.
        take(&answer).unwrap_or_else(|| Err(E::from(internal("the request's group of writes was abandoned"))))
    }

    fn queue(&self) -> MutexGuard<'_, Vec<Waiting<J, V, E>>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes a group in one transaction and answers every request after the
/// commit: straight, or if that fails, each request in a savepoint.
fn commit_group<J, V, E: From<rusqlite::Error>>(
    conn: &mut Connection,
    group: Vec<Waiting<J, V, E>>,
    write: impl Fn(&Connection, &J) -> Result<V, E>,
) {
    let Some(answers) = write_straight(conn, &group, &write) else {
        return write_in_savepoints(conn, group, write);
    };
    for (waiting, answer) in group.iter().zip(answers) {
        put(&waiting.answer, Ok(answer));
    }
}

/// The answers of a group written and committed with no savepoint, or
/// `None` (and nothing written) if a request or the commit failed.
fn write_straight<J, V, E>(
    conn: &mut Connection,
    group: &[Waiting<J, V, E>],
    write: &impl Fn(&Connection, &J) -> Result<V, E>,
) -> Option<Vec<V>> {
    let tx = conn.transaction().ok()?;
    // On a failure, dropping `tx` rolls it back.
    let answers = group.iter().map(|waiting| write(&tx, &waiting.job).ok()).collect::<Option<Vec<V>>>()?;
    tx.commit().ok()?;
    Some(answers)
}

/// Writes a group in one transaction, each request in its own savepoint, and
/// answers every request after the commit.
fn write_in_savepoints<J, V, E: From<rusqlite::Error>>(
    conn: &mut Connection,
    group: Vec<Waiting<J, V, E>>,
    write: impl Fn(&Connection, &J) -> Result<V, E>,
) {
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(error) => {
            for waiting in group {
                put(&waiting.answer, Err(E::from(copy(&error))));
            }
            return;
        }
    };
    let mut written = Vec::with_capacity(group.len());
    for Waiting { job, answer } in group {
        let result = match run(&tx, "SAVEPOINT request") {
            Ok(()) => write(&tx, &job),
            Err(error) => Err(E::from(error)),
        };
        let end = if result.is_ok() { Ok(()) } else { run(&tx, "ROLLBACK TO request") };
        if let Err(error) = end.and_then(|()| run(&tx, "RELEASE request")) {
            // The transaction is in an unknown state: give it up whole (the
            // drop of `tx` rolls it back) and fail every request of it.
            for (answer, _) in written {
                put(&answer, Err(E::from(copy(&error))));
            }
            put(&answer, Err(E::from(error)));
            return;
        }
        written.push((answer, result));
    }
    match tx.commit() {
        Ok(()) => {
            for (answer, result) in written {
                put(&answer, result);
            }
        }
        Err(error) => {
            for (answer, result) in written {
                put(&answer, result.and_then(|_| Err(E::from(copy(&error)))));
            }
        }
    }
}

/// Runs a statement kept prepared: these run once per request.
fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn put<V, E>(answer: &Answer<V, E>, result: Result<V, E>) {
    *answer.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
}

fn take<V, E>(answer: &Answer<V, E>) -> Option<Result<V, E>> {
    answer.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// The same error again, for each request of a failed group
/// (`rusqlite::Error` is not `Clone`).
fn copy(error: &rusqlite::Error) -> rusqlite::Error {
    match error {
        rusqlite::Error::SqliteFailure(code, message) => rusqlite::Error::SqliteFailure(*code, message.clone()),
        other => internal(&other.to_string()),
    }
}

fn internal(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR), Some(message.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::GroupCommit;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Arc<Store>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(Store::open(dir.path()).expect("store"));
        store.conn().execute_batch("CREATE TABLE t (n INTEGER NOT NULL)").expect("table");
        (dir, store)
    }

    fn insert(conn: &rusqlite::Connection, n: &i64) -> rusqlite::Result<i64> {
        conn.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
        if *n < 0 {
            return Err(rusqlite::Error::InvalidQuery);
        }
        Ok(*n)
    }

    fn rows(store: &Store) -> Vec<i64> {
        let conn = store.conn();
        let mut select = conn.prepare("SELECT n FROM t ORDER BY n").expect("query");
        select.query_map([], |row| row.get(0)).expect("rows").map(|n| n.expect("row")).collect()
    }

    #[test]
    fn concurrent_writers_are_each_answered_and_a_failing_one_is_rolled_back_alone() {
        let (_dir, store) = store();
        let queue: Arc<GroupCommit<i64, i64, rusqlite::Error>> = Arc::default();
        // Hold the connection so that the writers queue up and are written
        // as one group.
        let held = store.conn();
        let start = Arc::new(Barrier::new(9));
        let writers: Vec<_> = (-2..6)
            .map(|n| {
                let (store, queue, start) = (store.clone(), queue.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    queue.write(&store, n, insert)
                })
            })
            .collect();
        start.wait();
        while queue.queue().len() < 8 {
            std::thread::yield_now();
        }
        drop(held);
        let answers: Vec<_> = writers.into_iter().map(|writer| writer.join().expect("writer")).collect();
        for (n, answer) in (-2..6).zip(answers) {
            match answer {
                Ok(written) => assert_eq!(written, n),
                Err(error) => assert!(n < 0, "{n} failed: {error}"),
            }
        }
        assert_eq!(rows(&store), [0, 1, 2, 3, 4, 5], "the failing requests' writes were rolled back");
    }

    #[test]
    fn a_lone_writer_commits_before_it_is_answered() {
        let (_dir, store) = store();
        let queue: GroupCommit<i64, i64, rusqlite::Error> = GroupCommit::default();
        assert_eq!(queue.write(&store, 7, insert).expect("written"), 7);
        assert!(store.conn().is_autocommit(), "no transaction left open");
        assert_eq!(rows(&store), [7]);
    }
}
