//! Shared types of Choreoscope.
//!
//! Everything that crosses the Tauri bridge between the desktop shell and the
//! web UI is declared here once. The TypeScript declarations in
//! `ui/src/bindings/` are generated from these types by `ts-rs` when this
//! crate's tests run (`cargo test -p choreoscope-model`), so the two sides
//! cannot drift apart.

mod activity;
mod circuits;
mod connection;
mod dead_letters;
mod demo;
mod error;
mod event;
mod execution_view;
mod pattern;
mod replays;
mod story;
mod tasks;
mod topology;
mod trace;

pub use activity::{ActivityBatch, ActivityHop, CircuitStatus, EdgeActivity, HopOutcome, NodeActivity};
pub use circuits::{CircuitHistory, CircuitReplay, CircuitTransition, CircuitsReport};
pub use connection::{
    AwsProfile, AwsProfiles, ConnectionInfo, ConnectionKind, ConnectionMode, ConnectionSpec, ConnectionsOverview,
    CurrentConnection, LocalState, SavedConnection,
};
pub use dead_letters::{DeadLetter, DeadLetterQueue, DeadLetterSender, DeleteOutcome, RedriveOutcome, RedriveTo};
pub use demo::{DemoFaults, DemoMenuItem, DemoOrder, DemoOrderLine, DemoOrderUpdate, DemoRestaurant, DemoStatus};
pub use error::AppError;
pub use event::{BusEvent, EventPage, PutEventOutcome};
pub use execution_view::{ExecutionStep, ExecutionView};
pub use pattern::{PatternCheck, PatternTest, RuleMatch};
pub use replays::{ArchiveSummary, OutageWindow, PreviewRule, ReplayPreview, ReplayRequest, ReplaySummary};
pub use story::{EventStory, ResumedBy, Resumption, StoryEvent, StoryExecution, StoryQuery};
pub use tasks::{TaskAnswer, TaskAnswerOutcome, WaitingTask};
pub use topology::{Detail, DetailFormat, Edge, EdgeKind, Node, NodeKind, TargetKind, Topology};
pub use trace::{AttemptResult, AttemptTrace, EventTrace, InvocationOutcome, InvocationTrace, TraceError, TraceHop};
