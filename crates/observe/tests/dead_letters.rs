//! Dead letters of the food-delivery demo through the real AWS SDK clients:
//! the notification provider is down, three notifications end in its DLQ;
//! they are listed, peeked without being taken, refused a redrive straight
//! to an API destination, and redriven onto their bus once it is back.

use std::time::{Duration, Instant};

use choreoscope_demo::faults::NotificationsFault;
use choreoscope_demo::orders::{OrderStatus, PlaceOrder};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{DeadLetterQueue, RedriveTo};
use choreoscope_observe::{Connection, Observer};
use serde_json::json;

async fn until<T, F, Fut>(what: &str, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{what}: not after 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn notifications_dlq(observer: &Observer) -> DeadLetterQueue {
    let queues = observer.dead_letter_queues().await.expect("queues");
    queues.into_iter().find(|queue| queue.name == "customer-notifications-dlq").expect("the notifications DLQ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dead_letters_are_listed_peeked_without_taking_them_deleted_and_redriven() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared = LocalSystem::prepare(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let demo =
        Demo::start(prepared, DemoSettings { courier_ride: Duration::from_millis(20), ..DemoSettings::default() })
            .await
            .expect("demo");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: demo.system().endpoint_url(), region: "us-east-1".into() })
            .await;
    demo.faults().set_notifications(NotificationsFault::Down);
    let request = PlaceOrder {
        customer: "Hiro".into(),
        restaurant_id: "r-curry".into(),
        items: vec![("m-garlic-naan".into(), 1)],
    };
    let order = demo.orders().place(request).await.expect("placed").id;

    // Listed, with who sends to it and its depth.
    let queue = until("three dead letters", || async {
        let queue = notifications_dlq(&observer).await;
        (queue.depth == 3).then_some(queue)
    })
    .await;
    assert_eq!(queue.senders.len(), 1);
    assert!(queue.senders[0].rule_arn.ends_with(":rule/partners/send-notifications"), "{:?}", queue.senders);
    let url = queue.queue_url.clone().expect("the queue exists");

    // Peeked: all three with EventBridge's attributes, and still there for others.
    let letters = observer.peek_dead_letters(&url, 100).await.expect("peek");
    assert_eq!(letters.len(), 3);
    for letter in &letters {
        assert_eq!(letter.retry_attempts, Some(2));
        assert!(letter.error_code.is_some() && letter.error_message.is_some(), "{letter:?}");
        assert!(letter.exhausted_retry_condition.is_some(), "{letter:?}");
        assert_eq!(letter.event.as_ref().expect("an event")["detail"]["data"]["orderId"], json!(order));
    }
    let after_peek = notifications_dlq(&observer).await;
    assert_eq!((after_peek.depth, after_peek.in_flight), (3, 0), "a peek gives the messages back at once");

    // Straight to an API destination: refused in words, and the message stays.
    let first = letters[0].message_id.clone();
    let refused =
        observer.redrive_dead_letters(&url, std::slice::from_ref(&first), RedriveTo::Target).await.expect("redrive");
    assert_eq!(refused.len(), 1);
    assert!(!refused[0].sent);
    assert!(refused[0].detail.contains("redrive onto the bus instead"), "{}", refused[0].detail);
    assert_eq!(notifications_dlq(&observer).await.depth, 3);

    // One given up on: deleted, and only that one; an empty choice deletes nothing.
    let deleted = observer.delete_dead_letters(&url, std::slice::from_ref(&first)).await.expect("delete");
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].deleted && deleted[0].message_id == first, "{deleted:?}");
    assert!(observer.delete_dead_letters(&url, &[]).await.expect("delete nothing").is_empty());
    let after_delete = notifications_dlq(&observer).await;
    assert_eq!((after_delete.depth, after_delete.in_flight), (2, 0), "the others are given back at once");
    let again = observer.delete_dead_letters(&url, std::slice::from_ref(&first)).await.expect("delete");
    assert!(!again[0].deleted && again[0].detail.contains("not in the queue any more"), "{again:?}");

    // Healed, then everything back onto its bus: delivered, and the queue is empty.
    demo.faults().set_notifications(NotificationsFault::Healthy);
    let outcomes = observer.redrive_dead_letters(&url, &[], RedriveTo::Bus).await.expect("redrive");
    assert_eq!(outcomes.len(), 2);
    assert!(
        outcomes.iter().all(|outcome| outcome.sent && outcome.detail.contains("put on bus partners")),
        "{outcomes:?}"
    );
    assert_eq!(notifications_dlq(&observer).await.depth, 0);
    until("the notifications delivered", || async {
        let received =
            demo.notifications().received().into_iter().filter(|body| body["orderId"] == json!(order)).count();
        (received == 2).then_some(())
    })
    .await;

    // A message gone meanwhile is reported, not invented.
    let gone = observer.redrive_dead_letters(&url, &["no-such-message".into()], RedriveTo::Bus).await.expect("redrive");
    assert!(!gone[0].sent && gone[0].detail.contains("not in the queue any more"), "{gone:?}");
    let delivered = demo.orders().order(&order).await.expect("read").expect("exists");
    assert!(delivered.status == OrderStatus::Delivered || delivered.status.rank() >= OrderStatus::Confirmed.rank());
    demo.shutdown().await;
}
