//! The data layer against `moto_server`, an AWS emulator that is not ours,
//! connected as to AWS (`Connection::Aws` with an endpoint URL): proof that
//! the graph, traces, dead letters and replays rely on the AWS APIs alone
//! and not on choreoscope-local's quirks.
//!
//! `./dev setup` installs moto (`moto[server]` in tests/requirements.txt)
//! into the workspace's `.venv`. Each test starts its own `moto_server` on a
//! free port, so the tests share no state.
//!
//! moto's FilterLogEvents knows one text term or one quoted phrase and
//! treats every other filter pattern (JSON patterns such as
//! `{ $.event_id = "…" }`) as matching everything: the trace and the event
//! list still hold the right records, because they check each record
//! themselves. Stories are not tested here: they search with two quoted
//! terms (`"EVENT_INGEST_SUCCESS" "o-42"`), which moto reads as one phrase
//! and so finds nothing.
//!
//! The SDK's credential chain is read from the environment, and setting it
//! in process (`std::env::set_var`) is unsafe, which the workspace forbids.
//! So each test runs its body in a child of this test binary, with dummy
//! credentials and no AWS configuration files in the child's environment.

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_eventbridge::types::{
    ApiDestinationHttpMethod, ConnectionAuthorizationType, CreateConnectionApiKeyAuthRequestParameters,
    CreateConnectionAuthRequestParameters, DeadLetterConfig, PutEventsRequestEntry, RetryPolicy, Target,
};
use aws_sdk_sqs::types::MessageAttributeValue;
use choreoscope_model::{EdgeKind, InvocationOutcome, NodeKind, RedriveTo, ReplayRequest, TargetKind, Topology};
use choreoscope_observe::{Connection, EventTail, Observer};
use serde_json::{Value, json};

/// moto's default account.
const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
/// Set in the child that runs a test's body.
const CHILD: &str = "CHOREOSCOPE_MOTO_CHILD";

/// `moto_server` in the workspace's `.venv`, where `./dev setup` puts it.
fn moto_server() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server")
}

/// A running `moto_server`, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Self {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", moto_server().display()));
        let mut moto = Self { child, endpoint: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited before it served: {status}");
            }
            assert!(started.elapsed() < Duration::from_secs(60), "moto_server did not listen within 60 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// The data layer connected as to AWS, at moto's endpoint.
    async fn observer(&self) -> Observer {
        Observer::connect(Connection::Aws {
            profile: None,
            region: Some(REGION.into()),
            endpoint_url: Some(self.endpoint.clone()),
        })
        .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `body` against a fresh `moto_server`, in a child of this test
/// binary whose environment holds dummy credentials (see the module's doc).
fn on_moto<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Moto) -> Fut,
    Fut: Future<Output = ()>,
{
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
        runtime.block_on(body(Moto::start()));
        return;
    }
    if !moto_server().is_file() {
        // Only a machine without `./dev setup` gets here; `./dev test` installs moto first.
        println!(
            "skipped: {} is missing; `./dev setup` installs it (moto[server] in tests/requirements.txt)",
            moto_server().display()
        );
        return;
    }
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command
        .args(["--exact", test, "--nocapture", "--test-threads", "1"])
        .env(CHILD, "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // No user configuration (profiles, endpoints) may leak in.
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("credentials"));
    for variable in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(variable);
    }
    let output = command.output().expect("the test binary runs again");
    // Echoed through the harness, which shows it when the test fails.
    println!("{}", String::from_utf8_lossy(&output.stdout));
    println!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{test} failed against moto_server ({})", output.status);
}

fn arn(service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}")
}

async fn create_queue(observer: &Observer, name: &str) -> String {
    let created = observer.sqs().create_queue().queue_name(name).send().await.expect("CreateQueue");
    created.queue_url().expect("a queue URL").to_owned()
}

async fn create_bus(observer: &Observer, name: &str) {
    observer.eventbridge().create_event_bus().name(name).send().await.expect("CreateEventBus");
}

async fn put_rule(observer: &Observer, bus: &str, name: &str, pattern: Value, targets: Vec<Target>) {
    observer
        .eventbridge()
        .put_rule()
        .event_bus_name(bus)
        .name(name)
        .event_pattern(pattern.to_string())
        .send()
        .await
        .expect("PutRule");
    let put = observer
        .eventbridge()
        .put_targets()
        .event_bus_name(bus)
        .rule(name)
        .set_targets(Some(targets))
        .send()
        .await
        .expect("PutTargets");
    assert_eq!(put.failed_entry_count(), 0, "{put:?}");
}

