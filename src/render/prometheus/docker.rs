//! Docker service discovery jobs (`scrape[].docker`) and the relabeling that picks targets.
//!
//! Convention, for `docker: {label: L}` (e.g. `prometheus.scrape`):
//! - a container is scraped when it carries the label `L=true`;
//! - `L.port`, `L.path` and `L.scheme` on the container override the port, metrics path and
//!   scheme (`http`/`https`); otherwise `docker.port` of the job (if set) or the port the
//!   container exposes is used, with the job's `metrics_path` and `scheme`;
//! - only the container's address on a network Prometheus shares (the project network
//!   `<project>_default` and every entry of `networks`) is scraped;
//! - the target gets `container` and `instance` = the container name, and `service` = its
//!   compose service (`com.docker.compose.service`) when it has one; the job's `labels` are
//!   added last, then the job's own `relabel` rules run.
//!
//! A container exposing several ports without `L.port` and without `docker.port` would be
//! scraped once per port under one `instance`: give it `L.port`.

use super::config::{DockerFilter, DockerSdConfig, Relabel, ScrapeConfig};
use crate::manifest::{DockerDiscovery, Manifest, ScrapeJob};

pub(crate) const DOCKER_SOCKET: &str = "unix:///var/run/docker.sock";

/// Turns `config` into a Docker service discovery job following the convention above.
pub(crate) fn docker_job(
    config: &mut ScrapeConfig,
    job: &ScrapeJob,
    docker: &DockerDiscovery,
    manifest: &Manifest,
) {
    config.docker_sd_configs = vec![DockerSdConfig {
        host: DOCKER_SOCKET,
        port: docker.port,
        filters: vec![DockerFilter {
            name: "label",
            values: vec![format!("{}=true", docker.label)],
        }],
    }];
    let mut rules = docker_relabeling(docker, &shared_networks(manifest));
    rules.extend(
        job.labels
            .iter()
            .map(|(name, value)| Relabel::set(name, value)),
    );
    config.relabel_configs = rules.iter().map(Relabel::to_value).collect();
    config.relabel_configs.extend(job.relabel.iter().cloned());
}

/// The Docker networks Prometheus is attached to: the project's and the declared external ones.
fn shared_networks(manifest: &Manifest) -> Vec<String> {
    let mut networks = vec![format!("{}_default", manifest.project)];
    networks.extend(manifest.networks.iter().cloned());
    networks
}

fn docker_relabeling(docker: &DockerDiscovery, networks: &[String]) -> Vec<Relabel> {
    let meta = format!(
        "__meta_docker_container_label_{}",
        label_name(&docker.label)
    );
    let alternatives: Vec<String> = networks
        .iter()
        .map(|n| crate::expr::regex::quote_meta(n))
        .collect();
    let mut rules = vec![
        Relabel {
            source_labels: vec![meta.clone()],
            regex: Some("true".into()),
            action: Some("keep"),
            ..Relabel::default()
        },
        Relabel {
            source_labels: vec!["__meta_docker_network_name".into()],
            regex: Some(alternatives.join("|")),
            action: Some("keep"),
            ..Relabel::default()
        },
    ];
    if let Some(port) = docker.port {
        rules.push(Relabel {
            source_labels: vec!["__meta_docker_network_ip".into()],
            regex: Some("(.+)".into()),
            target_label: Some("__address__".into()),
            replacement: Some(format!("$1:{port}")),
            ..Relabel::default()
        });
    }
    rules.extend([
        Relabel {
            source_labels: vec!["__meta_docker_network_ip".into(), format!("{meta}_port")],
            regex: Some("(.+);([0-9]+)".into()),
            target_label: Some("__address__".into()),
            replacement: Some("$1:$2".into()),
            ..Relabel::default()
        },
        Relabel::capture(&format!("{meta}_path"), "(.+)", "__metrics_path__"),
        Relabel::capture(&format!("{meta}_scheme"), "(https?)", "__scheme__"),
        Relabel::capture("__meta_docker_container_name", "/?(.+)", "container"),
        Relabel::capture("__meta_docker_container_name", "/?(.+)", "instance"),
        Relabel::capture(
            "__meta_docker_container_label_com_docker_compose_service",
            "(.+)",
            "service",
        ),
    ]);
    rules
}

/// Prometheus' name for a Docker label in meta labels: every character outside
/// `[a-zA-Z0-9_]` becomes `_` (`prometheus.scrape` → `prometheus_scrape`).
pub(crate) fn label_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_label_names_are_sanitized_like_prometheus_does() {
        let cases = [
            ("prometheus.scrape", "prometheus_scrape"),
            ("a-b/c", "a_b_c"),
            ("ok_1", "ok_1"),
        ];
        for (label, want) in cases {
            assert_eq!(label_name(label), want);
        }
    }

    #[test]
    fn network_names_match_literally() {
        assert_eq!(
            crate::expr::regex::quote_meta("shop_default"),
            "shop_default"
        );
        assert_eq!(crate::expr::regex::quote_meta("a.b+c"), "a\\.b\\+c");
    }

    #[test]
    fn docker_relabeling_keeps_labelled_containers_on_shared_networks() {
        let docker = DockerDiscovery {
            label: "prometheus.scrape".into(),
            port: Some(8080),
        };
        let rules = docker_relabeling(&docker, &["shop_default".into(), "shop.net".into()]);
        let keeps: Vec<(Vec<String>, Option<String>)> = rules
            .iter()
            .filter(|r| r.action == Some("keep"))
            .map(|r| (r.source_labels.clone(), r.regex.clone()))
            .collect();
        assert_eq!(
            keeps,
            [
                (
                    vec!["__meta_docker_container_label_prometheus_scrape".to_string()],
                    Some("true".to_string())
                ),
                (
                    vec!["__meta_docker_network_name".to_string()],
                    Some("shop_default|shop\\.net".to_string())
                ),
            ]
        );
        let targets: Vec<&str> = rules
            .iter()
            .filter_map(|r| r.target_label.as_deref())
            .collect();
        // The job's port comes before the container's own `.port` label, which therefore wins.
        assert_eq!(
            targets,
            [
                "__address__",
                "__address__",
                "__metrics_path__",
                "__scheme__",
                "container",
                "instance",
                "service"
            ]
        );
        assert_eq!(
            rules[3].source_labels[1],
            "__meta_docker_container_label_prometheus_scrape_port"
        );
    }

    #[test]
    fn fixed_values_survive_relabel_expansion() {
        let rule = Relabel::set("team", "$1 pays");
        assert_eq!(rule.replacement.as_deref(), Some("$$1 pays"));
    }
}
