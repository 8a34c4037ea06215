//! The real app in a real window with the food-delivery demo running (the
//! default in local mode): the graph shows the demo's resources, an order
//! placed through the demo's GraphQL API is told as a story down to
//! `OrderDelivered`, every hop delivered, and a pattern narrows the event
//! explorer. Pictures of each view go to docs/screenshots/ for the README.
//!
//! Needs what tests/tests/app_window.rs needs (see choreoscope_e2e::window).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use choreoscope_e2e::demo::{graphql, place_order};
use choreoscope_e2e::window::{AppWindow, e2e_screenshot, local_endpoint, node_labels, wait_for};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// Node labels of `assets/demo/topology.json` (the local system's `default`
/// bus is always there), by kind.
const BUSES: [&str; 3] = ["default", "food-delivery", "partners"];
const RULES: [&str; 8] = [
    "assign-courier",
    "dispatch-to-restaurant",
    "gatekeeper-out",
    "notify-customer",
    "project-orders",
    "restaurant-answers",
    "send-notifications",
    "start-fulfilment",
];
/// The rules' targets and their dead-letter queues (the workflow's own
/// resources are target nodes too, and not listed here).
const TARGETS: [&str; 11] = [
    "courier-assignment",
    "couriers-dlq",
    "customer-notifications",
    "customer-notifications-dlq",
    "notifications",
    "order-fulfilment",
    "order-projection",
    "order-projection-dlq",
    "restaurant-callback-handler",
    "restaurant-dispatcher",
    "restaurant-dispatcher-dlq",
];
const ARCHIVES: [&str; 2] = ["food-delivery-events", "parked-restaurant-requests"];

/// Each step of an order's story, with a rule it must match on the
/// food-delivery bus and that rule's target (by the names the trace shows).
const HOPS: [(&str, &str, &str); 7] = [
    ("OrderPlaced", "start-fulfilment", "order-fulfilment"),
    ("PaymentCharged", "project-orders", "order-projection"),
    ("RestaurantConfirmationRequested", "dispatch-to-restaurant", "restaurant-dispatcher"),
    ("RestaurantConfirmed", "restaurant-answers", "restaurant-callback-handler"),
    ("OrderReadyForPickup", "assign-courier", "courier-assignment"),
    ("CourierAssigned", "assign-courier", "courier-assignment"),
    ("OrderDelivered", "notify-customer", "notifications"),
];

/// Where the README's pictures live.
fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_in_the_window_graph_story_and_pattern_filter() {
    let data = tempfile::tempdir().expect("temp dir");
    let window = AppWindow::open(json!(["--data-dir", data.path()])).await;
    window.check(&e2e_screenshot("app-window-demo.png"), |client| async move { check_demo(&client).await }).await;
}

async fn check_demo(client: &Client) {
    check_graph(client).await;

    let endpoint = local_endpoint(client).await;
    let started = Instant::now();
    let order = place_order(&endpoint, "Window").await;
    wait_until_delivered(&endpoint, &order).await;
    println!("order {order} DELIVERED {:?} after it was placed", started.elapsed());
    // The picture of the graph with the order's events listed beside it.
    wait_for(client, r#"[data-testid="event-row"]"#, Duration::from_secs(10)).await;
    save_screenshot(client, "graph.png").await;

    let story = check_story(client, &order).await;
    // The whole story, its path lit on the graph; then one event's trace.
    save_screenshot(client, "story.png").await;
    // A notification's trace crosses both buses to the API destination.
    let notification = story
        .iter()
        .find(|row| row.hops.as_object().is_some_and(|hops| hops.contains_key("partners")))
        .unwrap_or_else(|| panic!("no event of the story reached the partners bus: {story:#?}"));
    open_row(client, &notification.event_id).await;
    client
        .execute(
            r#"document.querySelector(`.story__row[data-event-id="${arguments[0]}"] [data-testid="trace"]`).scrollIntoView({block: 'start'});"#,
            vec![json!(notification.event_id)],
        )
        .await
        .expect("script runs");
    save_screenshot(client, "trace.png").await;

    client
        .find(Locator::XPath("//button[normalize-space()='Back to live events']"))
        .await
        .expect("back")
        .click()
        .await
        .expect("click");
    check_pattern_filter(client, &story).await;
    save_screenshot(client, "event-explorer.png").await;
}

async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::create_dir_all(screenshots()).expect("docs/screenshots");
    std::fs::write(screenshots().join(name), png).expect("screenshot written");
}

