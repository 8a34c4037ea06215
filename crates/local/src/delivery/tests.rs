//! Delivery end to end inside one local system, on a manual clock: targets
//! of each kind, input transformers, retries with backoff, dead letters,
//! drops, the bus log of each step, and resuming after a crash.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};

use super::{DeliverySettings, Dispatcher};
use crate::clock::ManualClock;
use crate::functions::{FunctionError, Functions};
use crate::shared::Shared;
use crate::test_support::{START_MS, open};

const ACCOUNT: &str = "123456789012";

struct System {
    shared: Arc<Shared>,
    clock: Arc<ManualClock>,
    functions: Functions,
    dir: tempfile::TempDir,
}

impl System {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::at(START_MS);
        let shared = open(dir.path(), &clock);
        let system = Self { shared, clock, functions: Functions::default(), dir };
        system.events(
            "UpdateEventBus",
            json!({"Name": "default", "LogConfig": {"Level": "TRACE", "IncludeDetail": "FULL"}}),
        );
        system
    }

    fn dispatcher(&self) -> Dispatcher {
        let settings = DeliverySettings { backoff_base_ms: 1_000, backoff_cap_ms: 60_000, concurrency: 8 };
        Dispatcher::new(self.shared.clone(), self.functions.clone(), settings)
    }

    fn events(&self, operation: &str, input: Value) -> Value {
        crate::eventbridge::handle(&self.shared, operation, input.to_string().as_bytes(), "req-1")
            .unwrap_or_else(|error| panic!("{operation}: {error:?}"))
    }

    fn queue(&self, name: &str) -> String {
        crate::sqs::call_local(&self.shared, "CreateQueue", json!({"QueueName": name})).expect("queue");
        format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}")
    }

    /// Bodies and attributes of the messages on a queue, oldest first.
    fn messages(&self, queue: &str) -> Vec<(String, Value)> {
        let conn = self.shared.store.conn();
        let mut statement = conn
            .prepare(&format!(
                "SELECT {}, message_attributes FROM sqs_messages WHERE queue = ?1 ORDER BY seq",
                crate::sqs::BODY_SQL
            ))
            .expect("query");
        statement
            .query_map([queue], |row| {
                let attributes: Option<String> = row.get(1)?;
                Ok((row.get(0)?, attributes.map_or(Value::Null, |a| serde_json::from_str(&a).expect("JSON"))))
            })
            .expect("rows")
            .map(|row| row.expect("row"))
            .collect()
    }

    fn rule(&self, name: &str, pattern: Value, targets: Value) {
        self.rule_on("default", name, pattern, targets);
    }

    fn rule_on(&self, bus: &str, name: &str, pattern: Value, targets: Value) {
        self.events("PutRule", json!({"Name": name, "EventBusName": bus, "EventPattern": pattern.to_string()}));
        self.events("PutTargets", json!({"Rule": name, "EventBusName": bus, "Targets": targets}));
    }

    fn put(&self, detail: Value) -> String {
        let result = self.events(
            "PutEvents",
            json!({"Entries": [{"Source": "shop", "DetailType": "OrderPlaced", "Detail": detail.to_string()}]}),
        );
        result["Entries"][0]["EventId"].as_str().expect("accepted").to_owned()
    }

    fn pending(&self) -> i64 {
        super::store::pending(&self.shared.store.conn()).expect("count")
    }

    /// The bus-log steps of one event, in order.
    fn steps(&self, bus: &str, event_id: &str) -> Vec<String> {
        self.log(bus, event_id).iter().map(|r| r["message_type"].as_str().expect("type").to_owned()).collect()
    }

    fn log(&self, bus: &str, event_id: &str) -> Vec<Value> {
        let conn = self.shared.store.conn();
        let mut statement =
            conn.prepare("SELECT message FROM log_events WHERE log_group = ?1 ORDER BY seq").expect("q");
        let group = crate::eventbridge::bus_log::log_group_name(bus);
        statement
            .query_map([group], |row| row.get::<_, String>(0))
            .expect("rows")
            .map(|m| serde_json::from_str::<Value>(&m.expect("row")).expect("JSON"))
            .filter(|record| record["event_id"] == event_id)
            .collect()
    }
}

