//! prometheus.yml on a Swarm (`engine: swarm`): agents found on every node through
//! `dockerswarm_sd_configs` (role `tasks`, so a node that joins is scraped without a
//! redeploy), the other components and Alertmanager through `tasks.SERVICE` DNS, and a
//! `replica` external label that tells Prometheus replicas apart.

use super::config::{DnsSdConfig, DockerFilter, DockerSwarmSdConfig, ScrapeConfig};
use crate::manifest::EngineKind;
use crate::render::swarm::placing;
use crate::render::{Component, Kind, Stack};

/// The label each Prometheus replica adds to what it sends (`{{.Task.Slot}}`).
pub(crate) const REPLICA_LABEL: &str = "replica";

pub(crate) fn on_swarm(stack: &Stack) -> bool {
    stack.manifest.engine == EngineKind::Swarm
}

/// Whether Prometheus finds agents through the Docker API (and so needs the socket).
pub(crate) fn discovers_agents(stack: &Stack) -> bool {
    on_swarm(stack)
        && stack
            .components
            .iter()
            .any(|c| c.metrics_path.is_some() && placing(stack, &c.kind, &c.key).global)
}

/// Replaces a component job's fixed target by discovery, when the component runs as several
/// tasks on a Swarm.
pub(crate) fn discover(stack: &Stack, component: &Component, job: &mut ScrapeConfig) {
    if !on_swarm(stack) || component.kind == Kind::Prometheus {
        return;
    }
    let placing = placing(stack, &component.kind, &component.key);
    let port = metrics_port(component);
    if placing.global {
        let project = &stack.manifest.project;
        job.static_configs.clear();
        job.dockerswarm_sd_configs = vec![DockerSwarmSdConfig {
            host: "unix:///var/run/docker.sock",
            role: "tasks",
            port,
            refresh_interval: "2s",
            filters: vec![
                DockerFilter {
                    name: "service",
                    values: vec![format!("{project}_{}", component.service)],
                },
                DockerFilter {
                    name: "desired-state",
                    values: vec!["running".to_string()],
                },
            ],
        }];
        let network = crate::labels::default_network(project);
        job.relabel_configs = vec![
            rule(
                &[("source_labels", "[__meta_dockerswarm_network_name]")],
                &format!("regex: {}\naction: keep", regex_literal(&network)),
            ),
            rule(
                &[("source_labels", "[__meta_dockerswarm_node_hostname]")],
                "target_label: instance",
            ),
            rule(
                &[("source_labels", "[__meta_dockerswarm_node_id]")],
                "target_label: node_id",
            ),
        ];
    } else {
        // Every replica, and no reliance on the service's virtual IP (IPVS).
        job.static_configs.clear();
        job.dns_sd_configs = vec![tasks_of(&component.service, port)];
    }
}

/// The name a client verifies the certificate against when it reaches `kind` by address: on
/// a Swarm every component but Prometheus itself (which scrapes `localhost`) is found through
/// `tasks.SERVICE` DNS, whose answers are task IPs; the certificate names the service.
pub(crate) fn server_name(stack: &Stack, kind: &Kind) -> Option<String> {
    if !on_swarm(stack) || *kind == Kind::Prometheus {
        return None;
    }
    stack.get(kind).map(|component| component.service.clone())
}

/// Alertmanager's replicas as Prometheus' alerting target, on a Swarm.
pub(crate) fn alertmanager_dns(stack: &Stack) -> Option<DnsSdConfig> {
    let alertmanager = stack.get(&Kind::Alertmanager).filter(|_| on_swarm(stack))?;
    Some(tasks_of(&alertmanager.service, alertmanager.container_port))
}

/// `replica: ${STACKCTL_REPLICA}` when Prometheus runs as several replicas on a Swarm.
pub(crate) fn replica_label(stack: &Stack, prometheus: &Component) -> Option<(String, String)> {
    if !on_swarm(stack) || placing(stack, &prometheus.kind, &prometheus.key).replicas < 2 {
        return None;
    }
    Some((
        REPLICA_LABEL.to_string(),
        format!("${{{}}}", crate::render::swarm::REPLICA_VARIABLE),
    ))
}

fn tasks_of(service: &str, port: u16) -> DnsSdConfig {
    DnsSdConfig {
        names: vec![format!("tasks.{service}")],
        kind: "A",
        port,
    }
}

fn metrics_port(component: &Component) -> u16 {
    component
        .metrics_address()
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or(component.container_port)
}

fn regex_literal(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect();
    format!("'{escaped}'")
}

fn rule(head: &[(&str, &str)], tail: &str) -> serde_yaml::Value {
    let mut text = String::new();
    for (key, value) in head {
        text.push_str(&format!("{key}: {value}\n"));
    }
    text.push_str(tail);
    serde_yaml::from_str(&text).unwrap_or(serde_yaml::Value::Null)
}
