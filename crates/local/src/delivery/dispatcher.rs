//! The dispatcher: takes deliveries as they fall due, makes one attempt each,
//! and records what came of it: done, retry later, or give up (DLQ or drop).

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::dlq::{self, GivenUp};
use super::local_targets;
use super::log::InvocationLog;
use super::outcome::{Failure, FailureKind, Outcome};
use super::policy::{self, RetryPolicy};
use super::store::{self, Due};
use super::target_kind::TargetKind;
use crate::eventbridge::api_destinations::invoke::{
    ApiDestinationsClient, Destination, Invocation, TargetHttpParameters,
};
use crate::eventbridge::bus_log::{self, Level, Record};
use crate::eventbridge::{api_destinations, buses, targets};
use crate::functions::Functions;
use crate::shared::Shared;

/// How the dispatcher paces retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySettings {
    /// The wait before the first retry; it doubles for each retry after.
    pub backoff_base_ms: i64,
    /// The longest wait between two attempts.
    pub backoff_cap_ms: i64,
    /// Attempts made side by side at most.
    pub concurrency: usize,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self { backoff_base_ms: 1_000, backoff_cap_ms: 180_000, concurrency: 64 }
    }
}

/// Makes the deliveries of one local system.
#[derive(Clone)]
pub struct Dispatcher {
    shared: Arc<Shared>,
    functions: Functions,
    api_destinations: Option<Arc<ApiDestinationsClient>>,
    settings: DeliverySettings,
}

/// What an attempt needs from the store besides the delivery.
struct Context {
    target: Value,
    bus: buses::Bus,
    event: Value,
    /// For an API destination target: it and its connection, if they exist.
    api_destination: Option<(Destination, api_destinations::invoke::Connection)>,
}

/// The error code of a call held back by an API destination's own rate
/// limit: the call was not made, so it is not counted as an attempt.
const LOCAL_THROTTLE: &str = "THROTTLING";

impl Dispatcher {
    /// A dispatcher over `shared`, invoking functions from `functions`.
    pub fn new(shared: Arc<Shared>, functions: Functions, settings: DeliverySettings) -> Self {
        let api_destinations = match ApiDestinationsClient::new() {
            Ok(client) => Some(Arc::new(client)),
            Err(error) => {
                tracing::error!(%error, "no HTTP client: API destinations cannot be invoked");
                None
            }
        };
        Self { shared, functions, api_destinations, settings }
    }

