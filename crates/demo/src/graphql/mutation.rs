//! The mutations: placing and cancelling orders.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::order_error;
use crate::orders::{Order, OrderError, Orders, PlaceOrder};

/// One line of a new order.
#[derive(Debug, Clone, InputObject)]
pub struct OrderLineInput {
    /// A menu item of the restaurant ordered from.
    pub menu_item_id: ID,
    /// How many (1 to 99).
    pub quantity: i32,
}

/// A new order.
#[derive(Debug, Clone, InputObject)]
pub struct PlaceOrderInput {
    /// Who orders.
    pub customer: String,
    /// The restaurant to order from.
    pub restaurant_id: ID,
    /// What to order (1 to 50 lines).
    pub items: Vec<OrderLineInput>,
}

impl TryFrom<PlaceOrderInput> for PlaceOrder {
    type Error = OrderError;

    fn try_from(input: PlaceOrderInput) -> Result<Self, OrderError> {
        let items = input
            .items
            .into_iter()
            .map(|line| match u32::try_from(line.quantity) {
                Ok(quantity) => Ok((line.menu_item_id.0, quantity)),
                Err(_) => {
                    Err(OrderError::BadQuantity { item: line.menu_item_id.0, quantity: i64::from(line.quantity) })
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(PlaceOrder { customer: input.customer, restaurant_id: input.restaurant_id.0, items })
    }
}

/// The mutation root.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mutation;

#[Object]
impl Mutation {
    /// Places an order; it starts `PLACED` and `OrderPlaced` goes to the bus.
    async fn place_order(&self, ctx: &Context<'_>, input: PlaceOrderInput) -> Result<Order> {
        let request = PlaceOrder::try_from(input).map_err(order_error)?;
        ctx.data::<Orders>()?.place(request).await.map_err(order_error)
    }

    /// Cancels an order that the restaurant has not confirmed yet.
    async fn cancel_order(&self, ctx: &Context<'_>, id: ID) -> Result<Order> {
        ctx.data::<Orders>()?.cancel(&id).await.map_err(order_error)
    }
}
