//! What the demo does when a partner misbehaves: the notification provider
//! down (its DLQ fills), a restaurant that never answers (the task times out).

mod support;

use std::time::Duration;

use choreoscope_demo::faults::{NotificationsFault, PartnerFault};
use choreoscope_demo::orders::OrderStatus;
use choreoscope_demo::settings::RestaurantWait;
use serde_json::{Value, json};
use support::{delivered, drain, eventually, place, quick, start, wait_for_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notifications_to_a_provider_that_is_down_end_in_its_dlq_and_nothing_else_is_lost() {
    let (_dir, demo) = start(quick()).await;
    demo.faults().set_notifications(NotificationsFault::Down);
    let during = place(&demo, "Carmen", 1).await;
    wait_for_order(&demo, &during, Duration::from_secs(30), delivered).await;

    // Three notifications (confirmed, courier, delivered), each retried twice, then dead-lettered.
    let api = demo.system().api();
    let dlq = api.call("AmazonSQS.GetQueueUrl", json!({"QueueName": "customer-notifications-dlq"})).await.expect("dlq");
    let dlq = dlq["QueueUrl"].as_str().expect("url").to_owned();
    // Drained messages are deleted: keep them across probes.
    let seen = tokio::sync::Mutex::new(Vec::<Value>::new());
    let dead = eventually(Duration::from_secs(60), "three dead letters", || async {
        let mut seen = seen.lock().await;
        seen.extend(drain(&demo, &dlq).await);
        (seen.len() >= 3).then(|| seen.clone())
    })
    .await;
    for message in &dead {
        let attributes = &message["MessageAttributes"];
        for name in
            ["RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE", "EXHAUSTED_RETRY_CONDITION", "RETRY_ATTEMPTS"]
        {
            assert!(attributes.get(name).is_some(), "{name} missing from {message}");
        }
        assert_eq!(attributes["RETRY_ATTEMPTS"]["StringValue"], "2");
        let body: Value = serde_json::from_str(message["Body"].as_str().unwrap_or_default()).expect("the event");
        assert_eq!(body["detail"]["data"]["orderId"], json!(during));
    }
    assert!(demo.notifications().received().iter().all(|body| body["orderId"] != json!(during)));

    // Healed: the next order's notifications all arrive.
    demo.faults().set_notifications(NotificationsFault::Healthy);
    let after = place(&demo, "Carmen", 1).await;
    wait_for_order(&demo, &after, Duration::from_secs(30), delivered).await;
    eventually(Duration::from_secs(15), "notifications after healing", || async {
        let about: Vec<Value> = demo
            .notifications()
            .received()
            .into_iter()
            .filter(|body| body["orderId"] == json!(after))
            .map(|body| body["about"].clone())
            .collect();
        (about.len() == 3).then_some(about)
    })
    .await;
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restaurant_that_never_answers_times_the_task_out_and_the_order_fails_clearly() {
    let mut settings = quick();
    settings.restaurant_wait = RestaurantWait { heartbeat_seconds: 2, timeout_seconds: 4 };
    let (_dir, demo) = start(settings).await;
    demo.faults().set_partner(PartnerFault::Silent);
    let id = place(&demo, "Dmitri", 1).await;
    let order = wait_for_order(&demo, &id, Duration::from_secs(30), |order| order.status.is_final()).await;
    assert_eq!(order.status, OrderStatus::Failed, "{order:?}");

    // The execution failed, after refunding the payment.
    let api = demo.system().api();
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment";
    let executions =
        api.call("AWSStepFunctions.ListExecutions", json!({"stateMachineArn": machine})).await.expect("list");
    let execution = executions["executions"][0]["executionArn"].as_str().expect("an execution").to_owned();
    let history =
        api.call("AWSStepFunctions.GetExecutionHistory", json!({"executionArn": execution})).await.expect("history");
    let history = history["events"].to_string();
    assert!(history.contains("States.HeartbeatTimeout") || history.contains("States.Timeout"), "{history}");
    assert!(history.contains("RefundPayment"), "{history}");
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partner_that_refuses_the_request_is_a_hard_error_not_retried_and_visible() {
    let (_dir, demo) = start(quick()).await;
    let hard_errors = support::capture(&demo, "RestaurantRequestFailed", "test-hard-errors").await;
    demo.faults().set_partner(PartnerFault::Rejecting);
    let id = place(&demo, "Femi", 1).await;
    let order = wait_for_order(&demo, &id, Duration::from_secs(30), |order| order.status.is_final()).await;
    assert_eq!(order.status, OrderStatus::Failed, "{order:?}");

    // Published with status HARD_ERROR ...
    let seen = tokio::sync::Mutex::new(Vec::<Value>::new());
    let events = eventually(Duration::from_secs(10), "the hard error event", || async {
        let mut seen = seen.lock().await;
        seen.extend(drain(&demo, &hard_errors).await);
        (!seen.is_empty()).then(|| seen.clone())
    })
    .await;
    let event: Value = serde_json::from_str(events[0]["Body"].as_str().unwrap_or_default()).expect("event");
    assert_eq!(event["detail"]["metadata"]["status"], "HARD_ERROR");
    assert_eq!(event["detail"]["data"]["orderId"], json!(id));

    // ... and dead-lettered after one attempt: a 4xx is not retried.
    let api = demo.system().api();
    let dlq = api.call("AmazonSQS.GetQueueUrl", json!({"QueueName": "restaurant-dispatcher-dlq"})).await.expect("dlq");
    let dlq = dlq["QueueUrl"].as_str().expect("url").to_owned();
    let dead = eventually(Duration::from_secs(10), "the dead letter", || async {
        Some(drain(&demo, &dlq).await).filter(|messages| !messages.is_empty())
    })
    .await;
    let attributes = &dead[0]["MessageAttributes"];
    assert_eq!(attributes["ERROR_CODE"]["StringValue"], "PartnerRequestInvalid", "{attributes}");
    assert_eq!(attributes["RETRY_ATTEMPTS"]["StringValue"], "0", "{attributes}");
    demo.shutdown().await;
}
