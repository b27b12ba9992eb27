//! `components.prometheus.remote_write`: what Prometheus would refuse at start-up (two
//! authentication methods, a reserved header, `min_shards` above `max_shards`, duplicate
//! names, a bad relabel rule), and preset settings that cannot mean anything (`tenant` for
//! a receiver without tenants, Grafana Cloud without its credentials).

use std::collections::BTreeMap;

use super::relabel::check_rule;
use crate::manifest::{Diagnostic, Manifest, RemoteWrite, RemoteWritePreset};

/// Headers Prometheus sets itself and refuses in `headers` (config.go, `reservedHeaders`).
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "content-encoding",
    "content-length",
    "content-type",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "www-authenticate",
    "accept-encoding",
    "x-prometheus-remote-write-version",
    "x-prometheus-remote-read-version",
    "x-prometheus-scrape-timeout-seconds",
];

/// The name of the entry stackctl adds for the stack's own VictoriaMetrics.
const OWN_VICTORIAMETRICS: &str = "victoriametrics";

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let Some(prometheus) = &manifest.components.prometheus else {
        return;
    };
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, target) in prometheus.remote_write.iter().enumerate() {
        let at = format!("components.prometheus.remote_write[{index}]");
        check_url(&at, target, problems);
        check_auth(&at, target, problems);
        check_headers(&at, target, problems);
        check_preset(&at, target, problems);
        check_queue(&at, target, problems);
        for (r, rule) in target.write_relabel.iter().enumerate() {
            check_rule(&format!("{at}.write_relabel[{r}]"), rule, problems);
        }
        if let Some(name) = target.name.as_deref() {
            if let Some(first) = names.insert(name, index) {
                problems.push(
                    Diagnostic::new(format!("{at}.name"), format!("remote write name `{name}` is also used by `remote_write[{first}]`"))
                        .hint("Prometheus refuses two remote write targets of one name; give each a unique `name`"),
                );
            } else if name == OWN_VICTORIAMETRICS
                && manifest.components.victoriametrics.is_some()
                && !writes_to_own_store(target)
            {
                problems.push(
                    Diagnostic::new(format!("{at}.name"), format!("remote write name `{name}` is the name of the entry stackctl adds for `components.victoriametrics`"))
                        .hint("choose another `name`"),
                );
            }
        }
    }
}

fn writes_to_own_store(target: &RemoteWrite) -> bool {
    url::Url::parse(&target.url)
        .ok()
        .is_some_and(|u| u.host_str() == Some(OWN_VICTORIAMETRICS))
}

fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn check_url(at: &str, target: &RemoteWrite, problems: &mut Vec<Diagnostic>) {
    if !is_http_url(&target.url) {
        problems.push(
            Diagnostic::new(
                format!("{at}.url"),
                format!("remote write URL `{}` is not an http(s) URL", target.url),
            )
            .hint("write the receiver's full URL, e.g. `https://mimir.example.com/api/v1/push`"),
        );
    }
    if let Some(oauth2) = &target.oauth2 {
        if !is_http_url(&oauth2.token_url) {
            problems.push(
                Diagnostic::new(
                    format!("{at}.oauth2.token_url"),
                    format!("`{}` is not an http(s) URL", oauth2.token_url),
                )
                .hint("write the token endpoint's full URL, e.g. `https://auth.example.com/oauth2/token`"),
            );
        }
    }
}

