//! The restaurant partner over real HTTP, with a small callback server
//! standing in for the demo.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::routing::post;
use serde_json::Value;
use tokio::sync::watch;

use super::*;
use crate::partner::{PartnerCallError, PartnerClient};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The demo's side of the callbacks: keeps what it receives, answering 500
/// to the first `fail_first` calls.
#[derive(Clone)]
struct CallbackServer {
    url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
    failures_left: Arc<AtomicUsize>,
}

impl CallbackServer {
    async fn start(fail_first: usize) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let server = Self {
            url: format!("http://{}/restaurant-callback", listener.local_addr()?),
            bodies: Arc::default(),
            failures_left: Arc::new(AtomicUsize::new(fail_first)),
        };
        let app = Router::new()
            .route(
                "/restaurant-callback",
                post(|State(server): State<CallbackServer>, Json(body): Json<Value>| async move {
                    let fail = server
                        .failures_left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
                        .is_ok();
                    if fail {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    server.bodies.lock().unwrap_or_else(PoisonError::into_inner).push(body);
                    StatusCode::NO_CONTENT
                }),
            )
            .with_state(server.clone());
        tokio::spawn(axum::serve(listener, app).into_future());
        Ok(server)
    }

    fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits up to 5 s for `count` callbacks.
    async fn wait_for(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.bodies().len() < count && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.bodies()
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    store: DemoStore,
    faults: Faults,
    callbacks: CallbackServer,
    partner: RestaurantPartner,
    stop: watch::Sender<bool>,
    http: reqwest::Client,
}

fn settings(answers_after: Duration) -> PartnerSettings {
    PartnerSettings { port: 0, answers_after, call_timeout: Duration::from_secs(5) }
}

async fn setup(answers_after: Duration) -> Result<Setup, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = DemoStore::open(dir.path())?;
    let faults = Faults::default();
    let callbacks = CallbackServer::start(0).await?;
    let (stop, shutdown) = watch::channel(false);
    let partner = RestaurantPartner::start(
        &settings(answers_after),
        faults.clone(),
        store.clone(),
        callbacks.url.clone(),
        shutdown,
    )
    .await?;
    Ok(Setup { _dir: dir, store, faults, callbacks, partner, stop, http: reqwest::Client::new() })
}

fn order(order_id: &str, quantity: u32) -> Value {
    json!({
        "orderId": order_id,
        "restaurantId": "r-1",
        "items": [{"menuItemId": "m-1", "name": "Margherita", "quantity": quantity, "unitPriceCents": 900}],
        "totalCents": 900 * i64::from(quantity),
    })
}

async fn answered(store: &DemoStore, order_id: &str) -> Result<i64, crate::store::StoreError> {
    let order_id = order_id.to_owned();
    store
        .run(move |conn| {
            conn.query_row("SELECT answered FROM partner_orders WHERE order_id = ?1", [order_id], |row| row.get(0))
        })
        .await
}

#[tokio::test]
async fn accepts_an_order_and_calls_back_once() -> TestResult {
    let setup = setup(Duration::from_millis(100)).await?;
    let url = format!("{}/orders", setup.partner.url());

    let response = setup.http.post(&url).json(&order("o-1", 2)).send().await?;
    assert_eq!(response.status(), 202);
    let accepted: Value = response.json().await?;
    assert_eq!(accepted["orderId"], "o-1");
    let reference = accepted["reference"].as_str().unwrap_or_default().to_owned();
    assert!(reference.starts_with("RP-"), "{accepted}");

    // The same order again: the same reference, and no second callback.
    let again: Value = setup.http.post(&url).json(&order("o-1", 2)).send().await?.json().await?;
    assert_eq!(again["reference"], reference.as_str());

    let bodies = setup.callbacks.wait_for(1).await;
    assert_eq!(bodies, vec![json!({"orderId": "o-1", "reference": reference, "decision": "CONFIRMED"})]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.callbacks.bodies().len(), 1, "one callback per order");
    assert_eq!(answered(&setup.store, "o-1").await?, ANSWERED);
    Ok(())
}

