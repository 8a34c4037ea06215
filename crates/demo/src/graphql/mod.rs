//! The GraphQL API of the food-delivery system (the "3factor" front door),
//! served by [`router`]:
//!
//! - `POST /graphql`: queries and mutations (`application/json` GraphQL requests).
//! - `GET /graphql`: the GraphQL Playground; with a WebSocket upgrade, the
//!   subscriptions (as on `/graphql/ws`).
//! - `GET /graphql/ws`: subscriptions over WebSocket. The subprotocol is
//!   chosen from the client's `Sec-WebSocket-Protocol`:
//!   `graphql-transport-ws` (the graphql-ws library's protocol:
//!   `connection_init` → `connection_ack`, `subscribe` → `next`… →
//!   `complete`) or the legacy `graphql-ws` of subscriptions-transport-ws
//!   (`start` → `data`); a client that names none gets
//!   `graphql-transport-ws`.
//!
//! Queries: `restaurants`, `menu(restaurantId)`, `orders(limit = 50, status)`,
//! `order(id)`. Mutations: `placeOrder(input)`, `cancelOrder(id)`.
//! Subscriptions: `orderUpdated(id)` (the order's state when subscribing, then
//! each status change, ending after a final status) and `orders` (every
//! status change of every order). Subscriptions and their sockets end when
//! the demo shuts down.

mod mutation;
mod query;
mod subscription;
#[cfg(test)]
mod tests;
mod ws;

use async_graphql::http::{GraphQLPlaygroundConfig, playground_source};
use async_graphql::{ErrorExtensions, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::Shutdown;
use crate::orders::{OrderError, Orders};
use crate::store::StoreError;

pub use mutation::{Mutation, OrderLineInput, PlaceOrderInput};
pub use query::Query;
pub use subscription::Subscription;

/// Where queries and mutations are posted, and the Playground is served.
pub const PATH: &str = "/graphql";
/// Where subscriptions are served over WebSocket (also on [`PATH`]).
pub const WS_PATH: &str = "/graphql/ws";
/// The deepest query accepted.
const MAX_DEPTH: usize = 16;

/// The demo's GraphQL schema.
pub type DemoSchema = Schema<Query, Mutation, Subscription>;

/// The schema over `orders`; its subscriptions end when `shutdown` turns `true`.
pub fn schema(orders: Orders, shutdown: Shutdown) -> DemoSchema {
    Schema::build(Query, Mutation, Subscription).data(orders).data(shutdown).limit_depth(MAX_DEPTH).finish()
}

/// What the handlers share.
#[derive(Clone)]
struct GraphqlState {
    schema: DemoSchema,
    shutdown: Shutdown,
}

/// The routes of the GraphQL API ([`PATH`], [`WS_PATH`]; see the [module](self)).
/// Open WebSockets close when `shutdown` turns `true`, so they do not hold
/// up a graceful shutdown.
pub fn router(orders: Orders, shutdown: Shutdown) -> Router {
    let state = GraphqlState { schema: schema(orders, shutdown.clone()), shutdown };
    Router::new()
        .route(PATH, get(get_graphql).post(post_graphql))
        .route(WS_PATH, get(get_subscriptions))
        .with_state(state)
}

/// `POST /graphql`.
async fn post_graphql(State(state): State<GraphqlState>, request: GraphQLRequest) -> GraphQLResponse {
    state.schema.execute(request.into_inner()).await.into()
}

/// `GET /graphql`: subscriptions if it is a WebSocket upgrade, else the Playground.
async fn get_graphql(
    State(state): State<GraphqlState>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => ws::upgrade(upgrade, state.schema, state.shutdown),
        Err(_) => {
            Html(playground_source(GraphQLPlaygroundConfig::new(PATH).subscription_endpoint(WS_PATH))).into_response()
        }
    }
}

/// `GET /graphql/ws`.
async fn get_subscriptions(State(state): State<GraphqlState>, upgrade: WebSocketUpgrade) -> Response {
    ws::upgrade(upgrade, state.schema, state.shutdown)
}

/// An order command's refusal as a GraphQL error: its message, and a `code`
/// extension telling the client's mistakes from the server's.
fn order_error(error: OrderError) -> async_graphql::Error {
    let code = match &error {
        OrderError::UnknownOrder(_) | OrderError::UnknownRestaurant(_) => "NOT_FOUND",
        OrderError::Store(_) => "INTERNAL_SERVER_ERROR",
        _ => "BAD_USER_INPUT",
    };
    async_graphql::Error::new(error.to_string()).extend_with(|_, extensions| extensions.set("code", code))
}

/// A store failure as a GraphQL error.
fn store_error(error: StoreError) -> async_graphql::Error {
    order_error(OrderError::Store(error))
}
