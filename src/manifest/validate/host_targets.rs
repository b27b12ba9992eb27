//! Loopback targets: inside a container `localhost` is the container itself, not the Docker
//! host, so `localhost:3002` in a scrape job scrapes Prometheus' own container (nothing, or
//! Prometheus when the port is 9090). Stack containers resolve `host.docker.internal` to the
//! host (host-gateway), which is what such a target means.

use super::super::diagnostic::Diagnostic;
use super::super::model::Manifest;

/// Prometheus listens on this port inside its container: `localhost:9090` is Prometheus
/// scraping itself, which is legitimate.
const PROMETHEUS_PORT: u16 = 9090;

/// The name stack containers reach the Docker host by.
pub(crate) const DOCKER_HOST_NAME: &str = "host.docker.internal";

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (index, job) in manifest.scrape.iter().enumerate() {
        for (t, target) in job.targets.iter().enumerate() {
            if let Some(port) = loopback_port(target).filter(|p| *p != PROMETHEUS_PORT) {
                problems.push(problem(
                    &format!("scrape[{index}].targets[{t}]"),
                    target,
                    "Prometheus",
                    &format!("{DOCKER_HOST_NAME}:{port}"),
                ));
            }
        }
        for (t, target) in job.probe.iter().flat_map(|p| p.targets.iter()).enumerate() {
            let host_port = url_host_port(target);
            if let Some(port) = loopback_port(host_port) {
                problems.push(problem(
                    &format!("scrape[{index}].probe.targets[{t}]"),
                    target,
                    "the blackbox exporter",
                    &target.replacen(host_port, &format!("{DOCKER_HOST_NAME}:{port}"), 1),
                ));
            }
        }
    }
    for (index, exporter) in manifest.exporters.iter().enumerate() {
        let Some(target) = &exporter.target else {
            continue;
        };
        if let Some(port) = loopback_port(url_host_port(target)) {
            problems.push(problem(
                &format!("exporters[{index}].target"),
                target,
                "the exporter",
                &format!("{DOCKER_HOST_NAME}:{port}"),
            ));
        }
    }
}

fn problem(path: &str, target: &str, container: &str, instead: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("`{target}` is {container}'s own container, not the Docker host"),
    )
    .hint(format!(
        "inside a container `localhost` is the container itself; an application on the Docker host is `{instead}` (every stack container resolves `{DOCKER_HOST_NAME}`), another container is `name:port` on a shared network"
    ))
}

/// The port of `localhost:PORT`, `127.0.0.1:PORT` (any 127.x) or `[::1]:PORT`.
fn loopback_port(host_port: &str) -> Option<u16> {
    let (host, port) = host_port.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1";
    loopback.then(|| port.parse().ok()).flatten()
}

/// `host:port` of a URL (`http://localhost:3000/health` → `localhost:3000`); the text itself
/// when it has no scheme.
fn url_host_port(target: &str) -> &str {
    let rest = target.split_once("://").map_or(target, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn loopback_targets_are_refused_with_the_docker_host_name() {
        let cases: Vec<(&str, Option<(&str, &str)>)> = vec![
            ("scrape: [{job: app, targets: ['host.docker.internal:3002']}]", None),
            ("scrape: [{job: app, targets: ['localhost:9090']}]", None),
            ("scrape: [{job: app, targets: ['api:3002', 'localhost:3002']}]", Some(("scrape[0].targets[1]", "`localhost:3002` is Prometheus's own container"))),
            ("scrape: [{job: app, targets: ['127.0.0.1:8080']}]", Some(("scrape[0].targets[0]", "not the Docker host"))),
            ("scrape: [{job: app, targets: ['[::1]:8080']}]", Some(("scrape[0].targets[0]", "not the Docker host"))),
            ("components: {blackbox_exporter: {}}\nscrape: [{job: site, probe: {module: http_2xx, targets: ['http://localhost:3000/health']}}]", Some(("scrape[0].probe.targets[0]", "blackbox exporter's own container"))),
            ("exporters: [{type: redis, target: 'localhost:6379'}]", Some(("exporters[0].target", "the exporter's own container"))),
            ("exporters: [{type: redis, target: 'redis://127.0.0.1:6379'}]", Some(("exporters[0].target", "not the Docker host"))),
        ];
        for (extra, want) in cases {
            check_case(extra, want);
        }
    }

    #[test]
    fn the_hint_names_host_docker_internal_with_the_port() {
        let found = super::super::test_support::problems(
            "scrape: [{job: site, probe: {module: http_2xx, targets: ['http://localhost:3000/health']}}]\ncomponents: {blackbox_exporter: {}}",
        );
        let hint = found[0].hint.as_deref().unwrap();
        assert!(
            hint.contains("`http://host.docker.internal:3000/health`"),
            "{hint}"
        );
    }
}
