//! What the request fuzz targets share: one local system's store per
//! process, the way an input becomes a request, and the invariants every
//! answer keeps.
//!
//! An input is one byte that picks the operation (modulo the service's list)
//! and the request body. The store lives on across inputs, so a request can
//! meet what earlier ones created. Most operations look their resource up
//! before they read the rest of their input (SendMessage finds the queue
//! before it reads the message attributes, FilterLogEvents the log group
//! before it matches its pattern), so each target keeps a few [`Fixture`]s
//! in place, set up again after an input deleted something: the decoders
//! behind the lookup are reached too.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use choreoscope_local::{Config, Requests};
use serde_json::Value;
use tokio::runtime::Runtime;

/// Prefix of the store folders in the temp dir; the process id follows.
const STORE_PREFIX: &str = "choreoscope-local-fuzz-";

/// A resource that inputs can name, known by its fixed name (the queue
/// `orders`, the rule `placed`, ...).
pub struct Fixture {
    /// An operation and body that answer 200 while the resource is there.
    pub probe: (&'static str, String),
    /// What makes it again when it is not. `<<Name>>` in a body stands for
    /// the `Name` member of an earlier answer of the same setup (an ARN made
    /// up on creation).
    pub setup: Vec<(&'static str, String)>,
}

/// The local system every input of this process is sent to.
struct Local {
    runtime: Runtime,
    requests: Requests,
    fixtures: Vec<Fixture>,
    /// Whether a fixture may be gone: set by a successful Delete, Remove or
    /// Purge. Probing before every input would cost several round trips to
    /// the blocking pool each, a large share of a run's speed.
    fixtures_touched: AtomicBool,
}

impl Local {
    /// Sends one request.
    fn call(&self, prefix: &str, operation: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let (status, answer) = self.runtime.block_on(self.requests.call(&format!("{prefix}.{operation}"), body));
        if show() {
            let (body, shown) = (String::from_utf8_lossy(body), String::from_utf8_lossy(&answer));
            eprintln!("{prefix}.{operation} {body} -> {status} {shown}");
        }
        (status, answer)
    }

    /// Sets up again every fixture that earlier inputs removed.
    fn restore_fixtures(&self, prefix: &str) {
        if !self.fixtures_touched.swap(false, Ordering::Relaxed) {
            return;
        }
        for fixture in &self.fixtures {
            let (operation, body) = &fixture.probe;
            if self.call(prefix, operation, body.as_bytes()).0 == 200 {
                continue;
            }
            let mut answers = serde_json::Map::new();
            for (operation, body) in &fixture.setup {
                let mut body = body.clone();
                for (name, value) in &answers {
                    if let Value::String(value) = value {
                        body = body.replace(&format!("<<{name}>>"), value);
                    }
                }
                let (_, answer) = self.call(prefix, operation, body.as_bytes());
                if let Ok(Value::Object(members)) = serde_json::from_slice(&answer) {
                    answers.extend(members);
                }
            }
        }
    }
}

fn local(fixtures: fn() -> Vec<Fixture>) -> &'static Local {
    static LOCAL: OnceLock<Local> = OnceLock::new();
    LOCAL.get_or_init(|| {
        refuse_outside_calls();
        let dir = store_dir();
        // Paused: waits (SQS long polls, timeouts) end at once in virtual time.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a Tokio runtime");
        let requests = Requests::open(Config::new(&dir)).expect("the store opens");
        Local { runtime, requests, fixtures: fixtures(), fixtures_touched: AtomicBool::new(true) }
    })
}

/// An OAuth connection is authorized in the background by calling its
/// authorization endpoint, which here is whatever URL the fuzzer wrote. Send
/// every such call to a closed port on loopback, so fuzzing stays offline.
fn refuse_outside_calls() {
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        // SAFETY: runs once, on the first input, before this process starts
        // any thread that reads the environment (the runtime and its blocking
        // pool are built after it).
        unsafe { std::env::set_var(name, "http://127.0.0.1:9") };
    }
    for name in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(name) };
    }
}

/// A fresh store folder for this process: `<temp>/choreoscope-local-fuzz-<pid>`.
/// A finished fuzz run exits without dropping anything, so the folders of
/// processes that are gone are removed here instead.
fn store_dir() -> PathBuf {
    let temp = std::env::temp_dir();
    if let Ok(entries) = std::fs::read_dir(&temp) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|name| name.strip_prefix(STORE_PREFIX)) else { continue };
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = temp.join(format!("{STORE_PREFIX}{}", std::process::id()));
    // A folder left by an earlier process with the same id.
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Sends `data` as a request of the service `prefix` (`AWSEvents`, ...),
/// with `fixtures` in place, and checks the answer.
pub fn run(prefix: &str, operations: &[&str], fixtures: fn() -> Vec<Fixture>, data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let operation = operations[usize::from(pick) % operations.len()];
    let target = format!("{prefix}.{operation}");
    let local = local(fixtures);
    local.restore_fixtures(prefix);
    let (status, answer) = local.call(prefix, operation, body);
    if status == 200 && ["Delete", "Remove", "Purge"].iter().any(|verb| operation.starts_with(verb)) {
        local.fixtures_touched.store(true, Ordering::Relaxed);
    }
    check(&target, status, &answer);
}

/// Whether `CHOREOSCOPE_FUZZ_SHOW` asks to print every request and its
/// answer: to see what a seed or a crash input does.
fn show() -> bool {
    static SHOW: OnceLock<bool> = OnceLock::new();
    *SHOW.get_or_init(|| std::env::var_os("CHOREOSCOPE_FUZZ_SHOW").is_some())
}

/// The answer is what AWS JSON protocols allow: 200 with a JSON object, or
/// a 4xx/5xx with an AWS JSON error (`__type` and a message). With
/// `CHOREOSCOPE_FUZZ_NO_5XX` set, a 5xx fails too: bad input should be
/// refused as the caller's fault, not break the service.
fn check(target: &str, status: u16, answer: &[u8]) {
    let shown = || String::from_utf8_lossy(answer).into_owned();
    let value: Value = serde_json::from_slice(answer).unwrap_or_else(|error| {
        panic!("{target} answered {status} with a body that is not JSON ({error}): {}", shown())
    });
    match status {
        200 => assert!(value.is_object(), "{target} answered 200 with a body that is not an object: {}", shown()),
        400..=599 => {
            let code = value.get("__type").and_then(Value::as_str).unwrap_or_default();
            assert!(!code.is_empty(), "{target} answered {status} without __type: {}", shown());
            let message = value.get("message").or_else(|| value.get("Message"));
            assert!(message.is_some_and(Value::is_string), "{target} answered {status} without a message: {}", shown());
            if status >= 500 {
                static NO_5XX: OnceLock<bool> = OnceLock::new();
                let no_5xx = *NO_5XX.get_or_init(|| std::env::var_os("CHOREOSCOPE_FUZZ_NO_5XX").is_some());
                assert!(!no_5xx, "{target} answered {status}: {}", shown());
            }
        }
        _ => panic!("{target} answered with status {status}: {}", shown()),
    }
}