fn attribute(attributes: &Value, name: &str) -> String {
    attributes[name]["StringValue"].as_str().unwrap_or_else(|| panic!("no {name} in {attributes}")).to_owned()
}

#[tokio::test]
async fn an_sqs_target_receives_the_transformed_input_and_the_log_shows_each_step() {
    let system = System::new();
    let queue = system.queue("orders");
    system.rule(
        "placed",
        json!({"detail-type": ["OrderPlaced"]}),
        json!([{"Id": "q", "Arn": queue, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.orderId"},
            "InputTemplate": "{\"order\": <order>, \"rule\": <aws.events.rule-name>}"}}]),
    );
    let id = system.put(json!({"orderId": "o-1"}));
    // A queue of the store that takes the message is delivered to in the
    // transaction that keeps the event: nothing is left for the dispatcher.
    assert_eq!(system.pending(), 0, "delivered with the event");
    assert_eq!(system.dispatcher().run_due().await.expect("round"), 0);
    let messages = system.messages("orders");
    assert_eq!(messages.len(), 1);
    assert_eq!(serde_json::from_str::<Value>(&messages[0].0).expect("JSON"), json!({"order": "o-1", "rule": "placed"}));
    assert_eq!(system.pending(), 0);
    assert_eq!(
        system.steps("default", &id),
        [
            "EVENT_RECEIPT",
            "EVENT_INGEST_SUCCESS",
            "RULE_MATCH_START",
            "RULE_MATCH",
            "INVOCATION_START",
            "INVOCATION_ATTEMPT_START",
            "INVOCATION_ATTEMPT_SUCCESS",
            "INVOCATION_SUCCESS",
        ]
    );
    let success = system.log("default", &id).pop().expect("record");
    assert_eq!(success["details"]["target_arn"], queue);
    assert_eq!(success["details"]["total_attempts"], 1);
    assert!(success["invocation_id"].is_string());
}

#[tokio::test]
async fn a_failing_target_is_retried_with_backoff_then_dead_lettered_with_six_attributes() {
    let system = System::new();
    let dlq = system.queue("orders-dlq");
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    system.functions.register("charge", move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Err(FunctionError::retryable("PartnerUnavailable", "the partner API answered 503")) }
    });
    let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:charge");
    system.rule(
        "charge",
        json!({"source": ["shop"]}),
        json!([{"Id": "fn", "Arn": function, "RetryPolicy": {"MaximumRetryAttempts": 2},
                "DeadLetterConfig": {"Arn": dlq}}]),
    );
    let id = system.put(json!({"orderId": "o-2"}));
    let dispatcher = system.dispatcher();
    assert_eq!(dispatcher.run_due().await.expect("round"), 1);
    assert_eq!(dispatcher.run_due().await.expect("round"), 0, "the retry waits for its backoff");
    system.clock.advance(1_000);
    assert_eq!(dispatcher.run_due().await.expect("round"), 1, "first retry after at most 1 s");
    system.clock.advance(2_000);
    assert_eq!(dispatcher.run_due().await.expect("round"), 1, "second retry after at most 2 s");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "first attempt and two retries");
    assert_eq!(system.pending(), 0);

    let messages = system.messages("orders-dlq");
    assert_eq!(messages.len(), 1);
    let (body, attributes) = &messages[0];
    let event: Value = serde_json::from_str(body).expect("the event");
    assert_eq!((event["id"].as_str(), &event["detail"]), (Some(id.as_str()), &json!({"orderId": "o-2"})));
    assert_eq!(attribute(attributes, "RULE_ARN"), format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/charge"));
    assert_eq!(attribute(attributes, "TARGET_ARN"), function);
    assert_eq!(attribute(attributes, "ERROR_CODE"), "PartnerUnavailable");
    assert_eq!(attribute(attributes, "ERROR_MESSAGE"), "the partner API answered 503");
    assert_eq!(attribute(attributes, "EXHAUSTED_RETRY_CONDITION"), "MaximumRetryAttempts");
    assert_eq!(attribute(attributes, "RETRY_ATTEMPTS"), "2");

    let steps = system.steps("default", &id);
    let retryable = steps.iter().filter(|s| *s == "INVOCATION_ATTEMPT_RETRYABLE_FAILURE").count();
    assert_eq!(retryable, 3);
    assert_eq!(steps[steps.len() - 2..], ["INVOCATION_FAILURE", "INVOCATION_DLQ"]);
    let failure = &system.log("default", &id)[steps.len() - 2];
    assert_eq!(failure["error"]["error_message"], "the partner API answered 503");
}

