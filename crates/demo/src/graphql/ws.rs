//! Subscriptions over WebSocket, closed when the demo shuts down.
//!
//! `async_graphql_axum::GraphQLSubscription` serves a socket until the
//! client leaves, which would hold a graceful shutdown forever; this serves
//! the same protocols (`graphql-transport-ws`, legacy `graphql-ws`) with
//! `async_graphql::http::WebSocket` and ends the socket on shutdown with a
//! `1001 Going Away` close frame.

use async_graphql::http::WebSocketProtocols;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt, future};

use super::DemoSchema;
use crate::Shutdown;

/// WebSocket close code "going away": the server is shutting down.
const GOING_AWAY: u16 = 1001;

/// Accepts the upgrade with the subprotocol the client asked for (the first
/// one of its list the server speaks), or `graphql-transport-ws` if it named
/// none.
pub(super) fn upgrade(upgrade: WebSocketUpgrade, schema: DemoSchema, shutdown: Shutdown) -> Response {
    let requested: Vec<String> =
        upgrade.requested_protocols().filter_map(|value| value.to_str().ok()).map(str::to_owned).collect();
    let protocol = if requested.is_empty() {
        WebSocketProtocols::GraphQLWS
    } else {
        match requested.iter().find_map(|name| name.trim().parse::<WebSocketProtocols>().ok()) {
            Some(protocol) => protocol,
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    "Sec-WebSocket-Protocol must offer graphql-transport-ws or graphql-ws",
                )
                    .into_response();
            }
        }
    };
    let mut upgrade = upgrade;
    if !requested.is_empty() {
        // Echoed back only when asked for: RFC 6455 forbids choosing a
        // subprotocol the client did not offer.
        upgrade.set_selected_protocol(HeaderValue::from_static(protocol.sec_websocket_protocol()));
    }
    upgrade.on_upgrade(move |socket| serve(socket, schema, protocol, shutdown))
}

/// Serves one socket until the client leaves or the demo shuts down.
async fn serve(socket: WebSocket, schema: DemoSchema, protocol: WebSocketProtocols, shutdown: Shutdown) {
    let (mut sink, stream) = socket.split();
    let mut stopping = shutdown.clone();
    // Ending the input ends the protocol's stream, and with it the socket.
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        })
        .take_until(async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        });
    let output = async_graphql::http::WebSocket::new(schema, input, protocol);
    let mut output = std::pin::pin!(output);
    while let Some(message) = output.next().await {
        let message = match message {
            async_graphql::http::WsMessage::Text(text) => Message::Text(text.into()),
            async_graphql::http::WsMessage::Close(code, reason) => {
                Message::Close(Some(CloseFrame { code, reason: reason.into() }))
            }
        };
        if sink.send(message).await.is_err() {
            return;
        }
    }
    if *shutdown.borrow() {
        let frame = CloseFrame { code: GOING_AWAY, reason: "the demo is shutting down".into() };
        // The client may be gone already; there is nobody to tell then.
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
}
