//! `engine: swarm`: the desired stack (`render::swarm::StackFile`) against what the Swarm
//! holds → what to create, update and remove. Pure; `commands::swarm` applies it.
//!
//! Decision order: the network when missing; each config and secret whose name (which
//! carries its content hash) is missing; each service: create when missing, update when
//! its `io.stackctl.spec-hash` label differs, else nothing; services of the stack that the
//! file no longer has are removed. A plan with none of these is up to date: deploy touches
//! nothing. Configs and secrets no service uses are removed after the services converge.

use crate::docker::swarm::{ObservedObject, ObservedService};
use crate::docker::swarm_spec::service_name;
use crate::render::swarm::{StackFile, HASH_LABEL};

/// What the Swarm holds for the stack.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub network: Option<String>,
    pub services: Vec<ObservedService>,
    pub configs: Vec<ObservedObject>,
    pub secrets: Vec<ObservedObject>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceAction {
    Create,
    Update { id: String, version: u64 },
    Keep { id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStep {
    /// Key in the stack file (`prometheus`).
    pub key: String,
    pub action: ServiceAction,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwarmPlan {
    pub create_network: bool,
    /// Names of configs to create.
    pub configs: Vec<String>,
    /// Names of secrets to create.
    pub secrets: Vec<String>,
    pub services: Vec<ServiceStep>,
    /// Services of the stack that the file no longer has: (name, id).
    pub remove: Vec<(String, String)>,
}

impl SwarmPlan {
    pub(crate) fn is_up_to_date(&self) -> bool {
        !self.create_network
            && self.configs.is_empty()
            && self.secrets.is_empty()
            && self.remove.is_empty()
            && self
                .services
                .iter()
                .all(|s| matches!(s.action, ServiceAction::Keep { .. }))
    }

    /// One line per change, for `--dry-run`.
    pub fn describe(&self, network: &str) -> Vec<String> {
        let mut lines = Vec::new();
        if self.create_network {
            lines.push(format!("create overlay network {network}"));
        }
        lines.extend(self.configs.iter().map(|c| format!("create config {c}")));
        lines.extend(self.secrets.iter().map(|s| format!("create secret {s}")));
        for step in &self.services {
            match step.action {
                ServiceAction::Create => lines.push(format!("create service {}", step.key)),
                ServiceAction::Update { .. } => {
                    lines.push(format!("update service {} (rolling)", step.key))
                }
                ServiceAction::Keep { .. } => {}
            }
        }
        lines.extend(
            self.remove
                .iter()
                .map(|(name, _)| format!("remove service {name}")),
        );
        lines
    }
}

pub fn plan(project: &str, file: &StackFile, observed: &Observed) -> SwarmPlan {
    let has = |objects: &[ObservedObject], name: &str| objects.iter().any(|o| o.name == name);
    let mut plan = SwarmPlan {
        create_network: observed.network.is_none(),
        ..SwarmPlan::default()
    };
    for object in file.configs.values() {
        if !has(&observed.configs, &object.name) && !plan.configs.contains(&object.name) {
            plan.configs.push(object.name.clone());
        }
    }
    for object in file.secrets.values() {
        if !has(&observed.secrets, &object.name) && !plan.secrets.contains(&object.name) {
            plan.secrets.push(object.name.clone());
        }
    }
    for (key, service) in &file.services {
        let name = service_name(project, key);
        let action = match observed.services.iter().find(|s| s.name == name) {
            None => ServiceAction::Create,
            Some(found)
                if found.labels.get(HASH_LABEL) == service.deploy.labels.get(HASH_LABEL) =>
            {
                ServiceAction::Keep {
                    id: found.id.clone(),
                }
            }
            Some(found) => ServiceAction::Update {
                id: found.id.clone(),
                version: found.version,
            },
        };
        plan.services.push(ServiceStep {
            key: key.clone(),
            action,
        });
    }
    for found in &observed.services {
        let wanted = file
            .services
            .keys()
            .any(|key| service_name(project, key) == found.name);
        if !wanted {
            plan.remove.push((found.name.clone(), found.id.clone()));
        }
    }
    plan
}

/// Configs and secrets of the stack that the file no longer names (removed once unused).
pub fn unused<'a>(
    file: &StackFile,
    observed: &'a Observed,
) -> (Vec<&'a ObservedObject>, Vec<&'a ObservedObject>) {
    let configs = observed
        .configs
        .iter()
        .filter(|o| !file.configs.values().any(|c| c.name == o.name))
        .collect();
    let secrets = observed
        .secrets
        .iter()
        .filter(|o| !file.secrets.values().any(|c| c.name == o.name))
        .collect();
    (configs, secrets)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::render::swarm::*;

    fn file(hash: &str, config: &str) -> StackFile {
        let yaml = format!(
            "version: '3.8'
services:
  prometheus:
    image: p
    networks: {{default: {{}}}}
    logging: {{driver: json-file, options: {{}}}}
    configs: [{{source: c, target: /etc/p.yml, uid: '0', gid: '0', mode: 292}}]
    deploy:
      mode: replicated
      endpoint_mode: dnsrr
      replicas: 1
      update_config: {{parallelism: 1, delay: 0s, order: stop-first, failure_action: rollback, monitor: 5s}}
      rollback_config: {{parallelism: 1, delay: 0s, order: stop-first, failure_action: pause, monitor: 5s}}
      restart_policy: {{condition: any, delay: 1s}}
      labels: {{io.stackctl.spec-hash: {hash}}}
networks: {{default: {{name: demo_default, driver: overlay, attachable: true}}}}
configs: {{c: {{name: {config}, file: ./p.yml, labels: {{}}}}}}
"
        );
        serde_yaml::from_str(&yaml).unwrap()
    }

    fn observed(hash: &str, config: &str) -> Observed {
        Observed {
            network: Some("net".into()),
            services: vec![ObservedService {
                id: "s1".into(),
                name: "demo_prometheus".into(),
                version: 7,
                labels: BTreeMap::from([(HASH_LABEL.to_string(), hash.to_string())]),
                update_state: None,
                update_message: None,
                update_started: None,
                replicas: Some(1),
            }],
            configs: vec![ObservedObject {
                id: "c1".into(),
                name: config.into(),
            }],
            secrets: Vec::new(),
        }
    }

    #[test]
    fn decision_table() {
        // Nothing deployed: network, config and service are created.
        let cold = plan("demo", &file("h1", "demo_c-1"), &Observed::default());
        assert!(cold.create_network);
        assert_eq!(cold.configs, vec!["demo_c-1"]);
        assert_eq!(cold.services[0].action, ServiceAction::Create);
        // Same hash, same config name: up to date, nothing touched.
        let same = plan("demo", &file("h1", "demo_c-1"), &observed("h1", "demo_c-1"));
        assert!(same.is_up_to_date(), "{same:?}");
        // Changed config: a new config object and a rolling update at the observed version.
        let changed = plan("demo", &file("h2", "demo_c-2"), &observed("h1", "demo_c-1"));
        assert_eq!(changed.configs, vec!["demo_c-2"]);
        assert_eq!(
            changed.services[0].action,
            ServiceAction::Update {
                id: "s1".into(),
                version: 7
            }
        );
        let before = observed("h1", "demo_c-1");
        let (configs, _) = unused(&file("h2", "demo_c-2"), &before);
        assert_eq!(configs[0].name, "demo_c-1");
        // A service the file no longer has is removed.
        let mut extra = observed("h1", "demo_c-1");
        extra.services.push(ObservedService {
            id: "s2".into(),
            name: "demo_old".into(),
            ..extra.services[0].clone()
        });
        let removing = plan("demo", &file("h1", "demo_c-1"), &extra);
        assert_eq!(
            removing.remove,
            vec![("demo_old".to_string(), "s2".to_string())]
        );
    }
}
