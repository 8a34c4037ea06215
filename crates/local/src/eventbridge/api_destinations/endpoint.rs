//! Which URLs an API destination (or an OAuth authorization endpoint) may
//! call.

/// AWS's pattern of `InvocationEndpoint` and `AuthorizationEndpoint`.
pub(crate) const ENDPOINT_PATTERN: &str = r"^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9])+)([).!';/?:,])?$";

/// Whether `value` matches [`ENDPOINT_PATTERN`]: only URL characters and
/// well-formed percent escapes.
pub(crate) fn matches_pattern(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit));
                if !hex {
                    return false;
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-()_.!~*';/?:@&=+$,".contains(&c) => i += 1,
            _ => return false,
        }
    }
    !value.is_empty()
}

/// Whether the local system calls `url`: any `https` URL, as AWS requires,
/// and also plain `http` to loopback, because the simulated partners of the
/// bundled demo (and tests) listen on 127.0.0.1 without TLS. AWS itself would
/// refuse those; nothing off this machine is reachable over plain http.
pub(crate) fn is_callable(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    if parsed.fragment().is_some() || !parsed.username().is_empty() || parsed.password().is_some() {
        return false;
    }
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" => !host.is_empty(),
        "http" => {
            let ip = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>();
            host.eq_ignore_ascii_case("localhost") || ip.is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_allows_url_characters_only() {
        assert!(matches_pattern("https://example.com/api/*/orders?x=1"));
        assert!(matches_pattern("https://example.com/a%20b"));
        assert!(!matches_pattern("https://example.com/a b"));
        assert!(!matches_pattern("https://example.com/%zz"));
        assert!(!matches_pattern(""));
    }

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert!(is_callable("https://example.com/api"));
        assert!(is_callable("http://127.0.0.1:8080/notify"));
        assert!(is_callable("http://localhost/notify"));
        assert!(is_callable("http://[::1]:9/x"));
        assert!(!is_callable("http://example.com/api"));
        assert!(!is_callable("http://10.0.0.1/api"));
        assert!(!is_callable("ftp://example.com/"));
        assert!(!is_callable("https://user:pw@example.com/"));
        assert!(!is_callable("example.com/api"));
    }
}
