//! The Step Functions tables (`sfn_*` in `store/schema.rs`): reading and
//! writing rows, nothing more. What the rows mean is kept by [`super::engine`].

use rusqlite::{Connection, OptionalExtension, Row, params};

/// A state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineRow {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The definition as given.
    pub definition: String,
    /// The role its executions run as.
    pub role_arn: String,
    /// `STANDARD` or `EXPRESS`.
    pub kind: String,
    /// `loggingConfiguration` as given (JSON).
    pub logging: Option<String>,
    /// `tracingConfiguration` as given (JSON).
    pub tracing: Option<String>,
    /// Set by each UpdateStateMachine.
    pub revision_id: Option<String>,
    /// When it was created.
    pub created_ms: i64,
    /// When it was last updated.
    pub updated_ms: Option<i64>,
}

const MACHINE_COLUMNS: &str =
    "name, arn, definition, role_arn, type, logging, tracing, revision_id, created_ms, updated_ms";

fn machine_row(row: &Row<'_>) -> rusqlite::Result<MachineRow> {
    Ok(MachineRow {
        name: row.get(0)?,
        arn: row.get(1)?,
        definition: row.get(2)?,
        role_arn: row.get(3)?,
        kind: row.get(4)?,
        logging: row.get(5)?,
        tracing: row.get(6)?,
        revision_id: row.get(7)?,
        created_ms: row.get(8)?,
        updated_ms: row.get(9)?,
    })
}

/// The state machine called `name`.
pub fn machine(conn: &Connection, name: &str) -> rusqlite::Result<Option<MachineRow>> {
    conn.prepare_cached(&format!("SELECT {MACHINE_COLUMNS} FROM sfn_state_machines WHERE name = ?1"))?
        .query_row([name], machine_row)
        .optional()
}

/// Writes a state machine, new or updated.
pub fn put_machine(conn: &Connection, m: &MachineRow) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO sfn_state_machines ({MACHINE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        m.name,
        m.arn,
        m.definition,
        m.role_arn,
        m.kind,
        m.logging,
        m.tracing,
        m.revision_id,
        m.created_ms,
        m.updated_ms
    ])?;
    Ok(())
}

/// Deletes the state machine called `name`, if there is one.
pub fn delete_machine(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM sfn_state_machines WHERE name = ?1")?.execute([name])?;
    Ok(())
}

/// Up to `limit` state machines by name, after `after`.
pub fn machines(conn: &Connection, after: &str, limit: usize) -> rusqlite::Result<Vec<MachineRow>> {
    let sql = format!("SELECT {MACHINE_COLUMNS} FROM sfn_state_machines WHERE name > ?1 ORDER BY name LIMIT ?2");
    let mut statement = conn.prepare_cached(&sql)?;
    statement.query_map(params![after, limit as i64], machine_row)?.collect()
}

/// The child of a `.sync` task: where to report its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    /// The parent execution.
    pub execution_arn: String,
    /// The parent's task.
    pub task_id: String,
    /// `sync` (input and output as strings) or `sync:2` (as JSON).
    pub pattern: String,
}

/// An execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRow {
    /// Insertion order, for listing.
    pub seq: i64,
    /// Its ARN.
    pub arn: String,
    /// Its state machine's ARN.
    pub state_machine_arn: String,
    /// Its name.
    pub name: String,
    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
    pub status: String,
    /// The input as given.
    pub input: String,
    /// The definition it runs.
    pub definition: String,
    /// The role it runs as.
    pub role_arn: String,
    /// The `choreoscope_asl::Execution`, as JSON.
    pub execution_json: String,
    /// When it started.
    pub started_ms: i64,
    /// When it ended.
    pub stopped_ms: Option<i64>,
    /// The `.sync` task that started it, if one did.
    pub parent: Option<Parent>,
}

const EXECUTION_COLUMNS: &str = "seq, arn, state_machine_arn, name, status, input, definition, role_arn, \
     execution_json, started_ms, stopped_ms, parent_arn, parent_task_id, parent_pattern";

fn execution_row(row: &Row<'_>) -> rusqlite::Result<ExecutionRow> {
    let parent = match (row.get::<_, Option<String>>(11)?, row.get::<_, Option<String>>(12)?) {
        (Some(execution_arn), Some(task_id)) => {
            Some(Parent { execution_arn, task_id, pattern: row.get::<_, Option<String>>(13)?.unwrap_or_default() })
        }
        _ => None,
    };
    Ok(ExecutionRow {
        seq: row.get(0)?,
        arn: row.get(1)?,
        state_machine_arn: row.get(2)?,
        name: row.get(3)?,
        status: row.get(4)?,
        input: row.get(5)?,
        definition: row.get(6)?,
        role_arn: row.get(7)?,
        execution_json: row.get(8)?,
        started_ms: row.get(9)?,
        stopped_ms: row.get(10)?,
        parent,
    })
}