/// The demo's buses, rules, targets, DLQs, archives and connection.
async fn check_graph(client: &Client) {
    let graph = wait_for(client, r#"[data-testid="graph"][data-layout="done"]"#, Duration::from_secs(90)).await;
    assert_eq!(node_labels(client, "bus").await, json!(BUSES));
    assert_eq!(node_labels(client, "rule").await, json!(RULES));
    let targets = node_labels(client, "target").await;
    let targets: BTreeSet<&str> = targets.as_array().expect("labels").iter().filter_map(Value::as_str).collect();
    let missing: Vec<&str> = TARGETS.into_iter().filter(|label| !targets.contains(label)).collect();
    assert!(missing.is_empty(), "targets missing from the graph: {missing:?} (it has {targets:?})");
    assert_eq!(node_labels(client, "archive").await, json!(ARCHIVES));
    assert_eq!(node_labels(client, "connection").await, json!(["notification-provider"]));
    let count = |name: &'static str| {
        let graph = graph.clone();
        async move { graph.attr(name).await.expect("attr").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) }
    };
    let (nodes, edges) = (count("data-node-count").await, count("data-edge-count").await);
    println!("the demo's graph: {nodes} nodes, {edges} edges");
    let listed = BUSES.len() + RULES.len() + TARGETS.len() + ARCHIVES.len() + ["notification-provider"].len();
    assert!(nodes >= listed, "{nodes} nodes, fewer than the {listed} named here");
}