fn target(id: &str, arn: &str) -> aws_sdk_eventbridge::types::builders::TargetBuilder {
    Target::builder().id(id).arn(arn)
}

fn dead_letters_to(queue: &str) -> DeadLetterConfig {
    DeadLetterConfig::builder().arn(arn("sqs", queue)).build()
}

/// The labels of the nodes of one kind, sorted.
fn labels(topology: &Topology, kind: NodeKind) -> Vec<&str> {
    let mut labels: Vec<&str> = topology.nodes.iter().filter(|n| n.kind == kind).map(|n| n.label.as_str()).collect();
    labels.sort_unstable();
    labels
}

fn has_edge(topology: &Topology, source: &str, target: &str, kind: EdgeKind) -> bool {
    topology.edges.iter().any(|e| e.source == source && e.target == target && e.kind == kind)
}

const WORKFLOW: &str = r#"{
  "StartAt": "ChargePayment",
  "States": {
    "ChargePayment": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:charge-payment", "Payload.$": "$"},
      "Next": "AnnounceCharged"
    },
    "AnnounceCharged": {
      "Type": "Task",
      "Resource": "arn:aws:states:::events:putEvents",
      "Parameters": {"Entries": [{"EventBusName": "orders", "Source": "shop.payments", "DetailType": "PaymentCharged", "Detail.$": "$"}]},
      "End": true
    }
  }
}"#;

