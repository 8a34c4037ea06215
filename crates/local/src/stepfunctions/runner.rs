//! The engine loop: fires due timers (Wait states, retry delays, task
//! timeouts and heartbeats, execution timeouts) and makes the calls tasks
//! wait on. Everything it works from is in the store, so after a crash it
//! resumes where the last commit left off: calls not yet fed back are made
//! again, timers fire when due (at once if they fell due meanwhile).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use choreoscope_asl::{Input, TaskRequest};
use rusqlite::Connection;
use tokio::task::JoinSet;

use super::integrations::{self, Kind, lambda};
use super::{engine, store};
use crate::functions::Functions;
use crate::protocol::AwsError;
use crate::shared::Shared;

/// The longest the loop sleeps: it also wakes on `stepfunctions_ready`.
const TICK_MS: i64 = 250;
/// Items read from the store at a time.
const BATCH: usize = 64;
/// Passes over due work before the loop looks at shutdown and new calls again.
const MAX_PASSES: usize = 64;

/// Runs the Step Functions engine of `shared` until the system stops, then
/// lets the function calls under way finish and record their outcome.
pub async fn run(shared: Arc<Shared>, functions: Functions) {
    let runner = Runner::new(shared.clone(), functions);
    let mut calls = JoinSet::new();
    while !shared.shutdown.has_begun() {
        let ready = shared.stepfunctions_ready.notified();
        tokio::pin!(ready);
        ready.as_mut().enable();
        let (_, mut failed) = runner.store_work().await;
        if let Err(error) = runner.spawn_calls(&mut calls).await {
            tracing::error!(%error, "step functions calls could not be read");
            failed = true;
        }
        let next = blocking(&shared, |conn, _| Ok(store::next_timer_ms(conn)?)).await.ok().flatten();
        // After a failure, wait a tick rather than retry a due item at once.
        let wait_ms = match next {
            Some(due) if !failed => (due - shared.clock.now_ms()).clamp(0, TICK_MS),
            _ => TICK_MS,
        };
        tokio::select! {
            () = &mut ready => {}
            Some(_) = calls.join_next() => {}
            () = tokio::time::sleep(std::time::Duration::from_millis(wait_ms as u64)) => {}
            () = shared.shutdown.wait() => {}
        }
    }
    while calls.join_next().await.is_some() {}
}

/// Does everything due now, function calls included (awaited), until
/// nothing is left; returns how many steps were taken. For tests, which
/// move a manual clock and then let the engine catch up.
pub async fn run_due(shared: &Arc<Shared>, functions: &Functions) -> usize {
    let runner = Runner::new(shared.clone(), functions.clone());
    let mut total = 0;
    loop {
        let (mut made, _) = runner.store_work().await;
        let mut calls = JoinSet::new();
        made += runner.spawn_calls(&mut calls).await.unwrap_or(0);
        while calls.join_next().await.is_some() {}
        if made == 0 {
            return total;
        }
        total += made;
    }
}

/// Runs store work on a blocking thread, holding the store's connection.
pub async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&mut Connection, &Shared) -> Result<T, AwsError> + Send + 'static,
) -> Result<T, AwsError> {
    let shared = shared.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = shared.store.conn();
        work(&mut conn, &shared)
    })
    .await
    .unwrap_or_else(|error| Err(AwsError::internal(format!("a store task failed: {error}"))))
}

#[derive(Clone)]
struct Runner {
    shared: Arc<Shared>,
    functions: Functions,
    calls: Arc<Mutex<Calls>>,
}

/// A function call, by (execution, task).
type CallKey = (String, String);

/// Function calls under way, and those whose outcome was recorded since the
/// calls to make were last read: a read that began before an outcome was
/// committed still lists its call, which must not be made again.
#[derive(Default)]
struct Calls {
    under_way: HashSet<CallKey>,
    finished: HashSet<CallKey>,
}

impl Runner {
    fn new(shared: Arc<Shared>, functions: Functions) -> Self {
        Self { shared, functions, calls: Arc::default() }
    }

    fn calls(&self) -> std::sync::MutexGuard<'_, Calls> {
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fires due timers and makes in-store calls until none is left; one
    /// transaction each, so requests interleave with the engine. Returns the
    /// steps taken and whether any failed: a failure is logged and the
    /// others go on, so one broken execution does not hold the rest up.
    async fn store_work(&self) -> (usize, bool) {
        let (mut done, mut failed) = (0, false);
        let mut note = |result: Result<bool, AwsError>| match result {
            Ok(made) => usize::from(made),
            Err(error) => {
                tracing::error!(%error, "a step functions step failed; it is tried again later");
                failed = true;
                0
            }
        };
        for _ in 0..MAX_PASSES {
            let now = self.shared.clock.now_ms();
            let due = blocking(&self.shared, move |conn, _| {
                Ok((store::executions_with_due_timers(conn, now, BATCH)?, pending(conn, Kind::InStore, BATCH)?))
            })
            .await;
            let (timers, calls) = match due {
                Ok(due) => due,
                Err(error) => {
                    note(Err(error));
                    break;
                }
            };
            let mut made = 0;
            for arn in timers {
                made += note(blocking(&self.shared, move |conn, shared| fire(conn, shared, &arn)).await);
            }
            for (call, request) in calls {
                let step = move |conn: &mut Connection, shared: &Shared| in_store(conn, shared, call, request);
                made += note(blocking(&self.shared, step).await);
            }
            if made == 0 {
                break;
            }
            done += made;
        }
        (done, failed)
    }