async fn wait_until_delivered(endpoint: &str, order: &str) {
    let started = Instant::now();
    loop {
        let data = graphql(endpoint, "query($id: ID!) { order(id: $id) { status } }", json!({"id": order})).await;
        if data["order"]["status"] == "DELIVERED" {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "order {order} not DELIVERED after 60 s: {data}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What the window shows of one event of a story, once opened.
#[derive(Debug)]
struct StoryRow {
    event_id: String,
    detail_type: String,
    /// Per bus: the rules matched, and each delivery's target and outcome.
    hops: Value,
    complete: bool,
}

/// Searches the order's story by correlation id until every step is there
/// with its trace complete, checking each step's rule and delivery.
async fn check_story(client: &Client, order: &str) -> Vec<StoryRow> {
    let started = Instant::now();
    loop {
        let rows = search_story(client, order).await;
        let types: BTreeMap<&str, &StoryRow> = rows.iter().map(|row| (row.detail_type.as_str(), row)).collect();
        let settled = HOPS.iter().all(|(step, ..)| types.get(step).is_some_and(|row| row.complete));
        if settled || started.elapsed() > Duration::from_secs(30) {
            for (step, rule, target) in HOPS {
                let row = types.get(step).unwrap_or_else(|| panic!("{step} missing from the story: {rows:#?}"));
                assert!(row.complete, "{step}'s trace is not complete: {row:#?}");
                let hop = row.hops["food-delivery"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{step}: no food-delivery hop: {row:#?}"));
                let rules = hop["rules"].as_str().unwrap_or_default();
                assert!(rules.split(", ").any(|r| r == rule), "{step} did not match {rule}: {row:#?}");
                let invocations = hop["invocations"].as_array().expect("invocations");
                assert!(
                    invocations.iter().any(|i| i["target"] == target && i["outcome"] == "succeeded"),
                    "{step} was not delivered to {target}: {row:#?}"
                );
            }
            // Every delivery of every event of the order succeeded.
            for row in &rows {
                for hop in row.hops.as_object().expect("hops").values() {
                    for invocation in hop["invocations"].as_array().expect("invocations") {
                        assert_eq!(invocation["outcome"], "succeeded", "{row:#?}");
                    }
                }
            }
            println!("story of {order}: {:?}", rows.iter().map(|r| r.detail_type.as_str()).collect::<Vec<_>>());
            return rows;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs the story search and reads every event's trace, opening each row in turn.
async fn search_story(client: &Client, order: &str) -> Vec<StoryRow> {
    let kind = client.find(Locator::Css(r#"select[aria-label="Search by"]"#)).await.expect("search kind");
    kind.select_by_value("correlationId").await.expect("correlation id");
    let input = client.find(Locator::Css(r#"input[aria-label="Correlation id"]"#)).await.expect("search box");
    input.clear().await.expect("clear");
    input.send_keys(order).await.expect("type the order id");
    client
        .find(Locator::XPath("//form[@role='search']//button[@type='submit']"))
        .await
        .expect("search")
        .click()
        .await
        .expect("click");
    wait_for(client, r#"[data-testid="story"]"#, Duration::from_secs(20)).await;
    let ids: Value = client
        .execute(
            r#"return Array.from(document.querySelectorAll('.story__row')).map(row => [row.dataset.eventId, row.querySelector('.story__type').textContent.trim()]);"#,
            vec![],
        )
        .await
        .expect("script runs");
    let mut rows = Vec::new();
    for pair in ids.as_array().expect("rows") {
        let (event_id, detail_type) =
            (pair[0].as_str().expect("id").to_owned(), pair[1].as_str().expect("type").to_owned());
        open_row(client, &event_id).await;
        let trace: Value = client
            .execute(
                r#"const row = document.querySelector(`.story__row[data-event-id="${arguments[0]}"]`);
                   const trace = row.querySelector('[data-testid="trace"]');
                   if (!trace) return {complete: false, hops: {}};
                   const hops = {};
                   for (const hop of trace.querySelectorAll('.trace__hop')) {
                     const rules = hop.querySelector('.trace__rules');
                     hops[hop.dataset.bus] = {
                       rules: rules ? rules.textContent.replace(/^Rules: /, '').trim() : '',
                       invocations: Array.from(hop.querySelectorAll('.trace__invocation')).map(i => ({
                         target: i.querySelector('.trace__target').firstChild.textContent.trim(),
                         outcome: i.dataset.outcome,
                       })),
                     };
                   }
                   return {complete: trace.dataset.complete === 'true', hops};"#,
                vec![json!(event_id)],
            )
            .await
            .expect("script runs");
        close_row(client, &event_id).await;
        rows.push(StoryRow { event_id, detail_type, hops: trace["hops"].clone(), complete: trace["complete"] == true });
    }
    rows
}

fn row_button(event_id: &str) -> String {
    format!(r#".story__row[data-event-id="{event_id}"] > button.story__summary-line"#)
}

async fn open_row(client: &Client, event_id: &str) {
    let button = client.find(Locator::Css(&row_button(event_id))).await.expect("story row");
    if button.attr("aria-expanded").await.expect("attr").as_deref() != Some("true") {
        button.click().await.expect("open the row");
    }
    wait_for(client, &format!(r#".story__row[data-event-id="{event_id}"] .story__details"#), Duration::from_secs(5))
        .await;
}

async fn close_row(client: &Client, event_id: &str) {
    let button = client.find(Locator::Css(&row_button(event_id))).await.expect("story row");
    if button.attr("aria-expanded").await.expect("attr").as_deref() == Some("true") {
        button.click().await.expect("close the row");
    }
}

/// The explorer's "N" or "M of N".
async fn showing(client: &Client) -> (usize, usize) {
    let text = wait_for(client, r#"[data-testid="explorer-showing"]"#, Duration::from_secs(10))
        .await
        .prop("textContent")
        .await
        .expect("text")
        .unwrap_or_default();
    let numbers: Vec<usize> = text.split(" of ").filter_map(|n| n.replace(',', "").trim().parse().ok()).collect();
    match numbers.as_slice() {
        [total] => (*total, *total),
        [shown, total] => (*shown, *total),
        _ => panic!("unexpected count {text:?}"),
    }
}

/// A pattern typed into the explorer narrows the list to the events it
/// matches: the story's CourierAssigned and OrderDelivered, nothing else.
async fn check_pattern_filter(client: &Client, story: &[StoryRow]) {
    // The explorer reads the bus logs on its own clock: wait until it has
    // caught up with the story before counting.
    let started = Instant::now();
    let (shown, total) = loop {
        let (shown, total) = showing(client).await;
        if total >= story.len() || started.elapsed() > Duration::from_secs(10) {
            break (shown, total);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(shown, total, "nothing filtered yet");
    assert!(total >= story.len(), "the explorer lists {total} events, the story {}", story.len());
    let wanted = ["CourierAssigned", "OrderDelivered"];
    let expected: BTreeSet<&str> = story
        .iter()
        .filter(|row| wanted.contains(&row.detail_type.as_str()))
        .map(|row| row.event_id.as_str())
        .collect();
    let pattern = client.find(Locator::Css(r#"textarea[aria-label="Event pattern"]"#)).await.expect("pattern box");
    pattern.send_keys(&json!({"detail-type": wanted}).to_string()).await.expect("type the pattern");
    wait_for(client, r#"#explorer-pattern-help"#, Duration::from_secs(10)).await;
    let started = Instant::now();
    let (shown, rows) = loop {
        let help = client
            .find(Locator::Css("#explorer-pattern-help"))
            .await
            .expect("help")
            .prop("textContent")
            .await
            .expect("text")
            .unwrap_or_default();
        let (shown, _) = showing(client).await;
        if help.contains("Applied with EventBridge's matching rules") && shown < total {
            let rows: Value = client
                .execute(
                    r#"return Array.from(document.querySelectorAll('[data-testid="event-row"]')).map(row => [row.dataset.eventId, row.querySelector('.event-row__type').textContent.trim()]);"#,
                    vec![],
                )
                .await
                .expect("script runs");
            break (shown, rows);
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the pattern was not applied: {help:?}, {shown} of {total}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), shown, "every row passing is listed");
    for row in rows {
        assert!(wanted.contains(&row[1].as_str().unwrap_or_default()), "{row} does not match the pattern");
    }
    let listed: BTreeSet<&str> = rows.iter().filter_map(|row| row[0].as_str()).collect();
    assert_eq!(listed, expected, "the explorer's matches are the story's {wanted:?}");
    println!("pattern {wanted:?}: {shown} of {total} events");
}
