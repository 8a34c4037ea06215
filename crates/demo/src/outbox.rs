//! The transactional outbox and its relay.
//!
//! A command writes its event into `outbox` in the transaction that changes
//! the order ([`enqueue`]); the [`Relay`] puts unsent rows on the bus in
//! order and marks a row sent only once PutEvents accepted its entry. A
//! crash between the two re-sends the row: delivery is at least once, and
//! every consumer dedupes on the event's idempotency key.

use std::sync::Arc;
use std::time::Duration;

use choreoscope_local::Api;
use rusqlite::params;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::Shutdown;
use crate::envelope::{DemoEvent, INTERNAL_BUS};
use crate::store::{DemoStore, StoreError};

/// The outbox table.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS outbox (
    seq         INTEGER PRIMARY KEY,
    event_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
"#;

/// PutEvents' limit on entries per request.
const BATCH: usize = 10;
/// After this many refusals of its entry a row is parked: it stays unsent
/// (and visible in [`pending`]) but no longer holds up the rows behind it.
pub const MAX_ATTEMPTS: i64 = 20;
/// The first wait after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How often an idle relay looks for rows anyway (a notification can only
/// be missed by a writer outside [`Orders`](crate::orders::Orders)).
const IDLE_TICK: Duration = Duration::from_secs(1);

/// Writes `event` into the outbox, as the PutEvents entry that puts it on
/// the internal bus, inside the caller's transaction.
pub(crate) fn enqueue(tx: &rusqlite::Transaction<'_>, event: &DemoEvent) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO outbox (event_json, created_at) VALUES (?1, ?2)",
        params![event.entry(INTERNAL_BUS).to_string(), crate::orders::now_rfc3339()],
    )?;
    Ok(())
}

/// How many outbox rows are not sent yet (parked rows included).
pub async fn pending(store: &DemoStore) -> Result<u64, StoreError> {
    store.run(|conn| conn.query_row("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", [], |row| row.get(0))).await
}

/// What one round of the relay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// Nothing to send.
    Idle,
    /// Every entry was accepted.
    Sent,
    /// PutEvents failed or refused some entries: wait before the next try.
    Failed,
}

/// Puts the outbox on the internal bus; see the [module](self).
pub struct Relay {
    store: DemoStore,
    api: Api,
    ready: Arc<Notify>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay").finish_non_exhaustive()
    }
}

impl Relay {
    /// A relay from `store`'s outbox through `api`, woken by `ready`
    /// ([`Orders::outbox_ready`](crate::orders::Orders::outbox_ready)).
    pub fn new(store: DemoStore, api: Api, ready: Arc<Notify>) -> Self {
        Self { store, api, ready }
    }

