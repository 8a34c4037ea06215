//! Step Functions of the local system, measured as a client sees it (over
//! HTTP, AWS JSON 1.0), for issue 5:
//!
//! - throughput: executions per second of a 5-state workflow (Pass → Task on
//!   a local function → Choice → Wait 0 s or Pass → Succeed), started with
//!   StartExecution by concurrent clients for a fixed time; completions are
//!   counted from ListExecutions (SUCCEEDED, by `stopDate`) at the end;
//! - callback latency: a `lambda:invoke.waitForTaskToken` task whose function
//!   hands the token over, then SendTaskSuccess, timed until the next state
//!   (a function task) is entered, its handler's `Instant::now()`; and
//!   whether the next state's entry is in GetExecutionHistory as soon as
//!   SendTaskSuccess has answered.
//!
//! `cargo bench -p choreoscope-local --bench stepfunctions` prints the figures;
//! `-- --clients C --seconds S --backlog B --callbacks N --only throughput,callback`
//! change the load.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use choreoscope_local::{Config, LocalSystem};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const ROLE: &str = "arn:aws:iam::123456789012:role/bench";

/// The load every section runs.
struct Load {
    /// Concurrent StartExecution clients of the throughput run.
    clients: usize,
    /// Length of the throughput run.
    seconds: f64,
    /// Executions started but not yet through their Task state, at most: the
    /// clients wait beyond it, so the run measures a steady state rather
    /// than how fast a queue of starts grows.
    backlog: usize,
    /// Executions of the callback latency run.
    callbacks: usize,
    /// Sections to run (`throughput`, `callback`); all when empty.
    only: Vec<String>,
}

impl Load {
    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only == section)
    }
}

fn load_from_args() -> Load {
    let mut load = Load { clients: 8, seconds: 10.0, backlog: 256, callbacks: 300, only: Vec::new() };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        let number = || pair[1].parse::<f64>().unwrap_or_else(|_| panic!("{} takes a number", pair[0]));
        match pair[0].as_str() {
            "--clients" => load.clients = number() as usize,
            "--seconds" => load.seconds = number(),
            "--backlog" => load.backlog = number() as usize,
            "--callbacks" => load.callbacks = number() as usize,
            "--only" => load.only = pair[1].split(',').map(str::to_owned).collect(),
            _ => {}
        }
    }
    load
}

/// A bare AWS JSON 1.0 client of the Step Functions API, as any SDK speaks it.
#[derive(Clone)]
struct Sfn {
    http: reqwest::Client,
    endpoint: String,
}

impl Sfn {
    fn new(endpoint: String) -> Self {
        Self { http: reqwest::Client::new(), endpoint }
    }