#[tokio::test]
async fn rejects_more_than_the_kitchen_can_make() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    let response = setup.http.post(format!("{}/orders", setup.partner.url())).json(&order("o-2", 21)).send().await?;
    assert_eq!(response.status(), 202);
    let bodies = setup.callbacks.wait_for(1).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["decision"], "REJECTED");
    assert_eq!(bodies[0]["reason"], TOO_MANY_REASON);
    Ok(())
}

#[tokio::test]
async fn retries_the_callback_until_the_demo_takes_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = DemoStore::open(dir.path())?;
    let callbacks = CallbackServer::start(2).await?;
    let (_stop, shutdown) = watch::channel(false);
    let partner = RestaurantPartner::start(
        &settings(Duration::from_millis(10)),
        Faults::default(),
        store.clone(),
        callbacks.url.clone(),
        shutdown,
    )
    .await?;
    let response =
        reqwest::Client::new().post(format!("{}/orders", partner.url())).json(&order("o-3", 1)).send().await?;
    assert_eq!(response.status(), 202);
    assert_eq!(answered(&store, "o-3").await?, DUE);
    let bodies = callbacks.wait_for(1).await;
    assert_eq!(bodies.len(), 1, "the third attempt got through");
    assert_eq!(callbacks.failures_left.load(Ordering::SeqCst), 0);
    // Marked just after the 2xx.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(answered(&store, "o-3").await?, ANSWERED);
    Ok(())
}

#[tokio::test]
async fn malformed_orders_answer_400() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    let url = format!("{}/orders", setup.partner.url());
    let missing_total = json!({"orderId": "o", "restaurantId": "r", "items": []});
    let no_items = json!({"orderId": "o", "restaurantId": "r", "items": [], "totalCents": 0});
    for body in ["not json".to_owned(), missing_total.to_string(), no_items.to_string(), order("", 1).to_string()] {
        let response =
            setup.http.post(&url).header("content-type", "application/json").body(body.clone()).send().await?;
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await?;
        assert!(error["message"].as_str().is_some_and(|message| message.starts_with("malformed order")), "{error}");
    }
    Ok(())
}

#[tokio::test]
async fn health_answers_ok() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    let response = setup.http.get(format!("{}/health", setup.partner.url())).send().await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await?, json!({"status": "ok"}));
    let client = PartnerClient::new(setup.partner.url(), Duration::from_secs(5));
    assert_eq!(client.health().await, Ok(()));
    Ok(())
}

#[tokio::test]
async fn down_answers_503_everywhere() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    setup.faults.set_partner(PartnerFault::Down);
    let url = setup.partner.url();
    assert_eq!(setup.http.post(format!("{url}/orders")).json(&order("o-4", 1)).send().await?.status(), 503);
    assert_eq!(setup.http.get(format!("{url}/health")).send().await?.status(), 503);

    let client = PartnerClient::new(url, Duration::from_secs(5));
    let error = client.request_confirmation(&order("o-4", 1)).await.err();
    assert!(error.as_ref().is_some_and(PartnerCallError::is_retryable), "{error:?}");
    assert!(client.health().await.is_err_and(|error| error.is_retryable()));
    // Nothing was accepted.
    assert!(answered(&setup.store, "o-4").await.is_err());
    Ok(())
}

#[tokio::test]
async fn rejecting_refuses_orders_with_422_but_stays_healthy() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    setup.faults.set_partner(PartnerFault::Rejecting);
    let client = PartnerClient::new(setup.partner.url(), Duration::from_secs(5));
    let error = client.request_confirmation(&order("o-5", 1)).await.err();
    assert_eq!(
        error,
        Some(PartnerCallError::Rejected { status: 422, message: "order rejected by partner validation".to_owned() })
    );
    assert!(error.is_some_and(|error| !error.is_retryable()));
    assert_eq!(client.health().await, Ok(()));
    Ok(())
}

