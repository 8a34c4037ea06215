//! The data layer against a real local system, through the real AWS SDK
//! clients: seeding, topology, putting events and reading them back.

use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{EdgeKind, NodeKind, TargetKind};
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, EventTail, Observer};

const SAMPLE: &str = include_str!("../../../assets/sample-topology.json");

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
