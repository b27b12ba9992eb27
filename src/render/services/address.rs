//! Exporter targets as the addresses each program expects: a scheme where it wants a URL,
//! host and port where it wants them apart, credentials percent-encoded inside a URL.

pub(crate) fn with_scheme(target: &str, scheme: &str) -> String {
    if target.contains("://") {
        target.to_string()
    } else {
        format!("{scheme}{target}")
    }
}

pub(crate) fn split_host_port(address: &str, default_port: u16) -> (String, u16) {
    match address.rsplit_once(':').map(|(h, p)| (h, p.parse::<u16>())) {
        Some((host, Ok(port))) => (host.to_string(), port),
        _ => (address.to_string(), default_port),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for URL userinfo).
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_get_the_scheme_the_exporter_expects() {
        assert_eq!(with_scheme("redis:6379", "redis://"), "redis://redis:6379");
        assert_eq!(
            with_scheme("rediss://cache:6380", "redis://"),
            "rediss://cache:6380"
        );
    }

    #[test]
    fn host_and_port_fall_back_to_the_default_port() {
        assert_eq!(split_host_port("db:3307", 3306), ("db".to_string(), 3307));
        assert_eq!(split_host_port("db", 3306), ("db".to_string(), 3306));
    }

    #[test]
    fn userinfo_is_percent_encoded() {
        assert_eq!(percent_encode("p@ss:w/rd~ok"), "p%40ss%3Aw%2Frd~ok");
    }
}
