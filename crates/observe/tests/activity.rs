//! Live activity against a real local system, through the real AWS SDK
//! clients: an event put on a bus comes back as a hop along the graph's own
//! edges, and a dead-letter queue's depth is read.

use std::time::{Duration, Instant};

use choreoscope_local::{Config, LocalSystem};
use choreoscope_observe::activity::{Activity, QueueDepths, dead_letter_queues};
use choreoscope_observe::bus_log::LogTail;
use choreoscope_observe::provision::TopologyFile;
use choreoscope_observe::{Connection, EventTail, Observer};
use serde_json::json;

const SAMPLE: &str = include_str!("../../../assets/sample-topology.json");

#[tokio::test]
async fn a_put_event_is_a_hop_along_the_graphs_edges_and_dlq_depths_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("local system starts");
    system.functions().register("charge-payment", |_| async { Ok(serde_json::Value::Null) });
    let observer =
        Observer::connect(Connection::Local { endpoint_url: system.endpoint_url(), region: "us-east-1".into() }).await;
    let file = TopologyFile::parse(SAMPLE, "us-east-1", "123456789012").expect("sample topology parses");
    file.apply(observer.eventbridge()).await.expect("sample topology applies");
    let topology = observer.topology().await.expect("topology");
    let buses = vec!["default".to_owned(), "orders".to_owned()];

    // One read of the logs feeds both the event list and the activity.
    let (mut logs, mut events, mut activity) = (LogTail::since(0), EventTail::since(0), Activity::default());
    let put =
        observer.put_event("orders", "shop.orders", "OrderPlaced", &json!({"orderId": "o-1"})).await.expect("put");
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut listed, mut hops) = (Vec::new(), Vec::new());
    loop {
        let records = logs.poll(observer.logs(), &buses, None).await.expect("poll");
        listed.extend(events.take(&records).events);
        activity.ingest(&records);
        let batch = activity.batch(choreoscope_now());
        hops.extend(batch.hops);
        // A hop is made at its invocation's first record; its outcome is what its batch knows.
        let reached = |part: &str| hops.iter().any(|h| h.target_arn.contains(part));
        if (reached(":function:charge-payment") && reached(":stateMachine:order-fulfilment"))
            || Instant::now() > deadline
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(listed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [put.event_id.as_str()]);
    let hop = hops.iter().find(|h| h.target_arn.ends_with(":function:charge-payment")).expect("a hop to the function");
    assert_eq!(hop.event_id, put.event_id);
    assert!(hop.bus_arn.ends_with(":event-bus/orders"), "{hop:?}");
    for edge in &hop.edges {
        assert!(topology.edges.iter().any(|e| &e.id == edge), "{edge} is an edge of the graph");
    }
    // Both targets of the rule were reached: the function and the state machine.
    assert!(hops.iter().any(|h| h.target_arn.contains(":stateMachine:order-fulfilment")), "{hops:?}");
    let batch = activity.batch(choreoscope_now());
    let rate = batch.edges.iter().find(|e| e.id == hop.edges[1]).expect("the rule → function edge has a rate");
    assert_eq!(rate.count, 1);

    // The sample's DLQ, created here, with two dead letters in it.
    let api = system.api();
    let url =
        api.call("AmazonSQS.CreateQueue", json!({"QueueName": "order-placed-dlq"})).await.expect("queue")["QueueUrl"]
            .clone();
    for body in ["a", "b"] {
        api.call("AmazonSQS.SendMessage", json!({"QueueUrl": url, "MessageBody": body})).await.expect("send");
    }
    let dlqs = dead_letter_queues(&topology);
    assert_eq!(dlqs, ["arn:aws:sqs:us-east-1:123456789012:order-placed-dlq"]);
    let depths = QueueDepths::default().read(observer.sqs(), &dlqs).await;
    assert_eq!(depths, [(dlqs[0].clone(), 2)]);
    activity.set_dlq_depths(depths);
    let node = activity.batch(choreoscope_now()).nodes.into_iter().find(|n| n.id == dlqs[0]).expect("the DLQ's node");
    assert_eq!(node.dlq_depth, Some(2));
    system.shutdown().await;
}

fn choreoscope_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}
