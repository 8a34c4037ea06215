//! The invoker against a real HTTP server on loopback.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};

use super::*;

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
}

#[derive(Default)]
struct Server {
    seen: Mutex<Vec<Seen>>,
    /// Token requests answered so far.
    tokens_issued: Mutex<u32>,
    /// The one token `/protected` accepts.
    valid_token: Mutex<Option<String>>,
}

impl Server {
    fn record(&self, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) {
        let body = String::from_utf8_lossy(&body).into_owned();
        self.seen.lock().expect("lock").push(Seen { method, uri, headers, body });
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    fn tokens_issued(&self) -> u32 {
        *self.tokens_issued.lock().expect("lock")
    }
}

async fn ok(
    State(server): State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    server.record(method, uri, headers, body);
    StatusCode::OK
}

async fn status(
    State(server): State<Arc<Server>>,
    Path(code): Path<u16>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    server.record(method, uri, headers, body);
    let status = StatusCode::from_u16(code).expect("status");
    if code == 429 || code == 503 {
        return (status, [("retry-after", "3")]).into_response();
    }
    status.into_response()
}

async fn slow() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(6)).await;
    StatusCode::OK
}

async fn token(
    State(server): State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    server.record(method, uri, headers, body);
    let issued = {
        let mut issued = server.tokens_issued.lock().expect("lock");
        *issued += 1;
        *issued
    };
    let token = format!("token-{issued}");
    *server.valid_token.lock().expect("lock") = Some(token.clone());
    axum::Json(serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600})).into_response()
}

async fn protected(
    State(server): State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let valid = server.valid_token.lock().expect("lock").clone();
    let given = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    server.record(method, uri, headers, body);
    match (valid, given) {
        (Some(valid), Some(given)) if given == format!("Bearer {valid}") => StatusCode::OK,
        _ => StatusCode::UNAUTHORIZED,
    }
}

/// Starts the server on a free loopback port.
async fn serve() -> (SocketAddr, Arc<Server>) {
    let server = Arc::new(Server::default());
    let app = Router::new()
        .route("/ok", any(ok))
        .route("/orders/{id}", any(ok))
        .route("/status/{code}", any(status))
        .route("/slow", any(slow))
        .route("/token", post(token))
        .route("/protected", any(protected))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, server)
}

fn destination(url: String, rate: u32) -> Destination {
    Destination {
        arn: format!("arn:aws:events:us-east-1:123456789012:api-destination/d/{}", uuid::Uuid::new_v4()),
        name: "d".to_owned(),
        endpoint: url,
        http_method: "POST".to_owned(),
        rate_limit_per_second: rate,
        state: "ACTIVE".to_owned(),
    }
}

fn connection(auth: Auth) -> Connection {
    Connection {
        arn: "arn:aws:events:us-east-1:123456789012:connection/c/1".to_owned(),
        name: "c".to_owned(),
        state: "AUTHORIZED".to_owned(),
        auth,
        invocation: RequestParameters::default(),
    }
}

fn client() -> ApiDestinationsClient {
    ApiDestinationsClient::new().expect("client")
}