#[test]
fn the_graph_of_a_system_on_moto() {
    on_moto("the_graph_of_a_system_on_moto", |moto| async move {
        let observer = moto.observer().await;
        assert_eq!(observer.info().endpoint_url.as_deref(), Some(moto.endpoint.as_str()));
        create_bus(&observer, "orders").await;
        for queue in ["order-analytics", "order-analytics-dlq", "charge-payment-dlq"] {
            create_queue(&observer, queue).await;
        }
        observer.logs().create_log_group().log_group_name("/aws/events/orders-audit").send().await.expect("group");
        let machine = observer
            .stepfunctions()
            .create_state_machine()
            .name("order-fulfilment")
            .definition(WORKFLOW)
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/order-fulfilment"))
            .send()
            .await
            .expect("CreateStateMachine");
        let machine_arn = machine.state_machine_arn().to_owned();
        let connection = observer
            .eventbridge()
            .create_connection()
            .name("notification-provider")
            .authorization_type(ConnectionAuthorizationType::ApiKey)
            .auth_parameters(
                CreateConnectionAuthRequestParameters::builder()
                    .api_key_auth_parameters(
                        CreateConnectionApiKeyAuthRequestParameters::builder()
                            .api_key_name("x-api-key")
                            .api_key_value("secret")
                            .build()
                            .expect("api key"),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("CreateConnection");
        let connection_arn = connection.connection_arn().expect("a connection ARN").to_owned();
        let destination = observer
            .eventbridge()
            .create_api_destination()
            .name("customer-notifications")
            .connection_arn(&connection_arn)
            .invocation_endpoint("https://notify.example.com/send")
            .http_method(ApiDestinationHttpMethod::Post)
            .invocation_rate_limit_per_second(20)
            .send()
            .await
            .expect("CreateApiDestination");
        let destination_arn = destination.api_destination_arn().expect("an API destination ARN").to_owned();

        let orders_bus = arn("events", "event-bus/orders");
        let function = arn("lambda", "function:charge-payment");
        let role = format!("arn:aws:iam::{ACCOUNT}:role/events");
        put_rule(
            &observer,
            "orders",
            "order-placed",
            json!({"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}),
            vec![
                target("charge-payment", &function)
                    .dead_letter_config(dead_letters_to("charge-payment-dlq"))
                    .retry_policy(
                        RetryPolicy::builder().maximum_retry_attempts(4).maximum_event_age_in_seconds(600).build(),
                    )
                    .build()
                    .expect("target"),
                target("order-analytics", &arn("sqs", "order-analytics"))
                    .dead_letter_config(dead_letters_to("order-analytics-dlq"))
                    .build()
                    .expect("target"),
                target("order-fulfilment", &machine_arn).role_arn(&role).build().expect("target"),
            ],
        )
        .await;
        put_rule(
            &observer,
            "orders",
            "audit-all-orders",
            json!({"source": [{"prefix": "shop."}]}),
            vec![target("audit-log", &arn("logs", "log-group:/aws/events/orders-audit")).build().expect("target")],
        )
        .await;
        put_rule(
            &observer,
            "orders",
            "notify-customer",
            json!({"detail-type": ["OrderDelivered"]}),
            vec![target("notify", &destination_arn).role_arn(&role).build().expect("target")],
        )
        .await;
        put_rule(
            &observer,
            "default",
            "forward-shop-events",
            json!({"source": [{"prefix": "shop."}]}),
            vec![target("orders-bus", &orders_bus).role_arn(&role).build().expect("target")],
        )
        .await;
        observer
            .eventbridge()
            .create_archive()
            .archive_name("orders-archive")
            .event_source_arn(&orders_bus)
            .event_pattern(json!({"source": ["shop.orders"]}).to_string())
            .retention_days(7)
            .send()
            .await
            .expect("CreateArchive");

        let topology = observer.topology().await.expect("the topology from moto");
        assert_eq!(labels(&topology, NodeKind::Bus), ["default", "orders"]);
        assert_eq!(
            labels(&topology, NodeKind::Rule),
            // An archive keeps its events with a managed rule of its own on
            // the bus, named as AWS names it: listed like any other rule.
            [
                "Events-Archive-orders-archive",
                "audit-all-orders",
                "forward-shop-events",
                "notify-customer",
                "order-placed"
            ]
        );
        assert_eq!(labels(&topology, NodeKind::Archive), ["orders-archive"]);
        assert_eq!(labels(&topology, NodeKind::Connection), ["notification-provider"]);
        let target_kind = |label: &str| {
            let node = topology.nodes.iter().find(|n| n.label == label).unwrap_or_else(|| panic!("no node {label}"));
            assert_eq!(node.kind, NodeKind::Target, "{node:?}");
            node.target_kind
        };
        assert_eq!(target_kind("charge-payment"), Some(TargetKind::Function));
        assert_eq!(target_kind("order-analytics"), Some(TargetKind::Queue));
        assert_eq!(target_kind("order-analytics-dlq"), Some(TargetKind::Queue));
        assert_eq!(target_kind("charge-payment-dlq"), Some(TargetKind::Queue));
        assert_eq!(target_kind("/aws/events/orders-audit"), Some(TargetKind::LogGroup));
        assert_eq!(target_kind("order-fulfilment"), Some(TargetKind::StateMachine));
        assert_eq!(target_kind("customer-notifications"), Some(TargetKind::ApiDestination));

        let rule = |bus: &str, name: &str| match bus {
            "default" => arn("events", &format!("rule/{name}")),
            bus => arn("events", &format!("rule/{bus}/{name}")),
        };
        let default_bus = arn("events", "event-bus/default");
        assert!(
            has_edge(&topology, &orders_bus, &rule("orders", "order-placed"), EdgeKind::BusToRule),
            "{topology:#?}"
        );
        assert!(has_edge(&topology, &default_bus, &rule("default", "forward-shop-events"), EdgeKind::BusToRule));
        // Cross-bus routing: the rule's target is the orders bus node itself.
        assert!(has_edge(&topology, &rule("default", "forward-shop-events"), &orders_bus, EdgeKind::RuleToTarget));
        for target in [&function, &arn("sqs", "order-analytics"), &machine_arn] {
            assert!(has_edge(&topology, &rule("orders", "order-placed"), target, EdgeKind::RuleToTarget), "{target}");
        }
        assert!(has_edge(&topology, &function, &arn("sqs", "charge-payment-dlq"), EdgeKind::DeadLetter));
        assert!(has_edge(
            &topology,
            &arn("sqs", "order-analytics"),
            &arn("sqs", "order-analytics-dlq"),
            EdgeKind::DeadLetter
        ));
        let archive = topology.nodes.iter().find(|n| n.kind == NodeKind::Archive).expect("the archive");
        assert!(has_edge(&topology, &orders_bus, &archive.id, EdgeKind::BusToArchive), "{archive:?}");
        assert!(has_edge(&topology, &destination_arn, &connection_arn, EdgeKind::ApiDestinationToConnection));
        // The workflow's resources, read from its definition.
        assert!(has_edge(&topology, &machine_arn, &function, EdgeKind::Invokes));
        assert!(has_edge(&topology, &machine_arn, &orders_bus, EdgeKind::PutsEvents));
        // A rule's delivery settings are details of its edge to the target.
        let delivery = topology
            .edges
            .iter()
            .find(|e| e.source == rule("orders", "order-placed") && e.target == function)
            .expect("the edge to charge-payment");
        let words = format!("{:?}", delivery.details);
        assert!(words.contains('4') && words.contains("charge-payment-dlq"), "{words}");
        // Nothing points at a node that is not there.
        for edge in &topology.edges {
            for end in [&edge.source, &edge.target] {
                assert!(topology.nodes.iter().any(|n| &n.id == end), "edge {} ends outside the graph", edge.id);
            }
        }
    });
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

/// One bus-log record in the schema EventBridge writes ("EventBridge event
/// bus log schema").
fn record(bus: &str, event_id: &str, step: &str, at: i64, details: Value) -> String {
    let mut record = json!({
        "resource_arn": arn("events", &format!("event-bus/{bus}")),
        "request_id": "6d1f7c3e-0a6b-4f0e-9a55-2b2b4d7c0c11",
        "event_id": event_id,
        "message_timestamp_ms": at,
        "message_type": step,
        "log_level": "TRACE",
        "details": details,
    });
    if let Some(invocation) = record["details"].as_object_mut().and_then(|d| d.remove("invocation_id")) {
        record["invocation_id"] = invocation;
    }
    if let Some(error) = record["details"].as_object_mut().and_then(|d| d.remove("error")) {
        record["error"] = error;
    }
    record.to_string()
}

fn event_detail(id: &str, detail_type: &str, order: &str) -> String {
    json!({
        "version": "0", "id": id, "detail-type": detail_type, "source": "shop.orders", "account": ACCOUNT,
        "time": "2026-11-22T13:00:00Z", "region": REGION, "resources": [],
        "detail": {"metadata": {"correlationId": order}, "data": {"orderId": order}},
    })
    .to_string()
}

/// The records of one event on one bus: received, ingested, matched by
/// `rule`; each `(invocation, target, steps)` an invocation of the rule.
fn records_of(
    bus: &str,
    event_id: &str,
    order: &str,
    at: i64,
    rule: &str,
    invocations: &[(&str, &str, &[&str])],
) -> Vec<(i64, String)> {
    let ingest = json!({
        "source": "shop.orders", "detail_type": "OrderPlaced",
        "event_detail": event_detail(event_id, "OrderPlaced", order),
    });
    let mut records = vec![
        (
            at,
            record(bus, event_id, "EVENT_RECEIPT", at, json!({"source": "shop.orders", "detail_type": "OrderPlaced"})),
        ),
        (at, record(bus, event_id, "EVENT_INGEST_SUCCESS", at, ingest)),
        (at + 1, record(bus, event_id, "RULE_MATCH_START", at + 1, json!({}))),
        (at + 1, record(bus, event_id, "RULE_MATCH", at + 1, json!({"rule_arn": rule}))),
    ];
    for (n, (invocation, target, steps)) in invocations.iter().enumerate() {
        for (step_index, step) in steps.iter().enumerate() {
            let at = at + 2 + (n * 10 + step_index) as i64;
            let mut details = json!({
                "invocation_id": invocation, "rule_arn": rule, "target_arn": target,
                "target_type": if target.contains(":sqs:") { "SQS" } else { "Lambda" },
            });
            if step.starts_with("INVOCATION_ATTEMPT") {
                details["attempt_count"] = json!(1 + step_index / 2);
            }
            if step.contains("FAILURE") {
                details["error"] = json!({"error_code": "SQS.AccessDenied", "error_message": "Access to the queue is denied", "http_status_code": 403});
            }
            if *step == "INVOCATION_DLQ" {
                details["dead_letter_arn"] = json!(arn("sqs", "order-analytics-dlq"));
            }
            records.push((at, record(bus, event_id, step, at, details)));
        }
    }
    records
}

async fn put_records(observer: &Observer, group: &str, records: &[(i64, String)]) {
    let logs = observer.logs();
    logs.create_log_group().log_group_name(group).send().await.expect("CreateLogGroup");
    logs.create_log_stream().log_group_name(group).log_stream_name("bus").send().await.expect("CreateLogStream");
    let mut records = records.to_vec();
    // PutLogEvents takes a batch in time order.
    records.sort_by_key(|(at, _)| *at);
    let events: Vec<InputLogEvent> = records
        .into_iter()
        .map(|(at, message)| InputLogEvent::builder().timestamp(at).message(message).build().expect("log event"))
        .collect();
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name("bus")
        .set_log_events(Some(events))
        .send()
        .await
        .expect("PutLogEvents");
}

#[test]
fn traces_are_assembled_from_bus_logs_on_moto() {
    on_moto("traces_are_assembled_from_bus_logs_on_moto", |moto| async move {
        let observer = moto.observer().await;
        create_bus(&observer, "orders").await;
        create_bus(&observer, "partners").await;
        let (placed, other) = ("0f9a3c52-7b1e-4d8c-a6f2-3e5b9d1c7a40", "5c2e8b17-94d3-4a6f-b0e1-7d4c2a9f8e63");
        let forward = arn("events", "rule/orders/share-with-partners");
        let order_placed = arn("events", "rule/partners/order-placed");
        let function = arn("lambda", "function:charge-payment");
        let queue = arn("sqs", "order-analytics");
        let partners_bus = arn("events", "event-bus/partners");
        let at = now_ms() - 60_000;
        let success: &[&str] =
            &["INVOCATION_START", "INVOCATION_ATTEMPT_START", "INVOCATION_ATTEMPT_SUCCESS", "INVOCATION_SUCCESS"];
        let dead_lettered: &[&str] = &[
            "INVOCATION_START",
            "INVOCATION_ATTEMPT_START",
            "INVOCATION_ATTEMPT_PERMANENT_FAILURE",
            "INVOCATION_FAILURE",
            "INVOCATION_DLQ",
        ];
        // On orders: forwarded to partners. Another event's records sit beside it.
        let mut orders =
            records_of("orders", placed, "o-42", at, &forward, &[("inv-1", partners_bus.as_str(), success)]);
        orders.extend(records_of(
            "orders",
            other,
            "o-7",
            at + 5,
            &forward,
            &[("inv-9", partners_bus.as_str(), success)],
        ));
        // On partners: the function succeeds, the queue's delivery is dead-lettered.
        let partners = records_of(
            "partners",
            placed,
            "o-42",
            at + 100,
            &order_placed,
            &[("inv-2", function.as_str(), success), ("inv-3", queue.as_str(), dead_lettered)],
        );
        put_records(&observer, "/aws/vendedlogs/events/event-bus/orders", &orders).await;
        put_records(&observer, "/aws/vendedlogs/events/event-bus/partners", &partners).await;

        // moto ignores JSON filter patterns ({ $.event_id = … }) and returns
        // every record; the trace still holds this event's records only.
        let trace = observer.trace(placed).await.expect("the trace from moto's logs");
        assert!(trace.complete, "{trace:#?}");
        let buses: Vec<&str> = trace.hops.iter().map(|hop| hop.bus_name.as_str()).collect();
        assert_eq!(buses, ["orders", "partners"], "the default bus has no log group, and no hop");
        let [first, second] = trace.hops.as_slice() else { panic!("two hops: {trace:#?}") };
        assert_eq!((first.received_ms, first.detail_type.as_deref()), (Some(at), Some("OrderPlaced")));
        assert_eq!(first.matched_rules, [forward.as_str()]);
        assert_eq!(first.invocations.len(), 1, "the other event's invocation is not in this trace");
        assert_eq!(first.invocations[0].target_arn, partners_bus);
        assert_eq!(first.invocations[0].outcome, InvocationOutcome::Succeeded);
        assert_eq!(second.matched_rules, [order_placed.as_str()]);
        let charge = second.invocations.iter().find(|i| i.target_arn == function).expect("charge-payment");
        assert_eq!((charge.outcome, charge.attempts.len()), (InvocationOutcome::Succeeded, 1));
        let analytics = second.invocations.iter().find(|i| i.target_arn == queue).expect("order-analytics");
        assert_eq!(analytics.outcome, InvocationOutcome::DeadLettered);
        assert_eq!(analytics.dead_letter_arn.as_deref(), Some(arn("sqs", "order-analytics-dlq").as_str()));
        let error = analytics.error.as_ref().expect("the delivery's error");
        assert_eq!((error.code.as_deref(), error.http_status_code), (Some("SQS.AccessDenied"), Some(403)));

        // The event list reads the same logs: each event once, from the first bus, newest first.
        let buses = observer.bus_names().await.expect("buses");
        let page = EventTail::since(0).poll(observer.logs(), &buses).await.expect("events from moto's logs");
        let listed: Vec<(&str, &str)> = page.events.iter().map(|e| (e.id.as_str(), e.bus_name.as_str())).collect();
        assert_eq!(listed, [(other, "orders"), (placed, "orders")]);
        assert_eq!(page.events[1].detail["data"]["orderId"], "o-42");
    });
}

/// A message as EventBridge leaves it in a dead-letter queue: the event,
/// and its six attributes.
async fn send_dead_letter(observer: &Observer, url: &str, rule: &str, target: &str, order: &str) {
    let event = json!({
        "version": "0", "id": format!("ev-{order}"), "detail-type": "OrderPlaced", "source": "shop.orders",
        "account": ACCOUNT, "time": "2026-11-22T13:00:00Z", "region": REGION, "resources": [],
        "detail": {"data": {"orderId": order}},
    });
    let text = |value: &str| MessageAttributeValue::builder().data_type("String").string_value(value).build();
    let attributes = [
        ("RULE_ARN", text(rule)),
        ("TARGET_ARN", text(target)),
        ("ERROR_CODE", text("SQS.AccessDenied")),
        ("ERROR_MESSAGE", text("Access to the queue is denied")),
        ("EXHAUSTED_RETRY_CONDITION", text("MaximumRetryAttempts")),
        ("RETRY_ATTEMPTS", MessageAttributeValue::builder().data_type("Number").string_value("2").build()),
    ];
    let mut send = observer.sqs().send_message().queue_url(url).message_body(event.to_string());
    for (name, value) in attributes {
        send = send.message_attributes(name, value.expect("attribute"));
    }
    send.send().await.expect("SendMessage");
}

#[test]
fn dead_letters_and_replays_on_moto() {
    on_moto("dead_letters_and_replays_on_moto", |moto| async move {
        let observer = moto.observer().await;
        create_bus(&observer, "orders").await;
        let analytics_url = create_queue(&observer, "order-analytics").await;
        let dlq_url = create_queue(&observer, "order-analytics-dlq").await;
        let rule = arn("events", "rule/orders/order-placed");
        let queue = arn("sqs", "order-analytics");
        put_rule(
            &observer,
            "orders",
            "order-placed",
            json!({"source": ["shop.orders"]}),
            vec![
                target("analytics", &queue)
                    .dead_letter_config(dead_letters_to("order-analytics-dlq"))
                    .build()
                    .expect("target"),
            ],
        )
        .await;

        let queues = observer.dead_letter_queues().await.expect("DLQs from moto");
        let [dlq] = queues.as_slice() else { panic!("one DLQ: {queues:?}") };
        assert_eq!(
            (dlq.name.as_str(), dlq.queue_url.as_deref(), dlq.depth),
            ("order-analytics-dlq", Some(dlq_url.as_str()), 0)
        );
        assert_eq!(
            (dlq.senders[0].rule_arn.as_str(), dlq.senders[0].target_arn.as_str()),
            (rule.as_str(), queue.as_str())
        );

        for order in ["o-1", "o-2"] {
            send_dead_letter(&observer, &dlq_url, &rule, &queue, order).await;
        }
        let queues = observer.dead_letter_queues().await.expect("DLQs");
        assert_eq!(queues[0].depth, 2, "{queues:?}");
        let letters = observer.peek_dead_letters(&dlq_url, 100).await.expect("peek on moto");
        assert_eq!(letters.len(), 2, "{letters:?}");
        for letter in &letters {
            assert_eq!(letter.rule_arn.as_deref(), Some(rule.as_str()));
            assert_eq!(letter.target_arn.as_deref(), Some(queue.as_str()));
            assert_eq!(letter.error_code.as_deref(), Some("SQS.AccessDenied"));
            assert_eq!(letter.exhausted_retry_condition.as_deref(), Some("MaximumRetryAttempts"));
            assert_eq!(letter.retry_attempts, Some(2));
            assert!(letter.sent_ms.is_some(), "{letter:?}");
        }
        let mut orders: Vec<&str> = letters
            .iter()
            .map(|l| l.event.as_ref().expect("an event")["detail"]["data"]["orderId"].as_str().expect("id"))
            .collect();
        orders.sort_unstable();
        assert_eq!(orders, ["o-1", "o-2"]);
        let after_peek = observer.dead_letter_queues().await.expect("DLQs");
        assert_eq!((after_peek[0].depth, after_peek[0].in_flight), (2, 0), "a peek gives the messages back at once");

        // Redriven onto the rule's bus: moto routes them to the target queue again.
        let outcomes = observer.redrive_dead_letters(&dlq_url, &[], RedriveTo::Bus).await.expect("redrive on moto");
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.iter().all(|o| o.sent && o.detail.contains("put on bus orders")), "{outcomes:?}");
        assert_eq!(observer.dead_letter_queues().await.expect("DLQs")[0].depth, 0);
        let mut delivered = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while delivered.len() < 2 && Instant::now() < deadline {
            let received = observer
                .sqs()
                .receive_message()
                .queue_url(&analytics_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("ReceiveMessage");
            for message in received.messages() {
                let event: Value = serde_json::from_str(message.body().unwrap_or_default()).expect("an event");
                delivered.push(event["detail"]["data"]["orderId"].as_str().unwrap_or_default().to_owned());
            }
        }
        delivered.sort();
        assert_eq!(delivered, ["o-1", "o-2"], "the redriven events reach the rule's target");

        // Replays: an archive of the bus, replayed to the rule.
        let orders_bus = arn("events", "event-bus/orders");
        let archive = observer
            .eventbridge()
            .create_archive()
            .archive_name("orders-archive")
            .event_source_arn(&orders_bus)
            .send()
            .await
            .expect("CreateArchive");
        let put = observer
            .eventbridge()
            .put_events()
            .entries(
                PutEventsRequestEntry::builder()
                    .event_bus_name("orders")
                    .source("shop.orders")
                    .detail_type("OrderPlaced")
                    .detail(json!({"data": {"orderId": "o-3"}}).to_string())
                    .build(),
            )
            .send()
            .await
            .expect("PutEvents");
        assert_eq!(put.failed_entry_count(), 0);
        let archives = observer.archives().await.expect("archives from moto");
        let [summary] = archives.as_slice() else { panic!("one archive: {archives:?}") };
        assert_eq!((summary.name.as_str(), summary.bus_name.as_str()), ("orders-archive", "orders"));
        assert_eq!(summary.arn.as_deref(), archive.archive_arn());
        let request = ReplayRequest {
            replay_name: "orders-replay".into(),
            archive_name: "orders-archive".into(),
            event_start_ms: now_ms() - 3_600_000,
            event_end_ms: now_ms(),
            filter_arns: vec![rule.clone()],
            description: None,
        };
        let started = observer.start_replay(&request).await.expect("StartReplay on moto");
        assert_eq!(started.name, "orders-replay");
        let replays = observer.replays().await.expect("replays from moto");
        let [replay] = replays.as_slice() else { panic!("one replay: {replays:?}") };
        assert_eq!((replay.name.as_str(), replay.archive_name.as_str()), ("orders-replay", "orders-archive"));
        assert!(["STARTING", "RUNNING", "COMPLETED"].contains(&replay.state.as_str()), "{replay:?}");
        // The archived event comes back to the rule's target, marked as replayed.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut replayed = Vec::new();
        while replayed.is_empty() && Instant::now() < deadline {
            let received = observer
                .sqs()
                .receive_message()
                .queue_url(&analytics_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("ReceiveMessage");
            for message in received.messages() {
                let event: Value = serde_json::from_str(message.body().unwrap_or_default()).expect("an event");
                if event["replay-name"] == "orders-replay" {
                    replayed.push(event["detail"]["data"]["orderId"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
        assert_eq!(replayed, ["o-3"], "the replayed event reaches the rule's target");
    });
}