    /// Relays until `shutdown` changes to `true` (or its sender is gone).
    pub async fn run(self, mut shutdown: Shutdown) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let round = match self.round().await {
                Ok(round) => round,
                Err(error) => {
                    tracing::warn!(%error, "the outbox relay cannot read the outbox");
                    Round::Failed
                }
            };
            let wait = match round {
                Round::Sent => {
                    backoff = FIRST_BACKOFF;
                    continue;
                }
                Round::Idle => {
                    backoff = FIRST_BACKOFF;
                    tokio::select! {
                        () = self.ready.notified() => continue,
                        () = tokio::time::sleep(IDLE_TICK) => continue,
                        stop = shutdown.changed() => stop,
                    }
                }
                Round::Failed => {
                    let wait = backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    tokio::select! {
                        () = tokio::time::sleep(wait) => continue,
                        stop = shutdown.changed() => stop,
                    }
                }
            };
            // The shutdown value changed, or its sender is gone: both stop.
            if wait.is_err() {
                return;
            }
        }
    }

    /// Sends the oldest unsent rows and marks those PutEvents accepted.
    async fn round(&self) -> Result<Round, StoreError> {
        let rows = self
            .store
            .run(|conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT seq, event_json FROM outbox WHERE sent_at IS NULL AND attempts < ?1 ORDER BY seq LIMIT ?2",
                )?;
                let rows = statement.query_map(params![MAX_ATTEMPTS, BATCH as i64], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if rows.is_empty() {
            return Ok(Round::Idle);
        }
        let mut outcomes: Vec<(i64, Result<(), String>)> = Vec::with_capacity(rows.len());
        let mut batch: Vec<(i64, Value)> = Vec::with_capacity(rows.len());
        for (seq, text) in rows {
            match serde_json::from_str(&text) {
                Ok(entry) => batch.push((seq, entry)),
                // Only a damaged database gets here; retrying cannot repair it.
                Err(error) => outcomes.push((seq, Err(format!("the outbox row is not JSON: {error}")))),
            }
        }
        let mut failed = outcomes.len();
        if !batch.is_empty() {
            let entries: Vec<Value> = batch.iter().map(|(_, entry)| entry.clone()).collect();
            let output = match self.api.call("AWSEvents.PutEvents", json!({ "Entries": entries })).await {
                Ok(output) => output,
                Err(error) => {
                    // Nothing was accepted: every row stays unsent as it was.
                    tracing::warn!(%error, rows = batch.len(), "PutEvents failed; the outbox relay retries");
                    self.record(outcomes).await?;
                    return Ok(Round::Failed);
                }
            };
            let results = output["Entries"].as_array().cloned().unwrap_or_default();
            for (index, (seq, _)) in batch.iter().enumerate() {
                // Only an entry answered with an EventId was accepted; a
                // missing result counts as refused, so it is sent again.
                let outcome = match results.get(index) {
                    Some(result) if result["EventId"].is_string() => Ok(()),
                    Some(result) => Err(format!("{}: {}", text(&result["ErrorCode"]), text(&result["ErrorMessage"]))),
                    None => Err("PutEvents returned no result for the entry".to_owned()),
                };
                if let Err(error) = &outcome {
                    failed += 1;
                    tracing::warn!(seq, error, "PutEvents refused an outbox entry");
                }
                outcomes.push((*seq, outcome));
            }
        }
        self.record(outcomes).await?;
        Ok(if failed == 0 { Round::Sent } else { Round::Failed })
    }

    /// Marks the accepted rows sent and counts a refusal on the others.
    async fn record(&self, outcomes: Vec<(i64, Result<(), String>)>) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = crate::orders::now_rfc3339();
        self.store
            .transaction(move |tx| {
                for (seq, outcome) in outcomes {
                    match outcome {
                        Ok(()) => {
                            tx.execute("UPDATE outbox SET sent_at = ?2, attempts = attempts + 1 WHERE seq = ?1", params![seq, now])?;
                        }
                        Err(error) => {
                            let attempts: i64 = tx.query_row(
                                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1 RETURNING attempts",
                                params![seq, error],
                                |row| row.get(0),
                            )?;
                            if attempts >= MAX_ATTEMPTS {
                                tracing::error!(seq, error, "an outbox entry was refused {attempts} times; it is parked");
                            }
                        }
                    }
                }
                Ok(())
            })
            .await
    }
}

