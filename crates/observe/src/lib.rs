//! Choreoscope's data layer: everything the dashboard shows, read through the
//! AWS SDK clients, so it works the same against AWS and against the bundled
//! local system.
//!
//! ```no_run
//! # async fn demo() -> Result<(), choreoscope_observe::ObserveError> {
//! use choreoscope_observe::{Connection, Observer};
//!
//! let observer = Observer::connect(Connection::Local {
//!     endpoint_url: "http://127.0.0.1:4599".into(),
//!     region: "us-east-1".into(),
//! })
//! .await;
//! let topology = observer.topology().await?;
//! println!("{} nodes, {} edges", topology.nodes.len(), topology.edges.len());
//! # Ok(()) }
//! ```

pub mod activity;
pub mod aws_profiles;
pub mod bus_log;
pub mod circuits;
mod connection;
pub mod dead_letters;
mod error;
mod events;
mod graph;
mod history;
mod inventory;
pub mod provision;
pub mod replays;
pub mod story;
pub mod tasks;
pub mod trace;
pub mod traffic;

pub use connection::Connection;
pub use error::{ObserveError, Result};
pub use events::EventTail;
pub use graph::{ChoreographyGraph, edge_id, event_type_id, node_id};
pub use inventory::{
    ApiDestinationInfo, ArchiveInfo, BusInfo, Clients, ConnectionSummary, Inventory, RetryPolicyInfo, RuleInfo,
    StateMachineInfo, TargetInfo,
};

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use choreoscope_model::{
    ConnectionInfo, DeadLetter, DeadLetterQueue, DeleteOutcome, EventStory, EventTrace, PutEventOutcome,
    RedriveOutcome, RedriveTo, StoryQuery, Topology, WaitingTask,
};

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The dashboard's view of one connection: the AWS SDK clients for it.
#[derive(Debug, Clone)]
pub struct Observer {
    info: ConnectionInfo,
    eventbridge: aws_sdk_eventbridge::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    stepfunctions: aws_sdk_sfn::Client,
    sqs: aws_sdk_sqs::Client,
    /// What traffic taught the graph; shared by the clones (the live loop's and the commands').
    traffic: std::sync::Arc<std::sync::Mutex<traffic::Traffic>>,
}

impl Observer {
    /// Builds the clients of a connection. Nothing is sent yet.
    pub async fn connect(connection: Connection) -> Self {
        let sdk = connection.sdk_config().await;
        Self {
            info: connection.info(&sdk),
            eventbridge: aws_sdk_eventbridge::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
            stepfunctions: aws_sdk_sfn::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            traffic: Default::default(),
        }
    }

    /// The connection, as shown to the user.
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// The EventBridge client.
    pub fn eventbridge(&self) -> &aws_sdk_eventbridge::Client {
        &self.eventbridge
    }

    /// The CloudWatch Logs client.
    pub fn logs(&self) -> &aws_sdk_cloudwatchlogs::Client {
        &self.logs
    }

    /// The Step Functions client.
    pub fn stepfunctions(&self) -> &aws_sdk_sfn::Client {
        &self.stepfunctions
    }

    /// Every `.waitForTaskToken` task waiting across the RUNNING executions
    /// of every state machine, oldest first, with its token when the
    /// history shows it (see [`tasks`] for how it is found). Answer them
    /// with [`Observer::stepfunctions`]: SendTaskSuccess, SendTaskFailure,
    /// SendTaskHeartbeat.
    pub async fn waiting_tasks(&self) -> Result<Vec<WaitingTask>> {
        tasks::waiting_tasks(&self.stepfunctions).await
    }

    /// The SQS client.
    pub fn sqs(&self) -> &aws_sdk_sqs::Client {
        &self.sqs
    }

    /// Reads everything the graph shows: buses, rules, targets, archives,
    /// connections, API destinations, state machines and queues.
    pub async fn inventory(&self) -> Result<Inventory> {
        Inventory::read(Clients { eventbridge: &self.eventbridge, stepfunctions: &self.stepfunctions, sqs: &self.sqs })
            .await
    }

    /// The names of every bus.
    pub async fn bus_names(&self) -> Result<Vec<String>> {
        Ok(inventory::list_buses(&self.eventbridge).await?.into_iter().map(|bus| bus.name).collect())
    }