    /// Starts every function call not under way; returns how many.
    async fn spawn_calls(&self, calls: &mut JoinSet<()>) -> Result<usize, AwsError> {
        // Outcomes recorded from here on may be missing from the read below.
        self.calls().finished.clear();
        let calls_due = blocking(&self.shared, |conn, _| pending(conn, Kind::Function, 4 * BATCH)).await?;
        let mut started = 0;
        for (call, request) in calls_due {
            let Some(request) = request else { continue };
            let key = (call.execution_arn.clone(), call.task_id.clone());
            {
                let mut known = self.calls();
                if known.finished.contains(&key) || !known.under_way.insert(key.clone()) {
                    continue;
                }
            }
            started += 1;
            let runner = self.clone();
            calls.spawn(async move { runner.call_function(key, request).await });
        }
        Ok(started)
    }

    /// Calls a function, then feeds its outcome back, unless the task was
    /// cancelled meanwhile (timed out, execution stopped).
    async fn call_function(self, key: CallKey, request: TaskRequest) {
        let input = lambda::call(&self.shared, &self.functions, &request).await;
        let (arn, task_id) = key.clone();
        let recorded = blocking(&self.shared, move |conn, shared| {
            let tx = conn.transaction()?;
            if store::take_invocation(&tx, &arn, &task_id)? {
                engine::advance(&tx, shared, &arn, input)?;
            }
            Ok(tx.commit()?)
        })
        .await;
        let failed = recorded.is_err();
        if let Err(error) = recorded {
            tracing::error!(%error, execution = %key.0, "a function's outcome could not be recorded; it will be called again");
        }
        {
            let mut known = self.calls();
            known.under_way.remove(&key);
            if !failed {
                known.finished.insert(key);
            }
        }
        self.shared.stepfunctions_ready.notify_one();
    }
}

/// Up to about `limit` calls still to make of one kind, oldest first, with
/// their requests (`None` when unreadable; those are failed in the store).
fn pending(
    conn: &Connection,
    want: Kind,
    limit: usize,
) -> Result<Vec<(store::Invocation, Option<TaskRequest>)>, AwsError> {
    let (mut after, mut found) = (0, Vec::new());
    loop {
        let page = store::invocations(conn, after, BATCH)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for call in page {
            let request: Option<TaskRequest> = serde_json::from_str(&call.request_json).ok();
            if request.as_ref().map_or(Kind::InStore, integrations::kind) == want {
                found.push((call, request));
            }
        }
        if found.len() >= limit {
            break;
        }
    }
    Ok(found)
}

/// Fires the due timers of one execution in one transaction.
fn fire(conn: &mut Connection, shared: &Shared, arn: &str) -> Result<bool, AwsError> {
    let tx = conn.transaction()?;
    let Some(timer_id) = store::due_timer(&tx, arn, shared.clock.now_ms())? else { return Ok(false) };
    // The interpreter fires every other timer due by now with this one.
    let fired = engine::advance(&tx, shared, arn, Input::TimerFired { timer_id })?;
    if !fired {
        // Timers of an execution that no longer runs: nothing would ever clear them.
        store::replace_timers(&tx, arn, std::iter::empty())?;
    }
    tx.commit()?;
    Ok(fired)
}

/// Makes one in-store call and feeds its outcome back, in one transaction.
fn in_store(
    conn: &mut Connection,
    shared: &Shared,
    call: store::Invocation,
    request: Option<TaskRequest>,
) -> Result<bool, AwsError> {
    let tx = conn.transaction()?;
    if !store::take_invocation(&tx, &call.execution_arn, &call.task_id)? {
        return Ok(false);
    }
    match request {
        Some(request) => {
            let made = integrations::call_in_store(&tx, shared, &call.execution_arn, &request)?;
            engine::advance(&tx, shared, &call.execution_arn, made.input)?;
            if let Some(child) = made.child {
                engine::report_if_finished(&tx, shared, &child)?;
            }
        }
        None => {
            tracing::error!(execution = %call.execution_arn, task = %call.task_id, "unreadable task call");
            let input = Input::TaskFailed {
                task_id: call.task_id.clone(),
                error: Some("States.Runtime".to_owned()),
                cause: Some("The local system could not read the task's stored request.".to_owned()),
            };
            engine::advance(&tx, shared, &call.execution_arn, input)?;
        }
    }
    tx.commit()?;
    Ok(true)
}
