//! What an HTTP answer (or its absence) means for delivery, by EventBridge's
//! rules: 429 throttles; 401, 407, 409 and 5xx are retried; every other 4xx
//! (and 1xx, 3xx) is not; timeouts and unreachable endpoints are retried;
//! `Retry-After` says how long to wait, and a negative one stops retrying.

use reqwest::header::HeaderValue;

use crate::delivery::outcome::{Failure, FailureKind};

/// How EventBridge's messages about API destination failures begin.
pub(crate) const PREFIX: &str = "Unable to invoke ApiDestination endpoint: ";

/// `Unable to invoke ApiDestination endpoint: <detail>`.
pub(crate) fn message(detail: &str) -> String {
    format!("{PREFIX}{detail}")
}

/// Which server a failure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callee {
    /// The API destination's endpoint.
    Endpoint,
    /// The connection's OAuth authorization endpoint.
    Authorization,
}

impl Callee {
    fn name(self) -> &'static str {
        match self {
            Self::Endpoint => "The API destination endpoint",
            Self::Authorization => "The OAuth authorization endpoint",
        }
    }
}

/// A request that got no answer. The message never includes the URL, whose
/// query string may carry a connection's secret parameters.
pub(crate) fn transport_failure(error: &reqwest::Error, callee: Callee) -> Failure {
    if error.is_timeout() {
        let detail = match callee {
            Callee::Endpoint => "Timeout calling endpoint for API Destination.".to_owned(),
            Callee::Authorization => "Timeout calling the OAuth authorization endpoint.".to_owned(),
        };
        return Failure::retryable("TIMEOUT", message(&detail));
    }
    if error.is_builder() {
        return Failure::permanent("INVALID_PARAMETER", message(&format!("{} URL is not valid.", callee.name())));
    }
    let detail = if error.is_connect() {
        // AWS's own words for an endpoint it cannot connect to.
        match callee {
            Callee::Endpoint => "API destination endpoint cannot be reached.".to_owned(),
            Callee::Authorization => "OAuth authorization endpoint cannot be reached.".to_owned(),
        }
    } else {
        let mut source = std::error::Error::source(error);
        let mut cause = String::new();
        while let Some(inner) = source {
            cause = inner.to_string();
            source = inner.source();
        }
        format!("{} did not answer: {}", callee.name(), if cause.is_empty() { "the request failed" } else { &cause })
    };
    Failure::retryable("SDK_CLIENT_ERROR", message(&detail))
}

/// A non-2xx answer: the HTTP status is the error code, as EventBridge reports it.
pub(crate) fn status_failure(status: u16, retry_after: Option<&HeaderValue>, now_ms: i64, callee: Callee) -> Failure {
    let detail = format!("{} responded with HTTP status code {status}.", callee.name());
    let wait = retry_after.and_then(|value| value.to_str().ok()).and_then(|value| parse_retry_after(value, now_ms));
    if let Some(RetryAfter::Never) = wait {
        return Failure::permanent(
            status.to_string(),
            message(&format!("{detail} Its Retry-After is negative: delivery is not retried.")),
        );
    }
    let kind = match status {
        429 => FailureKind::Throttled,
        401 | 407 | 409 | 500..=599 => FailureKind::Retryable,
        _ => FailureKind::Permanent,
    };
    let mut failure = Failure::new(kind, status.to_string(), message(&detail));
    if kind != FailureKind::Permanent
        && let Some(RetryAfter::After(ms)) = wait
    {
        failure.retry_after_ms = Some(ms);
    }
    failure
}

/// What a `Retry-After` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryAfter {
    /// Wait this many milliseconds.
    After(i64),
    /// A negative value: do not retry at all.
    Never,
}

/// Reads `Retry-After`: delay seconds (EventBridge also honours a negative
/// number, as "stop") or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn parse_retry_after(value: &str, now_ms: i64) -> Option<RetryAfter> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        if !seconds.is_finite() {
            return None;
        }
        return Some(if seconds < 0.0 { RetryAfter::Never } else { RetryAfter::After((seconds * 1000.0) as i64) });
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, &format).ok()?.assume_utc();
    let at_ms = (at.unix_timestamp_nanos() / 1_000_000) as i64;
    Some(RetryAfter::After((at_ms - now_ms).max(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3", 0), Some(RetryAfter::After(3_000)));
        assert_eq!(parse_retry_after(" 1.5 ", 0), Some(RetryAfter::After(1_500)));
        assert_eq!(parse_retry_after("-1", 0), Some(RetryAfter::Never));
        // 1994-11-06T08:49:37Z
        let at = 784_111_777_000;
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at - 2_000), Some(RetryAfter::After(2_000)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at + 5_000), Some(RetryAfter::After(0)));
        assert_eq!(parse_retry_after("soon", 0), None);
    }

    #[test]
    fn statuses_follow_eventbridge() {
        let kind = |status| status_failure(status, None, 0, Callee::Endpoint).kind;
        assert_eq!(kind(429), FailureKind::Throttled);
        for status in [401, 407, 409, 500, 502, 503, 504] {
            assert_eq!(kind(status), FailureKind::Retryable, "{status}");
        }
        for status in [301, 400, 403, 404, 410, 422] {
            assert_eq!(kind(status), FailureKind::Permanent, "{status}");
        }
        let failure = status_failure(404, None, 0, Callee::Endpoint);
        assert_eq!(failure.code, "404");
        assert_eq!(
            failure.message,
            "Unable to invoke ApiDestination endpoint: The API destination endpoint responded with HTTP status code 404."
        );
        let stop = status_failure(503, Some(&HeaderValue::from_static("-1")), 0, Callee::Endpoint);
        assert_eq!(stop.kind, FailureKind::Permanent);
        let later = status_failure(503, Some(&HeaderValue::from_static("7")), 0, Callee::Endpoint);
        assert_eq!((later.kind, later.retry_after_ms), (FailureKind::Retryable, Some(7_000)));
    }
}