async fn invoke(client: &ApiDestinationsClient, destination: &Destination, connection: &Connection) -> Outcome {
    let request =
        Invocation { destination, connection, payload: r#"{"order":42}"#, http_parameters: None, now_ms: 1_000_000 };
    client.invoke(&request).await
}

fn failure(outcome: Outcome) -> Failure {
    match outcome {
        Outcome::Failed(failure) => failure,
        Outcome::Delivered => panic!("expected a failure"),
    }
}

fn header<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn basic_auth_and_eventbridge_headers_arrive() {
    let (addr, server) = serve().await;
    let destination = destination(format!("http://{addr}/ok"), 300);
    let connection = connection(Auth::Basic { username: "user".to_owned(), password: "pass".to_owned() });
    assert_eq!(invoke(&client(), &destination, &connection).await, Outcome::Delivered);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(header(request, "authorization"), "Basic dXNlcjpwYXNz");
    assert_eq!(header(request, "user-agent"), "Amazon/EventBridge/ApiDestinations");
    assert_eq!(header(request, "content-type"), "application/json; charset=utf-8");
    assert_eq!(header(request, "range"), "bytes=0-1048575");
    assert_eq!(request.body, r#"{"order":42}"#);
}

#[tokio::test]
async fn api_key_and_connection_and_target_parameters_arrive() {
    let (addr, server) = serve().await;
    let mut destination = destination(format!("http://{addr}/orders/*"), 300);
    destination.http_method = "PUT".to_owned();
    let mut connection = connection(Auth::ApiKey { name: "x-api-key".to_owned(), value: "k-123".to_owned() });
    connection.invocation = RequestParameters {
        headers: vec![("x-tenant".to_owned(), "acme".to_owned())],
        query: vec![("region".to_owned(), "eu".to_owned())],
        body: vec![("source".to_owned(), "choreoscope".to_owned())],
    };
    let target = TargetHttpParameters {
        path_parameter_values: vec!["42".to_owned()],
        header_parameters: [("x-trace".to_owned(), "t-1".to_owned())].into(),
        query_string_parameters: [("page".to_owned(), "2".to_owned())].into(),
    };
    let request = Invocation {
        destination: &destination,
        connection: &connection,
        payload: r#"{"order":42}"#,
        http_parameters: Some(&target),
        now_ms: 0,
    };
    assert_eq!(client().invoke(&request).await, Outcome::Delivered);
    let seen = server.seen();
    let request = &seen[0];
    assert_eq!(request.method, Method::PUT);
    assert_eq!(request.uri.path(), "/orders/42");
    assert_eq!(request.uri.query(), Some("page=2&region=eu"));
    assert_eq!(header(request, "x-api-key"), "k-123");
    assert_eq!(header(request, "x-tenant"), "acme");
    assert_eq!(header(request, "x-trace"), "t-1");
    assert!(request.headers.get("authorization").is_none());
    let body: serde_json::Value = serde_json::from_str(&request.body).expect("json");
    assert_eq!(body, serde_json::json!({"order": 42, "source": "choreoscope"}));
}

#[tokio::test]
async fn oauth_token_is_fetched_once_and_again_after_a_401() {
    let (addr, server) = serve().await;
    let destination = destination(format!("http://{addr}/protected"), 300);
    let connection = connection(Auth::OAuth(OAuthClient {
        endpoint: format!("http://{addr}/token"),
        http_method: "POST".to_owned(),
        client_id: "client".to_owned(),
        client_secret: "secret".to_owned(),
        parameters: RequestParameters {
            body: vec![("audience".to_owned(), "orders".to_owned())],
            ..RequestParameters::default()
        },
    }));
    let client = client();
    assert_eq!(invoke(&client, &destination, &connection).await, Outcome::Delivered);
    assert_eq!(invoke(&client, &destination, &connection).await, Outcome::Delivered);
    assert_eq!(server.tokens_issued(), 1, "the token is cached");

    let seen = server.seen();
    let token_request = seen.iter().find(|s| s.uri.path() == "/token").expect("token request");
    assert_eq!(header(token_request, "authorization"), "Basic Y2xpZW50OnNlY3JldA==");
    assert_eq!(header(token_request, "content-type"), "application/x-www-form-urlencoded");
    assert_eq!(token_request.body, "grant_type=client_credentials&audience=orders");
    let invocation = seen.iter().find(|s| s.uri.path() == "/protected").expect("invocation");
    assert_eq!(header(invocation, "authorization"), "Bearer token-1");

    // The endpoint revokes the token: 401, a new token, one more try, delivered.
    *server.valid_token.lock().expect("lock") = None;
    assert_eq!(invoke(&client, &destination, &connection).await, Outcome::Delivered);
    assert_eq!(server.tokens_issued(), 2);
    let last = server.seen().pop().expect("a request");
    assert_eq!(header(&last, "authorization"), "Bearer token-2");
}

#[tokio::test]
async fn status_codes_become_eventbridge_outcomes() {
    let (addr, _server) = serve().await;
    let client = client();
    let connection = connection(Auth::ApiKey { name: "x-api-key".to_owned(), value: "k".to_owned() });
    let at = |code: u16| destination(format!("http://{addr}/status/{code}"), 300);

    let throttled = failure(invoke(&client, &at(429), &connection).await);
    assert_eq!(
        (throttled.kind, throttled.code.as_str(), throttled.retry_after_ms),
        (FailureKind::Throttled, "429", Some(3_000))
    );
    let unavailable = failure(invoke(&client, &at(503), &connection).await);
    assert_eq!((unavailable.kind, unavailable.retry_after_ms), (FailureKind::Retryable, Some(3_000)));
    let error = failure(invoke(&client, &at(500), &connection).await);
    assert_eq!((error.kind, error.code.as_str()), (FailureKind::Retryable, "500"));
    let missing = failure(invoke(&client, &at(404), &connection).await);
    assert_eq!((missing.kind, missing.code.as_str()), (FailureKind::Permanent, "404"));
    assert_eq!(
        missing.message,
        "Unable to invoke ApiDestination endpoint: The API destination endpoint responded with HTTP status code 404."
    );
    let unauthorized = failure(invoke(&client, &at(401), &connection).await);
    assert_eq!(unauthorized.kind, FailureKind::Retryable, "EventBridge retries 401");
    assert_eq!(invoke(&client, &at(204), &connection).await, Outcome::Delivered);
}

#[tokio::test]
async fn a_slow_endpoint_times_out_and_is_retried() {
    let (addr, _server) = serve().await;
    let client = client().with_timeout(Duration::from_millis(200));
    assert_eq!(ApiDestinationsClient::new().expect("client").timeout, Duration::from_secs(5));
    let connection = connection(Auth::ApiKey { name: "x-api-key".to_owned(), value: "k".to_owned() });
    let started = Instant::now();
    let timeout = failure(invoke(&client, &destination(format!("http://{addr}/slow"), 300), &connection).await);
    assert!(started.elapsed() < Duration::from_secs(3), "gave up after the timeout, not the handler");
    assert_eq!((timeout.kind, timeout.code.as_str()), (FailureKind::Retryable, "TIMEOUT"));
}

#[tokio::test]
async fn an_unreachable_endpoint_is_retried() {
    let free = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = free.local_addr().expect("addr");
    drop(free);
    let connection = connection(Auth::ApiKey { name: "x-api-key".to_owned(), value: "k".to_owned() });
    let refused = failure(invoke(&client(), &destination(format!("http://{addr}/ok"), 300), &connection).await);
    assert_eq!((refused.kind, refused.code.as_str()), (FailureKind::Retryable, "SDK_CLIENT_ERROR"));
    assert_eq!(
        refused.message,
        "Unable to invoke ApiDestination endpoint: API destination endpoint cannot be reached."
    );
}

#[tokio::test]
async fn the_rate_limit_throttles_before_calling() {
    let (addr, server) = serve().await;
    let client = client();
    let destination = destination(format!("http://{addr}/ok"), 1);
    let connection = connection(Auth::ApiKey { name: "x-api-key".to_owned(), value: "k".to_owned() });
    assert_eq!(invoke(&client, &destination, &connection).await, Outcome::Delivered);
    let throttled = failure(invoke(&client, &destination, &connection).await);
    assert_eq!(
        (throttled.kind, throttled.code.as_str(), throttled.retry_after_ms),
        (FailureKind::Throttled, "THROTTLING", Some(1_000))
    );
    assert_eq!(server.seen().len(), 1, "the throttled invocation never left");
}

#[tokio::test]
async fn a_deauthorized_connection_is_not_called() {
    let (addr, server) = serve().await;
    let refused =
        failure(invoke(&client(), &destination(format!("http://{addr}/ok"), 300), &connection(Auth::None)).await);
    assert_eq!((refused.kind, refused.code.as_str()), (FailureKind::Permanent, "NO_PERMISSIONS"));
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn from_the_store_to_the_endpoint() {
    use crate::eventbridge::connections::test_support::{ok, system};
    let (addr, server) = serve().await;
    let (_dir, shared) = system();
    let created = ok(
        &shared,
        "CreateConnection",
        serde_json::json!({"Name": "partner", "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {
            "OAuthParameters": {
                "AuthorizationEndpoint": format!("http://{addr}/token"), "HttpMethod": "POST",
                "ClientParameters": {"ClientID": "client", "ClientSecret": "secret"}
            }
        }}),
    );
    assert_eq!(created["ConnectionState"], "AUTHORIZING");
    // The background authorization gets a token and authorizes the connection.
    let mut state = serde_json::Value::Null;
    for _ in 0..100 {
        state = ok(&shared, "DescribeConnection", serde_json::json!({"Name": "partner"}))["ConnectionState"].clone();
        if state != "AUTHORIZING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(state, "AUTHORIZED");
    let destination = ok(
        &shared,
        "CreateApiDestination",
        serde_json::json!({
            "Name": "notify", "ConnectionArn": created["ConnectionArn"],
            "InvocationEndpoint": format!("http://{addr}/protected"), "HttpMethod": "POST"
        }),
    );
    assert_eq!(destination["ApiDestinationState"], "ACTIVE");
    let arn = destination["ApiDestinationArn"].as_str().unwrap_or_default();
    let (destination, connection) = {
        let conn = shared.store.conn();
        crate::eventbridge::api_destinations::load(&conn, &shared, arn).expect("load").expect("exists")
    };
    assert_eq!(invoke(&client(), &destination, &connection).await, Outcome::Delivered);
    assert_eq!(server.tokens_issued(), 2, "one for the authorization, one for the invoker's own cache");
}
