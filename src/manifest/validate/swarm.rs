//! The scale-out keys: `swarm.agents`, `swarm.replicas`, `swarm.placement`, and what a Swarm
//! cannot do for this manifest (publishing on loopback only).

use super::quoted_list;
use crate::manifest::{Diagnostic, EngineKind, Manifest, AGENT_KINDS, REPLICABLE};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let declared = declared(manifest);
    let swarm = &manifest.swarm;
    for (index, agent) in swarm.agents.iter().flatten().enumerate() {
        let path = format!("swarm.agents[{index}]");
        if !AGENT_KINDS.contains(&agent.as_str()) {
            problems.push(
                Diagnostic::new(path, format!("`{agent}` cannot run as a per-node agent"))
                    .hint(format!("agents are {}", quoted_list(&AGENT_KINDS))),
            );
        } else if !declared.contains(&agent.as_str()) {
            problems.push(not_declared(&path, agent));
        }
    }
    let agents = swarm.agents_of(&declared);
    for (component, count) in &swarm.replicas {
        let path = format!("swarm.replicas.{component}");
        if agents.contains(component) {
            problems.push(
                Diagnostic::new(path, format!("`{component}` is an agent: it runs one task on every node"))
                    .hint(format!("remove `swarm.replicas.{component}`, or remove it from `swarm.agents` to run a fixed number of replicas")),
            );
        } else if !REPLICABLE.contains(&component.as_str()) {
            problems.push(
                Diagnostic::new(path, format!("`{component}` cannot run as several replicas"))
                    .hint(format!("only {} keep working as replicas (Alertmanager gossips, Prometheus replicas get a `replica` label); the others keep state one replica cannot share", quoted_list(&REPLICABLE))),
            );
        } else if !declared.contains(&component.as_str()) {
            problems.push(not_declared(&path, component));
        } else if *count == 0 {
            problems.push(
                Diagnostic::new(path, "a replica count must be at least 1")
                    .hint(format!("remove `components.{component}` to run none")),
            );
        }
    }
    for (component, constraints) in &swarm.placement {
        let path = format!("swarm.placement.{component}");
        if !declared.contains(&component.as_str()) {
            problems.push(not_declared(&path, component));
        }
        for (index, constraint) in constraints.iter().enumerate() {
            if !is_constraint(constraint) {
                problems.push(
                    Diagnostic::new(format!("{path}[{index}]"), format!("`{constraint}` is not a Swarm placement constraint"))
                        .hint("write `ATTRIBUTE==VALUE` or `ATTRIBUTE!=VALUE`, e.g. `node.role==manager`, `node.hostname==db1`, `node.labels.zone==a`"),
                );
            }
        }
    }
    if manifest.engine == EngineKind::Swarm {
        check_bind(manifest, problems);
    }
}

/// Swarm publishes a port on every interface of every node (ingress and host mode alike): a
/// stack meant for this host only cannot keep that promise on a Swarm.
pub(crate) fn check_bind(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let bind = manifest.bind.trim_start_matches('[').trim_end_matches(']');
    let loopback = bind.eq_ignore_ascii_case("localhost")
        || bind
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        problems.push(
            Diagnostic::new("bind", format!("`engine: swarm` cannot publish ports on `{}` only", manifest.bind))
                .hint("Swarm publishes every port on all interfaces of every node; set `bind: 0.0.0.0` (stackctl then requires a password for Prometheus, Alertmanager and the Pushgateway), or use `engine: compose` on one host"),
        );
    }
}

fn not_declared(path: &str, component: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("`{component}` is not a component of this stack"),
    )
    .hint(format!(
        "add `components.{component}`, or remove this entry"
    ))
}

/// `node.role==manager`, `node.labels.zone != a`.
fn is_constraint(text: &str) -> bool {
    let Some((attribute, value)) = text.split_once("==").or_else(|| text.split_once("!=")) else {
        return false;
    };
    let attribute = attribute.trim();
    !attribute.is_empty()
        && !value.trim().is_empty()
        && attribute
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The component keys the manifest declares.
pub fn declared(manifest: &Manifest) -> Vec<&'static str> {
    let c = &manifest.components;
    [
        ("prometheus", c.prometheus.is_some()),
        ("alertmanager", c.alertmanager.is_some()),
        ("grafana", c.grafana.is_some()),
        ("loki", c.loki.is_some()),
        ("alloy", c.alloy.is_some()),
        ("promtail", c.promtail.is_some()),
        ("jaeger", c.jaeger.is_some()),
        ("node_exporter", c.node_exporter.is_some()),
        ("cadvisor", c.cadvisor.is_some()),
        ("blackbox_exporter", c.blackbox_exporter.is_some()),
        ("pushgateway", c.pushgateway.is_some()),
    ]
    .into_iter()
    .filter_map(|(key, present)| present.then_some(key))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    const STACK: &str = "components: {prometheus: {}, alertmanager: {}, node_exporter: {}}";

    #[test]
    fn swarm_keys_table() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("swarm: {replicas: {alertmanager: 3, prometheus: 2}}", None),
            (
                "swarm: {agents: [node_exporter], placement: {prometheus: ['node.role==manager']}}",
                None,
            ),
            (
                "swarm: {agents: [grafana]}",
                Some(("swarm.agents[0]", "cannot run as a per-node agent")),
            ),
            (
                "swarm: {agents: [cadvisor]}",
                Some(("swarm.agents[0]", "is not a component")),
            ),
            (
                "swarm: {replicas: {node_exporter: 2}}",
                Some(("swarm.replicas.node_exporter", "is an agent")),
            ),
            (
                "swarm: {replicas: {grafana: 2}}",
                Some(("swarm.replicas.grafana", "cannot run as several replicas")),
            ),
            (
                "swarm: {replicas: {alertmanager: 0}}",
                Some(("swarm.replicas.alertmanager", "at least 1")),
            ),
            (
                "swarm: {placement: {prometheus: ['node.role']}}",
                Some((
                    "swarm.placement.prometheus[0]",
                    "not a Swarm placement constraint",
                )),
            ),
            (
                "swarm: {placement: {loki: ['node.role==manager']}}",
                Some(("swarm.placement.loki", "is not a component")),
            ),
            (
                "engine: swarm",
                Some(("bind", "cannot publish ports on `127.0.0.1` only")),
            ),
            ("engine: swarm\nbind: 0.0.0.0", None),
        ];
        for (extra, want) in cases {
            check_case(&format!("{STACK}\n{extra}"), *want);
        }
    }
}
