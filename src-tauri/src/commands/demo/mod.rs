//! The demo controls' commands (local mode): the food-delivery demo's fault
//! switches, traffic rate and GraphQL API, and a watched order's
//! subscription forwarded as `demo-order-update` events. On AWS every one
//! answers [`client::LOCAL_ONLY`].

pub mod client;
pub mod watch;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use choreoscope_model::{
    AppError, DemoFaults, DemoMenuItem, DemoOrder, DemoOrderLine, DemoOrderUpdate, DemoRestaurant, DemoStatus,
};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::state::AppState;
use client::DemoClient;
use watch::OrderWatch;

/// Event name of a watched order's update; payload: `DemoOrderUpdate`.
pub const DEMO_ORDER_UPDATE: &str = "demo-order-update";

/// The orders being watched, each by its subscription's task.
#[derive(Default)]
struct Watches(Mutex<HashMap<String, JoinHandle<()>>>);

impl Watches {
    /// Keeps `task` as the watch of `order_id`, ending the one before.
    fn replace(&self, order_id: &str, task: JoinHandle<()>) {
        let mut watches = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        watches.retain(|_, task| !task.inner().is_finished());
        if let Some(before) = watches.insert(order_id.to_owned(), task) {
            before.abort();
        }
    }

    /// Ends the watch of `order_id`, if any.
    fn end(&self, order_id: &str) {
        let mut watches = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = watches.remove(order_id) {
            task.abort();
        }
    }
}

fn client(state: &State<'_, AppState>) -> Result<DemoClient, AppError> {
    DemoClient::for_connection(state.observer().info())
}

/// The demo's faults in force and its traffic rate.
#[tauri::command]
pub async fn demo_status(state: State<'_, AppState>) -> Result<DemoStatus, AppError> {
    client(&state)?.status().await
}

/// Changes the restaurant partner's and/or the notification provider's
/// fault; answers the faults now in force.
#[tauri::command]
pub async fn set_demo_faults(
    state: State<'_, AppState>,
    partner: Option<String>,
    notifications: Option<String>,
) -> Result<DemoFaults, AppError> {
    client(&state)?.set_faults(partner.as_deref(), notifications.as_deref()).await
}

/// Sets the traffic generator's rate in orders a second (0 pauses it);
/// answers the rate set.
#[tauri::command]
pub async fn set_demo_traffic(state: State<'_, AppState>, orders_per_sec: f64) -> Result<f64, AppError> {
    client(&state)?.set_traffic(orders_per_sec).await
}

/// The demo's restaurants.
#[tauri::command]
pub async fn demo_restaurants(state: State<'_, AppState>) -> Result<Vec<DemoRestaurant>, AppError> {
    client(&state)?.restaurants().await
}

/// A restaurant's menu.
#[tauri::command]
pub async fn demo_menu(state: State<'_, AppState>, restaurant_id: String) -> Result<Vec<DemoMenuItem>, AppError> {
    client(&state)?.menu(&restaurant_id).await
}

/// Places an order through the demo's GraphQL API.
#[tauri::command]
pub async fn place_demo_order(
    state: State<'_, AppState>,
    customer: String,
    restaurant_id: String,
    items: Vec<DemoOrderLine>,
) -> Result<DemoOrder, AppError> {
    client(&state)?.place_order(&customer, &restaurant_id, &items).await
}

/// Cancels an order the restaurant has not confirmed yet.
#[tauri::command]
pub async fn cancel_demo_order(state: State<'_, AppState>, order_id: String) -> Result<DemoOrder, AppError> {
    client(&state)?.cancel_order(&order_id).await
}

/// Subscribes to an order's updates (`orderUpdated`) and forwards each as a
/// `demo-order-update` event, the last one with `ended`. Returns once the
/// subscription is accepted; watching an order again replaces its watch.
#[tauri::command]
pub async fn watch_demo_order(app: AppHandle, state: State<'_, AppState>, order_id: String) -> Result<(), AppError> {
    let demo = client(&state)?;
    let mut watch = OrderWatch::connect(demo.endpoint_url(), &order_id).await?;
    let emitter = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        while let Some(update) = watch.next().await {
            forward(&emitter, &update);
        }
    });
    app.manage(Watches::default());
    app.state::<Watches>().replace(&order_id, task);
    Ok(())
}

/// Ends an order's watch (nothing if it has none).
#[tauri::command]
pub fn unwatch_demo_order(app: AppHandle, order_id: String) {
    if let Some(watches) = app.try_state::<Watches>() {
        watches.end(&order_id);
    }
}

fn forward(app: &AppHandle, update: &DemoOrderUpdate) {
    if let Err(error) = app.emit(DEMO_ORDER_UPDATE, update) {
        tracing::warn!(%error, order = %update.order_id, "cannot forward the order's update to the UI");
    }
}