#[tokio::test]
async fn flaky_fails_its_percentage_of_requests() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    let url = format!("{}/health", setup.partner.url());
    setup.faults.set_partner(PartnerFault::Flaky(100));
    for _ in 0..5 {
        assert_eq!(setup.http.get(&url).send().await?.status(), 500);
    }
    setup.faults.set_partner(PartnerFault::Flaky(0));
    for _ in 0..5 {
        assert_eq!(setup.http.get(&url).send().await?.status(), 200);
    }
    setup.faults.set_partner(PartnerFault::Flaky(50));
    let mut failed = 0;
    for _ in 0..200 {
        if setup.http.get(&url).send().await?.status() == 500 {
            failed += 1;
        }
    }
    assert!((40..=160).contains(&failed), "{failed} of 200 failed at 50 %");
    Ok(())
}

#[tokio::test]
async fn slow_answers_after_the_client_gave_up() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    setup.faults.set_partner(PartnerFault::Slow);
    let client = PartnerClient::new(setup.partner.url(), Duration::from_millis(300));
    let started = Instant::now();
    let error = client.request_confirmation(&order("o-6", 1)).await.err();
    assert!(started.elapsed() < Duration::from_secs(3));
    match error {
        Some(PartnerCallError::Unavailable { reason }) => assert!(reason.contains("time-out"), "{reason}"),
        other => panic!("expected a time-out, got {other:?}"),
    }
    // Stopping does not wait for the slow request.
    setup.stop.send(true)?;
    tokio::time::timeout(Duration::from_secs(3), setup.partner.stopped()).await?;
    Ok(())
}

#[tokio::test]
async fn silent_accepts_but_never_calls_back() -> TestResult {
    let setup = setup(Duration::from_millis(50)).await?;
    setup.faults.set_partner(PartnerFault::Silent);
    let response = setup.http.post(format!("{}/orders", setup.partner.url())).json(&order("o-7", 1)).send().await?;
    assert_eq!(response.status(), 202);
    setup.faults.set_partner(PartnerFault::Healthy);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(setup.callbacks.bodies().is_empty());
    assert_eq!(answered(&setup.store, "o-7").await?, NEVER);

    // Not after a restart either.
    setup.stop.send(true)?;
    setup.partner.stopped().await;
    let (_stop, shutdown) = watch::channel(false);
    let _partner = RestaurantPartner::start(
        &settings(Duration::from_millis(50)),
        setup.faults.clone(),
        setup.store.clone(),
        setup.callbacks.url.clone(),
        shutdown,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(setup.callbacks.bodies().is_empty());
    Ok(())
}

#[tokio::test]
async fn calls_back_after_a_restart() -> TestResult {
    let setup = setup(Duration::from_millis(700)).await?;
    let response = setup.http.post(format!("{}/orders", setup.partner.url())).json(&order("o-8", 3)).send().await?;
    let reference = response.json::<Value>().await?["reference"].clone();

    // Stop before the answer is due.
    setup.stop.send(true)?;
    setup.partner.stopped().await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(setup.callbacks.bodies().is_empty(), "a stopped partner does not call back");
    assert_eq!(answered(&setup.store, "o-8").await?, DUE);

    let (_stop, shutdown) = watch::channel(false);
    let _partner = RestaurantPartner::start(
        &settings(Duration::from_millis(700)),
        setup.faults.clone(),
        setup.store.clone(),
        setup.callbacks.url.clone(),
        shutdown,
    )
    .await?;
    let bodies = setup.callbacks.wait_for(1).await;
    assert_eq!(bodies, vec![json!({"orderId": "o-8", "reference": reference, "decision": "CONFIRMED"})]);
    Ok(())
}

#[tokio::test]
async fn an_absent_partner_is_unavailable() -> TestResult {
    // Bind then drop a listener to find a port nobody listens on.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();
    let client = PartnerClient::new(format!("http://127.0.0.1:{port}"), Duration::from_secs(1));
    match client.health().await {
        Err(PartnerCallError::Unavailable { reason }) => assert!(reason.contains("connect"), "{reason}"),
        other => panic!("expected the partner to be unavailable, got {other:?}"),
    }
    Ok(())
}
