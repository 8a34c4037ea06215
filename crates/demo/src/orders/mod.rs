//! The order service and its read model.
//!
//! Commands ([`Orders::place`], [`Orders::cancel`]) write the order and an
//! [`outbox`](crate::outbox) row holding the event in one transaction, so an
//! order is never without its event and an event never without its order.
//! The projection ([`Orders::apply`]) folds the events of the fulfilment back
//! into the read model and broadcasts each status change to subscribers.

mod commands;
mod model;
mod projection;
mod read;
mod schema;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use tokio::sync::{Notify, broadcast};

use crate::envelope::ReceivedEvent;
use crate::store::{DemoStore, StoreError};

pub use model::{
    MenuItem, Order, OrderItem, OrderStatus, OrderUpdate, PlaceOrder, Restaurant, StatusChange, UnknownStatus,
};
pub use projection::Projection;
pub use schema::SCHEMA;

/// How many updates a slow subscriber may fall behind before it misses some.
const UPDATE_CAPACITY: usize = 4096;
/// The most orders one list returns.
pub const MAX_LIST: usize = 500;
/// The most lines an order may have.
pub const MAX_LINES: usize = 50;
/// The most of one item a line may hold.
pub const MAX_QUANTITY: u32 = 99;

/// Why an order could not be placed or cancelled, in words for the person
/// who asked.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The customer's name is empty.
    #[error("the customer's name is missing")]
    MissingCustomer,
    /// The customer's name is unreasonably long.
    #[error("the customer's name is longer than {max} characters")]
    CustomerTooLong {
        /// The limit.
        max: usize,
    },
    /// No such restaurant.
    #[error("there is no restaurant {0}")]
    UnknownRestaurant(String),
    /// The order has no lines.
    #[error("an order needs at least one item")]
    NoItems,
    /// The order has too many lines.
    #[error("an order can have at most {MAX_LINES} items, this one has {0}")]
    TooManyItems(usize),
    /// A line names a menu item the restaurant does not have.
    #[error("{restaurant} has no menu item {item}")]
    UnknownMenuItem {
        /// The restaurant's name.
        restaurant: String,
        /// The menu item id asked for.
        item: String,
    },
    /// A line's quantity is out of range.
    #[error("the quantity of {item} must be between 1 and {MAX_QUANTITY}, not {quantity}")]
    BadQuantity {
        /// The menu item id.
        item: String,
        /// The quantity asked for.
        quantity: i64,
    },
    /// No such order.
    #[error("there is no order {0}")]
    UnknownOrder(String),
    /// The order went too far to be cancelled.
    #[error("order {id} is {status} and can no longer be cancelled")]
    NotCancellable {
        /// The order.
        id: String,
        /// Its status.
        status: OrderStatus,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OrderError {
    /// Whether the request was at fault (rather than the store).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Self::Store(_))
    }
}

/// The order service: commands, queries, the projection and the stream of
/// status changes. Cheap to clone.
#[derive(Clone)]
pub struct Orders {
    store: DemoStore,
    updates: broadcast::Sender<OrderUpdate>,
    outbox_ready: Arc<Notify>,
}

impl std::fmt::Debug for Orders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orders").field("subscribers", &self.updates.receiver_count()).finish_non_exhaustive()
    }
}

impl Orders {
    /// The order service over `store` (whose schema includes [`SCHEMA`]).
    pub fn new(store: DemoStore) -> Self {
        let (updates, _) = broadcast::channel(UPDATE_CAPACITY);
        Self { store, updates, outbox_ready: Arc::new(Notify::new()) }
    }

    /// The store the service writes to.
    pub fn store(&self) -> &DemoStore {
        &self.store
    }

    /// Notified whenever a command wrote an outbox row: the
    /// [`Relay`](crate::outbox::Relay) waits on it.
    pub fn outbox_ready(&self) -> Arc<Notify> {
        self.outbox_ready.clone()
    }

