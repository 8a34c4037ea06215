//! The demo controls (local mode): the food-delivery demo's fault switches,
//! traffic generator and GraphQL API, as the UI sees them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The faults in force in the simulated partners, in the demo's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoFaults {
    /// The restaurant partner: `healthy`, `down`, `slow`, `flaky=<percent>`,
    /// `rejecting` or `silent`.
    pub partner: String,
    /// The notification provider: `healthy` or `down`.
    pub notifications: String,
}

/// What the demo's controls show: its faults and its traffic rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoStatus {
    /// The faults in force.
    pub faults: DemoFaults,
    /// The traffic generator's rate (0: paused).
    pub orders_per_sec: f64,
}

/// A restaurant of the demo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoRestaurant {
    /// `r-…`.
    pub id: String,
    /// What customers see.
    pub name: String,
    /// The kind of food.
    pub cuisine: String,
}

/// A dish of a restaurant's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoMenuItem {
    /// `m-…`.
    pub id: String,
    /// What customers see.
    pub name: String,
    /// The price in euro cents.
    #[ts(type = "number")]
    pub price_cents: i64,
}

/// One line of an order to place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoOrderLine {
    /// The menu item.
    pub menu_item_id: String,
    /// How many (1 to 99).
    pub quantity: u32,
}

/// An order as the demo's read model holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoOrder {
    /// `o-…`; also the correlation id of every event of the order.
    pub id: String,
    /// Who ordered.
    pub customer: String,
    /// The restaurant ordered from.
    pub restaurant_id: String,
    /// The sum of its lines, in cents.
    #[ts(type = "number")]
    pub total_cents: i64,
    /// Where it is now (`PLACED`, … `DELIVERED`).
    pub status: String,
    /// When it was placed (RFC 3339).
    pub placed_at: String,
}

/// What a watched order's subscription (`orderUpdated`) pushed, as the
/// `demo-order-update` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoOrderUpdate {
    /// The order.
    pub order_id: String,
    /// Its new status; `None` when this only says the subscription ended.
    pub status: Option<String>,
    /// Its status before, when known.
    pub previous: Option<String>,
    /// The event that changed it (`PaymentCharged`, …).
    pub event_type: Option<String>,
    /// When the change was recorded (RFC 3339).
    pub at: Option<String>,
    /// Whether the subscription has ended (a final status, or an error).
    pub ended: bool,
    /// Why it ended early, in words.
    pub error: Option<String>,
}
