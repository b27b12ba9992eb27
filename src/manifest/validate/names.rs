//! What counts as a valid name or address in the manifest: pure predicates, no diagnostics.

/// `[a-z0-9][a-z0-9_-]*`: Compose project names.
pub(crate) fn is_project_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved).
pub(crate) fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Prometheus metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub(crate) fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `host:port` with a plausible host (name, IPv4, or `[IPv6]`) and a port 1-65535.
pub(crate) fn is_host_port(text: &str) -> bool {
    let Some((host, port)) = text.rsplit_once(':') else {
        return false;
    };
    let port_ok = matches!(port.parse::<u16>(), Ok(p) if p > 0);
    port_ok && is_host(host)
}

/// A host name (international names too), an IPv4 address, or a bracketed IPv6 address.
///
/// Deliberately loose: the mistakes worth catching are a missing port, a URL where an address
/// belongs, and stray spaces; Prometheus itself accepts any other text as an address.
pub(crate) fn is_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && !host.starts_with('-')
        && !host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | ':' | '@'))
}

/// `http(s)://host[:port][/path...]`, as a probe target: a URL the `url` crate (WHATWG) parses,
/// written out with its scheme, with a host and no port 0, and no whitespace or control
/// characters (which the parser would silently strip).
pub(crate) fn is_http_url(text: &str) -> bool {
    if !(text.starts_with("http://") || text.starts_with("https://"))
        // The url crate silently trims surrounding blanks; a space inside a query is fine
        // (Go's net/url, which the blackbox exporter uses, takes it as written).
        || text.trim() != text
        || text.chars().any(|c| c.is_control())
    {
        return false;
    }
    match url::Url::parse(text) {
        Ok(url) => url.host_str().is_some_and(|h| !h.is_empty()) && url.port() != Some(0),
        // WHATWG's IDNA mapping refuses some punycode labels that Go's `net/url` (what the
        // blackbox exporter parses targets with) takes as they are: an ASCII host that is a
        // plausible host name is accepted when the rest of the URL parses.
        Err(url::ParseError::IdnaError) => {
            let (scheme, rest) = text.split_once("://").unwrap_or(("", text));
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let (userinfo, host_port) = match authority.rsplit_once('@') {
                Some((user, host)) => (format!("{user}@"), host),
                None => (String::new(), authority),
            };
            let (host, port) = match host_port.rsplit_once(':') {
                Some((host, port)) => (host, format!(":{port}")),
                None => (host_port, String::new()),
            };
            host.is_ascii()
                && is_host(host)
                && is_http_url(&format!("{scheme}://{userinfo}host.invalid{port}{tail}"))
        }
        Err(_) => false,
    }
}

/// Whether `name` can be part of a Prometheus rule or alert name once `-` becomes `_`.
pub(crate) fn is_slo_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_project_names_compose_accepts() {
        let cases = [
            ("shop", true),
            ("shop-prod_2", true),
            ("9lives", true),
            ("Shop", false),
            ("-x", false),
            ("", false),
            ("a.b", false),
        ];
        for (name, want) in cases {
            assert_eq!(is_project_name(name), want, "{name}");
        }
    }

    #[test]
    fn accepts_prometheus_label_and_metric_names() {
        let labels = [
            ("cluster", true),
            ("_x", true),
            ("team-name", false),
            ("1x", false),
            ("", false),
            ("a:b", false),
        ];
        for (name, want) in labels {
            assert_eq!(is_label_name(name), want, "{name}");
        }
        let metrics = [
            ("job:http_requests:rate5m", true),
            ("up", true),
            ("http-requests", false),
            ("5xx", false),
        ];
        for (name, want) in metrics {
            assert_eq!(is_metric_name(name), want, "{name}");
        }
    }

    #[test]
    fn accepts_host_port_targets_only() {
        let cases = [
            ("api:5500", true),
            ("10.0.0.1:9100", true),
            ("[::1]:9090", true),
            ("my_service.internal:80", true),
            ("bücher.example:8080", true),
            ("api", false),
            ("api:", false),
            ("api:0", false),
            ("api:70000", false),
            (":80", false),
            ("http://api:80", false),
            ("api host:80", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_host_port(text), want, "{text}");
        }
    }

    #[test]
    fn accepts_http_urls_as_probe_targets() {
        let cases = [
            ("https://shop.example.com", true),
            ("http://api:8080/health?x=1", true),
            ("https://[::1]:8443/", true),
            ("https://user@host/", true),
            ("ftp://shop.example.com", false),
            ("https://", false),
            ("https://a b/", false),
            ("https://ünï.example/päth", true),
            ("https://xn--n-cfa9b.example/p%C3%A4th?q=%E2%9C%93", true),
            ("https://api:0/", false),
            ("https://api/a\nb", false),
            ("https://x.example/?q=a: b#c", true),
            (" https://x.example/", false),
            ("shop.example.com", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_http_url(text), want, "{text}");
        }
    }
}