/// The execution with ARN `arn`.
pub fn execution(conn: &Connection, arn: &str) -> rusqlite::Result<Option<ExecutionRow>> {
    conn.prepare_cached(&format!("SELECT {EXECUTION_COLUMNS} FROM sfn_executions WHERE arn = ?1"))?
        .query_row([arn], execution_row)
        .optional()
}

/// Writes a new execution (its `seq` is assigned).
pub fn insert_execution(conn: &Connection, e: &ExecutionRow) -> rusqlite::Result<()> {
    let parent = e.parent.as_ref();
    conn.prepare_cached(
        "INSERT INTO sfn_executions (arn, state_machine_arn, name, status, input, definition, role_arn, \
         execution_json, started_ms, stopped_ms, parent_arn, parent_task_id, parent_pattern) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.arn,
        e.state_machine_arn,
        e.name,
        e.status,
        e.input,
        e.definition,
        e.role_arn,
        e.execution_json,
        e.started_ms,
        e.stopped_ms,
        parent.map(|p| &p.execution_arn),
        parent.map(|p| &p.task_id),
        parent.map(|p| &p.pattern),
    ])?;
    Ok(())
}

/// Saves what changed in an execution.
pub fn save_execution(conn: &Connection, e: &ExecutionRow) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sfn_executions SET status = ?2, execution_json = ?3, stopped_ms = ?4 WHERE arn = ?1")?
        .execute(params![e.arn, e.status, e.execution_json, e.stopped_ms])?;
    Ok(())
}

/// Up to `limit` executions of a state machine, newest first, after the
/// position `(started_ms, seq)` of the previous page's last one.
pub fn executions(
    conn: &Connection,
    machine_arn: &str,
    status: Option<&str>,
    after: Option<(i64, i64)>,
    limit: usize,
) -> rusqlite::Result<Vec<ExecutionRow>> {
    let (started, seq) = after.unwrap_or((i64::MAX, i64::MAX));
    let sql = format!(
        "SELECT {EXECUTION_COLUMNS} FROM sfn_executions WHERE state_machine_arn = ?1 \
         AND (?2 IS NULL OR status = ?2) AND (started_ms < ?3 OR (started_ms = ?3 AND seq < ?4)) \
         ORDER BY started_ms DESC, seq DESC LIMIT ?5"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    statement.query_map(params![machine_arn, status, started, seq, limit as i64], execution_row)?.collect()
}

/// A task token's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// The execution it belongs to.
    pub execution_arn: String,
    /// The task it answers.
    pub task_id: String,
    /// WAITING, TIMED_OUT or CLOSED.
    pub state: String,
    /// The task's HeartbeatSeconds.
    pub heartbeat_seconds: Option<i64>,
    /// When the heartbeat runs out.
    pub heartbeat_at_ms: Option<i64>,
    /// When the task's TimeoutSeconds run out.
    pub timeout_at_ms: Option<i64>,
}

/// The row of `token`.
pub fn token(conn: &Connection, token: &str) -> rusqlite::Result<Option<TokenRow>> {
    conn.prepare_cached(
        "SELECT execution_arn, task_id, state, heartbeat_seconds, heartbeat_at_ms, timeout_at_ms \
         FROM sfn_task_tokens WHERE token = ?1",
    )?
    .query_row([token], |row| {
        Ok(TokenRow {
            execution_arn: row.get(0)?,
            task_id: row.get(1)?,
            state: row.get(2)?,
            heartbeat_seconds: row.get(3)?,
            heartbeat_at_ms: row.get(4)?,
            timeout_at_ms: row.get(5)?,
        })
    })
    .optional()
}

/// Records a token a task waits on.
pub fn insert_token(conn: &Connection, token: &str, row: &TokenRow, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sfn_task_tokens (token, execution_arn, task_id, state, heartbeat_seconds, \
         heartbeat_at_ms, timeout_at_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        token,
        row.execution_arn,
        row.task_id,
        row.state,
        row.heartbeat_seconds,
        row.heartbeat_at_ms,
        row.timeout_at_ms,
        now
    ])?;
    Ok(())
}

