//! Operating the food-delivery demo from the real app window: a task token
//! answered from the task drawer moves its order on to DELIVERED; the
//! notification DLQ filled while the provider was down is peeked and
//! redriven from the dead-letter drawer, and its notifications arrive; a
//! partner outage opens the circuit in the circuits panel, and the replay its
//! closing starts completes in the replays drawer with every order delivered.
//! Pictures of each view go to docs/screenshots/ for the README.
//!
//! The demo is driven from outside, as a presenter's tools would: its
//! faults and traffic endpoints and its GraphQL API on the local system's
//! endpoint. Everything else is done and read in the window.
//!
//! Needs what tests/tests/app_window.rs needs (see choreoscope_e2e::window).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use choreoscope_e2e::demo::{graphql, place_order};
use choreoscope_e2e::window::{
    AppWindow, click, click_button, e2e_screenshot, local_endpoint, save_screenshot, text_of, wait_for,
};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// One app at a time: each runs the whole demo, and the machine is shared.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The demo's circuit around the restaurant partner.
const PARTNER_CIRCUIT: &str = "restaurant-partner";
/// The output an operator types for the restaurant's confirmation.
const OPERATOR_OUTPUT: &str = r#"{"confirmedBy": "operator", "note": "confirmed by phone"}"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_task_token_answered_in_the_task_drawer_moves_the_order_on() {
    let _one = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let window = AppWindow::open_within(json!(["--data-dir", data.path()]), Duration::from_secs(60)).await;
    window
        .check(&e2e_screenshot("app-window-operate-tasks.png"), |client| async move { check_task_token(&client).await })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_notification_dlq_is_redriven_from_the_dead_letter_drawer() {
    let _one = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let window = AppWindow::open_within(json!(["--data-dir", data.path()]), Duration::from_secs(60)).await;
    window
        .check(&e2e_screenshot("app-window-operate-dead-letters.png"), |client| async move {
            check_dead_letters(&client).await
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_outage_opens_the_circuit_and_its_replay_delivers_every_order() {
    let _one = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let window = AppWindow::open_within(json!(["--data-dir", data.path()]), Duration::from_secs(60)).await;
    window
        .check(
            &e2e_screenshot("app-window-operate-outage.png"),
            |client| async move { check_partner_outage(&client).await },
        )
        .await;
}

/// Partner silent: the order's `AskRestaurant` waits for its task token,
/// which the operator answers with success from the task drawer.
async fn check_task_token(client: &Client) {
    let started = Instant::now();
    let endpoint = ready(client).await;
    set_faults(&endpoint, json!({"partner": "silent"})).await;
    let order = place_order(&endpoint, "Operator").await;

    click(client, "#waiting-tasks-button").await;
    let execution = eventually("the order's AskRestaurant task in the drawer", Duration::from_secs(30), || async {
        waiting_execution(client, &order).await
    })
    .await;
    let item = format!(r#"li.tasks-item[data-execution="{execution}"]"#);
    // The execution, drawn, waits in AskRestaurant.
    wait_for(
        client,
        r#"[data-testid="execution-graph"] svg, [data-testid="execution-graph"] canvas"#,
        Duration::from_secs(10),
    )
    .await;
    eventually("AskRestaurant current in the execution", Duration::from_secs(10), || async {
        let current = js(
            client,
            r#"return Array.from(document.querySelectorAll('.tasks-execution li[data-current="true"]')).map(li => li.dataset.state);"#,
            vec![],
        )
        .await;
        (current == json!(["AskRestaurant"])).then_some(())
    })
    .await;

    click(client, &format!(r#"{item} input[type="checkbox"]"#)).await;
    click_button(client, "Send success").await;
    let output = wait_for(client, "#tasks-output", Duration::from_secs(5)).await;
    // The box starts as `{}`: from its end, two backspaces empty it.
    output.send_keys(&format!("{}{}{}", Key::End, Key::Backspace, Key::Backspace)).await.expect("empty the box");
    output.send_keys(OPERATOR_OUTPUT).await.expect("type the output");
    let typed = output.prop("value").await.expect("value").unwrap_or_default();
    assert_eq!(typed, OPERATOR_OUTPUT, "the output box holds what was typed");
    assert_eq!(text_of(client, "#tasks-output-check").await, "Valid JSON.");
    save_screenshot(client, &docs("task-token-answer.png")).await;
    // The execution drawn, with its history beside it.
    scroll_into_drawer(client, ".tasks-drawer__body", ".tasks-execution").await;
    save_screenshot(client, &docs("task-token-execution.png")).await;

    // Answering the last waiting task empties the list, and the drawer then
    // drops the answer section with its outcome at once: a watcher set up
    // before sending keeps what the drawer showed, however briefly.
    js(client, WATCH_OUTCOMES, vec![]).await;
    click_button(client, "Send success to 1 task").await;
    let shown = eventually("the answer's outcome in words", Duration::from_secs(15), || async {
        let shown = js(client, "return window.__outcomesShown[0] || null;", vec![]).await;
        (!shown.is_null()).then_some(shown)
    })
    .await;
    let outcome = shown["outcomes"].as_str().unwrap_or_default();
    assert!(
        outcome.contains("Sent: the task succeeded with this output and its execution goes on."),
        "the outcome: {shown}"
    );
    assert!(outcome.contains(&execution), "the outcome names the execution: {shown}");
    assert_eq!(shown["summary"], "1 sent.", "{shown}");
    println!("task {execution} answered {:?} after the app started", started.elapsed());

    let answered = Instant::now();
    let history = wait_for_status(&endpoint, &order, "DELIVERED", Duration::from_secs(60)).await;
    println!("order {order} DELIVERED {:?} after the answer: {history}", answered.elapsed());
    // The answered task left the list.
    eventually("the answered task gone from the drawer", Duration::from_secs(10), || async {
        (text_of(client, &item).await.is_empty()).then_some(())
    })
    .await;
}

/// Records, in `window.__outcomesShown`, each different text the task
/// drawer's answer outcomes show (with the summary above them).
const WATCH_OUTCOMES: &str = r#"
    window.__outcomesShown = [];
    let last = '';
    new MutationObserver(() => {
      const list = document.querySelector('ul[aria-label="Answer outcomes"]');
      if (!list || list.textContent === last) return;
      last = list.textContent;
      const summary = list.parentElement.querySelector('p');
      window.__outcomesShown.push({summary: summary ? summary.textContent : '', outcomes: last});
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
"#;

/// The execution whose waiting `AskRestaurant` task carries `order`'s id in
/// its payload (each task is opened in turn to read it), if one is listed.
async fn waiting_execution(client: &Client, order: &str) -> Option<String> {
    let listed = js(
        client,
        r#"return Array.from(document.querySelectorAll('li.tasks-item')).filter(li => li.querySelector('.tasks-item__state').textContent.trim() === 'AskRestaurant').map(li => li.dataset.execution);"#,
        vec![],
    )
    .await;
    for execution in listed.as_array().into_iter().flatten().filter_map(Value::as_str) {
        click(client, &format!(r#"li.tasks-item[data-execution="{execution}"] .tasks-item__open"#)).await;
        if text_of(client, ".tasks-inspect").await.contains(order) {
            return Some(execution.to_owned());
        }
    }
    None
}

/// Notifications down: the order's three notifications are dead-lettered;
/// with the provider back, they are peeked and redriven to the bus from the
/// dead-letter drawer, and the provider receives them.
async fn check_dead_letters(client: &Client) {
    let started = Instant::now();
    let endpoint = ready(client).await;
    set_faults(&endpoint, json!({"notifications": "down"})).await;
    let order = place_order(&endpoint, "Dead Letter").await;
    wait_for_status(&endpoint, &order, "DELIVERED", Duration::from_secs(60)).await;

    // Three notifications (confirmed, courier, delivered), each retried twice.
    eventually("Dead letters 3 in the header", Duration::from_secs(90), || async {
        let label = attribute(client, "#dead-letters-button", "aria-label").await;
        (label == "Dead letters 3").then_some(())
    })
    .await;
    println!("the notification DLQ filled {:?} after the app started", started.elapsed());
    set_faults(&endpoint, json!({"notifications": "healthy"})).await;

    click(client, "#dead-letters-button").await;
    let queue = r#"li.dlq-queue[data-queue-arn$=":customer-notifications-dlq"]"#;
    eventually("the queue listed with 3 messages", Duration::from_secs(10), || async {
        text_of(client, &format!("{queue} .dlq-depth")).await.eq("3 messages").then_some(())
    })
    .await;
    click(client, &format!("{queue} .dlq-queue__select")).await;
    click_button(client, "Peek messages").await;
    let letters = eventually("3 messages peeked", Duration::from_secs(15), || async {
        let ids = js(
            client,
            "return Array.from(document.querySelectorAll('.dlq-letter')).map(li => li.dataset.messageId);",
            vec![],
        )
        .await;
        (ids.as_array().map_or(0, Vec::len) == 3).then_some(ids)
    })
    .await;
    let facts = text_of(client, ".dlq-letters").await;
    assert!(facts.contains("2 retry attempts"), "each was retried twice: {facts:?}");
    assert!(facts.contains("rule partners/send-notifications"), "sent by send-notifications: {facts:?}");
    // One event opened: it is the order's.
    let first = letters[0].as_str().expect("a message id").to_owned();
    click(client, &format!(r#".dlq-letter[data-message-id="{first}"] .dlq-letter__open"#)).await;
    client
        .find(Locator::XPath("//section[contains(@class, 'dlq-inspect')]//button[normalize-space()='Expand all']"))
        .await
        .expect("the event's Expand all")
        .click()
        .await
        .expect("expand the event");
    let event = text_of(client, ".dlq-inspect").await;
    assert!(event.contains(&order), "the dead-lettered event is the order's: {event:?}");
    save_screenshot(client, &docs("dead-letters-drawer.png")).await;

    click_button(client, "Redrive all (3)").await;
    wait_for(client, r#"ul[aria-label="Redrive preview"]"#, Duration::from_secs(5)).await;
    let to_bus = wait_for(client, r#"input[name="dlq-redrive-to"][value="bus"]"#, Duration::from_secs(5)).await;
    assert_eq!(to_bus.prop("checked").await.expect("checked").as_deref(), Some("true"), "back onto the bus by default");
    click_button(client, "Redrive 3 messages").await;
    let outcomes = eventually("the redrive's outcomes", Duration::from_secs(20), || async {
        let outcomes = js(
            client,
            r#"return Array.from(document.querySelectorAll('ul[aria-label="Redrive outcomes"] li')).map(li => li.querySelector('strong').textContent);"#,
            vec![],
        )
        .await;
        (outcomes.as_array().map_or(0, Vec::len) == 3).then_some(outcomes)
    })
    .await;
    assert_eq!(outcomes, json!(["Sent", "Sent", "Sent"]));
    assert_eq!(
        text_of(client, ".dlq-summary").await.split_whitespace().collect::<Vec<_>>().join(" "),
        "3 sent, 0 not sent."
    );
    save_screenshot(client, &docs("redrive-outcomes.png")).await;
    click_button(client, "Close").await;

    eventually("the queue empty in the drawer and the header", Duration::from_secs(15), || async {
        let depth = text_of(client, &format!("{queue} .dlq-depth")).await;
        let label = attribute(client, "#dead-letters-button", "aria-label").await;
        (depth == "0 messages" && label == "Dead letters 0").then_some(())
    })
    .await;

    // The provider received the order's three notifications.
    let status: Value = http()
        .get(format!("{endpoint}/_choreoscope/demo"))
        .send()
        .await
        .expect("demo status")
        .json()
        .await
        .expect("JSON");
    let provider = format!("{}/notifications", status["notificationsUrl"].as_str().expect("the provider's URL"));
    let about = eventually("the order's notifications at the provider", Duration::from_secs(20), || async {
        let received: Value = http().get(&provider).send().await.ok()?.json().await.ok()?;
        let about: Vec<Value> = received
            .as_array()?
            .iter()
            .filter(|body| body["orderId"] == json!(order))
            .map(|body| body["about"].clone())
            .collect();
        (about.len() >= 3).then_some(about)
    })
    .await;
    assert_eq!(about.len(), 3, "each notification arrived once: {about:?}");
    println!("redriven notifications received: {about:?}, {:?} after the app started", started.elapsed());
}

/// Traffic at 3 orders/s, the partner down: the circuit opens in the
/// circuits panel and on the graph; the partner healed, it closes, and the
/// replay of the outage window completes in the replays drawer; every order
/// placed ends DELIVERED.
async fn check_partner_outage(client: &Client) {
    let started = Instant::now();
    let endpoint = ready(client).await;
    click(client, r#"[data-testid="connection"]"#).await;
    wait_for(
        client,
        r#"[role="dialog"][aria-label="Connections"] [data-testid="local-state"]"#,
        Duration::from_secs(10),
    )
    .await;
    save_screenshot(client, &docs("connections-panel.png")).await;
    click(client, r#"[data-testid="connection"]"#).await;

    click(client, "#circuits-button").await;
    set_traffic(&endpoint, 3.0).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    set_faults(&endpoint, json!({"partner": "down"})).await;
    let down = Instant::now();
    let card = format!(r#"li.circuit-card[data-circuit="{PARTNER_CIRCUIT}"]"#);
    eventually("the circuit OPEN in the circuits panel", Duration::from_secs(30), || async {
        (attribute(client, &card, "data-state").await == "OPEN").then_some(())
    })
    .await;
    println!("circuit OPEN in the panel {:?} after the partner went down", down.elapsed());
    assert_eq!(attribute(client, "#circuits-button", "aria-label").await, "Circuits, 1 open");
    let on_graph = format!(r#".graph-circuit[data-circuit="{PARTNER_CIRCUIT}"]"#);
    eventually("the circuit OPEN on the graph", Duration::from_secs(20), || async {
        (attribute(client, &on_graph, "data-state").await == "OPEN").then_some(())
    })
    .await;
    save_screenshot(client, &docs("circuits-panel-open.png")).await;

    // The demo drawer while the partner is down.
    click(client, "#circuits-button").await;
    click(client, "#demo-button").await;
    wait_for(client, "#demo-drawer", Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    save_screenshot(client, &docs("demo-drawer.png")).await;
    click(client, "#demo-button").await;
    click(client, "#circuits-button").await;

    // Long enough down for requests to be parked.
    tokio::time::sleep(Duration::from_secs(8).saturating_sub(down.elapsed())).await;
    set_faults(&endpoint, json!({"partner": "healthy"})).await;
    let healed = Instant::now();
    eventually("the circuit CLOSED in the circuits panel", Duration::from_secs(30), || async {
        (attribute(client, &card, "data-state").await == "CLOSED").then_some(())
    })
    .await;
    println!("circuit CLOSED in the panel {:?} after the partner healed", healed.elapsed());
    let transitions = attribute(client, &format!("{card} .circuit-timeline__strip"), "aria-label").await;
    println!("{transitions}");
    // The panel lists the replay the closing started, with its state.
    let started_replay = eventually("the closing's replay in the circuits panel", Duration::from_secs(15), || async {
        let replay = js(
            client,
            r#"const li = document.querySelector(arguments[0] + ' .circuit-replay');
               return li ? {name: li.dataset.replay, state: li.dataset.state,
                            percent: li.querySelector('.circuit-replay__percent').textContent} : null;"#,
            vec![json!(card)],
        )
        .await;
        (!replay.is_null()).then_some(replay)
    })
    .await;
    println!("the circuits panel shows the closing's replay: {started_replay}");
    save_screenshot(client, &docs("circuits-panel-closed.png")).await;

    click(client, "#circuits-button").await;
    click(client, "#replays-button").await;
    // Each replay's state and progress as the drawer showed them, in turn.
    let mut seen: Vec<(String, String, String)> = Vec::new();
    let mut pictured = false;
    let replays = loop {
        let replays = js(
            client,
            r#"return Array.from(document.querySelectorAll('li.replays-replay')).map(li => ({
                 name: li.dataset.replay,
                 state: li.querySelector('.replays-state').dataset.state,
                 progress: li.querySelector('[role="progressbar"]').getAttribute('aria-valuenow'),
                 words: li.querySelector('[role="progressbar"]').getAttribute('aria-valuetext'),
               }));"#,
            vec![],
        )
        .await;
        let replays = replays.as_array().cloned().unwrap_or_default();
        for replay in &replays {
            let text = |key: &str| replay[key].as_str().unwrap_or_default().to_owned();
            let now = (text("name"), text("state"), text("progress"));
            if !seen.contains(&now) {
                seen.push(now);
            }
        }
        if !pictured && replays.iter().any(|replay| replay["state"] != "COMPLETED") {
            // A replay caught before it completed.
            save_screenshot(client, &docs("replays-drawer-running.png")).await;
            pictured = true;
        }
        if !replays.is_empty() && replays.iter().all(|replay| replay["state"] == "COMPLETED") {
            break replays;
        }
        assert!(
            healed.elapsed() < Duration::from_secs(90),
            "the closing's replay did not complete in the replays drawer: {replays:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    println!("replays {:?} after healing: {replays:?}; states and progress seen: {seen:?}", healed.elapsed());
    for replay in &replays {
        assert_eq!(replay["progress"], "100", "a completed replay's bar is full: {replay}");
    }
    let names: Vec<&Value> = replays.iter().map(|replay| &replay["name"]).collect();
    assert!(names.contains(&&started_replay["name"]), "the closing's replay is listed: {names:?}");
    wait_for(client, r#"li.replays-archive[data-archive="parked-restaurant-requests"]"#, Duration::from_secs(15)).await;
    scroll_into_drawer(client, ".replays-drawer__body", r#"section[aria-labelledby="replays-list-title"]"#).await;
    save_screenshot(client, &docs("replays-drawer.png")).await;

    set_traffic(&endpoint, 0.0).await;
    // Orders being placed as the rate dropped have their answer by now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stopped = Instant::now();
    let orders = eventually("every order DELIVERED", Duration::from_secs(120), || async {
        let data = graphql(&endpoint, "query { orders(limit: 500) { id status history { status } } }", json!({})).await;
        let orders = data["orders"].as_array().cloned().unwrap_or_default();
        orders.iter().all(|order| order["status"] == "DELIVERED").then_some(orders)
    })
    .await;
    // Exactly once: a parked request replayed does not deliver its order twice.
    for order in &orders {
        let history = order["history"].as_array().map(Vec::as_slice).unwrap_or_default();
        let delivered = history.iter().filter(|change| change["status"] == "DELIVERED").count();
        assert_eq!(delivered, 1, "order {} delivered {delivered} times: {order}", order["id"]);
    }
    let placed = orders.len();
    assert!(placed >= 20, "3 orders/s for the whole outage placed only {placed}");
    println!(
        "{placed} orders DELIVERED {:?} after the traffic stopped; {:?} in all",
        stopped.elapsed(),
        started.elapsed()
    );
}

/// Waits for the app: the graph laid out and the local endpoint in the header.
async fn ready(client: &Client) -> String {
    wait_for(client, r#"[data-testid="graph"][data-layout="done"]"#, Duration::from_secs(90)).await;
    local_endpoint(client).await
}

/// Scrolls the drawer body `body` (and only it: `scrollIntoView` would shift
/// the whole window) so that `section` starts at its top, as far as it goes.
async fn scroll_into_drawer(client: &Client, body: &str, section: &str) {
    js(
        client,
        r#"const body = document.querySelector(arguments[0]);
           const section = body.querySelector(arguments[1]);
           body.scrollTop += section.getBoundingClientRect().top - body.getBoundingClientRect().top;"#,
        vec![json!(body), json!(section)],
    )
    .await;
    // Painted before the picture is taken.
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Where the README's pictures live.
fn docs(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots").join(name)
}

/// Retries `probe` every 250 ms until it answers, failing the test after `timeout`.
async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(started.elapsed() < timeout, "{what}: not seen within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn js(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.expect("script runs")
}

/// An attribute of the element `css` selects (empty when either is missing).
async fn attribute(client: &Client, css: &str, name: &str) -> String {
    let script = "const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;";
    js(client, script, vec![json!(css), json!(name)]).await.as_str().unwrap_or_default().to_owned()
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// POSTs to the demo's faults endpoint and checks it took the change.
async fn set_faults(endpoint: &str, faults: Value) {
    let response = http().post(format!("{endpoint}/_choreoscope/faults")).json(&faults).send().await.expect("faults");
    assert_eq!(response.status(), 200, "faults {faults}: {:?}", response.text().await);
}

async fn set_traffic(endpoint: &str, orders_per_sec: f64) {
    let body = json!({"ordersPerSec": orders_per_sec});
    let response = http().post(format!("{endpoint}/_choreoscope/traffic")).json(&body).send().await.expect("traffic");
    assert_eq!(response.status(), 200, "traffic {body}: {:?}", response.text().await);
}

/// Waits until the order is in `status`, and returns its history.
async fn wait_for_status(endpoint: &str, order: &str, status: &str, timeout: Duration) -> Value {
    let query = "query($id: ID!) { order(id: $id) { status history { status } } }";
    eventually(&format!("order {order} {status}"), timeout, || async {
        let data = graphql(endpoint, query, json!({"id": order})).await;
        (data["order"]["status"] == status).then(|| data["order"]["history"].clone())
    })
    .await
}