    async fn try_call(&self, operation: &str, body: &Value) -> Result<Value, String> {
        let response = self
            .http
            .post(&self.endpoint)
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Target", format!("AWSStepFunctions.{operation}"))
            .body(body.to_string())
            .send()
            .await
            .map_err(|error| format!("{operation} could not be sent: {error}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|error| format!("{operation}: no answer body: {error}"))?;
        if !status.is_success() {
            return Err(format!("{operation} answered {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|error| format!("{operation} answered no JSON ({error}): {text}"))
    }

    /// One operation that must succeed: a failure ends the bench with the reason.
    async fn call(&self, operation: &str, body: Value) -> Value {
        self.try_call(operation, &body).await.unwrap_or_else(|error| panic!("{error}"))
    }

    async fn create_machine(&self, name: &str, definition: &Value) -> String {
        let body = json!({"name": name, "definition": definition.to_string(), "roleArn": ROLE});
        let created = self.call("CreateStateMachine", body).await;
        created["stateMachineArn"].as_str().expect("CreateStateMachine returns an ARN").to_owned()
    }

    /// `stopDate` (ms) of every execution of `machine` with `status`, following every page.
    async fn stop_dates(&self, machine: &str, status: &str) -> Vec<i64> {
        let (mut dates, mut token) = (Vec::new(), None::<String>);
        loop {
            let mut body = json!({"stateMachineArn": machine, "statusFilter": status, "maxResults": 1000});
            if let Some(token) = &token {
                body["nextToken"] = json!(token);
            }
            let page = self.call("ListExecutions", body).await;
            for execution in page["executions"].as_array().into_iter().flatten() {
                dates.push((execution["stopDate"].as_f64().unwrap_or(0.0) * 1000.0).round() as i64);
            }
            match page["nextToken"].as_str() {
                Some(next) => token = Some(next.to_owned()),
                None => return dates,
            }
        }
    }

    async fn last_event_is(&self, execution: &str, kind: &str) -> bool {
        let body = json!({"executionArn": execution, "reverseOrder": true, "maxResults": 1});
        self.call("GetExecutionHistory", body).await["events"][0]["type"] == kind
    }

    async fn any_running(&self, machine: &str) -> bool {
        let body = json!({"stateMachineArn": machine, "statusFilter": "RUNNING", "maxResults": 1});
        let page = self.call("ListExecutions", body).await;
        page["executions"].as_array().is_some_and(|executions| !executions.is_empty())
    }
}

/// p50, p99 and max of a set of durations.
#[derive(Debug, Clone, Copy)]
struct Summary {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Summary {
    fn of(mut samples: Vec<Duration>) -> Option<Self> {
        samples.sort_unstable();
        let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
        let max = *samples.last()?;
        Some(Self { p50: at(0.50), p99: at(0.99), max })
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", ms(self.p50), ms(self.p99), ms(self.max))
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as i64)
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// Five states on either path: Prepare → Work → Route → Pause (Wait 0 s,
/// even numbers) or Tally (Pass, odd ones) → Done.
fn five_states() -> Value {
    json!({
        "Comment": "The 5-state workflow of the throughput bench",
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "stage": "prepared"}, "Next": "Work"},
            "Work": {
                "Type": "Task",
                "Resource": function_arn("bench-work"),
                "ResultPath": "$.work",
                "Next": "Route"
            },
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.work.even", "BooleanEquals": true, "Next": "Pause"}],
                "Default": "Tally"
            },
            "Pause": {"Type": "Wait", "Seconds": 0, "Next": "Done"},
            "Tally": {"Type": "Pass", "Result": "odd", "ResultPath": "$.tally", "Next": "Done"},
            "Done": {"Type": "Succeed"}
        }
    })
}

/// What the throughput run measured.
struct Throughput {
    completed_per_s: f64,
}

async fn throughput(load: &Load) -> Throughput {
    let dir = tempfile::tempdir().expect("a temp dir for the store");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("the local system starts");
    let sfn = Sfn::new(system.endpoint_url());
    let worked = Arc::new(AtomicUsize::new(0));
    let counter = worked.clone();
    system.functions().register("bench-work", move |call| {
        counter.fetch_add(1, Ordering::Relaxed);
        let even = call.payload["n"].as_u64().is_some_and(|n| n % 2 == 0);
        async move { Ok(json!({"even": even})) }
    });
    let machine = sfn.create_machine("five-states", &five_states()).await;

    let started = Arc::new(AtomicUsize::new(0));
    let (window_start_ms, start) = (now_ms(), Instant::now());
    let deadline = start + Duration::from_secs_f64(load.seconds);
    let mut clients = JoinSet::new();
    for _ in 0..load.clients {
        let (sfn, machine, started, worked) = (sfn.clone(), machine.clone(), started.clone(), worked.clone());
        let backlog = load.backlog;
        clients.spawn(async move {
            let mut requests = Vec::new();
            while Instant::now() < deadline {
                if started.load(Ordering::Relaxed).saturating_sub(worked.load(Ordering::Relaxed)) >= backlog {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                }
                let n = started.fetch_add(1, Ordering::Relaxed);
                let body = json!({
                    "stateMachineArn": machine,
                    "name": format!("run-{n}"),
                    "input": json!({"n": n}).to_string(),
                });
                let sent = Instant::now();
                sfn.call("StartExecution", body).await;
                requests.push(sent.elapsed());
            }
            requests
        });
    }
    let mut requests = Vec::new();
    while let Some(done) = clients.join_next().await {
        requests.extend(done.expect("a client task"));
    }
    let window_end_ms = window_start_ms + (load.seconds * 1000.0) as i64;
    let drain_deadline = Instant::now() + Duration::from_secs(120);
    while sfn.any_running(&machine).await && Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drained = start.elapsed();
    let stops = sfn.stop_dates(&machine, "SUCCEEDED").await;
    let failed = sfn.stop_dates(&machine, "FAILED").await.len();
    let total = started.load(Ordering::Relaxed);
    let in_window = stops.iter().filter(|stop| **stop <= window_end_ms).count();
    let completed_per_s = in_window as f64 / load.seconds;

    println!(
        "\nThroughput of a 5-state workflow (Pass -> Task on a local function -> Choice -> Wait 0 s | Pass -> Succeed), \
         {} clients starting executions over HTTP for {:.1} s, at most {} started and not yet past their Task",
        load.clients, load.seconds, load.backlog,
    );
    println!("  started {total} executions ({:.0} StartExecution/s)", total as f64 / load.seconds);
    println!("  completed within the {:.1} s: {in_window} ({completed_per_s:.0} executions/s)", load.seconds);
    println!(
        "  all {} SUCCEEDED ({failed} FAILED) {:.2} s after the first start ({:.0} executions/s overall)",
        stops.len(),
        drained.as_secs_f64(),
        stops.len() as f64 / drained.as_secs_f64(),
    );
    if let Some(summary) = Summary::of(requests) {
        println!("  StartExecution request         {summary}");
    }
    system.shutdown().await;
    Throughput { completed_per_s }
}

/// A task that hands its token to a function, then a function task.
fn callback_machine() -> Value {
    json!({
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": "bench-ask",
                    "Payload": {"name.$": "$$.Execution.Name", "token.$": "$$.Task.Token"}
                },
                "HeartbeatSeconds": 60,
                "Next": "Next"
            },
            "Next": {
                "Type": "Task",
                "Resource": function_arn("bench-next"),
                "Parameters": {"name.$": "$$.Execution.Name"},
                "End": true
            }
        }
    })
}

