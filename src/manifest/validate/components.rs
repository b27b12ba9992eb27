//! Components: required secrets, host ports that clash, retention size.

use std::collections::BTreeMap;

use crate::manifest::topology;
use crate::manifest::{Diagnostic, Manifest};

/// Jaeger's OTLP receivers, published on fixed host ports when traces are on.
const OTLP_PORTS: [(u16, &str); 2] = [(4317, "OTLP gRPC"), (4318, "OTLP HTTP")];

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    if let Some(grafana) = &manifest.components.grafana {
        if grafana.admin_password.as_ref().is_none_or(|p| p.is_empty()) {
            problems.push(
                Diagnostic::new("components.grafana.admin_password", "`components.grafana` needs an `admin_password`")
                    .hint("set `admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"`; `stackctl init` generates one into `.env`"),
            );
        }
    }
    check_host_ports(manifest, problems);
    if let Some(prometheus) = &manifest.components.prometheus {
        if let Some(size) = prometheus
            .retention
            .as_ref()
            .and_then(|r| r.size.as_deref())
        {
            if !is_byte_size(size) {
                problems.push(
                    Diagnostic::new("components.prometheus.retention.size", format!("`{size}` is not a size Prometheus understands"))
                        .hint("write a whole number and a unit, at most 7EB: `50GB` (units: B, KB, MB, GB, TB, PB, EB)"),
                );
            }
        }
    }
}

/// Prometheus' `--storage.tsdb.retention.size`: a whole number and a base-2 unit, at most
/// 2^63-1 bytes (Prometheus parses it into an int64; a larger value fails at start-up).
fn is_byte_size(text: &str) -> bool {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let Some(power) = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        .iter()
        .position(|u| *u == unit)
    else {
        return false;
    };
    let Ok(number) = number.parse::<u128>() else {
        return false;
    };
    number
        .checked_mul(1u128 << (10 * power))
        .is_some_and(|bytes| bytes <= i64::MAX as u128)
}

fn check_host_ports(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    // host port → (who, key path to point at)
    let mut taken: BTreeMap<u16, (String, String)> = BTreeMap::new();
    let mut claim = |port: u16, who: String, path: String, problems: &mut Vec<Diagnostic>| {
        if let Some((first, _)) = taken.get(&port) {
            problems.push(
                Diagnostic::new(
                    &path,
                    format!("host port {port} is used by both `{first}` and `{who}`"),
                )
                .hint(format!(
                    "set `{path}` to a free port, or to `null` to not publish it"
                )),
            );
        } else {
            taken.insert(port, (who, path));
        }
    };
    // The fixed ports first, so a clash points at the port that can move.
    let jaeger = manifest.components.jaeger.is_some();
    if jaeger && manifest.traces.otlp != Some(false) {
        for (port, what) in OTLP_PORTS {
            claim(
                port,
                format!("jaeger {what}"),
                "traces.otlp".to_string(),
                problems,
            );
        }
    }
    for component in topology::components(manifest) {
        let Some(port) = component.host_port else {
            continue;
        };
        let path = format!("{}.port", component.key);
        claim(port, component.service.clone(), path, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn requires_a_grafana_admin_password() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "components: {grafana: {}}",
                Some((
                    "components.grafana.admin_password",
                    "needs an `admin_password`",
                )),
            ),
            (
                "components: {grafana: {admin_password: ''}}",
                Some((
                    "components.grafana.admin_password",
                    "needs an `admin_password`",
                )),
            ),
            ("components: {grafana: {admin_password: s3cret}}", None),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn rejects_two_services_on_one_host_port() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("components: {prometheus: {}, alertmanager: {}, loki: {}, pushgateway: {}}", None),
            ("components: {prometheus: {}, alertmanager: {port: 9090}}", Some(("components.alertmanager.port", "host port 9090 is used by both `prometheus` and `alertmanager`"))),
            ("components: {loki: {port: 3000}, grafana: {admin_password: x}}", Some(("components.loki.port", "host port 3000"))),
            ("components: {loki: {port: null}, grafana: {admin_password: x, port: 3100}}", None),
            ("components: {jaeger: {}, pushgateway: {port: 4317}}", Some(("components.pushgateway.port", "host port 4317 is used by both `jaeger OTLP gRPC` and `pushgateway`"))),
            ("components: {jaeger: {}, pushgateway: {port: 4317}}\ntraces: {otlp: false}", None),
            ("components: {node_exporter: {port: 9100}}\nexporters: [{type: redis, target: 'redis:6379', port: 9100}]", Some(("exporters[0].port", "host port 9100"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn checks_prometheus_retention_size() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("components: {prometheus: {remote_write: [{url: 'https://mimir/api/v1/push'}], retention: {size: 50GB}}}", None),
            ("components: {prometheus: {retention: {size: 50G}}}", Some(("components.prometheus.retention.size", "`50G`"))),
            ("components: {prometheus: {retention: {size: 7EB}}}", None),
            ("components: {prometheus: {retention: {size: 8EB}}}", Some(("components.prometheus.retention.size", "`8EB`"))),
            ("components: {prometheus: {retention: {size: 99999999999999999999EB}}}", Some(("components.prometheus.retention.size", "`99999999999999999999EB`"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
