//! The demo client and the order subscription against the real demo, over
//! its HTTP endpoints and its WebSocket.

use std::path::PathBuf;
use std::time::Duration;

use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{ConnectionInfo, ConnectionMode, DemoOrderLine};

use super::client::{DemoClient, LOCAL_ONLY};
use super::watch::OrderWatch;

/// A fresh data folder, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("choreoscope-demo-client-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start_demo(folder: &Folder) -> Demo {
    let prepared = LocalSystem::prepare(Config::new(&folder.0).with_port(0)).await.expect("local system");
    let mut settings = DemoSettings::default();
    settings.partner.answers_after = Duration::from_millis(100);
    settings.courier_ride = Duration::from_millis(50);
    Demo::start(prepared, settings).await.expect("demo")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_client_switches_faults_sets_traffic_and_places_watches_and_cancels_orders() {
    let folder = Folder::new();
    let demo = start_demo(&folder).await;
    let client = DemoClient::new(&demo.system().endpoint_url()).expect("client");

    // Faults and traffic, as the demo reports them.
    let status = client.status().await.expect("status");
    assert_eq!((status.faults.partner.as_str(), status.faults.notifications.as_str()), ("healthy", "healthy"));
    assert_eq!(status.orders_per_sec, 0.0);
    let faults = client.set_faults(Some("flaky=30"), None).await.expect("faults");
    assert_eq!((faults.partner.as_str(), faults.notifications.as_str()), ("flaky=30", "healthy"));
    let faults = client.set_faults(Some("healthy"), Some("down")).await.expect("faults");
    assert_eq!((faults.partner.as_str(), faults.notifications.as_str()), ("healthy", "down"));
    assert_eq!(demo.faults().snapshot().notifications.to_string(), "down");
    let refused = client.set_faults(Some("sideways"), None).await.expect_err("refused");
    assert!(refused.message.starts_with("unknown partner fault 'sideways'"), "{refused}");
    assert_eq!(client.set_traffic(2.5).await.expect("rate"), 2.5);
    assert_eq!(client.status().await.expect("status").orders_per_sec, 2.5);
    assert_eq!(client.set_traffic(0.0).await.expect("rate"), 0.0);
    assert!(client.set_traffic(-1.0).await.is_err());
    client.set_faults(None, Some("healthy")).await.expect("faults");

    // The catalog, an order placed and watched to DELIVERED.
    let restaurants = client.restaurants().await.expect("restaurants");
    let pizza = restaurants.iter().find(|r| r.id == "r-pizza").expect("the pizzeria");
    let menu = client.menu(&pizza.id).await.expect("menu");
    let margherita = menu.iter().find(|item| item.id == "m-margherita").expect("a margherita");
    let lines = [DemoOrderLine { menu_item_id: margherita.id.clone(), quantity: 2 }];
    let order = client.place_order("Ada", &pizza.id, &lines).await.expect("placed");
    assert_eq!((order.status.as_str(), order.total_cents), ("PLACED", 2 * margherita.price_cents));
    let mut watch = OrderWatch::connect(client.endpoint_url(), &order.id).await.expect("subscribed");
    let mut statuses = Vec::new();
    let ending = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let update = watch.next().await.expect("an update");
            if update.ended {
                return update;
            }
            assert_eq!(update.order_id, order.id);
            statuses.push(update.status.expect("a status"));
        }
    })
    .await
    .expect("the order reaches its end within 30 s");
    assert_eq!(ending.error, None);
    assert!(watch.next().await.is_none());
    assert_eq!(statuses.last().map(String::as_str), Some("DELIVERED"), "{statuses:?}");
    assert!(statuses.len() >= 2, "{statuses:?}");

    // An order the restaurant never answers can be cancelled.
    client.set_faults(Some("silent"), None).await.expect("faults");
    let waiting = client.place_order("Grace", &pizza.id, &lines).await.expect("placed");
    let cancelled = client.cancel_order(&waiting.id).await.expect("cancelled");
    assert_eq!((cancelled.id.as_str(), cancelled.status.as_str()), (waiting.id.as_str(), "CANCELLED"));

    // Mistakes in the demo's words.
    let unknown = client.cancel_order("o-missing").await.expect_err("unknown");
    assert!(unknown.message.contains("o-missing"), "{unknown}");
    let empty = client.place_order("Ada", &pizza.id, &[]).await.expect_err("no items");
    assert!(!empty.message.is_empty());
    let mut missing = OrderWatch::connect(client.endpoint_url(), "o-missing").await.expect("socket");
    let ended = missing.next().await.expect("an ending");
    assert!(ended.ended && ended.error.as_deref().is_some_and(|e| e.contains("o-missing")), "{ended:?}");
    demo.shutdown().await;

    // Gone: said in words, at once.
    let gone = client.status().await.expect_err("gone");
    assert!(gone.message.starts_with("The demo does not answer at"), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_system_without_the_demo_and_aws_are_told_apart() {
    let folder = Folder::new();
    let system = LocalSystem::start(Config::new(&folder.0).with_port(0)).await.expect("local system");
    let client = DemoClient::new(&system.endpoint_url()).expect("client");
    let error = client.status().await.expect_err("no demo");
    assert!(error.message.contains("--no-demo"), "{error}");
    system.shutdown().await;

    let aws =
        ConnectionInfo { mode: ConnectionMode::Aws, region: "eu-west-1".into(), endpoint_url: None, profile: None };
    let error = DemoClient::for_connection(&aws).expect_err("AWS");
    assert_eq!(error.message, LOCAL_ONLY);
}
