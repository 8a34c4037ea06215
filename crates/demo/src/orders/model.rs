//! The order service's types: the catalog, orders, their status and the
//! updates the projection broadcasts. They are also the GraphQL types.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A restaurant of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Restaurant {
    /// `r-…`.
    pub id: String,
    /// What customers see.
    pub name: String,
    /// The kind of food, e.g. `Italian`.
    pub cuisine: String,
}

/// A dish of a restaurant's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct MenuItem {
    /// `m-…`.
    pub id: String,
    /// The restaurant whose menu it is on.
    pub restaurant_id: String,
    /// What customers see.
    pub name: String,
    /// The price in euro cents.
    pub price_cents: i64,
}

/// One line of an order: the menu item's name and price are copied at the
/// time of the order, so a later menu change does not rewrite history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// The menu item ordered.
    pub menu_item_id: String,
    /// Its name when ordered.
    pub name: String,
    /// How many.
    pub quantity: i64,
    /// Its price in cents when ordered.
    pub unit_price_cents: i64,
}

/// One step of an order's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The status the order moved to.
    pub status: OrderStatus,
    /// The event that moved it (`OrderPlaced`, `PaymentCharged`, …).
    pub event_type: String,
    /// When the order service recorded it (RFC 3339).
    pub at: String,
}

/// An order as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// `o-…`; also the correlation id of every event of the order.
    pub id: String,
    /// Who ordered.
    pub customer: String,
    /// The restaurant ordered from.
    pub restaurant_id: String,
    /// What was ordered.
    pub items: Vec<OrderItem>,
    /// The sum of the lines, in cents.
    pub total_cents: i64,
    /// Where the order is now.
    pub status: OrderStatus,
    /// When it was placed (RFC 3339).
    pub placed_at: String,
    /// When its status last changed (RFC 3339).
    pub updated_at: String,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusChange>,
}

/// A change of an order's status, broadcast to subscribers once committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
#[graphql(complex)]
pub struct OrderUpdate {
    /// The order that changed.
    pub order_id: String,
    /// Its new status.
    pub status: OrderStatus,
    /// Its status before; absent for a new order (or the first update a
    /// subscription sends, which is the order's state when it subscribed).
    pub previous: Option<OrderStatus>,
    /// The event that changed it.
    pub event_type: String,
    /// The id of that event: the EventBridge event id for a projected event,
    /// the event's idempotency key for a change the order service made itself.
    pub event_id: String,
    /// When the change was recorded (RFC 3339).
    pub at: String,
}

/// What to order: `items` are `(menu item id, quantity)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOrder {
    /// Who orders.
    pub customer: String,
    /// The restaurant to order from.
    pub restaurant_id: String,
    /// `(menu item id, quantity)`, one per line.
    pub items: Vec<(String, u32)>,
}

/// Where an order is. Non-terminal statuses are ranked in the order the
/// fulfilment goes through them; the projection only ever moves an order to
/// a higher rank, so events that arrive out of order cannot move it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Written by `placeOrder`; `OrderPlaced` is on its way to the bus.
    Placed,
    /// `PaymentCharged`.
    PaymentCharged,
    /// `RestaurantConfirmationRequested`: the workflow waits for the restaurant.
    AwaitingRestaurant,
    /// `RestaurantConfirmed`.
    Confirmed,
    /// `OrderReadyForPickup`.
    ReadyForPickup,
    /// `CourierAssigned`.
    CourierAssigned,
    /// `OrderDelivered`: final.
    Delivered,
    /// `OrderRejected` (by the restaurant): terminal.
    Rejected,
    /// `OrderCancelled` (by the customer): terminal.
    Cancelled,
    /// `OrderFailed`: terminal.
    Failed,
}

impl OrderStatus {
    /// Every status, in rank order.
    pub const ALL: [OrderStatus; 10] = [
        Self::Placed,
        Self::PaymentCharged,
        Self::AwaitingRestaurant,
        Self::Confirmed,
        Self::ReadyForPickup,
        Self::CourierAssigned,
        Self::Delivered,
        Self::Rejected,
        Self::Cancelled,
        Self::Failed,
    ];

    /// The status's place in the fulfilment: `PLACED` 0 … `DELIVERED` 6, the
    /// terminal failures 7.
    pub fn rank(self) -> u8 {
        match self {
            Self::Placed => 0,
            Self::PaymentCharged => 1,
            Self::AwaitingRestaurant => 2,
            Self::Confirmed => 3,
            Self::ReadyForPickup => 4,
            Self::CourierAssigned => 5,
            Self::Delivered => 6,
            Self::Rejected | Self::Cancelled | Self::Failed => 7,
        }
    }

    /// Whether the order failed for good: `REJECTED`, `CANCELLED`, `FAILED`.
    pub fn is_terminal(self) -> bool {
        self.rank() == 7
    }

    /// Whether nothing moves the order any more: a terminal failure, or
    /// `DELIVERED` (a late failure event cannot undo a delivery).
    pub fn is_final(self) -> bool {
        self.is_terminal() || self == Self::Delivered
    }

    /// Whether an order in this status may move to `next`: only forward in
    /// rank, and never out of a final status.
    pub fn can_move_to(self, next: OrderStatus) -> bool {
        !self.is_final() && next.rank() > self.rank()
    }

    /// The status an event of `detail-type` `event_type` moves an order to;
    /// `None` for events that do not change the status.
    pub fn from_event_type(event_type: &str) -> Option<Self> {
        Some(match event_type {
            "OrderPlaced" => Self::Placed,
            "PaymentCharged" => Self::PaymentCharged,
            "RestaurantConfirmationRequested" => Self::AwaitingRestaurant,
            "RestaurantConfirmed" => Self::Confirmed,
            "OrderReadyForPickup" => Self::ReadyForPickup,
            "CourierAssigned" => Self::CourierAssigned,
            "OrderDelivered" => Self::Delivered,
            "OrderRejected" => Self::Rejected,
            "OrderCancelled" => Self::Cancelled,
            "OrderFailed" => Self::Failed,
            _ => return None,
        })
    }

    /// The name as stored and shown: `PAYMENT_CHARGED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "PLACED",
            Self::PaymentCharged => "PAYMENT_CHARGED",
            Self::AwaitingRestaurant => "AWAITING_RESTAURANT",
            Self::Confirmed => "CONFIRMED",
            Self::ReadyForPickup => "READY_FOR_PICKUP",
            Self::CourierAssigned => "COURIER_ASSIGNED",
            Self::Delivered => "DELIVERED",
            Self::Rejected => "REJECTED",
            Self::Cancelled => "CANCELLED",
            Self::Failed => "FAILED",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of [`OrderStatus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for OrderStatus {
    type Err = UnknownStatus;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|status| status.as_str() == name).ok_or_else(|| UnknownStatus(name.to_owned()))
    }
}
