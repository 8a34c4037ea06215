//! The real app in a real window: a WebDriver session with `choreoscope`
//! through tauri-driver and WebKitWebDriver, under the X display the test
//! command provides (Xvfb).
//!
//! Needs: `DISPLAY`, `tauri-driver` (on PATH or `$TAURI_DRIVER`),
//! `/usr/bin/WebKitWebDriver`, and the app built first. `./dev test`
//! provides all of them.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::{Running, free_port, wait_for_port, workspace_bin};

/// `$TAURI_DRIVER`, else `tauri-driver` on PATH.
pub fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER").map_or_else(|| "tauri-driver".into(), PathBuf::from)
}

/// The app under tauri-driver, with a WebDriver session on its window.
pub struct AppWindow {
    /// The WebDriver session.
    pub client: Client,
    _driver: Running,
}

impl AppWindow {
    /// Starts tauri-driver and the `choreoscope` app with `args`, and opens
    /// a session on its window.
    pub async fn open(args: Value) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the window tests under Xvfb (`xvfb-run -a cargo test`, as ./dev test does)"
        );
        let app = workspace_bin("choreoscope");
        let (port, native_port) = (free_port(), free_port());
        let mut driver = Command::new(tauri_driver());
        driver
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"]);
        let driver = Running::spawn(driver);
        wait_for_port(port, Duration::from_secs(20));
        let capabilities = json!({ "tauri:options": { "application": app, "args": args } });
        let client = ClientBuilder::native()
            .capabilities(capabilities.as_object().expect("an object").clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the app");
        Self { client, _driver: driver }
    }

    /// [`AppWindow::open`], failing the test when the session is not made
    /// within `timeout`: WebKitWebDriver waits for ever on an app that never
    /// comes up.
    pub async fn open_within(args: Value, timeout: Duration) -> Self {
        tokio::time::timeout(timeout, Self::open(args)).await.unwrap_or_else(|_| {
            panic!("no WebDriver session with the app within {timeout:?}: it did not start (its output is above)")
        })
    }

    /// Runs `checks`, then saves a picture of the window as they left it
    /// (passed or failed) to `screenshot` and closes the session (and with
    /// it the app); a failed check fails the test after that.
    pub async fn check<F, Fut>(self, screenshot: &Path, checks: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let checked = tokio::spawn(checks(self.client.clone())).await;
        if let Ok(png) = self.client.screenshot().await {
            if let Some(dir) = screenshot.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = std::fs::write(screenshot, png);
        }
        let _ = self.client.close().await;
        if let Err(failure) = checked {
            std::panic::resume_unwind(failure.into_panic());
        }
    }
}

/// Where a window test leaves its last picture: `target/<profile>/e2e/<name>`.
pub fn e2e_screenshot(name: &str) -> PathBuf {
    crate::bin_dir().join("e2e").join(name)
}

/// The element `css` selects, once it is there.
pub async fn wait_for(client: &Client, css: &str, timeout: Duration) -> Element {
    client
        .wait()
        .at_most(timeout)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css} did not appear within {timeout:?}: {error}"))
}

/// An attribute of every element `css` selects, sorted.
pub async fn attributes_of(client: &Client, css: &str, attribute: &str) -> Vec<String> {
    let mut values = Vec::new();
    for element in client.find_all(Locator::Css(css)).await.expect("query") {
        values.push(element.attr(attribute).await.expect("attribute").unwrap_or_default());
    }
    values.sort();
    values
}

/// The labels of the graph's nodes of one kind (its accessible node list), sorted.
pub async fn node_labels(client: &Client, kind: &str) -> Value {
    let script = format!(
        r#"return Array.from(document.querySelectorAll('li[data-node-kind="{kind}"]')).map(li => li.textContent.trim()).sort();"#
    );
    client.execute(&script, vec![]).await.expect("script runs")
}

/// The local system's endpoint, as the header's connection badge names it.
pub async fn local_endpoint(client: &Client) -> String {
    let started = std::time::Instant::now();
    loop {
        let badge = wait_for(client, r#"[data-testid="connection"]"#, Duration::from_secs(5)).await;
        // WebKitWebDriver's element text can lag a React render; the DOM text cannot.
        let badge = badge.prop("textContent").await.expect("badge text").unwrap_or_default();
        if let Some(endpoint) = badge.split_whitespace().find(|word| word.starts_with("http://127.0.0.1:")) {
            return endpoint.to_owned();
        }
        // "Connecting…" until the app answers.
        assert!(started.elapsed() < Duration::from_secs(10), "no local endpoint in the header: {badge:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element `css` selects, once it is there.
pub async fn click(client: &Client, css: &str) {
    let element = wait_for(client, css, Duration::from_secs(10)).await;
    element.click().await.unwrap_or_else(|error| panic!("could not click {css}: {error}"));
}

/// Clicks the button whose text is `text` (spaces trimmed), once it is there.
pub async fn click_button(client: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    let button = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|error| panic!("no button {text:?} within 10 s: {error}"));
    button.click().await.unwrap_or_else(|error| panic!("could not click {text:?}: {error}"));
}

/// The DOM text of the element `css` selects (empty when there is none).
/// The DOM's rather than WebKitWebDriver's, which can lag a React render.
pub async fn text_of(client: &Client, css: &str) -> String {
    let script = "const el = document.querySelector(arguments[0]); return el ? el.textContent : '';";
    let text = client.execute(script, vec![json!(css)]).await.expect("script runs");
    text.as_str().unwrap_or_default().to_owned()
}

/// Saves a picture of the window as it is now to `path` (folders created).
pub async fn save_screenshot(client: &Client, path: &Path) {
    let png = client.screenshot().await.expect("a screenshot");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("the screenshot's folder");
    }
    std::fs::write(path, png).expect("screenshot written");
}