/// A JSON string's text, or the JSON itself.
fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use choreoscope_local::{Config, LocalSystem};
    use serde_json::{Value, json};
    use tokio::sync::watch;

    use super::{Relay, pending};
    use crate::orders::{Orders, PlaceOrder};
    use crate::store::DemoStore;

    fn order() -> PlaceOrder {
        PlaceOrder { customer: "Ada".into(), restaurant_id: "r-burger".into(), items: vec![("m-fries".into(), 1)] }
    }

    /// Waits until `check` holds, polling.
    async fn eventually<F, Fut>(what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..100 {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what}");
    }

    #[tokio::test]
    async fn the_relay_marks_sent_exactly_the_accepted_entries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let system =
            LocalSystem::start(Config::new(dir.path().join("local")).with_port(0)).await.expect("local system");
        let api = system.api();
        api.call("AWSEvents.CreateEventBus", json!({"Name": "food-delivery"})).await.expect("bus");
        let queue = api.call("AmazonSQS.CreateQueue", json!({"QueueName": "relayed"})).await.expect("queue");
        let queue_url = queue["QueueUrl"].as_str().expect("url").to_owned();
        let attributes = api
            .call("AmazonSQS.GetQueueAttributes", json!({"QueueUrl": queue_url, "AttributeNames": ["QueueArn"]}))
            .await
            .expect("attributes");
        let queue_arn = attributes["Attributes"]["QueueArn"].as_str().expect("ARN").to_owned();
        let pattern = json!({"source": [{"prefix": "food-delivery."}]}).to_string();
        api.call("AWSEvents.PutRule", json!({"Name": "all", "EventBusName": "food-delivery", "EventPattern": pattern}))
            .await
            .expect("rule");
        api.call(
            "AWSEvents.PutTargets",
            json!({"Rule": "all", "EventBusName": "food-delivery", "Targets": [{"Id": "queue", "Arn": queue_arn}]}),
        )
        .await
        .expect("target");

        let store = DemoStore::open(&dir.path().join("demo")).expect("store");
        let orders = Orders::new(store.clone());
        let first = orders.place(order()).await.expect("first");
        // An entry PutEvents refuses (its Detail is not an object), between two good ones.
        store
            .run(|conn| {
                let bad = json!({"EventBusName": "food-delivery", "Source": "food-delivery.orders",
                                 "DetailType": "Broken", "Detail": "[1]"});
                conn.execute("INSERT INTO outbox (event_json, created_at) VALUES (?1, 'now')", [bad.to_string()])
            })
            .await
            .expect("bad row");
        let second = orders.place(order()).await.expect("second");
        assert_eq!(pending(&store).await.expect("pending"), 3);

        let (stop, shutdown) = watch::channel(false);
        let relay = tokio::spawn(Relay::new(store.clone(), api.clone(), orders.outbox_ready()).run(shutdown));
        eventually("the good rows to be sent", || async { pending(&store).await.expect("pending") == 1 }).await;

        let (sent_at, attempts, error): (Option<String>, i64, Option<String>) = store
            .run(|conn| {
                conn.query_row("SELECT sent_at, attempts, last_error FROM outbox WHERE seq = 2", [], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
            })
            .await
            .expect("bad row");
        assert_eq!(sent_at, None);
        assert!(attempts >= 1);
        assert!(error.is_some_and(|error| error.contains("MalformedDetail")));

        let mut received: Vec<Value> = Vec::new();
        for _ in 0..50 {
            let output = api
                .call(
                    "AmazonSQS.ReceiveMessage",
                    json!({"QueueUrl": queue_url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1}),
                )
                .await
                .expect("receive");
            for message in output["Messages"].as_array().into_iter().flatten() {
                received.push(serde_json::from_str(message["Body"].as_str().expect("body")).expect("event"));
            }
            if received.len() >= 2 {
                break;
            }
        }
        let ids: Vec<&str> =
            received.iter().map(|event| event["detail"]["data"]["orderId"].as_str().expect("order id")).collect();
        assert_eq!(ids, [first.id.as_str(), second.id.as_str()]);
        assert!(received.iter().all(|event| event["detail-type"] == "OrderPlaced"));

        // A new order wakes the idle relay.
        orders.place(order()).await.expect("third");
        eventually("the third order to be sent", || async {
            let sent: i64 = store
                .run(|conn| {
                    conn.query_row("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL", [], |row| row.get(0))
                })
                .await
                .expect("sent");
            sent == 3
        })
        .await;

        let _ = stop.send(true);
        tokio::time::timeout(Duration::from_secs(10), relay).await.expect("relay stops").expect("relay task");
        system.shutdown().await;
    }

    #[tokio::test]
    async fn a_stopped_relay_sends_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let system =
            LocalSystem::start(Config::new(dir.path().join("local")).with_port(0)).await.expect("local system");
        let store = DemoStore::open(&dir.path().join("demo")).expect("store");
        let orders = Orders::new(store.clone());
        orders.place(order()).await.expect("placed");
        let (_stop, shutdown) = watch::channel(true);
        Relay::new(store.clone(), system.api(), orders.outbox_ready()).run(shutdown).await;
        assert_eq!(pending(&store).await.expect("pending"), 1);
        system.shutdown().await;
    }
}
