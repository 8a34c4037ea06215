//! Put → delivery latency at a paced rate (open loop: batches go out at fixed
//! times whether or not earlier ones were answered, so a slow answer cannot
//! hide the wait behind it), to a function target and to an SQS target.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use choreoscope_local::{Config, LocalSystem};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::Load;
use crate::client::{ACCOUNT, Aws, QUEUES, REGION, RuleMix, Summary, ms, thousands};

const BUS: &str = "latency";
const FUNCTION: &str = "latency-probe";
const PROBE_QUEUE: &str = "latency-probe";

/// Which target the probe rule delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Function,
    Queue,
}

/// When each event was sent and first seen delivered, as nanoseconds after
/// `base` plus one (zero: not yet), so tasks record without a lock.
struct Stamps {
    base: Instant,
    sent: Vec<AtomicU64>,
    delivered: Vec<AtomicU64>,
    delivered_count: AtomicUsize,
    /// Long polls that ended with nothing: each waited the whole WaitTimeSeconds.
    empty_receives: AtomicUsize,
}

impl Stamps {
    fn new(events: usize) -> Self {
        let slots = || (0..events).map(|_| AtomicU64::new(0)).collect();
        Self {
            base: Instant::now(),
            sent: slots(),
            delivered: slots(),
            delivered_count: AtomicUsize::new(0),
            empty_receives: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64 + 1
    }

    /// Records the first delivery of `seq` (SQS is at least once).
    fn deliver(&self, seq: Option<u64>, at: u64) {
        let Some(slot) = seq.and_then(|seq| self.delivered.get(seq as usize)) else { return };
        if slot.compare_exchange(0, at, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            self.delivered_count.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn latencies(&self) -> Vec<Duration> {
        self.sent
            .iter()
            .zip(&self.delivered)
            .filter_map(|(sent, delivered)| {
                let (sent, delivered) = (sent.load(Ordering::Relaxed), delivered.load(Ordering::Relaxed));
                (sent > 0 && delivered > 0).then(|| Duration::from_nanos(delivered.saturating_sub(sent)))
            })
            .collect()
    }
}

fn seq_of(event: &Value) -> Option<u64> {
    event["detail"]["seq"].as_u64()
}

/// What one run measured.
pub struct Latency {
    pub delivery: Option<Summary>,
    pub delivered: usize,
    pub sent: usize,
}

pub async fn run(load: &Load, probe: Probe) -> Latency {
    let dir = tempfile::tempdir().expect("a temp dir for the store");
    let system = LocalSystem::start(Config::new(dir.path()).with_port(0)).await.expect("the local system starts");
    let aws = Aws::new(system.endpoint_url());
    let batches = (load.rate * load.seconds / 10.0).round().max(1.0) as usize;
    let stamps = Arc::new(Stamps::new(batches * 10));

    // The rule mix is on the bus so that matching costs what it does with
    // 100 rules, but the probe events match none of it: one delivery each.
    aws.call("AWSEvents.CreateEventBus", json!({"Name": BUS})).await;
    let mut queue_arns = Vec::new();
    for queue in 0..QUEUES {
        queue_arns.push(aws.create_queue(&format!("mix-{queue}")).await.1);
    }
    RuleMix { rules: load.rules }.install(&aws, BUS, &queue_arns).await;
    let pattern = json!({"source": ["bench.latency"]}).to_string();
    aws.call("AWSEvents.PutRule", json!({"Name": "probe", "EventBusName": BUS, "EventPattern": pattern})).await;
    let mut consumers = JoinSet::new();
    let target_arn = match probe {
        Probe::Function => {
            let stamps = stamps.clone();
            system.functions().register(FUNCTION, move |call| {
                stamps.deliver(seq_of(&call.payload), stamps.now());
                async { Ok(Value::Null) }
            });
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}")
        }
        Probe::Queue => {
            let (url, arn) = aws.create_queue(PROBE_QUEUE).await;
            for _ in 0..load.consumers {
                consumers.spawn(consume(aws.clone(), url.clone(), stamps.clone(), batches * 10));
            }
            arn
        }
    };
    let target = json!({"Id": "probe", "Arn": target_arn});
    aws.call("AWSEvents.PutTargets", json!({"Rule": "probe", "EventBusName": BUS, "Targets": [target]})).await;

    let interval = Duration::from_secs_f64(10.0 / load.rate);
    let start = Instant::now() + Duration::from_millis(20);
    let mut sends = JoinSet::new();
    let mut requests = Vec::new();
    let mut worst_lag = Duration::ZERO;
    for batch in 0..batches {
        let due = start + interval * batch as u32;
        tokio::time::sleep_until(due.into()).await;
        worst_lag = worst_lag.max(due.elapsed());
        let (aws, stamps) = (aws.clone(), stamps.clone());
        sends.spawn(async move {
            let entries = (batch * 10..batch * 10 + 10)
                .map(|seq| {
                    let detail = json!({"seq": seq, "kind": "probe"}).to_string();
                    json!({"EventBusName": BUS, "Source": "bench.latency", "DetailType": "LatencyProbe", "Detail": detail})
                })
                .collect();
            let now = stamps.now();
            for seq in batch * 10..batch * 10 + 10 {
                stamps.sent[seq].store(now, Ordering::Relaxed);
            }
            let sent = Instant::now();
            aws.put_events(entries).await;
            sent.elapsed()
        });
        while let Some(done) = sends.try_join_next() {
            requests.push(done.expect("a send task"));
        }
    }
    let sending = start.elapsed();
    while let Some(done) = sends.join_next().await {
        requests.push(done.expect("a send task"));
    }
    let deadline = Instant::now() + load.drain_timeout;
    while stamps.delivered_count.load(Ordering::Relaxed) < batches * 10 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    consumers.abort_all();
    let delivered = stamps.delivered_count.load(Ordering::Relaxed);
    let delivery = Summary::of(stamps.latencies());

    let (what, note) = match probe {
        Probe::Function => ("a function target (in-process handler)", ""),
        Probe::Queue => (
            "an SQS target",
            " (receive time - send time: includes the consumer's long polling, \
             ReceiveMessage with WaitTimeSeconds=1, MaxNumberOfMessages=10)",
        ),
    };
    println!(
        "\nLatency put -> delivery to {what}, {} events/s paced in batches of 10 for {:.1} s, {} rules on the bus{note}",
        thousands(load.rate),
        load.seconds,
        load.rules,
    );
    println!(
        "  sent {} events at {} events/s (latest batch {:.2} ms behind schedule); delivered {delivered}",
        batches * 10,
        thousands((batches * 10) as f64 / sending.as_secs_f64()),
        ms(worst_lag),
    );
    match delivery {
        Some(summary) => println!("  put -> delivered               {summary}"),
        None => println!("  put -> delivered               nothing delivered"),
    }
    if probe == Probe::Queue {
        let empty = stamps.empty_receives.load(Ordering::Relaxed);
        println!("  {} consumers; {empty} of their long polls ended empty after the full 1 s wait", load.consumers);
    }
    if let Some(summary) = Summary::of(requests) {
        println!("  PutEvents request              {summary}");
    }
    system.shutdown().await;
    Latency { delivery, delivered, sent: batches * 10 }
}

/// Long-polls the probe queue, stamping each first receipt and deleting what
/// it received, as a real consumer would.
async fn consume(aws: Aws, url: String, stamps: Arc<Stamps>, expected: usize) {
    while stamps.delivered_count.load(Ordering::Relaxed) < expected {
        let receive = json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1});
        let Ok(received) = aws.try_call("AmazonSQS.ReceiveMessage", &receive).await else {
            continue;
        };
        let now = stamps.now();
        let messages = received["Messages"].as_array().cloned().unwrap_or_default();
        if messages.is_empty() {
            stamps.empty_receives.fetch_add(1, Ordering::Relaxed);
        }
        let mut handles = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            let body: Value =
                message["Body"].as_str().and_then(|body| serde_json::from_str(body).ok()).unwrap_or_default();
            stamps.deliver(seq_of(&body), now);
            handles.push(json!({"Id": i.to_string(), "ReceiptHandle": message["ReceiptHandle"]}));
        }
        if !handles.is_empty() {
            let delete = json!({"QueueUrl": url, "Entries": handles});
            // Deleted beside the next receive, so deleting does not delay it.
            let aws = aws.clone();
            tokio::spawn(async move { aws.try_call("AmazonSQS.DeleteMessageBatch", &delete).await });
        }
    }
}
