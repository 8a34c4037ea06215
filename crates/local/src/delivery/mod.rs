//! Delivery of matched events to rule targets: durable, retried with
//! backoff, dead-lettered when retries run out.
//!
//! Ingestion delivers to a queue or log group of the store that takes the
//! input in the transaction that keeps the event ([`in_place`]); for every
//! other (event, target) it writes one row into the `deliveries` table in
//! that transaction ([`store`]). The [`Dispatcher`]
//! takes rows as they fall due and makes one attempt each: targets in the
//! store (queues, buses, log groups, [`local_targets`]) are written in the
//! same transaction that records the outcome; functions and HTTP endpoints
//! are called outside it, and a crash between call and record makes the
//! attempt again (at least once, never lost). Failures are retried with
//! exponential backoff and jitter under the target's [`policy::RetryPolicy`];
//! when it runs out, or the failure is permanent, the event goes to the
//! target's dead-letter queue ([`dlq`]) or is dropped, and the bus log says
//! which ([`log`]).

mod dispatcher;
pub mod dlq;
pub mod in_place;
pub mod local_targets;
pub mod log;
pub mod outcome;
pub mod policy;
pub mod store;
pub mod target_kind;

pub use dispatcher::{DeliverySettings, Dispatcher};

#[cfg(test)]
mod tests;
