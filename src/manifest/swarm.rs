//! The scale-out keys (`engine`, `swarm`): which engine runs the stack, and on a Docker Swarm,
//! the agents that run on every node, replica counts and placement constraints. Shapes only;
//! `validate::swarm` judges them.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What runs the stack: containers on this host (`compose`) or services on a Swarm.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Containers on this Docker host.
    #[default]
    Compose,
    /// Services on a Docker Swarm.
    Swarm,
}

impl EngineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Compose => "compose",
            EngineKind::Swarm => "swarm",
        }
    }
}

/// `swarm:` — read only when the engine is `swarm`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Swarm {
    /// Components run as `mode: global` (one task per node), by component key
    /// (`node_exporter`, `cadvisor`, `alloy`, `promtail`). Default: those present.
    #[serde(default)]
    pub agents: Option<Vec<String>>,
    /// Tasks per component (`alertmanager: 3`, `prometheus: 2`); 1 when left out.
    #[serde(default)]
    pub replicas: BTreeMap<String, u64>,
    /// Swarm placement constraints per component (`node.role==manager`).
    #[serde(default)]
    pub placement: BTreeMap<String, Vec<String>>,
}

/// Component keys that may run on every node.
pub(crate) const AGENT_KINDS: [&str; 4] = ["node_exporter", "cadvisor", "alloy", "promtail"];

/// Component keys that may run several replicas, and why the others may not.
pub(crate) const REPLICABLE: [&str; 3] = ["alertmanager", "prometheus", "blackbox_exporter"];

impl Swarm {
    /// The agents of a stack whose declared components are `present` (component keys).
    pub(crate) fn agents_of(&self, present: &[&str]) -> Vec<String> {
        match &self.agents {
            Some(agents) => agents.clone(),
            None => AGENT_KINDS
                .iter()
                .filter(|k| present.contains(k))
                .map(|k| k.to_string())
                .collect(),
        }
    }

    pub(crate) fn replicas_of(&self, component: &str) -> u64 {
        self.replicas.get(component).copied().unwrap_or(1)
    }
}