    /// Delivers until the system stops. Attempts a crash cut short are made
    /// again first.
    pub async fn run(self) {
        let shared = self.shared.clone();
        if let Err(error) = blocking(&shared, |conn, _| store::release_in_flight(conn)).await {
            tracing::error!(%error, "cannot resume deliveries");
        }
        while !shared.shutdown.has_begun() {
            let ready = shared.deliveries_ready.notified();
            tokio::pin!(ready);
            ready.as_mut().enable();
            match self.run_due().await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(error) => tracing::error!(%error, "delivery round failed"),
            }
            let next = blocking(&shared, |conn, _| store::next_due_ms(conn)).await.ok().flatten();
            // Wake at least every second: cheap, and it copes with clocks
            // moved by tests and with wake-ups lost to a failed round.
            let wait_ms = next.map_or(1_000, |due| (due - shared.clock.now_ms()).clamp(0, 1_000));
            tokio::select! {
                () = &mut ready => {}
                () = tokio::time::sleep(std::time::Duration::from_millis(wait_ms as u64)) => {}
                () = shared.shutdown.wait() => {}
            }
        }
    }

    /// Makes one attempt for every delivery due now and returns how many
    /// were made. Deliveries to targets in the store are made together in
    /// one transaction (a round of writes costs one commit, not one each);
    /// the others are marked in flight in that transaction, with what their
    /// attempts need read and their starts logged, then called side by side
    /// at once, and their outcomes recorded together as they come in.
    pub async fn run_due(&self) -> rusqlite::Result<usize> {
        let mut made = 0;
        loop {
            let now = self.shared.clock.now_ms();
            let limit = self.settings.concurrency.max(1) * LOCAL_BATCH_FACTOR;
            let settings = self.settings;
            let remote_limit = self.settings.concurrency;
            let taken = blocking(&self.shared, move |conn, shared| {
                let mut tx = conn.transaction()?;
                let due = store::select_due(&tx, now, limit)?;
                let mut local = 0;
                let mut remote = Vec::new();
                for delivery in due {
                    if local_targets::is_local(TargetKind::of(&delivery.target_arn)) {
                        attempt_local(&mut tx, shared, &settings, &delivery)?;
                        local += 1;
                    } else if remote.len() < remote_limit {
                        match start_remote(&tx, shared, &delivery)? {
                            Some(context) => {
                                store::mark_in_flight(&tx, delivery.id)?;
                                remote.push((delivery, context));
                            }
                            None => {
                                // The target or its bus is gone: nothing to deliver to.
                                store::finish(&tx, delivery.id)?;
                                local += 1;
                            }
                        }
                    }
                }
                tx.commit()?;
                Ok((local, remote))
            });
            let (local, remote) = match taken.await {
                Ok(taken) => taken,
                Err(error) => {
                    // One bad delivery must not hold the others up: make them
                    // one by one, so the failing one is all that fails.
                    tracing::warn!(%error, "a delivery round failed; making its deliveries one by one");
                    return self.run_due_one_by_one(made).await;
                }
            };
            if local == 0 && remote.is_empty() {
                return Ok(made);
            }
            made += local + remote.len();
            self.call_remote(remote).await;
        }
    }

    /// Calls the remote targets of a round side by side and records their
    /// outcomes: every outcome that has come in by the time the last
    /// record is written goes into the next transaction.
    async fn call_remote(&self, remote: Vec<(Due, Context)>) {
        let mut attempts = JoinSet::new();
        for (due, context) in remote {
            let dispatcher = self.clone();
            attempts.spawn(async move {
                let outcome = match &due.payload {
                    Ok(payload) => dispatcher.invoke_remote(&due, &context, payload).await,
                    Err(reason) => Outcome::Failed(unrenderable(reason)),
                };
                (due, context, outcome)
            });
        }
        while let Some(first) = attempts.join_next().await {
            let mut outcomes = Vec::new();
            for result in std::iter::once(first).chain(std::iter::from_fn(|| attempts.try_join_next())) {
                match result {
                    Ok(outcome) => outcomes.push(outcome),
                    Err(error) => tracing::error!(%error, "a delivery attempt panicked"),
                }
            }
            let settings = self.settings;
            let recorded = blocking(&self.shared, move |conn, shared| {
                let mut tx = conn.transaction()?;
                for (due, context, outcome) in outcomes {
                    // Each in a savepoint: one that cannot be recorded must
                    // not undo the others.
                    let savepoint = tx.savepoint()?;
                    match record(&savepoint, shared, &settings, &context, &due, outcome) {
                        Ok(()) => savepoint.commit()?,
                        Err(error) => tracing::error!(%error, id = due.id, "recording a delivery attempt failed"),
                    }
                }
                tx.commit()
            });
            if let Err(error) = recorded.await {
                tracing::error!(%error, "recording delivery attempts failed");
            }
        }
    }

    /// The fallback of a failed round: each due delivery in its own
    /// transaction.
    async fn run_due_one_by_one(&self, mut made: usize) -> rusqlite::Result<usize> {
        let now = self.shared.clock.now_ms();
        let limit = self.settings.concurrency.max(1);
        let due = blocking(&self.shared, move |conn, _| store::claim_due(conn, now, limit)).await?;
        for delivery in due {
            made += 1;
            if let Err(error) = self.attempt(delivery).await {
                tracing::error!(%error, "recording a delivery attempt failed");
            }
        }
        Ok(made)
    }

    /// One attempt of one delivery, and its record.
    async fn attempt(&self, due: Due) -> rusqlite::Result<()> {
        let settings = self.settings;
        if local_targets::is_local(TargetKind::of(&due.target_arn)) {
            // Delivery and its record commit together.
            return blocking(&self.shared, move |conn, shared| {
                let mut tx = conn.transaction()?;
                attempt_local(&mut tx, shared, &settings, &due)?;
                tx.commit()
            })
            .await;
        }
        let loaded = blocking(&self.shared, {
            let due = due.clone();
            move |conn, shared| {
                let context = start_remote(conn, shared, &due)?;
                if context.is_none() {
                    store::finish(conn, due.id)?;
                }
                Ok(context)
            }
        })
        .await?;
        let Some(context) = loaded else {
            return Ok(());
        };
        let outcome = match &due.payload {
            Ok(payload) => self.invoke_remote(&due, &context, payload).await,
            Err(reason) => Outcome::Failed(unrenderable(reason)),
        };
        blocking(&self.shared, move |conn, shared| {
            let tx = conn.transaction()?;
            record(&tx, shared, &settings, &context, &due, outcome)?;
            tx.commit()
        })
        .await
    }

    /// Calls a target outside the store.
    async fn invoke_remote(&self, due: &Due, context: &Context, payload: &str) -> Outcome {
        match TargetKind::of(&due.target_arn) {
            TargetKind::ApiDestination => {
                let Some((destination, connection)) = &context.api_destination else {
                    return Outcome::Failed(Failure::permanent(
                        "ResourceNotFoundException",
                        format!("API destination {} does not exist.", due.target_arn),
                    ));
                };
                let Some(client) = &self.api_destinations else {
                    return Outcome::Failed(Failure::retryable("SDK_CLIENT_ERROR", "No HTTP client is available."));
                };
                let http_parameters: Option<TargetHttpParameters> =
                    context.target.get("HttpParameters").and_then(|p| serde_json::from_value(p.clone()).ok());
                let invocation = Invocation {
                    destination,
                    connection,
                    payload,
                    http_parameters: http_parameters.as_ref(),
                    now_ms: self.shared.clock.now_ms(),
                };
                client.invoke(&invocation).await
            }
            TargetKind::Function => {
                let input = serde_json::from_str(payload).unwrap_or_else(|_| Value::String(payload.to_owned()));
                match self.functions.invoke(&due.target_arn, input).await {
                    Ok(_) => Outcome::Delivered,
                    Err(error) => Outcome::Failed(error.into()),
                }
            }
            TargetKind::StateMachine => {
                crate::stepfunctions::start_for_rule(&self.shared, &due.target_arn, &due.invocation_id, payload).await
            }
            _ => Outcome::Failed(Failure::permanent(
                "UnsupportedTarget",
                format!("The local system cannot deliver to {}", due.target_arn),
            )),
        }
    }
}