/// A waiting token and when its heartbeat and its timeout run out.
pub type Waiting = (String, Option<i64>, Option<i64>);

/// The tokens of an execution still waiting.
pub fn waiting_tokens(conn: &Connection, execution_arn: &str) -> rusqlite::Result<Vec<Waiting>> {
    let mut statement = conn.prepare_cached(
        "SELECT token, heartbeat_at_ms, timeout_at_ms FROM sfn_task_tokens WHERE execution_arn = ?1 AND state = 'WAITING'",
    )?;
    statement.query_map([execution_arn], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect()
}

/// Sets a token's state.
pub fn set_token_state(conn: &Connection, token: &str, state: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sfn_task_tokens SET state = ?2 WHERE token = ?1")?.execute(params![token, state])?;
    Ok(())
}

/// Moves a token's heartbeat deadline.
pub fn set_heartbeat(conn: &Connection, token: &str, at_ms: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sfn_task_tokens SET heartbeat_at_ms = ?2 WHERE token = ?1")?
        .execute(params![token, at_ms])?;
    Ok(())
}

/// Replaces an execution's timers with `timers`.
pub fn replace_timers<'a>(
    conn: &Connection,
    execution_arn: &str,
    timers: impl Iterator<Item = (&'a str, i64)>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM sfn_timers WHERE execution_arn = ?1")?.execute([execution_arn])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO sfn_timers (execution_arn, timer_id, at_ms) VALUES (?1, ?2, ?3)")?;
    for (timer_id, at_ms) in timers {
        insert.execute(params![execution_arn, timer_id, at_ms])?;
    }
    Ok(())
}

/// The earliest timer of an execution due by `now`.
pub fn due_timer(conn: &Connection, execution_arn: &str, now: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT timer_id FROM sfn_timers WHERE execution_arn = ?1 AND at_ms <= ?2 ORDER BY at_ms, timer_id LIMIT 1",
    )?
    .query_row(params![execution_arn, now], |row| row.get(0))
    .optional()
}

/// Executions with a timer due by `now`, earliest first.
pub fn executions_with_due_timers(conn: &Connection, now: i64, limit: usize) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT execution_arn FROM sfn_timers WHERE at_ms <= ?1 GROUP BY execution_arn ORDER BY MIN(at_ms) LIMIT ?2",
    )?;
    statement.query_map(params![now, limit as i64], |row| row.get(0))?.collect()
}

/// When the next timer falls due, if any is set.
pub fn next_timer_ms(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT MIN(at_ms) FROM sfn_timers")?.query_row([], |row| row.get(0))
}

/// A task call still to make.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The order it was asked for in.
    pub seq: i64,
    /// The execution.
    pub execution_arn: String,
    /// The task.
    pub task_id: String,
    /// The `choreoscope_asl::TaskRequest`, as JSON.
    pub request_json: String,
}

/// Records a call to make.
pub fn insert_invocation(
    conn: &Connection,
    execution_arn: &str,
    task_id: &str,
    request_json: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sfn_invocations (execution_arn, task_id, request_json, created_ms) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![execution_arn, task_id, request_json, now])?;
    Ok(())
}

/// Up to `limit` calls to make, oldest first, after `after_seq`.
pub fn invocations(conn: &Connection, after_seq: i64, limit: usize) -> rusqlite::Result<Vec<Invocation>> {
    let mut statement = conn.prepare_cached(
        "SELECT seq, execution_arn, task_id, request_json FROM sfn_invocations WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    statement
        .query_map(params![after_seq, limit as i64], |row| {
            Ok(Invocation {
                seq: row.get(0)?,
                execution_arn: row.get(1)?,
                task_id: row.get(2)?,
                request_json: row.get(3)?,
            })
        })?
        .collect()
}

/// The tasks of an execution with a call still to make.
pub fn invocation_tasks(conn: &Connection, execution_arn: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached("SELECT task_id FROM sfn_invocations WHERE execution_arn = ?1")?;
    statement.query_map([execution_arn], |row| row.get(0))?.collect()
}

/// Deletes a call; whether it was still there (a call whose task was
/// cancelled meanwhile is gone, and its outcome is dropped).
pub fn take_invocation(conn: &Connection, execution_arn: &str, task_id: &str) -> rusqlite::Result<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM sfn_invocations WHERE execution_arn = ?1 AND task_id = ?2")?
        .execute(params![execution_arn, task_id])?;
    Ok(deleted > 0)
}