fn check_auth(at: &str, target: &RemoteWrite, problems: &mut Vec<Diagnostic>) {
    let methods: Vec<&str> = [
        ("bearer_token", target.bearer_token.is_some()),
        ("basic_auth", target.basic_auth.is_some()),
        ("oauth2", target.oauth2.is_some()),
        ("sigv4", target.sigv4.is_some()),
    ]
    .into_iter()
    .filter(|(_, set)| *set)
    .map(|(name, _)| name)
    .collect();
    if methods.len() > 1 {
        problems.push(
            Diagnostic::new(
                format!("{at}.{}", methods[1]),
                format!(
                    "`{at}` sets both `{}` and `{}`",
                    methods[0], methods[1]
                ),
            )
            .hint("Prometheus takes one authentication method per remote write target: keep one of `bearer_token`, `basic_auth`, `oauth2` and `sigv4`"),
        );
    }
    if let Some(sigv4) = &target.sigv4 {
        match (&sigv4.access_key, &sigv4.secret_key) {
            (Some(_), None) | (None, Some(_)) => {
                let missing = if sigv4.access_key.is_none() {
                    "access_key"
                } else {
                    "secret_key"
                };
                problems.push(
                    Diagnostic::new(format!("{at}.sigv4"), format!("`{at}.sigv4` needs `{missing}` too"))
                        .hint("give both `access_key` and `secret_key`, or neither to use the AWS SDK's credential chain (instance role, environment)"),
                );
            }
            (Some(_), Some(_)) if sigv4.profile.is_some() => {
                problems.push(
                    Diagnostic::new(format!("{at}.sigv4.profile"), "`profile` and explicit keys exclude each other")
                        .hint("stackctl writes `access_key`/`secret_key` to a credentials file under its own profile; drop `profile` or the keys"),
                );
            }
            _ => {}
        }
    }
}

fn check_headers(at: &str, target: &RemoteWrite, problems: &mut Vec<Diagnostic>) {
    for name in target.headers.keys() {
        let lower = name.to_ascii_lowercase();
        if !RESERVED_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let hint = if lower == "authorization" {
            "use `bearer_token` (or `basic_auth`): its value goes to a secret file, not into prometheus.yml".to_string()
        } else {
            format!("Prometheus sets `{name}` itself and refuses it in `headers`; remove it")
        };
        problems.push(
            Diagnostic::new(
                format!("{at}.headers.{name}"),
                format!("header `{name}` cannot be set in `headers`"),
            )
            .hint(hint),
        );
    }
}

fn check_preset(at: &str, target: &RemoteWrite, problems: &mut Vec<Diagnostic>) {
    let preset = target.preset;
    if target.tenant.is_some() {
        let hint = match preset {
            None => Some("`tenant` goes into the tenant header of `preset: mimir` (`X-Scope-OrgID`) or `preset: thanos` (`THANOS-TENANT`); set a preset, or the header in `headers`"),
            Some(RemoteWritePreset::Victoriametrics) => Some("single-node VictoriaMetrics has no tenants; for VictoriaMetrics cluster write to `/insert/<tenant>/prometheus/api/v1/write` without a preset"),
            Some(RemoteWritePreset::GrafanaCloud) => Some("Grafana Cloud takes the instance ID as `basic_auth.username`; remove `tenant`"),
            Some(_) => None,
        };
        if let Some(hint) = hint {
            problems.push(
                Diagnostic::new(
                    format!("{at}.tenant"),
                    "`tenant` has no meaning for this receiver",
                )
                .hint(hint),
            );
        }
    }
    if preset == Some(RemoteWritePreset::GrafanaCloud) && target.basic_auth.is_none() {
        problems.push(
            Diagnostic::new(format!("{at}.preset"), "`preset: grafana-cloud` needs `basic_auth`")
                .hint("set `basic_auth: {username: <instance ID>, password: \"${GRAFANA_CLOUD_TOKEN}\"}` (an access policy token with metrics:write)"),
        );
    }
}

