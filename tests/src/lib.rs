//! Helpers of the end-to-end tests: finding the built binaries and running
//! processes that are cleaned up when a test ends, passed or failed.

pub mod demo;
pub mod window;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The folder cargo put this workspace's binaries in (`target/debug`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/debug/deps/<test> -> target/debug
    exe.parent().and_then(|deps| deps.parent()).expect("test binary is in target/<profile>/deps").to_path_buf()
}

/// A binary of this workspace; the tests need them built first
/// (`cargo build --workspace`), and say so.
pub fn workspace_bin(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(path.exists(), "{} is missing: build it first with `cargo build --workspace`", path.display());
    path
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(port: u16, timeout: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < timeout, "nothing listens on port {port} after {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process that is terminated when dropped.
pub struct Running {
    child: Child,
    /// What the process said on its first line of standard output, if asked.
    pub first_line: String,
}

impl Running {
    /// Starts `command` and returns once it printed a first line on stdout.
    pub fn until_first_line(mut command: Command) -> Self {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("process starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut first_line = String::new();
        BufReader::new(stdout).read_line(&mut first_line).expect("first line is readable");
        Self { child, first_line: first_line.trim().to_owned() }
    }

    /// Starts `command` without reading its output.
    pub fn spawn(mut command: Command) -> Self {
        let child = command.spawn().expect("process starts");
        Self { child, first_line: String::new() }
    }

    /// Stops the process with SIGTERM and waits for it to exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        self.signal_term();
        self.child.wait().expect("process can be waited for")
    }

    /// Kills the process with SIGKILL (no chance to clean up, as in a
    /// crash) and waits for it to be gone.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn signal_term(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.signal_term();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `aws` CLI: `$AWS_CLI`, else the one `./dev` installs, else `aws` on PATH.
pub fn aws_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("AWS_CLI") {
        return path.into();
    }
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/aws");
    if venv.exists() { venv } else { "aws".into() }
}

/// A `choreoscope-local` process and the real `aws` CLI pointed at it,
/// isolated from the user's AWS configuration.
pub struct LocalCli {
    /// The server process.
    pub process: Running,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    home: tempfile::TempDir,
}

impl LocalCli {
    /// Starts `choreoscope-local` on a free port over `data_dir`.
    pub fn start(data_dir: &std::path::Path) -> Self {
        Self::start_with(data_dir, &[])
    }

    /// Starts `choreoscope-local <args>` on a free port over `data_dir`
    /// (`&["--demo"]` runs the food-delivery demo on it).
    pub fn start_with(data_dir: &std::path::Path, args: &[&str]) -> Self {
        let mut command = Command::new(workspace_bin("choreoscope-local"));
        command.args(["--port", "0", "--data-dir"]).arg(data_dir).args(args).env("RUST_LOG", "warn");
        let process = Running::until_first_line(command);
        let endpoint = process
            .first_line
            .strip_prefix("choreoscope-local listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {:?}", process.first_line))
            .to_owned();
        let home = tempfile::tempdir().expect("temp dir");
        // CLI v1 would fetch an http:// parameter value (an API destination's
        // endpoint) instead of passing it on.
        std::fs::write(home.path().join("config"), "[default]\ncli_follow_urlparam = false\n").expect("CLI config");
        Self { process, endpoint, home }
    }

    /// `aws --endpoint-url <local> --output json <args>`, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(aws_cli());
        command
            .arg("--endpoint-url")
            .arg(&self.endpoint)
            .args(["--output", "json"])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", self.home.path().join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.home.path().join("credentials"))
            .env("AWS_PAGER", "");
        command
    }

    /// Runs the CLI with `args`.
    pub fn aws(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().expect("the aws CLI runs (install it with ./dev setup)")
    }

    /// Runs a command that must succeed, and parses its JSON output (`null` for none).
    pub fn ok(&self, args: &[&str]) -> serde_json::Value {
        parse_output(args, self.aws(args))
    }

    /// Runs a command that must fail, and returns what it printed on stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.aws(args);
        assert!(!output.status.success(), "aws {args:?} should have failed");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }
}

/// The JSON a successful `aws` command printed (`null` for nothing); fails the
/// test, with the CLI's stderr, if the command failed.
pub fn parse_output(args: &[&str], output: std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "aws {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    if output.stdout.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&output.stdout).expect("the aws CLI printed JSON")
}
