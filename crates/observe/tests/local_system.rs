//! The data layer against a real local system, through the real AWS SDK
//! clients: seeding, topology, putting events and reading them back.

use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{Detail, EdgeKind, NodeKind, TargetKind};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, EventTail, Observer};
use serde_json::{Value, json};

const SAMPLE: &str = include_str!("../../../assets/sample-topology.json");
/// The local system's default account and region.
const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

async fn seeded() -> (LocalSystem, Observer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system starts");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    let file = TopologyFile::parse(SAMPLE, "us-east-1", "123456789012").expect("sample topology parses");
    file.apply(observer.eventbridge()).await.expect("sample topology applies");
    (system, observer, dir)
}

#[tokio::test]
async fn the_sample_topology_becomes_the_graph() {
    let (system, observer, _dir) = seeded().await;
    let topology = observer.topology().await.expect("topology");
    let labels = |kind| {
        let mut labels: Vec<_> = topology.nodes.iter().filter(|n| n.kind == kind).map(|n| n.label.as_str()).collect();
        labels.sort();
        labels
    };
    assert_eq!(labels(NodeKind::Bus), ["default", "orders"]);
    assert_eq!(
        labels(NodeKind::Rule),
        ["audit-all-orders", "forward-shop-events", "nightly-sales-report", "order-placed", "payment-failed"]
    );
    assert_eq!(
        labels(NodeKind::Target),
        [
            "build-sales-report",
            "charge-payment",
            "notify-customer",
            "order-analytics",
            "order-fulfilment",
            "order-placed-dlq",
            "/aws/events/orders-audit"
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    // Cross-bus routing: the rule's target is the orders bus node itself.
    let orders_bus = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
    let forward_rule = "arn:aws:events:us-east-1:123456789012:rule/forward-shop-events";
    assert!(topology.edges.iter().any(|e| e.source == forward_rule && e.target == orders_bus));
    let notify = topology.nodes.iter().find(|n| n.label == "notify-customer").expect("api destination");
    assert_eq!(notify.target_kind, Some(TargetKind::ApiDestination));
    let edges = |kind| topology.edges.iter().filter(|e| e.kind == kind).count();
    assert_eq!(edges(EdgeKind::BusToRule), 5);
    assert_eq!(edges(EdgeKind::RuleToTarget), 7);
    // charge-payment's dead letters go to a queue the sample does not create.
    let dlq = topology.nodes.iter().find(|n| n.label == "order-placed-dlq").expect("DLQ");
    assert_eq!(dlq.target_kind, Some(TargetKind::Queue));
    assert!(dlq.details.iter().any(|d| d.value.starts_with("Not found")), "{dlq:?}");
    assert_eq!(edges(EdgeKind::DeadLetter), 1);
    let schedule = topology.nodes.iter().find(|n| n.label == "nightly-sales-report").expect("rule");
    assert_eq!(schedule.schedule_expression.as_deref(), Some("cron(0 2 * * ? *)"));
    // Seeding twice changes nothing.
    let file = TopologyFile::parse(SAMPLE, "us-east-1", "123456789012").expect("parses");
    file.apply(observer.eventbridge()).await.expect("applies again");
    assert_eq!(observer.topology().await.expect("topology"), topology);
    system.shutdown().await;
}

#[tokio::test]
async fn put_events_come_back_from_the_bus_logs_newest_first_and_once() {
    let (system, observer, _dir) = seeded().await;
    let buses = vec!["default".to_owned(), "orders".to_owned()];
    let mut tail = EventTail::since(0);
    assert!(tail.poll(observer.logs(), &buses).await.expect("poll").events.is_empty());

    let detail = serde_json::json!({"data": {"orderId": "42"}});
    let first = observer.put_event("orders", "shop.orders", "OrderPlaced", &detail).await.expect("put");
    let second = observer.put_event("default", "shop.orders", "OrderPlaced", &detail).await.expect("put");
    let page = tail.poll(observer.logs(), &buses).await.expect("poll");
    let ids: Vec<_> = page.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&first.event_id.as_str()) && ids.contains(&second.event_id.as_str()));
    assert!(page.events[0].received_at_ms >= page.events[1].received_at_ms);
    let orders = page.events.iter().find(|e| e.id == first.event_id).expect("first");
    assert_eq!((orders.bus_name.as_str(), orders.detail_type.as_str()), ("orders", "OrderPlaced"));
    assert_eq!(orders.detail["data"]["orderId"], "42");

    // A second poll returns nothing already returned, not even the second
    // event arriving on the orders bus, where the default bus's rule sends it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(tail.poll(observer.logs(), &buses).await.expect("poll").events.is_empty());
    let third = observer.put_event("orders", "shop.orders", "OrderPlaced", &detail).await.expect("put");
    let page = tail.poll(observer.logs(), &buses).await.expect("poll");
    assert_eq!(page.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [third.event_id.as_str()]);
    system.shutdown().await;
}

