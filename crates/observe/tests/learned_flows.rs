//! What traffic teaches the graph, against the food-delivery demo through
//! the real AWS SDK clients: after an order is delivered and its bus-log
//! records are learned, the topology shows which function or workflow emits
//! which event type, and flags an event type no rule consumes.

use std::time::{Duration, Instant};

use choreoscope_demo::orders::{OrderStatus, PlaceOrder};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{EdgeKind, NodeKind, Topology};
use choreoscope_observe::bus_log::LogTail;
use choreoscope_observe::{Connection, Observer};
use serde_json::json;

fn emits(topology: &Topology, detail_type: &str) -> Vec<String> {
    let Some(node) = topology.nodes.iter().find(|n| n.kind == NodeKind::EventType && n.label == detail_type) else {
        panic!("no {detail_type} event type");
    };
    let mut producers: Vec<String> = topology
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Emits && e.target == node.id)
        .map(|e| e.source.rsplit([':', '/']).next().unwrap_or_default().to_owned())
        .collect();
    producers.sort();
    producers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delivered_order_teaches_who_emits_what_and_what_nothing_consumes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared = LocalSystem::prepare(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let mut settings = DemoSettings { courier_ride: Duration::from_millis(20), ..DemoSettings::default() };
    settings.partner.answers_after = Duration::from_millis(50);
    let demo = Demo::start(prepared, settings).await.expect("demo");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: demo.system().endpoint_url(), region: "us-east-1".into() })
            .await;
    let buses = observer.bus_names().await.expect("buses");
    let mut tail = LogTail::since(0);

    // A few orders: a target under way by chance when an event was put
    // falls away, as the producer is the one under way every time.
    let mut orders = Vec::new();
    for customer in ["Ada", "Grace", "Edsger", "Barbara"] {
        let request = PlaceOrder {
            customer: customer.into(),
            restaurant_id: "r-pizza".into(),
            items: vec![("m-margherita".into(), 1)],
        };
        orders.push(demo.orders().place(request).await.expect("placed").id);
    }
    // An event of a type no rule consumes, with the envelope's metadata.
    let detail = json!({"metadata": {"causationId": orders[0], "correlationId": orders[0]}, "data": {}});
    observer.put_event("food-delivery", "food-delivery.audit", "OrderAudited", &detail).await.expect("put");
    let started = Instant::now();
    loop {
        // Fed as the live loop feeds it: every record once, poll by poll.
        let records = tail.poll(observer.logs(), &buses, None).await.expect("records");
        observer.learn(&records);
        let mut delivered = true;
        for order in &orders {
            let now = demo.orders().order(order).await.expect("read").expect("exists");
            assert!(started.elapsed() < Duration::from_secs(30), "order stuck at {:?}", now.status);
            delivered &= now.status == OrderStatus::Delivered;
        }
        if delivered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The last deliveries end, and their records are read.
    tokio::time::sleep(Duration::from_millis(500)).await;
    observer.learn(&tail.poll(observer.logs(), &buses, None).await.expect("records"));

    let topology = observer.topology().await.expect("topology");
    let learned: Vec<(&str, Vec<String>)> = topology
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::EventType)
        .map(|n| (n.label.as_str(), emits(&topology, &n.label)))
        .collect();
    let emitted_by = |detail_type: &str, producer: &str| {
        assert!(emits(&topology, detail_type).iter().any(|p| p == producer), "{detail_type}: {learned:?}");
    };
    // Put by the workflow itself: Step Functions names it in `resources`.
    assert_eq!(emits(&topology, "RestaurantConfirmationRequested"), ["order-fulfilment"], "{learned:?}");
    assert_eq!(emits(&topology, "OrderReadyForPickup"), ["order-fulfilment"], "{learned:?}");
    // Charged by the payment function the workflow calls.
    emitted_by("PaymentCharged", "order-fulfilment");
    emitted_by("CourierAssigned", "courier-assignment");
    emitted_by("CustomerNotificationRequested", "notifications");
    // Put by the outbox relay, caused by a request: no producer in the graph.
    assert!(emits(&topology, "OrderPlaced").is_empty(), "{learned:?}");

    let audited = topology.nodes.iter().find(|n| n.label == "OrderAudited").expect("the audit type");
    assert_eq!(audited.state.as_deref(), Some("UNCONSUMED"));
    let consumed = audited.details.iter().find(|d| d.name == "Consumed").expect("consumed");
    assert!(consumed.value.starts_with("No rule consumes it"), "{consumed:?}");
    let placed = topology.nodes.iter().find(|n| n.label == "OrderPlaced").expect("OrderPlaced");
    assert_eq!(placed.state, None, "rules consume OrderPlaced");
    // Each type is put on its bus.
    let bus = topology.nodes.iter().find(|n| n.kind == NodeKind::Bus && n.label == "food-delivery").expect("bus");
    assert!(topology.edges.iter().any(|e| e.kind == EdgeKind::PutOn && e.source == audited.id && e.target == bus.id));
    demo.shutdown().await;
}