/// What the callback run measured.
struct Callback {
    to_next: Option<Summary>,
}

async fn callback(load: &Load) -> Callback {
    let dir = tempfile::tempdir().expect("a temp dir for the store");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("the local system starts");
    let sfn = Sfn::new(system.endpoint_url());
    let (tokens, mut token_rx) = mpsc::unbounded_channel::<(String, String)>();
    system.functions().register("bench-ask", move |call| {
        let text = |key: &str| call.payload[key].as_str().unwrap_or_default().to_owned();
        let _ = tokens.send((text("name"), text("token")));
        async { Ok(Value::Null) }
    });
    let (entries, mut entry_rx) = mpsc::unbounded_channel::<(String, Instant)>();
    system.functions().register("bench-next", move |call| {
        let entered = Instant::now();
        let _ = entries.send((call.payload["name"].as_str().unwrap_or_default().to_owned(), entered));
        async { Ok(Value::Null) }
    });
    let machine = sfn.create_machine("callback", &callback_machine()).await;

    const WARM_UP: usize = 20;
    let wait = Duration::from_secs(10);
    let (mut answers, mut to_next, mut in_history, mut twice) = (Vec::new(), Vec::new(), 0, 0);
    for run in 0..WARM_UP + load.callbacks {
        let name = format!("cb-{run}");
        let body = json!({"stateMachineArn": machine, "name": name, "input": "{}"});
        let execution = sfn.call("StartExecution", body).await["executionArn"].as_str().expect("an ARN").to_owned();
        let (asked, token) = tokio::time::timeout(wait, token_rx.recv()).await.expect("the token").expect("a token");
        assert_eq!(asked, name);
        // The function has the token before its call is recorded: answer a task that is really waiting.
        while !sfn.last_event_is(&execution, "TaskSubmitted").await {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let sent = Instant::now();
        sfn.call("SendTaskSuccess", json!({"taskToken": token, "output": r#"{"confirmed": true}"#})).await;
        let answered = sent.elapsed();
        let history = json!({"executionArn": execution});
        let history = sfn.call("GetExecutionHistory", history).await;
        let entered_next =
            history["events"].as_array().into_iter().flatten().any(|event| {
                event["type"] == "TaskStateEntered" && event["stateEnteredEventDetails"]["name"] == "Next"
            });
        let entered = loop {
            let (reached, entered) =
                tokio::time::timeout(wait, entry_rx.recv()).await.expect("the next state").expect("an entry");
            if reached == name {
                break entered;
            }
            // An earlier execution's next state called again.
            twice += 1;
        };
        if run >= WARM_UP {
            answers.push(answered);
            to_next.push(entered.duration_since(sent));
            in_history += usize::from(entered_next);
        }
    }
    let to_next = Summary::of(to_next);
    println!(
        "\nCallback latency: {} executions one after another (after {WARM_UP} to warm up), a \
         lambda:invoke.waitForTaskToken task, then SendTaskSuccess over HTTP",
        load.callbacks,
    );
    if let Some(summary) = Summary::of(answers) {
        println!("  SendTaskSuccess request                      {summary}");
    }
    if let Some(summary) = to_next {
        println!("  SendTaskSuccess sent -> next state's handler {summary}");
    }
    println!(
        "  next state's TaskStateEntered in GetExecutionHistory right after the answer: {in_history} of {}",
        load.callbacks,
    );
    println!("  next state's function called more than once: {twice} times");
    system.shutdown().await;
    Callback { to_next }
}

#[tokio::main]
async fn main() {
    let load = load_from_args();
    let throughput = if load.runs("throughput") { Some(throughput(&load).await) } else { None };
    let callback = if load.runs("callback") { Some(callback(&load).await) } else { None };
    println!("\nIn short:");
    if let Some(run) = throughput {
        println!("  5-state workflow                         {:>8.0} executions/s", run.completed_per_s);
    }
    if let Some(Callback { to_next: Some(summary) }) = callback {
        println!(
            "  SendTaskSuccess -> next state            p50 {:.2} ms, p99 {:.2} ms",
            ms(summary.p50),
            ms(summary.p99)
        );
    }
}
