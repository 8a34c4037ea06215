//! Stories against the food-delivery demo, through the real AWS SDK
//! clients: the whole story of one order by its correlation id, the events
//! one event caused, and a search by any value.

use std::time::{Duration, Instant};

use choreoscope_demo::orders::{OrderStatus, PlaceOrder};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{EventStory, ResumedBy, StoryQuery};
use choreoscope_observe::{Connection, Observer};

async fn delivered_order() -> (tempfile::TempDir, Demo, Observer, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared = LocalSystem::prepare(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let mut settings = DemoSettings { courier_ride: Duration::from_millis(20), ..DemoSettings::default() };
    settings.partner.answers_after = Duration::from_millis(50);
    let demo = Demo::start(prepared, settings).await.expect("demo");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: demo.system().endpoint_url(), region: "us-east-1".into() })
            .await;
    let request = PlaceOrder {
        customer: "Grace".into(),
        restaurant_id: "r-pizza".into(),
        items: vec![("m-margherita".into(), 1)],
    };
    let order = demo.orders().place(request).await.expect("placed");
    let started = Instant::now();
    loop {
        let now = demo.orders().order(&order.id).await.expect("read").expect("exists");
        if now.status == OrderStatus::Delivered {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "order stuck at {:?}", now.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (dir, demo, observer, order.id)
}

fn types(story: &EventStory) -> Vec<&str> {
    story.events.iter().map(|event| event.event.detail_type.as_str()).collect()
}

fn id_of<'s>(story: &'s EventStory, detail_type: &str) -> &'s str {
    story
        .events
        .iter()
        .find(|event| event.event.detail_type == detail_type)
        .map(|event| event.event.id.as_str())
        .unwrap_or_else(|| panic!("no {detail_type} in {:?}", types(story)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_story_of_an_order_is_its_events_their_causes_traces_and_workflow() {
    let (_dir, demo, observer, order) = delivered_order().await;
    let story = observer.story(StoryQuery::CorrelationId(order.clone())).await.expect("story");
    let found = types(&story);
    for expected in [
        "OrderPlaced",
        "PaymentCharged",
        "RestaurantConfirmationRequested",
        "RestaurantConfirmed",
        "OrderReadyForPickup",
        "CourierAssigned",
        "OrderDelivered",
    ] {
        assert!(found.contains(&expected), "{expected} missing from {found:?}");
    }
    assert!(story.events.iter().all(|event| event.correlation_id.as_deref() == Some(order.as_str())));

    // Causation: each step names the one before it.
    let caused_by = |detail_type: &str| {
        story
            .events
            .iter()
            .find(|event| event.event.detail_type == detail_type)
            .and_then(|event| event.caused_by.clone())
    };
    assert_eq!(caused_by("PaymentCharged").as_deref(), Some(id_of(&story, "OrderPlaced")));
    assert_eq!(caused_by("RestaurantConfirmationRequested").as_deref(), Some(id_of(&story, "PaymentCharged")));
    assert_eq!(caused_by("CourierAssigned").as_deref(), Some(id_of(&story, "OrderReadyForPickup")));
    assert_eq!(caused_by("OrderDelivered").as_deref(), Some(id_of(&story, "CourierAssigned")));

    // Traces: OrderPlaced matched the rule that starts the workflow, delivered.
    let placed = story.events.iter().find(|event| event.event.detail_type == "OrderPlaced").expect("placed");
    let invocations: Vec<&str> =
        placed.trace.hops.iter().flat_map(|hop| &hop.invocations).map(|i| i.target_arn.as_str()).collect();
    assert!(invocations.iter().any(|arn| arn.ends_with(":stateMachine:order-fulfilment")), "{invocations:?}");

    // The execution it started, found by the event id in its input.
    assert_eq!(story.executions.len(), 1, "{:?}", story.executions);
    let execution = &story.executions[0];
    assert_eq!(execution.started_by, placed.event.id);
    assert_eq!(execution.status, "SUCCEEDED");
    // The restaurant's confirmation answered the workflow's task token: the
    // callback handler names the event in its SendTaskSuccess output.
    let resumed: Vec<_> = execution.resumptions.iter().map(|r| (r.state_name.as_str(), r.outcome.as_str())).collect();
    assert_eq!(resumed, [("AskRestaurant", "TaskSucceeded")]);
    let resumption = &execution.resumptions[0];
    assert_eq!(resumption.answered_by.as_deref(), Some(id_of(&story, "RestaurantConfirmed")));
    assert_eq!(resumption.resumed_by, Some(ResumedBy::EventId));
    assert!(resumption.scheduled_ms <= resumption.answered_ms);
    assert!(!story.truncated);

    // From one event: everything it caused, recursively.
    let caused = observer.story(StoryQuery::EventId(placed.event.id.clone())).await.expect("story");
    let caused_types = types(&caused);
    assert_eq!(caused_types.first(), Some(&"OrderPlaced"));
    assert!(caused_types.contains(&"OrderDelivered"), "{caused_types:?}");
    assert!(caused.events.iter().skip(1).all(|event| event.caused_by.is_some()), "{caused_types:?}");

    // By any value: the courier's name is in CourierAssigned's data.
    let courier = story
        .events
        .iter()
        .find(|event| event.event.detail_type == "CourierAssigned")
        .and_then(|event| event.event.detail["data"]["courier"].as_str())
        .expect("a courier")
        .to_owned();
    let by_text = observer.story(StoryQuery::Text(courier)).await.expect("story");
    assert!(types(&by_text).contains(&"CourierAssigned"));

    // Bad input is refused in words.
    let error = observer.story(StoryQuery::Text("a\" || b".into())).await.expect_err("refused").to_string();
    assert!(error.contains("without quotes"), "{error}");
    demo.shutdown().await;
}