#[tokio::test]
async fn aws_errors_keep_their_code_and_words() {
    let (system, observer, _dir) = seeded().await;
    let error = observer
        .put_event("orders", "shop.orders", "OrderPlaced", &serde_json::json!("not an object"))
        .await
        .expect_err("malformed detail");
    assert_eq!(error.code(), Some("MalformedDetail"));
    assert!(error.to_string().contains("Detail is malformed."), "{error}");
    system.shutdown().await;

    // With the system gone, the error says the service cannot be reached.
    let error = observer.topology().await.expect_err("stopped");
    assert!(error.to_string().contains("could not reach"), "{error}");
}

#[tokio::test]
async fn an_event_routed_across_buses_is_traced_hop_by_hop_to_its_targets() {
    let (system, observer, _dir) = seeded().await;
    system.functions().register("charge-payment", |_| async { Ok(serde_json::Value::Null) });
    // The sample routes shop.orders events from the default bus to the orders bus.
    let put = observer
        .put_event("default", "shop.orders", "OrderPlaced", &serde_json::json!({"orderId": "o-9"}))
        .await
        .expect("put");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let trace = loop {
        let trace = observer.trace(&put.event_id).await.expect("trace");
        let reached_orders = trace.hops.iter().any(|hop| hop.bus_name == "orders" && !hop.invocations.is_empty());
        if (reached_orders && trace.complete) || std::time::Instant::now() > deadline {
            break trace;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let buses: Vec<&str> = trace.hops.iter().map(|hop| hop.bus_name.as_str()).collect();
    assert_eq!(buses, ["default", "orders"], "{trace:?}");
    let orders = &trace.hops[1];
    let charge =
        orders.invocations.iter().find(|i| i.target_arn.ends_with(":function:charge-payment")).expect("charge");
    assert_eq!(charge.outcome, choreoscope_model::InvocationOutcome::Succeeded);
    assert_eq!(charge.attempts.len(), 1);
    assert!(observer.trace("not\" an id").await.is_err(), "ids are checked before they reach a filter pattern");
    system.shutdown().await;
}

/// A DLQ, an archive, a connection and API destination, and a state machine
/// that invokes a function and waits for a task token on a bus, deployed
/// through the AWS API, then read back as nodes and edges.
#[tokio::test]
async fn dead_letter_queues_archives_api_destinations_and_state_machines_join_the_graph() {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system starts");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    let api = system.api();
    let call = |target: &'static str, input: Value| {
        let api = api.clone();
        async move { api.call(target, input).await.unwrap_or_else(|e| panic!("{target}: {e}")) }
    };
    let arn = |service: &str, resource: &str| format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}");

    call("AWSEvents.CreateEventBus", json!({"Name": "shop"})).await;
    call("AmazonSQS.CreateQueue", json!({"QueueName": "pay-dlq"})).await;
    call("AmazonSQS.CreateQueue", json!({"QueueName": "unreferenced"})).await;
    let connection = call(
        "AWSEvents.CreateConnection",
        json!({"Name": "provider", "AuthorizationType": "API_KEY",
               "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret-key"}}}),
    )
    .await["ConnectionArn"]
        .clone();
    let destination = call(
        "AWSEvents.CreateApiDestination",
        json!({"Name": "notify", "ConnectionArn": connection, "InvocationEndpoint": "https://example.com/send",
               "HttpMethod": "POST", "InvocationRateLimitPerSecond": 5}),
    )
    .await["ApiDestinationArn"]
        .as_str()
        .expect("destination ARN")
        .to_owned();
    let archive = call(
        "AWSEvents.CreateArchive",
        json!({"ArchiveName": "keep", "EventSourceArn": arn("events", "event-bus/shop"),
               "EventPattern": r#"{"source":["shop"]}"#, "RetentionDays": 3}),
    )
    .await["ArchiveArn"]
        .as_str()
        .expect("archive ARN")
        .to_owned();
    let definition = json!({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "charge", "Payload": {}}, "Next": "Ask"},
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
                "Parameters": {"Entries": [{"EventBusName": "shop", "Source": "shop", "DetailType": "Asked",
                                            "Detail": {"token.$": "$$.Task.Token"}}]},
                "End": true}
    }});
    let machine = call(
        "AWSStepFunctions.CreateStateMachine",
        json!({"name": "fulfil", "definition": definition.to_string(), "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/sfn")}),
    )
    .await["stateMachineArn"]
        .as_str()
        .expect("state machine ARN")
        .to_owned();
    let function = arn("lambda", "function:charge");
    let dlq = arn("sqs", "pay-dlq");
    call(
        "AWSEvents.PutRule",
        json!({"Name": "placed", "EventBusName": "shop", "EventPattern": r#"{"detail-type":["Placed"]}"#}),
    )
    .await;
    call(
        "AWSEvents.PutTargets",
        json!({"Rule": "placed", "EventBusName": "shop", "Targets": [
            {"Id": "charge", "Arn": function, "DeadLetterConfig": {"Arn": dlq},
             "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}},
            {"Id": "fulfil", "Arn": machine, "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/events"),
             "InputTransformer": {"InputPathsMap": {"id": "$.id"}, "InputTemplate": "{\"id\": <id>}"}},
            {"Id": "notify", "Arn": destination, "DeadLetterConfig": {"Arn": dlq}, "InputPath": "$.detail"}
        ]}),
    )
    .await;

    let topology = observer.topology().await.expect("topology");
    let node = |id: &str| topology.nodes.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("no node {id}"));
    let edge = |source: &str, target: &str| {
        topology
            .edges
            .iter()
            .find(|e| e.source == source && e.target == target)
            .unwrap_or_else(|| panic!("no edge {source} -> {target}: {:#?}", topology.edges))
    };
    let detail = |details: &[Detail], name: &str| {
        details.iter().find(|d| d.name == name).map(|d| d.value.clone()).unwrap_or_else(|| panic!("no {name}"))
    };
    let shop = arn("events", "event-bus/shop");
    let rule = arn("events", "rule/shop/placed");

    // One DLQ node for both targets; the queue nothing references is left out.
    assert_eq!(node(&dlq).target_kind, Some(TargetKind::Queue));
    // As ListQueues over HTTP gives it.
    assert_eq!(detail(&node(&dlq).details, "Queue URL"), format!("{}/{ACCOUNT}/pay-dlq", system.endpoint_url()));
    assert!(!topology.nodes.iter().any(|n| n.label == "unreferenced"));
    assert_eq!(edge(&function, &dlq).kind, EdgeKind::DeadLetter);
    assert_eq!(edge(&destination, &dlq).kind, EdgeKind::DeadLetter);
    let charge = edge(&rule, &function);
    assert_eq!(detail(&charge.details, "Retry policy"), "3 retries, events up to 10 min old");
    assert_eq!(detail(&edge(&rule, &destination).details, "Input path"), "$.detail");
    let transformer: Value =
        serde_json::from_str(&detail(&edge(&rule, &machine).details, "Input transformer")).expect("JSON");
    assert_eq!(transformer, json!({"InputPathsMap": {"id": "$.id"}, "InputTemplate": "{\"id\": <id>}"}));

    // The archive, under its bus, with its pattern and retention.
    assert_eq!((node(&archive).kind, node(&archive).label.as_str()), (NodeKind::Archive, "keep"));
    assert_eq!(edge(&shop, &archive).kind, EdgeKind::BusToArchive);
    assert_eq!(detail(&node(&archive).details, "Retention"), "3 days");
    assert_eq!(detail(&node(&archive).details, "Events"), "0");
    let pattern: Value = serde_json::from_str(&detail(&node(&archive).details, "Event pattern")).expect("JSON");
    assert_eq!(pattern, json!({"source": ["shop"]}));

    // The API destination and its connection, without the connection's secret.
    let connection = connection.as_str().expect("connection ARN");
    assert_eq!((node(connection).kind, node(connection).label.as_str()), (NodeKind::Connection, "provider"));
    assert_eq!(detail(&node(connection).details, "Authorization"), "API_KEY");
    assert_eq!(edge(&destination, connection).kind, EdgeKind::ApiDestinationToConnection);
    assert_eq!(detail(&node(&destination).details, "Endpoint"), "https://example.com/send");
    assert_eq!(detail(&node(&destination).details, "Rate limit"), "5 per second");
    assert!(!serde_json::to_string(&topology).expect("JSON").contains("secret-key"));

    // The state machine: the rule's target and the listed machine are one
    // node, with edges to the function it invokes and the bus it waits on.
    assert_eq!(topology.nodes.iter().filter(|n| n.id == machine).count(), 1);
    assert_eq!(node(&machine).label, "fulfil");
    let defined: Value = serde_json::from_str(&detail(&node(&machine).details, "Definition")).expect("JSON");
    assert_eq!(defined, definition);
    assert_eq!(edge(&machine, &function).kind, EdgeKind::Invokes);
    let puts = edge(&machine, &shop);
    assert_eq!((puts.kind, puts.label.as_deref()), (EdgeKind::PutsEvents, Some("waitForTaskToken")));
    assert_eq!(detail(&puts.details, "States"), "Ask (waitForTaskToken)");
    system.shutdown().await;
}
