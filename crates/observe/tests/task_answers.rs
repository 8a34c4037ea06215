//! Answering a task token of the food-delivery demo through the real AWS
//! SDK clients: the restaurant partner is silent, so the order's
//! `AskRestaurant` task waits; it is found with its deadlines and the event
//! that carried its token, its execution is drawn where it waits, an output
//! that is not JSON is refused before anything is sent, a heartbeat is
//! accepted, a success answers it and the order goes on to be delivered; a
//! second answer and a bogus token are refused in words.

use std::time::{Duration, Instant};

use choreoscope_demo::faults::PartnerFault;
use choreoscope_demo::orders::{OrderStatus, PlaceOrder};
use choreoscope_demo::{Demo, DemoSettings};
use choreoscope_local::{Config, LocalSystem};
use choreoscope_model::{TaskAnswer, WaitingTask};
use choreoscope_observe::{Connection, ObserveError, Observer};
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

/// The task waiting for the restaurant's answer about `order`, if any.
async fn asking_about(observer: &Observer, order: &str) -> Option<WaitingTask> {
    let waiting = observer.waiting_tasks().await.expect("waiting tasks");
    waiting.into_iter().find(|task| {
        task.state_name == "AskRestaurant" && task.parameters["Entries"][0]["Detail"]["data"]["orderId"] == json!(order)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_waiting_task_token_is_answered_and_the_order_proceeds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared = LocalSystem::prepare(Config::new(dir.path()).with_port(0)).await.expect("local system");
    let demo =
        Demo::start(prepared, DemoSettings { courier_ride: Duration::from_millis(20), ..DemoSettings::default() })
            .await
            .expect("demo");
    let observer =
        Observer::connect(Connection::Local { endpoint_url: demo.system().endpoint_url(), region: "us-east-1".into() })
            .await;
    demo.faults().set_partner(PartnerFault::Silent);
    let request = PlaceOrder {
        customer: "Ines".into(),
        restaurant_id: "r-curry".into(),
        items: vec![("m-garlic-naan".into(), 2)],
    };
    let order = demo.orders().place(request).await.expect("placed").id;

    // Found, with its deadlines (HeartbeatSeconds 120, TimeoutSeconds 300 from its start) and token.
    let task = until("the AskRestaurant task waiting", || asking_about(&observer, &order)).await;
    let token = task.task_token.clone().expect("the token, from the event that carried it");
    assert_eq!(task.parameters["Entries"][0]["Detail"]["data"]["taskToken"], json!(token));
    let started = task.started_ms.expect("the task started");
    assert_eq!(task.heartbeat_deadline_ms, Some(started + 120_000));
    assert_eq!(task.timeout_deadline_ms, Some(started + 300_000));

    // Its execution: the definition it runs, its history, and where it waits.
    let view = observer.execution_view(&task.execution_arn).await.expect("execution view");
    assert_eq!((view.status.as_str(), view.name.as_str()), ("RUNNING", task.execution_name.as_str()));
    assert_eq!(view.current_states, ["AskRestaurant"]);
    assert_eq!(view.definition["States"]["AskRestaurant"]["HeartbeatSeconds"], json!(120));
    let kinds: Vec<&str> = view.history.iter().map(|step| step.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"ExecutionStarted"));
    let scheduled = view.history.iter().rfind(|step| step.kind == "TaskScheduled").expect("the task scheduled");
    assert_eq!(scheduled.summary.as_deref(), Some("events:putEvents.waitForTaskToken"));
    assert!(
        view.history.iter().any(|s| s.kind == "TaskStateEntered" && s.state_name.as_deref() == Some("ChargePayment"))
    );

    // An output that is not JSON is refused before it is sent: the task still waits.
    let bad = TaskAnswer::Success { output: "{approvedBy: operator}".into() };
    match observer.answer_tasks(std::slice::from_ref(&token), &bad).await {
        Err(ObserveError::Invalid(words)) => assert!(words.starts_with("The output is not JSON"), "{words}"),
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
    assert!(asking_about(&observer, &order).await.is_some(), "the bad answer was not sent");

    // A heartbeat is accepted; the task still waits.
    let beat = observer.answer_tasks(std::slice::from_ref(&token), &TaskAnswer::Heartbeat).await.expect("heartbeat");
    assert!(beat[0].sent && beat[0].detail.starts_with("Heartbeat sent"), "{beat:?}");
    assert!(beat[0].sent_ms.is_some());

    // Answered: the order goes on, confirmed by the operator, and is delivered.
    let success = TaskAnswer::Success { output: r#"{"approvedBy": "operator"}"#.into() };
    observer.answer_task(&token, &success).await.expect("send success");
    until("the order delivered", || async {
        let now = demo.orders().order(&order).await.expect("read model").expect("the order exists");
        (now.status == OrderStatus::Delivered).then_some(())
    })
    .await;
    assert!(asking_about(&observer, &order).await.is_none(), "the answered task is no longer listed");
    let after = observer.execution_view(&task.execution_arn).await.expect("execution view");
    assert_eq!(after.status, "SUCCEEDED");
    assert!(after.history.iter().any(|s| s.state_name.as_deref() == Some("AnsweredByOperator")));

    // Too late now, and a token that is none: refused in words, each on its own.
    let tokens = [token.clone(), "not-a-token".to_owned()];
    let outcomes = observer.answer_tasks(&tokens, &success).await.expect("answers");
    assert_eq!(outcomes.len(), 2);
    assert!(!outcomes[0].sent);
    assert_eq!(outcomes[0].code.as_deref(), Some("TaskTimedOut"));
    assert!(outcomes[0].detail.starts_with("This task is no longer waiting: it was answered already"), "{outcomes:?}");
    assert_eq!(outcomes[1].code.as_deref(), Some("InvalidToken"));
    assert!(outcomes[1].detail.contains("not a task token"), "{outcomes:?}");
    let failure = TaskAnswer::Failure { error: Some("RestaurantRejected".into()), cause: Some("closed".into()) };
    match observer.answer_task(&token, &failure).await {
        Err(error) => assert_eq!(error.code(), Some("TaskTimedOut")),
        Ok(()) => panic!("a closed task took a failure"),
    }
    demo.shutdown().await;
}
