//! What every section shares: a bare AWS JSON client over reqwest (as any SDK
//! would speak to the endpoint), the rule mix the load runs against, and the
//! few statistics the sections print.
//!
//! The rule mix and the events are mirrored in `benches/moto_compare.py`, so
//! that moto and the local system see the same load: keep the two in step.

use std::time::Duration;

use serde_json::{Value, json};

/// The account and region of the local system's ARNs (and moto's defaults).
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// Queues the rule mix's targets deliver to, round robin by rule.
pub const QUEUES: usize = 4;

/// An AWS JSON client for one endpoint.
#[derive(Clone)]
pub struct Aws {
    http: reqwest::Client,
    endpoint: String,
}

impl Aws {
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self { http: reqwest::Client::new(), endpoint: endpoint.into() }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// One operation; SQS speaks JSON 1.0, the others JSON 1.1.
    pub async fn try_call(&self, target: &str, body: &Value) -> Result<Value, String> {
        let version = if target.starts_with("AmazonSQS.") { "1.0" } else { "1.1" };
        let response = self
            .http
            .post(&self.endpoint)
            .header("Content-Type", format!("application/x-amz-json-{version}"))
            .header("X-Amz-Target", target)
            .body(body.to_string())
            .send()
            .await
            .map_err(|error| format!("{target} could not be sent: {error}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|error| format!("{target}: no answer body: {error}"))?;
        if !status.is_success() {
            return Err(format!("{target} answered {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|error| format!("{target} answered no JSON ({error}): {text}"))
    }

    /// One operation that must succeed: a failure ends the bench with the reason.
    pub async fn call(&self, target: &str, body: Value) -> Value {
        self.try_call(target, &body).await.unwrap_or_else(|error| panic!("{error}"))
    }

    /// Creates a queue; returns its URL and ARN.
    pub async fn create_queue(&self, name: &str) -> (String, String) {
        let created = self.call("AmazonSQS.CreateQueue", json!({"QueueName": name})).await;
        let url = created["QueueUrl"].as_str().expect("CreateQueue returns a QueueUrl").to_owned();
        (url, format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"))
    }

    /// Messages in a queue, visible or not.
    pub async fn queue_depth(&self, url: &str) -> u64 {
        let names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"];
        let attributes =
            self.call("AmazonSQS.GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": names})).await;
        names.iter().map(|name| attributes["Attributes"][name].as_str().and_then(|n| n.parse().ok()).unwrap_or(0)).sum()
    }

    /// PutEvents that must accept every entry.
    pub async fn put_events(&self, entries: Vec<Value>) {
        let result = self.call("AWSEvents.PutEvents", json!({"Entries": entries})).await;
        assert_eq!(result["FailedEntryCount"], 0, "PutEvents refused entries: {result}");
    }
}

/// `rules` rules in four families (exact values, prefixes, numeric ranges,
/// and a family for another source that never matches), so matching does
/// real work. Every event matches one rule of each of the first three
/// families: three deliveries an event with 100 rules.
#[derive(Debug, Clone, Copy)]
pub struct RuleMix {
    pub rules: usize,
}

impl RuleMix {
    /// Rules of a family, and the values events spread over.
    fn groups(self) -> usize {
        (self.rules / 4).max(1)
    }

    pub fn pattern(self, rule: usize) -> Value {
        let group = rule / 4;
        match rule % 4 {
            0 => json!({"source": ["shop.orders"], "detail": {"kind": [format!("kind-{group}")]}}),
            1 => json!({"detail": {"region": [{"prefix": format!("eu-{group}-")}]}}),
            2 => json!({
                "detail-type": ["OrderPlaced"],
                "detail": {"total": [{"numeric": [">=", group * 10, "<", group * 10 + 10]}]},
            }),
            _ => json!({"source": ["shop.payments"], "detail": {"kind": [format!("kind-{group}")]}}),
        }
    }

    /// The detail of event `seq`; the multipliers spread the three matches
    /// over different rule combinations.
    pub fn detail(self, seq: usize) -> Value {
        let groups = self.groups();
        json!({
            "seq": seq,
            "kind": format!("kind-{}", seq % groups),
            "region": format!("eu-{}-west", (seq * 7) % groups),
            "total": (seq * 13) % groups * 10 + 5,
            "note": "a few more bytes, as real events carry",
        })
    }

    pub fn entry(self, bus: &str, seq: usize) -> Value {
        json!({
            "EventBusName": bus,
            "Source": "shop.orders",
            "DetailType": "OrderPlaced",
            "Detail": self.detail(seq).to_string(),
        })
    }

    /// Deliveries event `seq` causes: one per family whose matching rule exists.
    pub fn matches(self, seq: usize) -> usize {
        let groups = self.groups();
        let in_family = |family: usize| (self.rules + 3 - family) / 4;
        [seq % groups, (seq * 7) % groups, (seq * 13) % groups]
            .iter()
            .enumerate()
            .filter(|(family, group)| **group < in_family(*family))
            .count()
    }

    /// Puts the rules on `bus`, each with one SQS target (none when
    /// `queue_arns` is empty: matching without deliveries).
    pub async fn install(self, aws: &Aws, bus: &str, queue_arns: &[String]) {
        for rule in 0..self.rules {
            let name = format!("rule-{rule}");
            let pattern = self.pattern(rule).to_string();
            aws.call("AWSEvents.PutRule", json!({"Name": name, "EventBusName": bus, "EventPattern": pattern})).await;
            if queue_arns.is_empty() {
                continue;
            }
            let target = json!({"Id": "queue", "Arn": queue_arns[rule % queue_arns.len()]});
            aws.call("AWSEvents.PutTargets", json!({"Rule": name, "EventBusName": bus, "Targets": [target]})).await;
        }
    }
}

/// p50, p99 and max of a set of durations.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Summary {
    pub fn of(mut samples: Vec<Duration>) -> Option<Self> {
        samples.sort_unstable();
        let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
        let max = *samples.last()?;
        Some(Self { p50: at(0.50), p99: at(0.99), max })
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", ms(self.p50), ms(self.p99), ms(self.max))
    }
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `12345.6` as `12,346`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
