//! The subscriptions: status changes pushed as the projection commits them.

use async_graphql::{Context, ID, Result, Subscription as SubscriptionObject};
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::broadcast::{Receiver, error::RecvError};

use super::{order_error, store_error};
use crate::Shutdown;
use crate::orders::{OrderError, OrderStatus, OrderUpdate, Orders};

/// The subscription root.
#[derive(Debug, Default, Clone, Copy)]
pub struct Subscription;

#[SubscriptionObject]
impl Subscription {
    /// The status changes of order `id`, in order: first its state when
    /// subscribing, then each change; it completes after a final status
    /// (`DELIVERED`, `REJECTED`, `CANCELLED`, `FAILED`).
    async fn order_updated(&self, ctx: &Context<'_>, id: ID) -> Result<impl Stream<Item = OrderUpdate> + use<>> {
        let orders = ctx.data::<Orders>()?.clone();
        let shutdown = ctx.data::<Shutdown>()?.clone();
        // Subscribed before reading the current state, so a change committed
        // in between is not lost (it is skipped below if already included).
        let updates = orders.subscribe();
        let Some(current) = orders.last_update(&id).await.map_err(store_error)? else {
            return Err(order_error(OrderError::UnknownOrder(id.0)));
        };
        Ok(until_shutdown(one_order(orders, updates, current), shutdown))
    }

    /// Every status change of every order from now on.
    async fn orders(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = OrderUpdate> + use<>> {
        let updates = ctx.data::<Orders>()?.subscribe();
        let shutdown = ctx.data::<Shutdown>()?.clone();
        Ok(until_shutdown(all_orders(updates), shutdown))
    }
}

/// Ends `updates` when the demo shuts down.
fn until_shutdown(
    updates: impl Stream<Item = OrderUpdate> + Send + 'static,
    mut shutdown: Shutdown,
) -> impl Stream<Item = OrderUpdate> + Send + 'static {
    // A dropped sender means the demo is gone as well: both end the stream.
    updates.take_until(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    })
}

/// Where a one-order subscription is.
struct OneOrder {
    orders: Orders,
    /// The subscribed order.
    id: String,
    updates: Receiver<OrderUpdate>,
    /// The update to send next, before reading the channel.
    next: Option<OrderUpdate>,
    /// The status last sent.
    last: Option<OrderStatus>,
}

/// `current`, then the changes of its order from `updates`. Each change moves
/// the order to a higher rank, so a change at or below the rank last sent is
/// one already sent (or included in `current`).
fn one_order(
    orders: Orders,
    updates: Receiver<OrderUpdate>,
    current: OrderUpdate,
) -> impl Stream<Item = OrderUpdate> + Send + 'static {
    let state = OneOrder { orders, id: current.order_id.clone(), updates, next: Some(current), last: None };
    stream::unfold(state, |mut state| async move {
        if state.last.is_some_and(OrderStatus::is_final) {
            return None;
        }
        let update = match state.next.take() {
            Some(update) => update,
            None => next_change(&mut state).await?,
        };
        state.last = Some(update.status);
        Some((update, state))
    })
}

/// The next change of the subscribed order; `None` once the channel closed.
async fn next_change(state: &mut OneOrder) -> Option<OrderUpdate> {
    let last = state.last?;
    loop {
        match state.updates.recv().await {
            Ok(update) if update.order_id == state.id && last.can_move_to(update.status) => return Some(update),
            Ok(_) => {}
            Err(RecvError::Lagged(missed)) => {
                // The subscriber fell behind; the store has the latest state.
                tracing::warn!(missed, "an orderUpdated subscription missed updates; it reads the order again");
                if let Ok(Some(mut update)) = state.orders.last_update(&state.id).await
                    && last.can_move_to(update.status)
                {
                    update.previous = Some(last);
                    return Some(update);
                }
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

/// Every update from `updates`; missed ones (a slow subscriber) are skipped.
fn all_orders(updates: Receiver<OrderUpdate>) -> impl Stream<Item = OrderUpdate> + Send + 'static {
    stream::unfold(updates, |mut updates| async move {
        loop {
            match updates.recv().await {
                Ok(update) => return Some((update, updates)),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "an orders subscription fell behind and missed updates");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
