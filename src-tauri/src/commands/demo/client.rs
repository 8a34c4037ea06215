//! [`DemoClient`]: the food-delivery demo's own HTTP endpoints on the local
//! system (`/_choreoscope/faults`, `/_choreoscope/traffic`,
//! `/_choreoscope/demo`) and its GraphQL API (`/graphql`), called from Rust
//! so the webview talks only to Tauri.

use std::time::Duration;

use choreoscope_model::{
    AppError, ConnectionInfo, ConnectionMode, DemoFaults, DemoMenuItem, DemoOrder, DemoOrderLine, DemoRestaurant,
    DemoStatus,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// What a demo command says on AWS.
pub const LOCAL_ONLY: &str = "Demo controls work in local mode only";
/// How long any one call to the demo may take: it answers at once unless it is gone.
const TIMEOUT: Duration = Duration::from_secs(10);

const ORDER_FIELDS: &str = "id customer restaurantId totalCents status placedAt";

/// A client of one local system's demo.
#[derive(Debug, Clone)]
pub struct DemoClient {
    base: String,
    http: reqwest::Client,
}

impl DemoClient {
    /// A client of the demo on the local system at `endpoint_url`.
    pub fn new(endpoint_url: &str) -> Result<Self, AppError> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| AppError::new(format!("cannot make an HTTP client: {error}")))?;
        Ok(Self { base: endpoint_url.trim_end_matches('/').to_owned(), http })
    }

    /// The client of the connection's demo; an error in words on AWS.
    pub fn for_connection(info: &ConnectionInfo) -> Result<Self, AppError> {
        match (info.mode, &info.endpoint_url) {
            (ConnectionMode::Local, Some(endpoint)) => Self::new(endpoint),
            (ConnectionMode::Local, None) => Err(AppError::new("The local system's endpoint is not known")),
            (ConnectionMode::Aws, _) => Err(AppError::new(LOCAL_ONLY)),
        }
    }

    /// The local system's endpoint (`http://127.0.0.1:PORT`).
    pub fn endpoint_url(&self) -> &str {
        &self.base
    }

    /// The faults in force and the traffic rate.
    pub async fn status(&self) -> Result<DemoStatus, AppError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Status {
            faults: DemoFaults,
            orders_per_sec: f64,
        }
        let status: Status = self.call(reqwest::Method::GET, "/_choreoscope/demo", None).await?;
        Ok(DemoStatus { faults: status.faults, orders_per_sec: status.orders_per_sec })
    }

    /// Changes the partner's and/or the notification provider's fault
    /// (`down`, `flaky=30`, …); answers the faults now in force.
    pub async fn set_faults(&self, partner: Option<&str>, notifications: Option<&str>) -> Result<DemoFaults, AppError> {
        let mut body = json!({});
        if let Some(partner) = partner {
            body["partner"] = partner.into();
        }
        if let Some(notifications) = notifications {
            body["notifications"] = notifications.into();
        }
        self.call(reqwest::Method::POST, "/_choreoscope/faults", Some(body)).await
    }

    /// Sets the traffic generator's rate (0 pauses it); answers the rate set
    /// (the demo caps it).
    pub async fn set_traffic(&self, orders_per_sec: f64) -> Result<f64, AppError> {
        if !orders_per_sec.is_finite() || orders_per_sec < 0.0 {
            return Err(AppError::new(format!(
                "The traffic rate must be 0 or more orders a second, not {orders_per_sec}"
            )));
        }
        let answer: Value = self
            .call(reqwest::Method::POST, "/_choreoscope/traffic", Some(json!({"ordersPerSec": orders_per_sec})))
            .await?;
        answer["ordersPerSec"].as_f64().ok_or_else(|| AppError::new(format!("The demo answered {answer}")))
    }

    /// Every restaurant.
    pub async fn restaurants(&self) -> Result<Vec<DemoRestaurant>, AppError> {
        self.graphql("query { restaurants { id name cuisine } }", json!({}), "restaurants").await
    }

    /// A restaurant's menu (empty for an unknown restaurant).
    pub async fn menu(&self, restaurant_id: &str) -> Result<Vec<DemoMenuItem>, AppError> {
        let query = "query($id: ID!) { menu(restaurantId: $id) { id name priceCents } }";
        self.graphql(query, json!({"id": restaurant_id}), "menu").await
    }

    /// Places an order (`placeOrder`).
    pub async fn place_order(
        &self,
        customer: &str,
        restaurant_id: &str,
        items: &[DemoOrderLine],
    ) -> Result<DemoOrder, AppError> {
        let query = format!("mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}");
        let input = json!({"customer": customer, "restaurantId": restaurant_id, "items": items});
        self.graphql(&query, json!({"input": input}), "placeOrder").await
    }

    /// Cancels an order the restaurant has not confirmed yet (`cancelOrder`).
    pub async fn cancel_order(&self, order_id: &str) -> Result<DemoOrder, AppError> {
        let query = format!("mutation($id: ID!) {{ cancelOrder(id: $id) {{ {ORDER_FIELDS} }} }}");
        self.graphql(&query, json!({"id": order_id}), "cancelOrder").await
    }

    /// Runs a GraphQL request and reads `data.<field>`; GraphQL errors
    /// become the error, in the demo's words.
    async fn graphql<T: DeserializeOwned>(&self, query: &str, variables: Value, field: &str) -> Result<T, AppError> {
        let body: Value =
            self.call(reqwest::Method::POST, "/graphql", Some(json!({"query": query, "variables": variables}))).await?;
        if let Some(errors) = body["errors"].as_array().filter(|errors| !errors.is_empty()) {
            let messages: Vec<&str> = errors.iter().filter_map(|error| error["message"].as_str()).collect();
            return Err(AppError::new(messages.join("; ")));
        }
        serde_json::from_value(body["data"][field].clone())
            .map_err(|error| AppError::new(format!("The demo's GraphQL API answered {field} unexpectedly: {error}")))
    }

    /// One call to the demo: its JSON answer, or its `message` when it refuses.
    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, AppError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|error| AppError::new(format!("The demo does not answer at {url}: {error}")))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(AppError::new(format!(
                "No demo runs on the local system at {} (was the app started with --no-demo?)",
                self.base
            )));
        }
        let text = response
            .text()
            .await
            .map_err(|error| AppError::new(format!("The demo's answer from {url} could not be read: {error}")))?;
        if !status.is_success() {
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|body| body["message"].as_str().map(ToOwned::to_owned))
                .unwrap_or(text);
            return Err(AppError::new(message));
        }
        serde_json::from_str(&text)
            .map_err(|error| AppError::new(format!("The demo answered {url} unexpectedly ({error}): {text}")))
    }
}
