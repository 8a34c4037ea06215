//! The traffic generator: places orders at a set rate through the demo's
//! own GraphQL API, as customers' apps would.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::Shutdown;

/// Path of the traffic control endpoint.
pub const TRAFFIC_PATH: &str = "/_choreoscope/traffic";
/// The most orders per second the generator places.
pub const MAX_ORDERS_PER_SEC: f64 = 200.0;

const CUSTOMERS: [&str; 8] = ["Alice", "Bob", "Carmen", "Dmitri", "Esra", "Femi", "Grace", "Hiro"];

/// Sets and reads the generator's rate. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Traffic {
    rate: watch::Sender<f64>,
}

impl Traffic {
    /// A generator at `orders_per_sec` (0: paused).
    pub fn new(orders_per_sec: f64) -> Self {
        Self { rate: watch::Sender::new(clamp(orders_per_sec)) }
    }

    /// Orders per second now.
    pub fn rate(&self) -> f64 {
        *self.rate.borrow()
    }

    /// Changes the rate (0 pauses); clamped to 0..=[`MAX_ORDERS_PER_SEC`].
    pub fn set_rate(&self, orders_per_sec: f64) {
        self.rate.send_replace(clamp(orders_per_sec));
        tracing::info!(orders_per_sec = self.rate(), "traffic rate set");
    }

    /// Places orders through `graphql_url` at the current rate until shutdown.
    pub async fn run(self, graphql_url: String, mut shutdown: Shutdown) {
        let client = reqwest::Client::new();
        let mut rate = self.rate.subscribe();
        let mut catalog: Vec<(String, Vec<String>)> = Vec::new();
        loop {
            let per_sec = *rate.borrow_and_update();
            if per_sec <= 0.0 {
                tokio::select! {
                    _ = rate.changed() => continue,
                    _ = shutdown.changed() => return,
                }
            }
            let pause = Duration::from_secs_f64(1.0 / per_sec);
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = rate.changed() => continue,
                _ = shutdown.changed() => return,
            }
            if catalog.is_empty() {
                match load_catalog(&client, &graphql_url).await {
                    Ok(loaded) => catalog = loaded,
                    Err(error) => {
                        tracing::warn!(%error, "traffic: the menu could not be read");
                        continue;
                    }
                }
            }
            // Placing runs beside the pacing, so a slow answer does not lower the rate.
            let request = random_order(&catalog);
            let (client, url) = (client.clone(), graphql_url.clone());
            tokio::spawn(async move {
                if let Err(error) = graphql(&client, &url, PLACE_ORDER, request).await {
                    tracing::warn!(%error, "traffic: an order could not be placed");
                }
            });
        }
    }
}

fn clamp(rate: f64) -> f64 {
    if rate.is_finite() { rate.clamp(0.0, MAX_ORDERS_PER_SEC) } else { 0.0 }
}

const PLACE_ORDER: &str = "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }";
const RESTAURANTS: &str = "query { restaurants { id } }";
const MENU: &str = "query Menu($id: ID!) { menu(restaurantId: $id) { id } }";

async fn load_catalog(client: &reqwest::Client, url: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let data = graphql(client, url, RESTAURANTS, json!({})).await?;
    let mut catalog = Vec::new();
    for restaurant in data["restaurants"].as_array().into_iter().flatten() {
        let id = restaurant["id"].as_str().unwrap_or_default().to_owned();
        let menu = graphql(client, url, MENU, json!({"id": id})).await?;
        let items: Vec<String> = menu["menu"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["id"].as_str().map(str::to_owned))
            .collect();
        if !items.is_empty() {
            catalog.push((id, items));
        }
    }
    if catalog.is_empty() { Err("no restaurant has a menu".into()) } else { Ok(catalog) }
}

fn random_order(catalog: &[(String, Vec<String>)]) -> Value {
    let mut rng = rand::rng();
    let Some((restaurant, menu)) = catalog.choose(&mut rng) else { return json!({}) };
    let count = rng.random_range(1..=3.min(menu.len()));
    let items: Vec<Value> = menu
        .choose_multiple(&mut rng, count)
        .map(|item| json!({"menuItemId": item, "quantity": rng.random_range(1..=3)}))
        .collect();
    let customer = CUSTOMERS.choose(&mut rng).copied().unwrap_or("Alice");
    json!({"input": {"customer": customer, "restaurantId": restaurant, "items": items}})
}

/// Runs one GraphQL request and returns its `data`, or the errors' messages.
pub async fn graphql(client: &reqwest::Client, url: &str, query: &str, variables: Value) -> Result<Value, String> {
    let response = client
        .post(url)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let body: Value = response.json().await.map_err(|error| error.to_string())?;
    if let Some(errors) = body["errors"].as_array().filter(|errors| !errors.is_empty()) {
        let messages: Vec<&str> = errors.iter().filter_map(|error| error["message"].as_str()).collect();
        return Err(messages.join("; "));
    }
    Ok(body["data"].clone())
}

/// `GET /_choreoscope/traffic` → `{"ordersPerSec": r}`; `POST` the same to set it.
pub fn router(traffic: Traffic) -> Router {
    Router::new().route(TRAFFIC_PATH, get(read).post(set)).with_state(traffic)
}

async fn read(State(traffic): State<Traffic>) -> Json<Value> {
    Json(json!({"ordersPerSec": traffic.rate()}))
}

async fn set(State(traffic): State<Traffic>, body: axum::body::Bytes) -> Response {
    let rate = serde_json::from_slice::<Value>(&body).ok().and_then(|body| body["ordersPerSec"].as_f64());
    match rate {
        Some(rate) if rate.is_finite() && rate >= 0.0 => {
            traffic.set_rate(rate);
            Json(json!({"ordersPerSec": traffic.rate()})).into_response()
        }
        _ => {
            let message = format!("send {{\"ordersPerSec\": <number from 0 to {MAX_ORDERS_PER_SEC}>}}");
            (StatusCode::BAD_REQUEST, Json(json!({"message": message}))).into_response()
        }
    }
}
