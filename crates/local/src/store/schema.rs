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
    id                  TEXT NOT NULL UNIQUE,
    bus                 TEXT NOT NULL,
    received_ms         INTEGER NOT NULL,
    -- The event as targets receive it (version, id, detail-type, ...).
    event_json          TEXT NOT NULL,
    -- Names of the rules the event matched, as a JSON array.
    matched_rules       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_bus_time ON events (bus, received_ms);
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
    receipt_handle      TEXT
);
CREATE INDEX IF NOT EXISTS sqs_messages_by_queue_visible ON sqs_messages (queue, visible_ms, seq);
"#;

/// Creates whatever of the schema is missing.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}