/// The failure of an input the transformer could not render: no retry helps.
fn unrenderable(reason: &str) -> Failure {
    Failure::permanent("InvalidInput", format!("The input of the target could not be rendered: {reason}"))
}

/// How many more deliveries to targets in the store a round takes than it
/// calls remote targets side by side: they cost no waiting, only writes.
const LOCAL_BATCH_FACTOR: usize = 8;

/// One attempt of a delivery to a target in the store, written in `tx`
/// with its record; a failed delivery's writes are rolled back to a savepoint.
fn attempt_local(
    tx: &mut rusqlite::Transaction<'_>,
    shared: &Shared,
    settings: &DeliverySettings,
    due: &Due,
) -> rusqlite::Result<()> {
    let Some(context) = load(tx, shared, due)? else {
        return store::finish(tx, due.id);
    };
    let now = shared.clock.now_ms();
    write_log(tx, shared, &context, due, InvocationLog::new(shared, due).attempt_start(due.attempts + 1, now))?;
    let outcome = match &due.payload {
        Ok(payload) => {
            let savepoint = tx.savepoint()?;
            let kind = TargetKind::of(&due.target_arn);
            let outcome = local_targets::deliver(&savepoint, shared, due, kind, payload, &context.event);
            if outcome == Outcome::Delivered {
                savepoint.commit()?;
            }
            outcome
        }
        Err(reason) => Outcome::Failed(unrenderable(reason)),
    };
    record(tx, shared, settings, &context, due, outcome)
}

/// Reads what the attempt of a remote delivery needs and logs its start;
/// `None` when the target or its bus was removed.
fn start_remote(conn: &Connection, shared: &Shared, due: &Due) -> rusqlite::Result<Option<Context>> {
    let Some(context) = load(conn, shared, due)? else {
        return Ok(None);
    };
    let now = shared.clock.now_ms();
    write_log(conn, shared, &context, due, InvocationLog::new(shared, due).attempt_start(due.attempts + 1, now))?;
    Ok(Some(context))
}

/// Runs store work on a blocking thread, holding the store's connection.
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&mut Connection, &Shared) -> rusqlite::Result<T> + Send + 'static,
) -> rusqlite::Result<T> {
    let shared = shared.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = shared.store.conn();
        work(&mut conn, &shared)
    })
    .await
    .unwrap_or_else(|error| Err(rusqlite::Error::ToSqlConversionFailure(Box::new(error))))
}

