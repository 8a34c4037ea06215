//! The HTTP request of one invocation, before its authorization: the
//! endpoint with the target's path values, the merged query string, headers
//! and body. Where the connection and the target both set a parameter, the
//! connection wins, as EventBridge documents.

use reqwest::Method;
use reqwest::header::{
    ACCEPT_ENCODING, CONNECTION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RANGE, USER_AGENT,
};
use serde_json::Value;

use super::classify::message;
use super::{Invocation, USER_AGENT_VALUE};
use crate::delivery::outcome::Failure;

/// What every invocation carries, whatever the parameters say.
const FIXED_HEADERS: [(HeaderName, &str); 4] = [
    (USER_AGENT, USER_AGENT_VALUE),
    (RANGE, "bytes=0-1048575"),
    (ACCEPT_ENCODING, "gzip,deflate"),
    (CONNECTION, "close"),
];
/// The content type unless a header parameter sets another.
const DEFAULT_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An invocation's request, still without its authorization.
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

fn invalid(detail: &str) -> Failure {
    Failure::permanent("INVALID_PARAMETER", message(detail))
}

/// Builds the request of `invocation`.
pub(crate) fn prepare(invocation: &Invocation<'_>) -> Result<Prepared, Failure> {
    let destination = invocation.destination;
    let connection = &invocation.connection.invocation;
    let target = invocation.http_parameters;
    let method = Method::from_bytes(destination.http_method.as_bytes())
        .map_err(|_| invalid("The API destination's HttpMethod is not valid."))?;

    // Each `*` of the endpoint takes the next path value, in order.
    let mut endpoint = destination.endpoint.clone();
    for value in target.map(|t| t.path_parameter_values.as_slice()).unwrap_or_default() {
        let Some(at) = endpoint.find('*') else { break };
        endpoint.replace_range(at..=at, value);
    }
    let mut url = reqwest::Url::parse(&endpoint)
        .map_err(|_| invalid("The API destination's InvocationEndpoint with its path values is not a valid URL."))?;

    let mut query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let targets =
        target.into_iter().flat_map(|t| t.query_string_parameters.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (key, value) in targets.chain(connection.query.iter().cloned()) {
        match query.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => query.push((key, value)),
        }
    }
    if query.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(&query);
    }

    let mut headers = HeaderMap::new();
    let target_headers = target.into_iter().flat_map(|t| t.header_parameters.iter());
    for (key, value) in target_headers.chain(connection.headers.iter().map(|(k, v)| (k, v))) {
        match (HeaderName::try_from(key.as_str()), HeaderValue::try_from(value.as_str())) {
            (Ok(name), Ok(mut value)) => {
                // Connection header values may be secret: keep them out of any Debug output.
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            // Never log the value: it may be a secret.
            _ => tracing::warn!(header = %key, "skipping an HTTP header parameter that is not a valid header"),
        }
    }
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(DEFAULT_CONTENT_TYPE));
    }
    for (name, value) in FIXED_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }

    Ok(Prepared { method, url, headers, body: merge_body(invocation.payload, &connection.body) })
}

/// The connection's body parameters join a payload that is a JSON object
/// (they win over its keys); any other payload goes as it is.
fn merge_body(payload: &str, parameters: &[(String, String)]) -> String {
    if parameters.is_empty() {
        return payload.to_owned();
    }
    match serde_json::from_str::<Value>(payload) {
        Ok(Value::Object(mut object)) => {
            for (key, value) in parameters {
                object.insert(key.clone(), Value::String(value.clone()));
            }
            Value::Object(object).to_string()
        }
        _ => payload.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Auth, Connection, Destination, RequestParameters, TargetHttpParameters};
    use super::*;

    fn destination(endpoint: &str) -> Destination {
        Destination {
            arn: "arn:aws:events:us-east-1:123456789012:api-destination/d/1".to_owned(),
            name: "d".to_owned(),
            endpoint: endpoint.to_owned(),
            http_method: "POST".to_owned(),
            rate_limit_per_second: 300,
            state: "ACTIVE".to_owned(),
        }
    }

    fn connection(invocation: RequestParameters) -> Connection {
        Connection {
            arn: "arn:aws:events:us-east-1:123456789012:connection/c/1".to_owned(),
            name: "c".to_owned(),
            state: "AUTHORIZED".to_owned(),
            auth: Auth::None,
            invocation,
        }
    }

    #[test]
    fn path_values_query_headers_and_body_merge_with_the_connection_winning() {
        let destination = destination("https://partner.example/orders/*/items/*?v=1");
        let connection = connection(RequestParameters {
            headers: vec![("x-tenant".to_owned(), "from-connection".to_owned())],
            query: vec![("mode".to_owned(), "connection".to_owned())],
            body: vec![("source".to_owned(), "choreoscope".to_owned())],
        });
        let target: TargetHttpParameters = serde_json::from_value(serde_json::json!({
            "PathParameterValues": ["42", "7"],
            "HeaderParameters": {"x-tenant": "from-target", "x-trace": "t1", "User-Agent": "spoof"},
            "QueryStringParameters": {"mode": "target", "page": "2"}
        }))
        .expect("target parameters");
        let invocation = Invocation {
            destination: &destination,
            connection: &connection,
            payload: r#"{"orderId":42,"source":"event"}"#,
            http_parameters: Some(&target),
            now_ms: 0,
        };
        let prepared = prepare(&invocation).expect("prepared");
        assert_eq!(prepared.method, Method::POST);
        assert_eq!(prepared.url.path(), "/orders/42/items/7");
        let query: Vec<(String, String)> = prepared.url.query_pairs().into_owned().collect();
        let expected = [("v", "1"), ("mode", "connection"), ("page", "2")];
        assert_eq!(query, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert_eq!(prepared.headers["x-tenant"], "from-connection");
        assert_eq!(prepared.headers["x-trace"], "t1");
        assert_eq!(prepared.headers["user-agent"], "Amazon/EventBridge/ApiDestinations");
        assert_eq!(prepared.headers["content-type"], "application/json; charset=utf-8");
        assert_eq!(prepared.headers["range"], "bytes=0-1048575");
        let body: Value = serde_json::from_str(&prepared.body).expect("json body");
        assert_eq!(body, serde_json::json!({"orderId": 42, "source": "choreoscope"}));
    }

    #[test]
    fn a_payload_that_is_not_an_object_goes_as_it_is() {
        assert_eq!(merge_body("\"text\"", &[("k".to_owned(), "v".to_owned())]), "\"text\"");
        assert_eq!(merge_body("plain", &[]), "plain");
    }

    #[test]
    fn a_bad_method_is_permanent() {
        let mut destination = destination("https://partner.example/");
        destination.http_method = "NOT A METHOD".to_owned();
        let connection = connection(RequestParameters::default());
        let invocation = Invocation {
            destination: &destination,
            connection: &connection,
            payload: "{}",
            http_parameters: None,
            now_ms: 0,
        };
        match prepare(&invocation) {
            Err(failure) => assert_eq!(failure.code, "INVALID_PARAMETER"),
            Ok(_) => panic!("a bad method was accepted"),
        }
    }
}
