//! Helpers of the end-to-end tests: finding the built binaries and running
//! processes that are cleaned up when a test ends, passed or failed.

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
