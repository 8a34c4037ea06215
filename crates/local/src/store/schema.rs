//! The database schema, created on first open.

use rusqlite::Connection;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS event_buses (
    name                TEXT PRIMARY KEY,
    description         TEXT,
    log_level           TEXT NOT NULL DEFAULT 'OFF',
    log_include_detail  TEXT NOT NULL DEFAULT 'NONE',
    created_ms          INTEGER NOT NULL,
    modified_ms         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rules (
    bus                 TEXT NOT NULL REFERENCES event_buses(name) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    event_pattern       TEXT,
    schedule_expression TEXT,
    state               TEXT NOT NULL,
    description         TEXT,
    role_arn            TEXT,
    created_ms          INTEGER NOT NULL,
    PRIMARY KEY (bus, name)
);
CREATE TABLE IF NOT EXISTS targets (
    bus                 TEXT NOT NULL,
    rule                TEXT NOT NULL,
    id                  TEXT NOT NULL,
    arn                 TEXT NOT NULL,
    -- The whole Target structure as PutTargets received it.
    target_json         TEXT NOT NULL,
    PRIMARY KEY (bus, rule, id),
    FOREIGN KEY (bus, rule) REFERENCES rules(bus, name) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS events (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Not unique: an event routed to another bus, or replayed, keeps its id.
    id                  TEXT NOT NULL,
    bus                 TEXT NOT NULL,
    received_ms         INTEGER NOT NULL,
    -- The event as targets receive it (version, id, detail-type, ...).
    event_json          TEXT NOT NULL,
    -- Names of the rules the event matched, as a JSON array.
    matched_rules       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_bus_time ON events (bus, received_ms);
CREATE INDEX IF NOT EXISTS events_by_id ON events (id);
-- Deliveries of matched events to rule targets still to be made
-- (crates/local/src/delivery): a row is written with the event, in the same
-- transaction, and deleted when the target took the event, the DLQ did, or
-- the event was dropped.
CREATE TABLE IF NOT EXISTS deliveries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    invocation_id       TEXT NOT NULL,
    event_seq           INTEGER NOT NULL REFERENCES events(seq),
    event_id            TEXT NOT NULL,
    request_id          TEXT NOT NULL,
    bus                 TEXT NOT NULL,
    rule                TEXT NOT NULL,
    target_id           TEXT NOT NULL,
    target_arn          TEXT NOT NULL,
    -- What the target receives; NULL when the input could not be rendered.
    payload             TEXT,
    -- Why the input could not be rendered.
    render_error        TEXT,
    ingested_ms         INTEGER NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    throttled           INTEGER NOT NULL DEFAULT 0,
    due_ms              INTEGER NOT NULL,
    -- Set while an attempt runs; cleared on start-up, so an attempt a crash
    -- cut short is made again.
    in_flight           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_by_due ON deliveries (in_flight, due_ms);
-- When each scheduled rule last fired (crates/local/src/eventbridge/scheduler.rs).
CREATE TABLE IF NOT EXISTS rule_firings (
    bus                 TEXT NOT NULL,
    rule                TEXT NOT NULL,
    fired_ms            INTEGER NOT NULL,
    PRIMARY KEY (bus, rule)
);
CREATE TABLE IF NOT EXISTS log_groups (
    name                TEXT PRIMARY KEY,
    created_ms          INTEGER NOT NULL,
    retention_days      INTEGER
);
CREATE TABLE IF NOT EXISTS log_streams (
    log_group           TEXT NOT NULL REFERENCES log_groups(name) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    PRIMARY KEY (log_group, name)
);
CREATE TABLE IF NOT EXISTS log_events (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    log_group           TEXT NOT NULL,
    log_stream          TEXT NOT NULL,
    timestamp_ms        INTEGER NOT NULL,
    ingestion_ms        INTEGER NOT NULL,
    message             TEXT NOT NULL,
    FOREIGN KEY (log_group, log_stream) REFERENCES log_streams(log_group, name) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS log_events_by_group_time ON log_events (log_group, timestamp_ms, seq);
-- The top-level `event_id` of JSON log events (bus-log records), so that a
-- trace's `{ $.event_id = "..." }` reads its records, not the whole group.
CREATE TABLE IF NOT EXISTS log_event_keys (
    log_group           TEXT NOT NULL,
    event_key           TEXT NOT NULL,
    seq                 INTEGER NOT NULL REFERENCES log_events(seq) ON DELETE CASCADE,
    PRIMARY KEY (log_group, event_key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS log_event_keys_by_seq ON log_event_keys (seq);
-- SQS (crates/local/src/sqs). A message's state is when it is next visible
-- and how often it was received; see sqs/store.rs.
CREATE TABLE IF NOT EXISTS sqs_queues (
    name                TEXT PRIMARY KEY,
    -- The settable attributes (VisibilityTimeout, RedrivePolicy, ...) as a JSON object of strings.
    attributes          TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    modified_ms         INTEGER NOT NULL,
    last_purge_ms       INTEGER
);
CREATE TABLE IF NOT EXISTS sqs_queue_tags (
    queue               TEXT NOT NULL REFERENCES sqs_queues(name) ON DELETE CASCADE,
    key                 TEXT NOT NULL,
    value               TEXT NOT NULL,
    PRIMARY KEY (queue, key)
);
CREATE TABLE IF NOT EXISTS sqs_messages (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    queue               TEXT NOT NULL REFERENCES sqs_queues(name) ON DELETE CASCADE,
    id                  TEXT NOT NULL UNIQUE,
    body                TEXT NOT NULL,
    md5_body            TEXT NOT NULL,
    -- Message attributes as ReceiveMessage returns them (JSON), or NULL.
    message_attributes  TEXT,
    -- System attributes besides the computed ones (AWSTraceHeader, DeadLetterQueueSourceArn), JSON, or NULL.
    system_attributes   TEXT,
    sender_id           TEXT NOT NULL,
    sent_ms             INTEGER NOT NULL,
    -- When it can next be received: sent + delay, then receive + visibility timeout.
    visible_ms          INTEGER NOT NULL,
    receive_count       INTEGER NOT NULL DEFAULT 0,
    first_receive_ms    INTEGER,
    last_receive_ms     INTEGER,
    -- The handle of the latest receive.
    receipt_handle      TEXT,
    -- When the body is an event as its bus kept it (an EventBridge target
    -- without an input transformer): that event's events.seq, and `body` is
    -- empty; the body is read from events.event_json (see sqs/store.rs).
    body_event          INTEGER
);
CREATE INDEX IF NOT EXISTS sqs_messages_by_queue_visible ON sqs_messages (queue, visible_ms, seq);
-- EventBridge archives (crates/local/src/eventbridge/archives): what each
-- keeps of its bus's events for replay. No foreign key to event_buses: an
-- archive names its bus by ARN and outlives it, keeping nothing new while no
-- bus of that name exists.
CREATE TABLE IF NOT EXISTS archives (
    name                TEXT PRIMARY KEY,
    bus                 TEXT NOT NULL,
    description         TEXT,
    -- NULL keeps every event of the bus.
    event_pattern       TEXT,
    -- 0 keeps events forever.
    retention_days      INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL DEFAULT 'ENABLED',
    created_ms          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS archives_by_bus ON archives (bus);
-- One row per (archive, event) kept, written in the transaction that accepts
-- the event.
CREATE TABLE IF NOT EXISTS archived_events (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    archive             TEXT NOT NULL REFERENCES archives(name) ON DELETE CASCADE,
    event_id            TEXT NOT NULL,
    -- The event's `time`, which replay windows select on.
    event_time_ms       INTEGER NOT NULL,
    -- When it was archived, which retention counts from.
    received_ms         INTEGER NOT NULL,
    event_json          TEXT NOT NULL,
    size_bytes          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS archived_events_by_time ON archived_events (archive, event_time_ms, seq);
CREATE INDEX IF NOT EXISTS archived_events_by_received ON archived_events (archive, received_ms);
-- Replays (crates/local/src/eventbridge/replays): the runner re-ingests an
-- archive's events of [event_start_ms, event_end_ms) in (event time, seq)
-- order; the cursor is the last one re-ingested and commits with it, so a
-- replay a crash cut short resumes after it.
CREATE TABLE IF NOT EXISTS replays (
    name                TEXT PRIMARY KEY,
    archive             TEXT NOT NULL,
    description         TEXT,
    -- The destination bus (always the archive's own).
    bus                 TEXT NOT NULL,
    -- Destination.FilterArns as a JSON array, or NULL when not given.
    filter_arns         TEXT,
    event_start_ms      INTEGER NOT NULL,
    event_end_ms        INTEGER NOT NULL,
    -- STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED or FAILED.
    state               TEXT NOT NULL,
    state_reason        TEXT,
    replay_start_ms     INTEGER NOT NULL,
    replay_end_ms       INTEGER,
    -- Event time of the last event re-ingested.
    last_replayed_ms    INTEGER,
    cursor_time_ms      INTEGER NOT NULL,
    cursor_seq          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS replays_by_state ON replays (state, replay_start_ms);
-- EventBridge connections and API destinations (eventbridge/connections,
-- eventbridge/api_destinations). Credentials never sit here in the clear:
-- auth_sealed is XChaCha20-Poly1305 under the key in secrets.key (see
-- secrets.rs), bound to the connection's ARN; auth_public is what Describe shows.
CREATE TABLE IF NOT EXISTS connections (
    name                TEXT PRIMARY KEY,
    -- The UUID that ends the ARN: a new connection of the same name is another one.
    id                  TEXT NOT NULL,
    description         TEXT,
    -- BASIC, API_KEY or OAUTH_CLIENT_CREDENTIALS.
    authorization_type  TEXT NOT NULL,
    -- AUTHORIZED, AUTHORIZING or DEAUTHORIZED.
    state               TEXT NOT NULL,
    state_reason        TEXT,
    -- AuthParameters without secrets (JSON); '{}' once deauthorized.
    auth_public         TEXT NOT NULL,
    -- Nonce || ciphertext of the AuthParameters with secrets; NULL once deauthorized.
    auth_sealed         BLOB,
    -- '<uuid>-<6 characters>' ending the SecretArn; NULL once deauthorized.
    secret_id           TEXT,
    created_ms          INTEGER NOT NULL,
    modified_ms         INTEGER NOT NULL,
    authorized_ms       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_destinations (
    name                TEXT PRIMARY KEY,
    -- The UUID that ends the ARN.
    id                  TEXT NOT NULL,
    description         TEXT,
    -- The connection's full ARN; the destination is INACTIVE when it names
    -- no existing, authorized connection.
    connection_arn      TEXT NOT NULL,
    invocation_endpoint TEXT NOT NULL,
    http_method         TEXT NOT NULL,
    rate_limit_per_second INTEGER NOT NULL,
    created_ms          INTEGER NOT NULL,
    modified_ms         INTEGER NOT NULL
);
-- Step Functions (crates/local/src/stepfunctions). An execution is the
-- choreoscope_asl::Execution as JSON, loaded, driven and saved in one
-- transaction with the rows below, which mirror what it waits on.
CREATE TABLE IF NOT EXISTS sfn_state_machines (
    name                TEXT PRIMARY KEY,
    arn                 TEXT NOT NULL UNIQUE,
    definition          TEXT NOT NULL,
    role_arn            TEXT NOT NULL,
    -- STANDARD or EXPRESS (both run as standard workflows).
    type                TEXT NOT NULL,
    -- loggingConfiguration and tracingConfiguration as given (JSON), or NULL.
    logging             TEXT,
    tracing             TEXT,
    revision_id         TEXT,
    created_ms          INTEGER NOT NULL,
    updated_ms          INTEGER
);
CREATE TABLE IF NOT EXISTS sfn_executions (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    arn                 TEXT NOT NULL UNIQUE,
    state_machine_arn   TEXT NOT NULL,
    name                TEXT NOT NULL,
    -- RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
    status              TEXT NOT NULL,
    -- The input as StartExecution received it.
    input               TEXT NOT NULL,
    -- The definition it runs: an update of the machine applies to new executions.
    definition          TEXT NOT NULL,
    role_arn            TEXT NOT NULL,
    execution_json      TEXT NOT NULL,
    started_ms          INTEGER NOT NULL,
    stopped_ms          INTEGER,
    -- A child started by a `states:startExecution.sync` task reports its end
    -- to that task: (execution, task id, 'sync' or 'sync:2').
    parent_arn          TEXT,
    parent_task_id      TEXT,
    parent_pattern      TEXT
);
CREATE INDEX IF NOT EXISTS sfn_executions_by_machine ON sfn_executions (state_machine_arn, started_ms, seq);
-- Task tokens, kept after their task ends so SendTask* can say why a token
-- no longer works. WAITING, TIMED_OUT or CLOSED.
CREATE TABLE IF NOT EXISTS sfn_task_tokens (
    token               TEXT PRIMARY KEY,
    execution_arn       TEXT NOT NULL,
    task_id             TEXT NOT NULL,
    state               TEXT NOT NULL,
    heartbeat_seconds   INTEGER,
    heartbeat_at_ms     INTEGER,
    timeout_at_ms       INTEGER,
    created_ms          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sfn_task_tokens_by_execution ON sfn_task_tokens (execution_arn, state);
-- Timers of running executions (Wait states, retry delays, task timeouts
-- and heartbeats, execution timeouts).
CREATE TABLE IF NOT EXISTS sfn_timers (
    execution_arn       TEXT NOT NULL,
    timer_id            TEXT NOT NULL,
    at_ms               INTEGER NOT NULL,
    PRIMARY KEY (execution_arn, timer_id)
);
CREATE INDEX IF NOT EXISTS sfn_timers_by_due ON sfn_timers (at_ms);
-- Task calls still to make (choreoscope_asl::TaskRequest as JSON): deleted in
-- the transaction that feeds the call's outcome back, so a call a crash cut
-- short is made again.
CREATE TABLE IF NOT EXISTS sfn_invocations (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    execution_arn       TEXT NOT NULL,
    task_id             TEXT NOT NULL,
    request_json        TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    UNIQUE (execution_arn, task_id)
);
"#;

/// Creates whatever of the schema is missing.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let had_keys: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_event_keys')",
        [],
        |row| row.get(0),
    )?;
    conn.execute_batch(SCHEMA)?;
    let has_body_event: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('sqs_messages') WHERE name = 'body_event')",
        [],
        |row| row.get(0),
    )?;
    if !has_body_event {
        // A store from before bodies were read from events: every body it
        // has is in `body`.
        conn.execute_batch("ALTER TABLE sqs_messages ADD COLUMN body_event INTEGER")?;
    }
    if !had_keys {
        // A store from before the index: key the events it already has.
        conn.execute(
            "INSERT OR IGNORE INTO log_event_keys (log_group, event_key, seq)
             SELECT log_group, json_extract(message, '$.event_id'), seq FROM log_events
             WHERE json_valid(message) AND json_type(message, '$.event_id') = 'text'",
            [],
        )?;
    }
    Ok(())
}
