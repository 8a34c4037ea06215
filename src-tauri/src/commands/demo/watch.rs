//! [`OrderWatch`]: the demo's `orderUpdated(id)` GraphQL subscription over
//! `graphql-transport-ws` (`/graphql/ws`), read in Rust so that the app can
//! forward each update to the UI as a Tauri event.

use std::time::Duration;

use choreoscope_model::{AppError, DemoOrderUpdate};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long connecting and the protocol's handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The one subscription's id on the socket.
const SUBSCRIPTION_ID: &str = "order";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One order's subscription. Read it with [`OrderWatch::next`] until `None`.
pub struct OrderWatch {
    order_id: String,
    socket: Socket,
    ended: bool,
}

impl OrderWatch {
    /// Opens the socket to the local system at `endpoint_url`, waits for
    /// `connection_ack` and subscribes to `orderUpdated(order_id)`.
    pub async fn connect(endpoint_url: &str, order_id: &str) -> Result<Self, AppError> {
        let url = format!("{}/graphql/ws", endpoint_url.trim_end_matches('/').replacen("http", "ws", 1));
        let handshake = async {
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(|error| AppError::new(format!("{url} is not a WebSocket address: {error}")))?;
            request.headers_mut().insert("Sec-WebSocket-Protocol", http_value("graphql-transport-ws"));
            let (mut socket, _) = tokio_tungstenite::connect_async(request)
                .await
                .map_err(|error| AppError::new(format!("The demo's subscriptions do not answer at {url}: {error}")))?;
            send(&mut socket, json!({"type": "connection_init"})).await?;
            loop {
                match read(&mut socket).await? {
                    Some(message) if message["type"] == "connection_ack" => break,
                    Some(_) => {}
                    None => return Err(AppError::new("The demo closed the subscription before accepting it")),
                }
            }
            let query = "subscription($id: ID!) { orderUpdated(id: $id) { orderId status previous eventType at } }";
            let subscribe = json!({"id": SUBSCRIPTION_ID, "type": "subscribe",
                "payload": {"query": query, "variables": {"id": order_id}}});
            send(&mut socket, subscribe).await?;
            Ok(socket)
        };
        let socket = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake)
            .await
            .map_err(|_| AppError::new(format!("The demo's subscriptions at {url} did not answer within 10 s")))??;
        Ok(Self { order_id: order_id.to_owned(), socket, ended: false })
    }

    /// The next update: a status change, or last the one that says the
    /// subscription ended (`ended`, with `error` if it ended on one).
    /// `None` after that.
    pub async fn next(&mut self) -> Option<DemoOrderUpdate> {
        if self.ended {
            return None;
        }
        loop {
            let message = match read(&mut self.socket).await {
                Ok(Some(message)) => message,
                Ok(None) => return Some(self.end(Some("The demo closed the subscription".to_owned()))),
                Err(error) => return Some(self.end(Some(error.message))),
            };
            match message["type"].as_str() {
                Some("next") => {
                    let update = &message["payload"]["data"]["orderUpdated"];
                    if let Some(errors) = message["payload"]["errors"].as_array().filter(|e| !e.is_empty()) {
                        return Some(self.end(Some(messages(errors))));
                    }
                    let text = |key: &str| update[key].as_str().map(ToOwned::to_owned);
                    return Some(DemoOrderUpdate {
                        order_id: text("orderId").unwrap_or_else(|| self.order_id.clone()),
                        status: text("status"),
                        previous: text("previous"),
                        event_type: text("eventType"),
                        at: text("at"),
                        ended: false,
                        error: None,
                    });
                }
                Some("error") => {
                    let errors = message["payload"].as_array().cloned().unwrap_or_default();
                    return Some(self.end(Some(messages(&errors))));
                }
                Some("complete") => return Some(self.end(None)),
                Some("ping") => {
                    if let Err(error) = send(&mut self.socket, json!({"type": "pong"})).await {
                        return Some(self.end(Some(error.message)));
                    }
                }
                _ => {}
            }
        }
    }

    /// Marks the watch ended and says so.
    fn end(&mut self, error: Option<String>) -> DemoOrderUpdate {
        self.ended = true;
        DemoOrderUpdate {
            order_id: self.order_id.clone(),
            status: None,
            previous: None,
            event_type: None,
            at: None,
            ended: true,
            error,
        }
    }
}

fn http_value(text: &'static str) -> tokio_tungstenite::tungstenite::http::HeaderValue {
    tokio_tungstenite::tungstenite::http::HeaderValue::from_static(text)
}

fn messages(errors: &[Value]) -> String {
    let words: Vec<&str> = errors.iter().filter_map(|error| error["message"].as_str()).collect();
    if words.is_empty() { "The subscription failed".to_owned() } else { words.join("; ") }
}

async fn send(socket: &mut Socket, message: Value) -> Result<(), AppError> {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .map_err(|error| AppError::new(format!("The subscription could not send to the demo: {error}")))
}

/// The next protocol message (JSON text frames); `None` once the socket closed.
async fn read(socket: &mut Socket) -> Result<Option<Value>, AppError> {
    while let Some(frame) = socket.next().await {
        match frame {
            Ok(Message::Text(text)) => {
                return serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|error| AppError::new(format!("The demo sent a message that is not JSON: {error}")));
            }
            Ok(Message::Close(_)) => return Ok(None),
            Ok(_) => {}
            Err(error) => return Err(AppError::new(format!("The subscription's socket failed: {error}"))),
        }
    }
    Ok(None)
}