    /// Every restaurant of the catalog, by name.
    pub async fn restaurants(&self) -> Result<Vec<Restaurant>, StoreError> {
        self.store.run(|conn| read::restaurants(conn)).await
    }

    /// The menu of restaurant `restaurant_id` (empty if there is no such restaurant).
    pub async fn menu(&self, restaurant_id: &str) -> Result<Vec<MenuItem>, StoreError> {
        let restaurant_id = restaurant_id.to_owned();
        self.store.run(move |conn| read::menu(conn, &restaurant_id)).await
    }

    /// Up to `limit` (at most [`MAX_LIST`]) orders, newest first; only those
    /// in `status` if given.
    pub async fn orders(&self, limit: usize, status: Option<OrderStatus>) -> Result<Vec<Order>, StoreError> {
        let limit = limit.min(MAX_LIST);
        self.store.run(move |conn| read::orders(conn, limit, status)).await
    }

    /// Order `id`, if there is one.
    pub async fn order(&self, id: &str) -> Result<Option<Order>, StoreError> {
        let id = id.to_owned();
        self.store.run(move |conn| read::order(conn, &id)).await
    }

    /// The latest status change of order `id` as an [`OrderUpdate`] (with
    /// no `previous`): the state a new subscriber starts from.
    pub async fn last_update(&self, id: &str) -> Result<Option<OrderUpdate>, StoreError> {
        let id = id.to_owned();
        self.store.run(move |conn| read::last_update(conn, &id)).await
    }

    /// Places an order: validates it, then writes the order (`PLACED`), its
    /// items, its first history row and the `OrderPlaced` outbox row in one
    /// transaction, wakes the relay and broadcasts the update.
    pub async fn place(&self, request: PlaceOrder) -> Result<Order, OrderError> {
        let (order, update) = self.store.run(move |conn| commands::place(conn, request)).await??;
        self.published(update);
        Ok(order)
    }

    /// Cancels order `id` if it is not yet `CONFIRMED`: sets `CANCELLED` and
    /// writes the `OrderCancelled` outbox row in one transaction.
    pub async fn cancel(&self, id: &str) -> Result<Order, OrderError> {
        let id = id.to_owned();
        let (order, update) = self.store.run(move |conn| commands::cancel(conn, &id)).await??;
        self.published(update);
        Ok(order)
    }

    /// Applies an event of the fulfilment to the read model and broadcasts
    /// the change; `None` when it changed nothing (a repeated, late or
    /// irrelevant event, or one about no known order).
    pub async fn apply(&self, event: &ReceivedEvent) -> Result<Option<OrderUpdate>, StoreError> {
        Ok(match self.project(event).await? {
            Projection::Applied(update) => Some(update),
            _ => None,
        })
    }

    /// [`Orders::apply`], saying what happened to the event.
    pub async fn project(&self, event: &ReceivedEvent) -> Result<Projection, StoreError> {
        let event = event.clone();
        let projection = self.store.transaction(move |tx| projection::project(tx, &event, &now_rfc3339())).await?;
        if let Projection::Applied(update) = &projection {
            // Sent after the commit, so a subscriber that reads the order on
            // receipt sees the change. No subscriber is not an error.
            let _ = self.updates.send(update.clone());
        }
        Ok(projection)
    }

    /// Every status change from now on, in commit order.
    pub fn subscribe(&self) -> broadcast::Receiver<OrderUpdate> {
        self.updates.subscribe()
    }

    /// After a command committed: wake the relay, tell the subscribers.
    fn published(&self, update: OrderUpdate) {
        self.outbox_ready.notify_one();
        let _ = self.updates.send(update);
    }
}

/// Now, in RFC 3339 with milliseconds, as every timestamp of the order service.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    // Milliseconds are enough to order changes and keep the strings short.
    let now = now.replace_nanosecond(u32::from(now.millisecond()) * 1_000_000).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| now.unix_timestamp().to_string())
}