/// The target (as it is now), its bus and the event; `None` when the target
/// or its bus was removed since the event matched (nothing left to deliver to).
fn load(conn: &Connection, shared: &Shared, due: &Due) -> rusqlite::Result<Option<Context>> {
    let Some(target) = targets::of_rule(conn, &due.bus, &due.rule)?
        .into_iter()
        .find(|target| target["Id"].as_str() == Some(due.target_id.as_str()))
    else {
        return Ok(None);
    };
    let Some(bus) = buses::find(conn, &due.bus)? else {
        return Ok(None);
    };
    let event = store::event_json(conn, due.event_seq)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or(Value::Null);
    let api_destination = match TargetKind::of(&due.target_arn) {
        TargetKind::ApiDestination => api_destinations::load(conn, shared, &due.target_arn)?,
        _ => None,
    };
    Ok(Some(Context { target, bus, event, api_destination }))
}

fn write_log(
    conn: &Connection,
    shared: &Shared,
    context: &Context,
    due: &Due,
    records: Vec<Record>,
) -> rusqlite::Result<()> {
    bus_log::write(shared, conn, &context.bus, &due.request_id, records)
}

/// Records an attempt's outcome: done, due again after a backoff, or given up.
fn record(
    conn: &Connection,
    shared: &Shared,
    settings: &DeliverySettings,
    context: &Context,
    due: &Due,
    outcome: Outcome,
) -> rusqlite::Result<()> {
    let now = shared.clock.now_ms();
    let mut attempt = due.attempts + 1;
    let log = InvocationLog::new(shared, due);
    let failure = match outcome {
        Outcome::Delivered => {
            write_log(conn, shared, context, due, log.success(attempt, now))?;
            return store::finish(conn, due.id);
        }
        Outcome::Failed(failure) => failure,
    };
    let step = match failure.kind {
        FailureKind::Retryable => "INVOCATION_ATTEMPT_RETRYABLE_FAILURE",
        FailureKind::Throttled => "INVOCATION_ATTEMPT_THROTTLE",
        FailureKind::Permanent => "INVOCATION_ATTEMPT_PERMANENT_FAILURE",
    };
    let mut records = vec![log.record(step, Level::Error, json!({ "attempt_count": attempt }), Some(&failure))];
    if failure.code == LOCAL_THROTTLE {
        attempt = due.attempts;
    }
    let policy = RetryPolicy::of_target(&context.target);
    let exhausted = policy.exhausted(attempt, due.ingested_ms, now);
    if failure.kind != FailureKind::Permanent && exhausted.is_none() {
        let backoff = policy::backoff_ms(attempt, settings.backoff_base_ms, settings.backoff_cap_ms, policy::jitter());
        let due_ms = now + backoff.max(failure.retry_after_ms.unwrap_or(0));
        let throttled = failure.kind == FailureKind::Throttled;
        if throttled && !due.throttled {
            records.push(log.record(
                "INVOCATION_THROTTLE_START",
                Level::Info,
                json!({ "attempt_count": attempt }),
                None,
            ));
        }
        write_log(conn, shared, context, due, records)?;
        return store::retry_at(conn, due.id, attempt, throttled || due.throttled, due_ms);
    }
    let given_up = GivenUp {
        failure: &failure,
        exhausted_condition: (failure.kind != FailureKind::Permanent).then_some(exhausted).flatten(),
        retry_attempts: attempt.saturating_sub(1),
    };
    records.push(log.record(
        "INVOCATION_FAILURE",
        Level::Error,
        json!({
            "total_attempts": attempt,
            "final_invocation_status": "FAILURE",
            "ingestion_to_complete_latency_ms": now - due.ingested_ms,
        }),
        Some(&failure),
    ));
    if let Some(dlq_arn) = policy::dead_letter_arn(&context.target) {
        let message = dlq::message(shared, due, context.event.to_string(), &given_up);
        match crate::sqs::enqueue(conn, shared, dlq_arn, &message) {
            Ok(_) => {
                records.push(log.record("INVOCATION_DLQ", Level::Error, json!({ "dead_letter_arn": dlq_arn }), None))
            }
            Err(error) => {
                let lost = Failure::permanent("DeadLetterQueueFailure", format!("The event was dropped: {error}"));
                records.push(log.record(
                    "INVOCATION_DLQ",
                    Level::Error,
                    json!({ "dead_letter_arn": dlq_arn, "dropped": true }),
                    Some(&lost),
                ));
            }
        }
    } else {
        records.push(log.record(
            "INVOCATION_DLQ",
            Level::Error,
            json!({ "dropped": true, "reason": "The target has no dead-letter queue; the event was dropped." }),
            None,
        ));
    }
    write_log(conn, shared, context, due, records)?;
    store::finish(conn, due.id)
}
