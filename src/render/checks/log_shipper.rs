//! The log shipper (Alloy or Promtail) must push to the Loki service this stack runs.

use crate::manifest::Diagnostic;

/// Every `url = "…"` string attribute in Alloy syntax (`loki.write` endpoints among them),
/// also inside one-line blocks (`endpoint { url = "…" }`); `//` comment lines are skipped.
pub(crate) fn alloy_push_urls(config: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for line in config.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("url") {
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = line[at + 3..].trim_start();
            let Some(rest) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) else {
                continue;
            };
            if let Some(value) = string_literal(rest.trim_start()) {
                urls.push(value);
            }
        }
    }
    urls
}

/// A double-quoted Alloy string at the start of `text`, unescaped.
fn string_literal(text: &str) -> Option<String> {
    let mut chars = text.strip_prefix('"')?.chars();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// `clients[].url` of a Promtail config.
pub(crate) fn promtail_push_urls(config: &str) -> Vec<String> {
    let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(config) else {
        return Vec::new();
    };
    doc["clients"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|client| client["url"].as_str().map(str::to_string))
        .collect()
}

/// A problem at `key` unless one of `urls` is `push_url` (a trailing `/` aside).
pub(crate) fn shipper_problem(
    key: &str,
    shipper: &str,
    urls: &[String],
    push_url: &str,
) -> Option<Diagnostic> {
    if urls.iter().any(|u| u.trim_end_matches('/') == push_url) {
        return None;
    }
    let found = if urls.is_empty() {
        "no push URL".to_string()
    } else {
        format!("`{}`", urls.join("`, `"))
    };
    Some(
        Diagnostic::new(key, format!("{shipper} ships logs to {found}, not to the stack's Loki at `{push_url}`"))
            .hint("logs would never reach Loki; the shipper must push to the `loki` service of this stack"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUSH: &str = "http://loki:3100/loki/api/v1/push";

    #[test]
    fn finds_alloy_url_attributes() {
        let config = "loki.write \"default\" {\n  endpoint {\n    url = \"http://loki:3100/loki/api/v1/push\"\n  }\n}\nprometheus.remote_write \"x\" {\n  endpoint { url = \"http://a\\\"b\" }\n}\n// url_prefix = \"no\"\n";
        assert_eq!(
            alloy_push_urls(config),
            vec![PUSH.to_string(), "http://a\"b".to_string()]
        );
    }

    #[test]
    fn finds_promtail_clients() {
        let config = "clients:\n  - url: http://loki:3100/loki/api/v1/push\n  - url: http://other:3100/loki/api/v1/push\n";
        assert_eq!(promtail_push_urls(config).len(), 2);
    }

    #[test]
    fn accepts_the_stack_loki_and_reports_anything_else() {
        for (urls, ok) in [
            (vec![PUSH.to_string()], true),
            (vec![format!("{PUSH}/")], true),
            (
                vec!["http://other:3100/x".to_string(), PUSH.to_string()],
                true,
            ),
            (
                vec!["http://localhost:3100/loki/api/v1/push".to_string()],
                false,
            ),
            (vec![], false),
        ] {
            let problem = shipper_problem("components.alloy", "Alloy", &urls, PUSH);
            assert_eq!(problem.is_none(), ok, "{urls:?}");
            if let Some(p) = problem {
                assert_eq!(p.path, "components.alloy");
            }
        }
    }
}
