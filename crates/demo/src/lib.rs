//! The 3factor food-delivery system bundled with Choreoscope.
//!
//! It runs on a [`choreoscope_local`] system and uses it only through its
//! AWS APIs and its functions host, as a real system uses AWS:
//!
//! - **GraphQL** ([`graphql`], at `/graphql`, subscriptions over graphql-ws):
//!   a mutation writes the order and an [`outbox`] row in one transaction; the
//!   relay puts outbox rows on the bus and marks them sent only once PutEvents
//!   accepted them.
//! - **Events** ([`envelope`]): `detail = {metadata, data}` with correlation and
//!   causation ids.
//! - **Async functions** ([`functions`]): payment, the restaurant dispatcher
//!   (behind the [`circuit`] breaker), the restaurant callback handler,
//!   courier assignment, loyalty points, discount codes, notifications and the
//!   projection that feeds the read model and the subscriptions.
//! - The `order-fulfilment` workflow, the buses, rules, archives, connection
//!   and API destination, declared in `assets/demo/` and created by [`deploy`].
//! - Simulated partners ([`partner`]) with [`faults`] to inject, and a
//!   [`traffic`] generator.

pub mod circuit;
pub mod deploy;
pub mod envelope;
pub mod faults;
pub mod functions;
pub mod graphql;
pub mod orders;
pub mod outbox;
pub mod partner;
pub mod settings;
pub mod store;
pub mod system;
pub mod traffic;

pub use settings::DemoSettings;
pub use system::{Demo, DemoError};

/// The tables of every module, created when the demo store opens.
pub(crate) const SCHEMAS: &[&str] =
    &[orders::SCHEMA, outbox::SCHEMA, functions::SCHEMA, circuit::SCHEMA, partner::SCHEMA];

/// Tells background loops to stop: they return once it changes to `true`.
pub type Shutdown = tokio::sync::watch::Receiver<bool>;