    /// The trace of one event: every bus's log records of it, assembled hop
    /// by hop. Buses whose logging is off contribute nothing.
    pub async fn trace(&self, event_id: &str) -> Result<EventTrace> {
        // Event ids are UUIDs; anything else could break out of the filter pattern.
        if event_id.is_empty() || !event_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ObserveError::Invalid(format!("{event_id:?} is not an event id")));
        }
        let pattern = format!("{{ $.event_id = \"{event_id}\" }}");
        let mut messages = Vec::new();
        for bus in self.bus_names().await? {
            messages.extend(events::bus_log_records(&self.logs, &bus, &pattern, 0).await?);
        }
        Ok(trace::assemble(event_id, messages.iter().map(|(_, message)| message.as_str())))
    }

    /// The events a search finds, how they caused one another, their traces
    /// and the executions they started (see [`story`]).
    pub async fn story(&self, query: StoryQuery) -> Result<EventStory> {
        story::find(self, query).await
    }

    /// Every dead-letter queue the targets name, with its depth.
    pub async fn dead_letter_queues(&self) -> Result<Vec<DeadLetterQueue>> {
        dead_letters::queues(&self.sqs, &self.inventory().await?).await
    }

    /// The messages of a dead-letter queue, read and made visible again at
    /// once (see [`dead_letters`] for what a peek does to a queue).
    pub async fn peek_dead_letters(&self, queue_url: &str, max: usize) -> Result<Vec<DeadLetter>> {
        dead_letters::peek(&self.sqs, queue_url, max).await
    }

    /// Sends dead letters on (all of the queue's when `message_ids` is
    /// empty) and deletes those sent; says what became of each.
    pub async fn redrive_dead_letters(
        &self,
        queue_url: &str,
        message_ids: &[String],
        to: RedriveTo,
    ) -> Result<Vec<RedriveOutcome>> {
        dead_letters::redrive(self, queue_url, message_ids, to).await
    }

    /// Deletes the dead letters named (none when `message_ids` is empty);
    /// says what became of each.
    pub async fn delete_dead_letters(&self, queue_url: &str, message_ids: &[String]) -> Result<Vec<DeleteOutcome>> {
        dead_letters::delete(self.sqs(), queue_url, message_ids).await
    }

    /// The choreography graph as the UI receives it, with what traffic
    /// taught it (see [`Observer::learn`]).
    pub async fn topology(&self) -> Result<Topology> {
        let mut graph = ChoreographyGraph::build(&self.inventory().await?);
        graph.add_flows(&self.learned_flows(now_ms()));
        Ok(graph.to_topology())
    }

    /// Learns from bus-log records which targets emit which event types and
    /// which types no rule consumes (see [`traffic`]); feed it every record
    /// once, oldest first, as [`bus_log::LogTail`] returns them.
    pub fn learn(&self, records: &[bus_log::LogRecord]) {
        // A poisoned lock means a panic mid-update; what was learned is still sound to read.
        self.traffic.lock().unwrap_or_else(std::sync::PoisonError::into_inner).ingest(records);
    }

    /// The event types learned so far, their producers decided as of `now_ms`.
    pub fn learned_flows(&self, now_ms: i64) -> Vec<traffic::EventTypeFlow> {
        self.traffic.lock().unwrap_or_else(std::sync::PoisonError::into_inner).flows(now_ms)
    }

    /// Puts one event on a bus with PutEvents.
    pub async fn put_event(
        &self,
        bus: &str,
        source: &str,
        detail_type: &str,
        detail: &serde_json::Value,
    ) -> Result<PutEventOutcome> {
        let entry = PutEventsRequestEntry::builder()
            .event_bus_name(bus)
            .source(source)
            .detail_type(detail_type)
            .detail(detail.to_string())
            .build();
        let output = self
            .eventbridge
            .put_events()
            .entries(entry)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("PutEvents", e))?;
        let result =
            output.entries().first().ok_or_else(|| ObserveError::Invalid("PutEvents returned no entry".into()))?;
        match result.event_id() {
            Some(id) => Ok(PutEventOutcome { event_id: id.to_owned(), bus_name: bus.to_owned() }),
            None => Err(ObserveError::Service {
                operation: "PutEvents",
                code: result.error_code().unwrap_or("Unknown").to_owned(),
                message: result.error_message().unwrap_or("the event was not accepted").to_owned(),
            }),
        }
    }
}
