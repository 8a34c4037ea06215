//! The queries: the catalog and the read model.

use async_graphql::{ComplexObject, Context, ID, Object, Result};

use super::store_error;
use crate::orders::{MAX_LIST, MenuItem, Order, OrderStatus, OrderUpdate, Orders, Restaurant};

/// The query root.
#[derive(Debug, Default, Clone, Copy)]
pub struct Query;

#[Object]
impl Query {
    /// Every restaurant, by name.
    async fn restaurants(&self, ctx: &Context<'_>) -> Result<Vec<Restaurant>> {
        ctx.data::<Orders>()?.restaurants().await.map_err(store_error)
    }

    /// A restaurant's menu (empty for an unknown restaurant).
    async fn menu(&self, ctx: &Context<'_>, restaurant_id: ID) -> Result<Vec<MenuItem>> {
        ctx.data::<Orders>()?.menu(&restaurant_id).await.map_err(store_error)
    }

    /// The newest orders (at most 500), only those in `status` if given.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 0, maximum = 500))] limit: i32,
        status: Option<OrderStatus>,
    ) -> Result<Vec<Order>> {
        let limit = usize::try_from(limit).unwrap_or(0).min(MAX_LIST);
        ctx.data::<Orders>()?.orders(limit, status).await.map_err(store_error)
    }

    /// One order, if there is one.
    async fn order(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Order>> {
        ctx.data::<Orders>()?.order(&id).await.map_err(store_error)
    }
}

#[ComplexObject]
impl OrderUpdate {
    /// The order as it is now (which may be later than this update).
    async fn order(&self, ctx: &Context<'_>) -> Result<Option<Order>> {
        ctx.data::<Orders>()?.order(&self.order_id).await.map_err(store_error)
    }
}