fn check_queue(at: &str, target: &RemoteWrite, problems: &mut Vec<Diagnostic>) {
    let mut positive = |path: String, value: Option<u32>| {
        if value == Some(0) {
            problems.push(
                Diagnostic::new(&path, format!("`{path}` must be at least 1"))
                    .hint("leave it out for Prometheus' default"),
            );
        }
    };
    if let Some(queue) = &target.queue {
        positive(format!("{at}.queue.capacity"), queue.capacity);
        positive(format!("{at}.queue.max_shards"), queue.max_shards);
        positive(format!("{at}.queue.min_shards"), queue.min_shards);
        positive(
            format!("{at}.queue.max_samples_per_send"),
            queue.max_samples_per_send,
        );
    }
    if let Some(metadata) = &target.metadata {
        positive(
            format!("{at}.metadata.max_samples_per_send"),
            metadata.max_samples_per_send,
        );
    }
    let Some(queue) = &target.queue else { return };
    if let (Some(min), Some(max)) = (queue.min_shards, queue.max_shards) {
        if min > max {
            problems.push(
                Diagnostic::new(format!("{at}.queue.min_shards"), format!("`min_shards` ({min}) is more than `max_shards` ({max})"))
                    .hint("Prometheus scales shards between the two: `min_shards` must not exceed `max_shards`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    fn target(fields: &str) -> String {
        format!("components: {{prometheus: {{remote_write: [{{url: 'https://m.example.com/api/v1/push', {fields}}}]}}}}")
    }

    #[test]
    fn refuses_what_prometheus_refuses_and_presets_cannot_mean() {
        let at = "components.prometheus.remote_write[0]";
        let cases: Vec<(String, Option<(String, &str)>)> = vec![
            (target("bearer_token: t"), None),
            (target("basic_auth: {username: u, password: p}"), None),
            (target("oauth2: {client_id: c, client_secret: s, token_url: 'https://a/t', scopes: [w]}"), None),
            (target("sigv4: {region: eu-west-1, access_key: AK, secret_key: SK}"), None),
            (target("sigv4: {region: eu-west-1}"), None),
            (target("preset: mimir, tenant: shop"), None),
            (target("preset: thanos, tenant: shop"), None),
            (target("preset: grafana-cloud, basic_auth: {username: '123', password: tok}"), None),
            (target("queue: {capacity: 10000, max_shards: 50, min_shards: 1, max_samples_per_send: 2000, batch_send_deadline: 5s}"), None),
            (target("metadata: {send: true, send_interval: 1m, max_samples_per_send: 500}"), None),
            (target("write_relabel: [{source_labels: [__name__], regex: 'go_.*', action: drop}]"), None),
            (target("bearer_token: t, basic_auth: {username: u, password: p}"), Some((format!("{at}.basic_auth"), "sets both `bearer_token` and `basic_auth`"))),
            (target("oauth2: {client_id: c, client_secret: s, token_url: 'auth/token'}"), Some((format!("{at}.oauth2.token_url"), "is not an http(s) URL"))),
            (target("sigv4: {access_key: AK}"), Some((format!("{at}.sigv4"), "needs `secret_key` too"))),
            (target("sigv4: {access_key: AK, secret_key: SK, profile: prod}"), Some((format!("{at}.sigv4.profile"), "exclude each other"))),
            (target("headers: {Authorization: 'Bearer x'}"), Some((format!("{at}.headers.Authorization"), "cannot be set in `headers`"))),
            (target("headers: {user-agent: x}"), Some((format!("{at}.headers.user-agent"), "cannot be set in `headers`"))),
            (target("tenant: shop"), Some((format!("{at}.tenant"), "`tenant` has no meaning"))),
            (target("preset: victoriametrics, tenant: shop"), Some((format!("{at}.tenant"), "`tenant` has no meaning"))),
            (target("preset: grafana-cloud"), Some((format!("{at}.preset"), "needs `basic_auth`"))),
            (target("queue: {min_shards: 10, max_shards: 2}"), Some((format!("{at}.queue.min_shards"), "is more than `max_shards`"))),
            (target("queue: {capacity: 0}"), Some((format!("{at}.queue.capacity"), "must be at least 1"))),
            (target("write_relabel: [{action: drop, regex: '(go'}]"), Some((format!("{at}.write_relabel[0].regex"), "is not a valid regular expression"))),
            (target("write_relabel: [{actoin: drop}]"), Some((format!("{at}.write_relabel[0].actoin"), "unknown key `actoin`"))),
            ("components: {prometheus: {remote_write: [{url: 'mimir:9009'}]}}".to_string(), Some((format!("{at}.url"), "not an http(s) URL"))),
            ("components: {prometheus: {remote_write: [{url: 'http://a/w', name: x}, {url: 'http://b/w', name: x}]}}".to_string(), Some(("components.prometheus.remote_write[1].name".to_string(), "is also used by `remote_write[0]`"))),
            ("components: {victoriametrics: {}, prometheus: {remote_write: [{url: 'http://elsewhere:8428', name: victoriametrics}]}}".to_string(), Some((format!("{at}.name"), "the entry stackctl adds"))),
            ("components: {victoriametrics: {}, prometheus: {remote_write: [{url: 'http://victoriametrics:8428', preset: victoriametrics, name: victoriametrics}]}}".to_string(), None),
        ];
        for (extra, want) in &cases {
            check_case(extra, want.as_ref().map(|(p, w)| (p.as_str(), *w)));
        }
    }
}