#[tokio::test]
async fn a_permanent_failure_is_not_retried_and_without_a_dlq_the_event_is_dropped() {
    let system = System::new();
    let missing = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:not-deployed");
    system.rule("r", json!({"source": ["shop"]}), json!([{"Id": "fn", "Arn": missing}]));
    let id = system.put(json!({}));
    assert_eq!(system.dispatcher().run_due().await.expect("round"), 1);
    assert_eq!(system.pending(), 0, "given up at once");
    let log = system.log("default", &id);
    let last = log.last().expect("records");
    assert_eq!(last["message_type"], "INVOCATION_DLQ");
    assert_eq!(last["details"]["dropped"], true);
    let permanent = log.iter().find(|r| r["message_type"] == "INVOCATION_ATTEMPT_PERMANENT_FAILURE").expect("step");
    assert_eq!(permanent["error"]["error_code"], "ResourceNotFoundException");
}

#[tokio::test]
async fn a_permanent_failure_goes_to_the_dlq_with_no_retries() {
    let system = System::new();
    let dlq = system.queue("dlq");
    system.rule(
        "r",
        json!({"source": ["shop"]}),
        json!([{"Id": "q", "Arn": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:deleted"), "DeadLetterConfig": {"Arn": dlq}}]),
    );
    system.put(json!({}));
    system.dispatcher().run_due().await.expect("round");
    let messages = system.messages("dlq");
    assert_eq!(messages.len(), 1);
    assert_eq!(attribute(&messages[0].1, "ERROR_CODE"), "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(attribute(&messages[0].1, "RETRY_ATTEMPTS"), "0");
    assert!(messages[0].1.get("EXHAUSTED_RETRY_CONDITION").is_none(), "no retry condition ran out");
}

#[tokio::test]
async fn retries_stop_when_the_event_is_too_old() {
    let system = System::new();
    let dlq = system.queue("dlq");
    system.functions.register("flaky", |_| async { Err(FunctionError::retryable("Timeout", "timed out")) });
    system.rule(
        "r",
        json!({"source": ["shop"]}),
        json!([{"Id": "fn", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
                "RetryPolicy": {"MaximumEventAgeInSeconds": 60}, "DeadLetterConfig": {"Arn": dlq}}]),
    );
    system.put(json!({}));
    let dispatcher = system.dispatcher();
    dispatcher.run_due().await.expect("round");
    system.clock.advance(61_000);
    dispatcher.run_due().await.expect("round");
    let messages = system.messages("dlq");
    assert_eq!(messages.len(), 1);
    assert_eq!(attribute(&messages[0].1, "EXHAUSTED_RETRY_CONDITION"), "MaximumEventAgeInSeconds");
    assert_eq!(attribute(&messages[0].1, "RETRY_ATTEMPTS"), "1");
}

#[tokio::test]
async fn a_bus_target_routes_the_event_to_the_rules_of_another_bus() {
    let system = System::new();
    system.events("CreateEventBus", json!({"Name": "partners"}));
    let queue = system.queue("partner-inbox");
    system.rule(
        "to-partners",
        json!({"source": ["shop"]}),
        json!([{"Id": "bus", "Arn": format!("arn:aws:events:us-east-1:{ACCOUNT}:event-bus/partners"),
                "InputTransformer": {"InputPathsMap": {"order": "$.detail.orderId"},
                    "InputTemplate": "{\"source\": \"gatekeeper\", \"detail-type\": \"PartnerOrder\", \"detail\": {\"order\": <order>}}"}}]),
    );
    system.rule_on("partners", "inbox", json!({"source": ["gatekeeper"]}), json!([{"Id": "q", "Arn": queue}]));
    let id = system.put(json!({"orderId": "o-3", "card": "4111"}));
    let dispatcher = system.dispatcher();
    dispatcher.run_due().await.expect("to the bus");
    dispatcher.run_due().await.expect("to the queue");
    let messages = system.messages("partner-inbox");
    assert_eq!(messages.len(), 1);
    let event: Value = serde_json::from_str(&messages[0].0).expect("an event");
    assert_eq!(event["id"], id.as_str(), "the event keeps its id across buses");
    assert_eq!((event["source"].as_str(), &event["detail"]), (Some("gatekeeper"), &json!({"order": "o-3"})));
}

#[tokio::test]
async fn a_log_group_target_gets_one_stream_per_event() {
    let system = System::new();
    crate::logs::handle(
        &system.shared,
        "CreateLogGroup",
        json!({"logGroupName": "/orders/audit"}).to_string().as_bytes(),
    )
    .expect("group");
    system.rule(
        "audit",
        json!({"source": ["shop"]}),
        json!([{"Id": "logs", "Arn": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/orders/audit")}]),
    );
    let id = system.put(json!({"orderId": "o-4"}));
    system.dispatcher().run_due().await.expect("round");
    let conn = system.shared.store.conn();
    let (stream, message): (String, String) = conn
        .query_row("SELECT log_stream, message FROM log_events WHERE log_group = '/orders/audit'", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .expect("one record");
    assert_eq!(stream, id);
    assert_eq!(serde_json::from_str::<Value>(&message).expect("JSON")["detail"], json!({"orderId": "o-4"}));
}

#[tokio::test]
async fn an_attempt_cut_short_by_a_crash_is_made_again_after_restart() {
    let system = System::new();
    // A function target: its deliveries go through the dispatcher.
    let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:notify");
    system.rule("r", json!({"source": ["shop"]}), json!([{"Id": "fn", "Arn": function}]));
    system.put(json!({"orderId": "o-6"}));
    // A dispatcher took the delivery and died before recording anything.
    super::store::claim_due(&system.shared.store.conn(), START_MS, 10).expect("claimed");
    assert_eq!(system.dispatcher().run_due().await.expect("round"), 0, "in flight elsewhere");

    let restarted = open(system.dir.path(), &system.clock);
    let released = super::store::release_in_flight(&restarted.store.conn()).expect("release");
    assert_eq!(released, 1);
    let functions = Functions::default();
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = calls.clone();
    functions.register("notify", move |call| {
        recorded.lock().expect("calls").push(call.payload);
        async { Ok(Value::Null) }
    });
    let dispatcher = Dispatcher::new(restarted.clone(), functions, DeliverySettings::default());
    assert_eq!(dispatcher.run_due().await.expect("round"), 1);
    let calls = calls.lock().expect("calls");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["detail"], json!({"orderId": "o-6"}));
    assert_eq!(super::store::pending(&restarted.store.conn()).expect("count"), 0);
}

#[tokio::test]
async fn a_running_dispatcher_delivers_without_being_asked() {
    let system = System::new();
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    system.functions.register("notify", move |call| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(call.payload);
            Ok(Value::Null)
        }
    });
    system.rule(
        "r",
        json!({"source": ["shop"]}),
        json!([{"Id": "fn", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:notify", "InputPath": "$.detail"}]),
    );
    let running = tokio::spawn(system.dispatcher().run());
    system.put(json!({"orderId": "o-5"}));
    let payload = tokio::time::timeout(std::time::Duration::from_secs(5), received.recv()).await.expect("in time");
    assert_eq!(payload, Some(json!({"orderId": "o-5"})));
    system.shared.shutdown.begin();
    running.await.expect("stopped");
}

/// An HTTP endpoint on loopback answering every POST with `status`, and what it received.
async fn endpoint(status: u16) -> (String, Arc<std::sync::Mutex<Vec<(String, String)>>>) {
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = received.clone();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                seen.lock().expect("lock").push((key, body));
                axum::http::StatusCode::from_u16(status).expect("status")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, received)
}

fn api_destination(system: &System, endpoint: &str) -> String {
    let connection = system.events(
        "CreateConnection",
        json!({"Name": "notifier", "AuthorizationType": "API_KEY",
               "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "s3cret"}}}),
    );
    let destination = system.events(
        "CreateApiDestination",
        json!({"Name": "notify", "ConnectionArn": connection["ConnectionArn"], "InvocationEndpoint": endpoint,
               "HttpMethod": "POST", "InvocationRateLimitPerSecond": 50}),
    );
    destination["ApiDestinationArn"].as_str().expect("arn").to_owned()
}

#[tokio::test]
async fn an_api_destination_receives_the_input_with_the_connections_key() {
    let system = System::new();
    let (url, received) = endpoint(200).await;
    let arn = api_destination(&system, &url);
    system.rule("notify", json!({"source": ["shop"]}), json!([{"Id": "api", "Arn": arn, "InputPath": "$.detail"}]));
    let id = system.put(json!({"orderId": "o-6"}));
    system.dispatcher().run_due().await.expect("round");
    let received = received.lock().expect("lock").clone();
    assert_eq!(received, [("s3cret".to_owned(), r#"{"orderId":"o-6"}"#.to_owned())]);
    assert_eq!(system.steps("default", &id).last().map(String::as_str), Some("INVOCATION_SUCCESS"));
}

#[tokio::test]
async fn a_failing_http_target_ends_in_the_dlq_with_the_six_attributes() {
    let system = System::new();
    let dlq = system.queue("notify-dlq");
    let (url, received) = endpoint(503).await;
    let arn = api_destination(&system, &url);
    system.rule(
        "notify",
        json!({"source": ["shop"]}),
        json!([{"Id": "api", "Arn": arn, "RetryPolicy": {"MaximumRetryAttempts": 1}, "DeadLetterConfig": {"Arn": dlq}}]),
    );
    system.put(json!({"orderId": "o-7"}));
    let dispatcher = system.dispatcher();
    dispatcher.run_due().await.expect("first attempt");
    system.clock.advance(1_000);
    dispatcher.run_due().await.expect("the retry");
    assert_eq!(received.lock().expect("lock").len(), 2, "one attempt and one retry");
    let messages = system.messages("notify-dlq");
    assert_eq!(messages.len(), 1);
    let attributes = &messages[0].1;
    assert_eq!(attribute(attributes, "TARGET_ARN"), arn);
    assert_eq!(attribute(attributes, "RULE_ARN"), format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/notify"));
    assert_eq!(attribute(attributes, "ERROR_CODE"), "503");
    assert!(!attribute(attributes, "ERROR_MESSAGE").is_empty());
    assert_eq!(attribute(attributes, "EXHAUSTED_RETRY_CONDITION"), "MaximumRetryAttempts");
    assert_eq!(attribute(attributes, "RETRY_ATTEMPTS"), "1");
}

/// An OAuth-protected endpoint on loopback: `/token` hands out `tok-1`,
/// `tok-2`, …; `/api` rejects every token issued before `revoke` was set
/// (to the number of tokens issued then).
struct OAuthEndpoint {
    url: String,
    fetches: Arc<AtomicU32>,
    revoke: Arc<AtomicU32>,
    calls: Arc<std::sync::Mutex<Vec<String>>>,
}

async fn oauth_endpoint() -> OAuthEndpoint {
    let fetches = Arc::new(AtomicU32::new(0));
    let revoke = Arc::new(AtomicU32::new(0));
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (issued, revoked, seen) = (fetches.clone(), revoke.clone(), calls.clone());
    let app = axum::Router::new()
        .route(
            "/token",
            axum::routing::post(move || {
                let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                async move { axum::Json(json!({"access_token": format!("tok-{n}"), "expires_in": 3600})) }
            }),
        )
        .route(
            "/api",
            axum::routing::post(move |headers: axum::http::HeaderMap| {
                let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                seen.lock().expect("lock").push(bearer.clone());
                let number: u32 = bearer.strip_prefix("Bearer tok-").and_then(|n| n.parse().ok()).unwrap_or(0);
                let accepted = number > revoked.load(Ordering::SeqCst);
                async move { if accepted { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNAUTHORIZED } }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    OAuthEndpoint { url, fetches, revoke, calls }
}

#[tokio::test]
async fn oauth_tokens_are_fetched_once_and_refreshed_after_a_401() {
    let system = System::new();
    let server = oauth_endpoint().await;
    let connection = system.events(
        "CreateConnection",
        json!({"Name": "partner", "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {
            "OAuthParameters": {"AuthorizationEndpoint": format!("{}/token", server.url), "HttpMethod": "POST",
                "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"}}}}),
    );
    // The connection authorizes itself in the background: wait for it.
    let arn = connection["ConnectionArn"].as_str().expect("arn").to_owned();
    for _ in 0..100 {
        let state = system.events("DescribeConnection", json!({"Name": "partner"}))["ConnectionState"].clone();
        if state == "AUTHORIZED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let destination = system.events(
        "CreateApiDestination",
        json!({"Name": "partner-api", "ConnectionArn": arn, "InvocationEndpoint": format!("{}/api", server.url),
               "HttpMethod": "POST"}),
    );
    let target = json!([{"Id": "api", "Arn": destination["ApiDestinationArn"]}]);
    system.rule("partner", json!({"source": ["shop"]}), target);
    let dispatcher = system.dispatcher();
    system.put(json!({"n": 1}));
    system.put(json!({"n": 2}));
    dispatcher.run_due().await.expect("round");
    let fetched_before = server.fetches.load(Ordering::SeqCst);
    assert!(fetched_before >= 1, "a token was fetched");
    server.revoke.store(fetched_before, Ordering::SeqCst);
    let id = system.put(json!({"n": 3}));
    dispatcher.run_due().await.expect("round");
    assert_eq!(server.fetches.load(Ordering::SeqCst), fetched_before + 1, "one refresh after the 401");
    let calls = server.calls.lock().expect("lock").clone();
    let cached = format!("Bearer tok-{fetched_before}");
    assert_eq!(
        calls.iter().filter(|bearer| **bearer == cached).count(),
        3,
        "one token for two calls and the refused one"
    );
    assert_eq!(calls.last().map(String::as_str), Some(format!("Bearer tok-{}", fetched_before + 1).as_str()));
    assert_eq!(system.steps("default", &id).last().map(String::as_str), Some("INVOCATION_SUCCESS"));
}

#[tokio::test]
async fn the_invocation_rate_limit_holds_and_throttled_calls_are_not_attempts() {
    let system = System::new();
    let (url, received) = endpoint(200).await;
    let connection = system.events(
        "CreateConnection",
        json!({"Name": "slow", "AuthorizationType": "API_KEY",
               "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k"}}}),
    );
    let destination = system.events(
        "CreateApiDestination",
        json!({"Name": "slow", "ConnectionArn": connection["ConnectionArn"], "InvocationEndpoint": url,
               "HttpMethod": "POST", "InvocationRateLimitPerSecond": 5}),
    );
    let target =
        json!([{"Id": "api", "Arn": destination["ApiDestinationArn"], "RetryPolicy": {"MaximumRetryAttempts": 0}}]);
    system.rule("slow", json!({"source": ["shop"]}), target);
    let ids: Vec<String> = (0..12).map(|n| system.put(json!({"n": n}))).collect();
    let dispatcher = system.dispatcher();
    let delivered = || received.lock().expect("lock").len();
    dispatcher.run_due().await.expect("round");
    assert_eq!(delivered(), 5, "five a second");
    system.clock.advance(1_000);
    dispatcher.run_due().await.expect("round");
    assert_eq!(delivered(), 10);
    system.clock.advance(1_000);
    dispatcher.run_due().await.expect("round");
    assert_eq!(delivered(), 12, "with no retries allowed, held-back calls still all arrive");
    assert_eq!(system.pending(), 0);
    let throttled = ids.iter().find(|id| system.steps("default", id).contains(&"INVOCATION_THROTTLE_START".to_owned()));
    assert!(throttled.is_some(), "the bus log says when throttling starts");
}
